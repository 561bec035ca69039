// Private keys through Node's crypto, which reads RSA, EC and Ed25519 in PKCS#8, PKCS#1, SEC1 and the
// traditional OpenSSL encryption (Proc-Type/DEK-Info). Exceptions are caught and become reasons:
// their messages are never passed on, so nothing of the key or passphrase can leak through them.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ecCurveOid, explicitEcOrderBits } from './asn1';
import type { KeyInfo, KeyType } from './types';

/** The NIST curves, shown by their NIST names; every other curve by OpenSSL's own name ('EC brainpoolP160r1'). */
const NIST_NAMES: Record<string, string> = {
  prime192v1: 'P-192',
  secp224r1: 'P-224',
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** Curves whose size has been asked, by OpenSSL's name: at most the curves OpenSSL knows (about 80). */
const MAX_KNOWN_CURVES = 256;
const curveBits = new Map<string, number | null>();

/**
 * The size OpenSSL gives a key on this named curve ("Public-Key: (160 bit)": the bits of the group's order),
 * from OpenSSL's own definition of the curve: a throw-away public key on it, written with explicit
 * parameters, names the order. Once per curve; no table to fall behind the curves OpenSSL can load.
 */
function namedCurveBits(name: string): number | undefined {
  const known = curveBits.get(name);
  if (known !== undefined) return known ?? undefined;
  let bits: number | undefined;
  try {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: name, paramEncoding: 'explicit' });
    bits = explicitEcOrderBits(publicKey.export({ type: 'spki', format: 'der' }));
  } catch {
    bits = undefined;
  }
  if (curveBits.size < MAX_KNOWN_CURVES) curveBits.set(name, bits ?? null);
  return bits;
}

/** Curves Node gives no key type: OpenSSL 3 makes SM2 keys a type of their own, which Node does not name. */
const UNTYPED_CURVES: Record<string, string> = { '1.2.156.10197.1.301': 'SM2' };

function spkiOf(key: KeyObject): Buffer | undefined {
  try {
    return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

/** An EC key's curve name (undefined for explicit parameters OpenSSL matches to no named curve) and size. */
function ecCurve(key: KeyObject): { name?: string; bits?: number } {
  const spki = spkiOf(key);
  const named = key.asymmetricKeyDetails?.namedCurve;
  // Node says 'UNDEF' for explicit parameters that are no curve OpenSSL knows by name.
  const name = named && named !== 'UNDEF' ? named : undefined;
  const explicit = spki ? explicitEcOrderBits(spki) : undefined;
  return { name, bits: explicit ?? (name ? namedCurveBits(name) : undefined) };
}

function ecDescription(name: string | undefined, bits: number | undefined): KeyDescription {
  const description = name ? `EC ${NIST_NAMES[name] ?? name}` : bits !== undefined ? `EC explicit ${bits}-bit curve` : 'EC unknown curve';
  return { keyType: 'ec', description, bits };
}

export interface KeyDescription {
  keyType: KeyType;
  description: string;
  bits?: number;
}

/** 'RSA 2048', 'EC P-256', 'Ed25519' for a public or private key. */
export function describeKey(key: KeyObject): KeyDescription {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if ((type === 'rsa' || type === 'rsa-pss' || type === 'dsa') && details.modulusLength !== undefined) {
    const name = type === 'dsa' ? 'DSA' : type === 'rsa' ? 'RSA' : 'RSA-PSS';
    return { keyType: type === 'dsa' ? 'dsa' : 'rsa', description: `${name} ${details.modulusLength}`, bits: details.modulusLength };
  }
  if (type === 'ec') {
    const { name, bits } = ecCurve(key);
    return ecDescription(name, bits);
  }
  if (type === 'ed25519') return { keyType: 'ed25519', description: 'Ed25519', bits: 256 };
  if (type === 'ed448') return { keyType: 'ed448', description: 'Ed448', bits: 456 };
  const spki = type === undefined ? spkiOf(key) : undefined;
  const untyped = spki ? UNTYPED_CURVES[ecCurveOid(spki) ?? ''] : undefined;
  if (untyped) return ecDescription(untyped, namedCurveBits(untyped));
  return { keyType: 'other', description: type ?? 'unknown' };
}

/** An opened key: its facts and its public half (the private half is dropped as soon as this is made). */
export interface OpenedKey {
  info: KeyInfo;
  publicKey: KeyObject;
}

function opened(key: KeyObject, info: Pick<KeyInfo, 'encrypted' | 'format'>): OpenedKey {
  const { keyType, description } = describeKey(key);
  return { info: { keyType, description, ...info }, publicKey: createPublicKey(key) };
}

// OpenSSL 3.0 spends ~0.5 ms working out what a PEM block holds; DER of a named type skips that for the
// labels that name one. Anything else, or DER that fails, takes the PEM path, so nothing reads differently.
const DER_TYPES: Partial<Record<KeyInfo['format'], 'pkcs8' | 'pkcs1' | 'sec1'>> = { pkcs8: 'pkcs8', pkcs1: 'pkcs1', sec1: 'sec1' };

/** A key readable without a passphrase, from one PEM block (and its Base64 decoded); undefined when it is not one. */
export function readPemKey(block: { text: string; der: Buffer }, format: KeyInfo['format']): OpenedKey | undefined {
  const type = DER_TYPES[format];
  if (type) {
    try {
      return opened(createPrivateKey({ key: block.der, format: 'der', type }), { encrypted: false, format });
    } catch {
      // the PEM path below decides
    }
  }
  try {
    return opened(createPrivateKey(block.text), { encrypted: false, format });
  } catch {
    return undefined;
  }
}

/** A DER private key: plain or encrypted PKCS#8, PKCS#1 or SEC1. Encrypted ones stay locked. */
export function readDerKey(der: Buffer): OpenedKey | { info: KeyInfo; publicKey?: undefined } | undefined {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return opened(createPrivateKey({ key: der, format: 'der', type }), { encrypted: false, format: 'der' });
    } catch (error) {
      if (type === 'pkcs8' && isMissingPassphrase(error)) return { info: { description: 'encrypted key', encrypted: true, format: 'der' } };
    }
  }
  return undefined;
}

// Node says ERR_MISSING_PASSPHRASE only for a well-formed encrypted PKCS#8 read without a passphrase.
function isMissingPassphrase(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_MISSING_PASSPHRASE';
}

/** Whether DER bytes are an encrypted PKCS#8 key (checkable without the passphrase). */
export function isEncryptedPkcs8(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return false;
  } catch (error) {
    return isMissingPassphrase(error);
  }
}

/**
 * Opens an encrypted key with the passphrase: the key; 'unsupported' when OpenSSL cannot use its encryption at
 * all (ERR_OSSL_EVP_UNSUPPORTED: the cipher or KDF is not in the providers loaded; for a traditional PEM key,
 * a DEK-Info cipher it does not know), whatever the passphrase; 'wrong' when the passphrase does not open it.
 */
export function unlockKey(source: { pem: string } | { der: Buffer }, passphrase: string, info: KeyInfo): OpenedKey | 'unsupported' | 'wrong' {
  try {
    const key = 'pem' in source
      ? createPrivateKey({ key: source.pem, passphrase })
      : createPrivateKey({ key: source.der, format: 'der', type: 'pkcs8', passphrase });
    return opened(key, { encrypted: true, format: info.format });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'ERR_OSSL_EVP_UNSUPPORTED' || code === 'ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION' ? 'unsupported' : 'wrong';
  }
}
