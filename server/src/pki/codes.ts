// The codes the pki module's findings carry, with their default severity. The service's catalogue
// (service/codes.ts) takes them in as its Contents category; pki itself depends on nothing above it.

export const PKI_CODES = {
  'unrecognized-content': { severity: 'error', summary: 'Neither PEM nor DER certificates or keys, nor PKCS#12.' },
  'wrong-content-kind': { severity: 'error', summary: 'A key where certificates belong, or certificates where a key belongs.' },
  'private-key-exposed': { severity: 'warning', summary: 'A private key inside a file meant for certificates only.' },
  'der-encoded': { severity: 'warning', summary: 'A DER certificate where the EMS documents PEM.' },
  'cert-expired': { severity: 'error', summary: 'A certificate past its notAfter date.' },
  'cert-not-yet-valid': { severity: 'error', summary: 'A certificate before its notBefore date.' },
  'cert-time-format': { severity: 'error', summary: 'A validity time not written as RFC 5280 wants it (an offset, fractional seconds): OpenSSL 1.0.2p and later refuse the certificate.' },
  'cert-expiring-soon': { severity: 'warning', summary: 'A certificate that expires within the warning window.' },
  'weak-signature': { severity: 'warning', summary: 'A certificate signed with MD5 or SHA-1.' },
  'signature-not-listed': { severity: 'information', summary: 'A signature algorithm outside MD5, SHA-1 and SHA-256, the ones the EMS documents.' },
  'weak-key': { severity: 'warning', summary: 'RSA under 2048 bits or EC under 256 bits.' },
  'not-a-ca': { severity: 'warning', summary: 'A certificate in a CA list that is not a CA.' },
  'chain-order': { severity: 'error', summary: 'An identity chain not leaf first, each certificate issued by the next.' },
  'chain-incomplete': { severity: 'warning', summary: 'An identity chain whose last certificate is not a root and whose issuer is neither in the file nor in a CA list the config names.' },
  'ec-explicit-parameters': { severity: 'warning', summary: 'A certificate whose EC key spells out its curve: OpenSSL 3 refuses to verify a chain that holds it (error 94).' },
  'key-mismatch': { severity: 'error', summary: 'The private key does not belong to the certificate.' },
  'key-encrypted-no-passphrase': { severity: 'error', summary: 'An encrypted key with no passphrase configured.' },
  'key-passphrase-wrong': { severity: 'error', summary: 'The configured passphrase does not open the key.' },
  'key-algorithm-unsupported': { severity: 'warning', summary: 'A key encrypted with an algorithm OpenSSL 3 has only in its legacy provider (PBES1, RC2, RC4, DES, …), or one OpenSSL does not know (then an error).' },
  'key-not-tried': { severity: 'warning', summary: 'A key whose password-based encryption asks for more work than any real tool uses; not tried.' },
} as const satisfies Record<string, { severity: 'error' | 'warning' | 'information'; summary: string }>;

export type PkiCode = keyof typeof PKI_CODES;
