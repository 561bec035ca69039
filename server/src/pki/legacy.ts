// Key encryptions OpenSSL 3 cannot use without its legacy provider (OSSL_PROVIDER-legacy(7)), read from the
// file before anything is derived. The EMS is an OpenSSL program: from 5.5.0 it ships OpenSSL 3, which fails
// on such a key with "unsupported" (inner_evp_generic_fetch) whatever the passphrase, while the OpenSSL
// 1.0.2 and 1.1.1 of older releases open it. Checked against `openssl pkey` / `openssl pkcs12` 3.0 with and
// without `-provider legacy` (test/unit/openssl.test.ts).
import type forge from 'node-forge';
import { children, explicit0, octets, oid, readDer } from './asn1';
import type { UnsupportedAlgorithm } from './types';

type Asn1 = forge.asn1.Asn1;

/** Algorithm identifiers of an encrypted PKCS#8 key or PKCS#12 bag, by OID, with OpenSSL's names. */
const LEGACY_OIDS: Readonly<Record<string, string>> = {
  // PKCS#5 PBES1: every scheme derives with PBKDF1, which OpenSSL 3 has only in the legacy provider.
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.4': 'pbeWithMD2AndRC2-CBC',
  '1.2.840.113549.1.5.6': 'pbeWithMD5AndRC2-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
  '1.2.840.113549.1.5.11': 'pbeWithSHA1AndRC2-CBC',
  // PKCS#12 PBE with RC4 or RC2 (the 3DES and 2DES ones are in the default provider).
  '1.2.840.113549.1.12.1.1': 'pbeWithSHA1And128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHA1And40BitRC4',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHA1And128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHA1And40BitRC2-CBC',
  // PBES2 encryption schemes: single DES, RC2, RC4, Blowfish, CAST5, IDEA and SEED.
  '1.3.14.3.2.6': 'DES-ECB',
  '1.3.14.3.2.7': 'DES-CBC',
  '1.3.14.3.2.8': 'DES-OFB',
  '1.3.14.3.2.9': 'DES-CFB',
  '1.2.840.113549.3.2': 'RC2-CBC',
  '1.2.840.113549.3.4': 'RC4',
  '1.3.6.1.4.1.3029.1.2': 'BF-CBC',
  '1.2.840.113533.7.66.10': 'CAST5-CBC',
  '1.3.6.1.4.1.188.7.1.1.2': 'IDEA-CBC',
  '1.2.410.200004.1.3': 'SEED-ECB',
  '1.2.410.200004.1.4': 'SEED-CBC',
  '1.2.410.200004.1.5': 'SEED-OFB',
  '1.2.410.200004.1.6': 'SEED-CFB',
};

/** Traditional PEM encryption (the cipher of DEK-Info) that OpenSSL 3 has only in the legacy provider. */
const LEGACY_PEM_CIPHER = /^(DES(?!-EDE)|DESX|BF|BLOWFISH|CAST5?|IDEA|RC2|RC4|SEED)(-|$)/i;

const PBES2 = '1.2.840.113549.1.5.13';
const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';

/** PKCS#12 structures looked at, at most: far more than any real file (a key, a chain, their bags). */
const MAX_PKCS12_ENTRIES = 1000;
/** safeContentsBag inside safeContentsBag, at most this deep. */
const MAX_SAFE_NESTING = 4;

const known = (algorithm: string): UnsupportedAlgorithm => ({ algorithm, refusedFrom: '3.0' });

/** An AlgorithmIdentifier of key encryption: a legacy PBES1/PKCS#12 scheme, or PBES2 with a legacy cipher. */
function encryptionAlgorithm(node: Asn1 | undefined): UnsupportedAlgorithm | undefined {
  const [id, parameters] = children(node);
  const scheme = oid(id);
  if (scheme === undefined) return undefined;
  if (LEGACY_OIDS[scheme]) return known(LEGACY_OIDS[scheme]);
  if (scheme !== PBES2) return undefined;
  const cipher = oid(children(children(parameters)[1])[0]);
  return cipher !== undefined && LEGACY_OIDS[cipher] ? known(LEGACY_OIDS[cipher]) : undefined;
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData } (RFC 5958), as DER. */
export function pkcs8LegacyAlgorithm(der: Uint8Array): UnsupportedAlgorithm | undefined {
  return encryptionAlgorithm(children(readDer(der))[0]);
}

