// What a certificate or key needs of OpenSSL that not every generation the EMS bundles has, read from the
// file without a passphrase. The service compares it with the target release's OpenSSL.
import { children, oid, readDer } from './asn1';
import { signatureHash } from './certificate';
import { contentsOf } from './handles';
import type { CertInfo, KeyInfo, ParsedPki } from './types';

/** A feature and the first OpenSSL release that has it (its CHANGES file). */
export interface OpensslNeed {
  readonly feature: string;
  readonly since: '1.1.0' | '1.1.1';
}

// OpenSSL 1.1.1's NEWS: "EdDSA (both Ed25519 and Ed448) including X509 and TLS support"; 1.0.2 has no such
// key type: it can neither load the key nor verify a signature made with it. The RSA-PSS key type
// (id-RSASSA-PSS in the SubjectPublicKeyInfo) arrived in 1.1.1 too (commit "add EVP_PKEY_RSA_PSS"); a
// PSS signature by an ordinary RSA key verifies from 1.0.1. Tested on 1.0.2l/q/r and 1.1.1c/j builds.
const EDDSA: Partial<Record<string, string>> = { ed25519: 'Ed25519', ed448: 'Ed448' };

/** A key's own need: EdDSA and RSA-PSS key types are 1.1.1's. `description` is describeKey's ('RSA-PSS 2048'). */
function keyTypeNeed(keyType: string | undefined, description: string): OpensslNeed | undefined {
  const eddsa = keyType ? EDDSA[keyType] : undefined;
  if (eddsa) return { feature: `${eddsa} keys`, since: '1.1.1' };
  return description.startsWith('RSA-PSS') ? { feature: 'RSA-PSS keys', since: '1.1.1' } : undefined;
}

/** A certificate's key or signature that needs a newer OpenSSL than 1.0.2; undefined when 1.0.2 reads it. */
export function certificateNeeds(certificate: CertInfo): OpensslNeed | undefined {
  const key = keyTypeNeed(certificate.keyType, certificate.publicKey);
  if (key) return key;
  const signature = signatureHash(certificate.signatureOid);
  return signature === 'Ed25519' || signature === 'Ed448' ? { feature: `${signature} signatures`, since: '1.1.1' } : undefined;
}

const PBES2 = '1.2.840.113549.1.5.13';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';

/**
 * The file's first key, as opened or as written: an EdDSA or RSA-PSS key, or a PKCS#8 encryption derived
 * with scrypt (OpenSSL 1.1.0's NEWS: "Support for scrypt"; 1.0.2 says "unsupported key derivation function").
 */
export function keyNeeds(parsed: ParsedPki, key: KeyInfo | undefined): OpensslNeed | undefined {
  const own = key ? keyTypeNeed(key.keyType, key.description) : undefined;
  if (own) return own;
  const source = contentsOf(parsed.handle).keys[0];
  if (source?.kind !== 'der' || parsed.keys[0]?.format !== 'pkcs8-encrypted') return undefined;
  return usesScrypt(source.der) ? { feature: 'scrypt-encrypted keys', since: '1.1.0' } : undefined;
}

/** EncryptedPrivateKeyInfo { { PBES2, { keyDerivationFunc { scrypt, … }, encryptionScheme } }, data }. */
function usesScrypt(der: Uint8Array): boolean {
  const [algorithm] = children(readDer(der));
  const [scheme, parameters] = children(algorithm);
  if (oid(scheme) !== PBES2) return false;
  const [kdf] = children(parameters);
  return oid(children(kdf)[0]) === SCRYPT;
}
