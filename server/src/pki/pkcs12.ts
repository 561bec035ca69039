// PKCS#12 (.p12/.pfx), the one format Node's crypto cannot open, read as OpenSSL's PKCS12_parse reads it
// (crypto/pkcs12/p12_kiss.c): the MAC first (which tells a wrong passphrase), then every safe in file order,
// decrypting the encrypted ones; the first key bag is the key (later ones are not even decrypted), every
// X.509 certBag a certificate; a bag that fails fails the file. node-forge parses the ASN.1 structure only:
// the MAC and the decryption run in Node's native crypto (pkcs12Crypto.ts), with the password encoded as
// OpenSSL encodes it (BMPString for the PKCS#12 KDF, UTF-8 for PBES2). The key and certificates are handed
// to Node as DER, so every key type Node reads works (RSA, EC, Ed25519 ...).
import { createPrivateKey, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { children, explicit0, integer, octets, oid, readDer } from './asn1';
import type { CertificateMemo } from './certificate';
import { describeKey, type OpenedKey } from './key';
import { Budget, decrypt, passwords, verifyMac, type Decrypted, type Password } from './pkcs12Crypto';
import type { CertInfo, KdfRefusal, UnsupportedAlgorithm } from './types';

const UNRECOGNIZED = { kind: 'unrecognized' } as const;
const WRONG = { kind: 'wrong' } as const;

type Asn1 = forge.asn1.Asn1;
const { Type } = forge.asn1;

export type Pkcs12Result =
  | { ok: true; key?: OpenedKey; certificates: { certificate: X509Certificate; info: CertInfo }[] }
  | { ok: false; reason: 'passphrase-wrong' | 'unrecognized' }
  /** An algorithm OpenSSL 3 (or every OpenSSL) refuses; `passphraseChecked` when the MAC verified first. */
  | { ok: false; reason: 'unsupported'; unsupported: UnsupportedAlgorithm; passphraseChecked: boolean }
  | { ok: false; reason: 'too-costly'; refusal: KdfRefusal };

const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';
const X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

/** Safes and bags looked at, at most: far more than any real file (a key, a chain, a CA store of a few hundred). */
const MAX_ENTRIES = 2000;
/** safeContentsBag inside safeContentsBag, at most this deep (OpenSSL recurses without a bound). */
const MAX_SAFE_NESTING = 4;

/** How a failure reads: a wrong passphrase, a broken file, an algorithm refused, a derivation too costly. */
type Failure = Exclude<Pkcs12Result, { ok: true }>;

class Walk {
  readonly certificates: { certificate: X509Certificate; info: CertInfo }[] = [];
  key: { privateKey: KeyObject; encrypted: boolean } | undefined;
  private entries = MAX_ENTRIES;

  constructor(readonly memo: CertificateMemo, readonly password: Password, readonly budget: Budget, readonly macVerified: boolean) {}

  /** Counts one safe or bag; false past the cap. */
  counted(): boolean {
    return --this.entries >= 0;
  }

  failure(failed: Exclude<Decrypted, { kind: 'plain' }>): Failure {
    switch (failed.kind) {
      case 'unsupported': return { ok: false, reason: 'unsupported', unsupported: failed.unsupported, passphraseChecked: this.macVerified };
      case 'too-costly': return { ok: false, reason: 'too-costly', refusal: this.budget.refusal! };
      case 'wrong': return { ok: false, reason: 'passphrase-wrong' };
      case 'unrecognized': return { ok: false, reason: 'unrecognized' };
    }
  }
}

function toDer(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

/** Opens a PKCS#12 file. The certificate that matches the key comes first, then the rest in file order. */
export function openPkcs12(der: Buffer, passphrase: string, memo: CertificateMemo): Pkcs12Result {
  // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL } (RFC 7292)
  const [version, authSafe, macData, ...rest] = children(readDer(der));
  const [contentType, content] = children(authSafe);
  // A signedData authSafe (public-key integrity) OpenSSL does not read: "content type not data".
  const authenticated = oid(contentType) === DATA ? octets(explicit0(content)) : undefined;
  if (integer(version) !== 3 || authenticated === undefined || rest.length > 0) return { ok: false, reason: 'unrecognized' };
  const safes = readDer(authenticated);
  if (safes?.type !== Type.SEQUENCE) return { ok: false, reason: 'unrecognized' };
  const budget = new Budget();
  const candidates = passwords(passphrase);
  let password: Password;
  if (macData) {
    const mac = verifyMac(macData, authenticated, candidates, budget);
    switch (mac.kind) {
      case 'verified': password = mac.password; break;
      case 'wrong': return { ok: false, reason: 'passphrase-wrong' };
      case 'unrecognized': return { ok: false, reason: 'unrecognized' };
      case 'unsupported': return { ok: false, reason: 'unsupported', unsupported: mac.unsupported, passphraseChecked: false };
      case 'too-costly': return { ok: false, reason: 'too-costly', refusal: budget.refusal! };
    }
    return finish(walkSafes(safes, new Walk(memo, password, budget, true)));
  }
  // No MAC: nothing tells the passphrase but decryption. An empty one is tried as "" (what openssl pkcs12
  // -export -passout pass: writes), then as no password (what PKCS12_parse of OpenSSL 3.0 uses).
  const attempts = candidates.length > 1 ? [candidates[1]!, candidates[0]!] : candidates;
  let result: Walk | Failure = { ok: false, reason: 'passphrase-wrong' };
  for (const attempt of attempts) {
    result = walkSafes(safes, new Walk(memo, attempt, budget, false));
    if (result instanceof Walk || result.reason !== 'passphrase-wrong') break;
  }
  return finish(result);
}

/** AuthenticatedSafe ::= SEQUENCE OF ContentInfo: data (SafeContents) or encryptedData; others are skipped. */
function walkSafes(safes: Asn1, walk: Walk): Walk | Failure {
  for (const info of children(safes)) {
    if (!walk.counted()) return walk.failure(UNRECOGNIZED);
    const [type, value] = children(info);
    const kind = oid(type);
    let contents: Asn1 | undefined;
    if (kind === DATA) {
      const bytes = octets(explicit0(value));
      contents = bytes && readDer(bytes);
      if (!contents) return walk.failure(UNRECOGNIZED);
    } else if (kind === ENCRYPTED_DATA) {
      // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent } }
      const [, encryptedContentInfo] = children(explicit0(value));
      const [, algorithm, encrypted] = children(encryptedContentInfo);
      const bytes = octets(encrypted, true);
      if (!algorithm || !bytes) return walk.failure(UNRECOGNIZED);
      const plain = decrypt(algorithm, bytes, walk.password, walk.budget);
      if (plain.kind !== 'plain') return walk.failure(plain);
      contents = readDer(plain.bytes);
      // Bytes that decrypt with valid padding but are no SafeContents: the wrong passphrase, by a 1-in-256 chance.
      if (!contents) return walk.failure(WRONG);
    } else continue;
    const failed = walkBags(contents, walk, kind === ENCRYPTED_DATA, 0);
    if (failed) return failed;
  }
  return walk;
}

/** SafeContents ::= SEQUENCE OF SafeBag { bagId, [0] bagValue, bagAttributes SET OF Attribute OPTIONAL }. */
function walkBags(contents: Asn1, walk: Walk, sealed: boolean, nesting: number): Failure | undefined {
  if (contents.type !== Type.SEQUENCE || !Array.isArray(contents.value)) return walk.failure(UNRECOGNIZED);
  for (const bag of contents.value) {
    if (!walk.counted()) return walk.failure(UNRECOGNIZED);
    const [id, wrapped, attributes] = children(bag);
    const value = explicit0(wrapped);
    if (!value || !attributesReadable(attributes)) return walk.failure(UNRECOGNIZED);
    const failed = readBag(oid(id), value, walk, sealed, nesting);
    if (failed) return failed;
  }
  return undefined;
}

/** PKCS12_parse fails a bag whose friendlyName is no BMPString or whose localKeyID is no OCTET STRING. */
function attributesReadable(attributes: Asn1 | undefined): boolean {
  for (const attribute of children(attributes)) {
    const [type, values] = children(attribute);
    const first = children(values)[0];
    const kind = oid(type);
    if (kind === FRIENDLY_NAME && first?.type !== Type.BMPSTRING) return false;
    if (kind === LOCAL_KEY_ID && first?.type !== Type.OCTETSTRING) return false;
  }
  return true;
}

/** `sealed`: the bag is inside an encrypted safe, so a plain keyBag is still under the passphrase on disk. */
function readBag(kind: string | undefined, value: Asn1, walk: Walk, sealed: boolean, nesting: number): Failure | undefined {
  switch (kind) {
    case KEY_BAG:
      if (walk.key) return undefined;
      return readKey(toDer(value), walk, sealed);
    case SHROUDED_KEY_BAG: {
      if (walk.key) return undefined;
      // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING }
      const [algorithm, data] = children(value);
      const bytes = octets(data);
      if (!algorithm || !bytes) return walk.failure(UNRECOGNIZED);
      const plain = decrypt(algorithm, bytes, walk.password, walk.budget);
      if (plain.kind !== 'plain') return walk.failure(plain);
      // Bytes that decrypt with valid padding but are no DER: the wrong passphrase, by a 1-in-256 chance.
      return readDer(plain.bytes) ? readKey(plain.bytes, walk, true) : walk.failure(WRONG);
    }
    case CERT_BAG: {
      // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING (the DER) }
      const [certId, certValue] = children(value);
      if (oid(certId) !== X509_CERTIFICATE) return undefined;
      const bytes = octets(explicit0(certValue));
      if (!bytes) return walk.failure(UNRECOGNIZED);
      // One Node cannot read is left out (as before), not taken for a broken file.
      const read = walk.memo.read(bytes);
      if (read) walk.certificates.push(read);
      return undefined;
    }
    case SAFE_CONTENTS_BAG:
      return nesting < MAX_SAFE_NESTING ? walkBags(value, walk, sealed, nesting + 1) : walk.failure(UNRECOGNIZED);
    default:
      return undefined; // crlBag, secretBag and others: PKCS12_parse skips them
  }
}

/** PrivateKeyInfo (PKCS#8) DER to a Node key; one Node cannot load is a file OpenSSL cannot load either. */
function readKey(der: Buffer, walk: Walk, encrypted: boolean): Failure | undefined {
  try {
    walk.key = { privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), encrypted };
    return undefined;
  } catch {
    return walk.failure(UNRECOGNIZED);
  }
}

function finish(result: Walk | Failure): Pkcs12Result {
  if (!(result instanceof Walk)) return result;
  const { certificates, key } = result;
  if (!key) return { ok: true, certificates };
  try {
    const { privateKey } = key;
    const matches = (entry: { certificate: X509Certificate }): number => Number(entry.certificate.checkPrivateKey(privateKey));
    certificates.sort((a, b) => matches(b) - matches(a));
    const { keyType, description } = describeKey(privateKey);
    const info = { keyType, description, encrypted: key.encrypted, format: 'pkcs12' as const };
    return { ok: true, key: { info, publicKey: createPublicKey(privateKey) }, certificates };
  } catch {
    return { ok: false, reason: 'unrecognized' };
  }
}