/** The name a failed encrypted PKCS#8 key gives its encryption: OpenSSL's, else the OID (for PBES2, the cipher's). */
export function pkcs8AlgorithmName(der: Uint8Array): string {
  const [id, parameters] = children(children(readDer(der))[0]);
  const scheme = oid(id);
  const cipher = scheme === PBES2 ? oid(children(children(parameters)[1])[0]) : undefined;
  const name = cipher ?? scheme;
  return name === undefined ? 'an unknown algorithm' : LEGACY_OIDS[name] ?? name;
}

/** The cipher of a traditional encrypted PEM key ("DEK-Info: DES-CBC,…"), upper case as OpenSSL names it. */
export function pemCipher(pem: string): string | undefined {
  return /^DEK-Info:[ \t]*([^,\s]+)/m.exec(pem)?.[1]?.toUpperCase();
}

export function pemLegacyAlgorithm(pem: string): UnsupportedAlgorithm | undefined {
  const cipher = pemCipher(pem);
  return cipher !== undefined && LEGACY_PEM_CIPHER.test(cipher) ? known(cipher) : undefined;
}

/**
 * The first legacy encryption in a PKCS#12 file that can be seen without the passphrase (the algorithms of
 * its encrypted safes and of the shrouded key bags in its plain ones), and whether the file has a MAC: OpenSSL
 * checks the MAC (the passphrase) first and fails on the first legacy algorithm after it; without a MAC it
 * fails on the algorithm whatever the passphrase. Bags inside an encrypted safe cannot be seen here.
 */
export function pkcs12LegacyAlgorithm(der: Uint8Array): { unsupported: UnsupportedAlgorithm; mac: boolean } | undefined {
  const [, authSafe, macData] = children(readDer(der));
  const [contentType, content] = children(authSafe);
  if (oid(contentType) !== DATA) return undefined;
  const safes = readNested(octets(explicit0(content)));
  const budget = { entries: MAX_PKCS12_ENTRIES };
  for (const info of children(safes)) {
    if (--budget.entries < 0) return undefined;
    const [type, value] = children(info);
    const kind = oid(type);
    let unsupported: UnsupportedAlgorithm | undefined;
    if (kind === ENCRYPTED_DATA) {
      // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, contentEncryptionAlgorithm, [0] content } }
      unsupported = encryptionAlgorithm(children(children(explicit0(value))[1])[1]);
    } else if (kind === DATA) {
      unsupported = inSafeContents(readNested(octets(explicit0(value))), 0, budget);
    }
    if (unsupported) return { unsupported, mac: macData !== undefined };
  }
  return undefined;
}

function readNested(bytes: Buffer | undefined): Asn1 | undefined {
  return bytes === undefined ? undefined : readDer(bytes);
}

/** SafeContents ::= SEQUENCE OF SafeBag { bagId, [0] bagValue, bagAttributes? }. */
function inSafeContents(contents: Asn1 | undefined, nesting: number, budget: { entries: number }): UnsupportedAlgorithm | undefined {
  for (const bag of children(contents)) {
    if (--budget.entries < 0) return undefined;
    const [id, value] = children(bag);
    const kind = oid(id);
    const found = kind === SHROUDED_KEY_BAG ? encryptionAlgorithm(children(explicit0(value))[0])
      : kind === SAFE_CONTENTS_BAG && nesting < MAX_SAFE_NESTING ? inSafeContents(explicit0(value), nesting + 1, budget) : undefined;
    if (found) return found;
  }
  return undefined;
}
