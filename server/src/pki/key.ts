// Private keys through Node's crypto, which reads RSA, EC and Ed25519 in PKCS#8, PKCS#1, SEC1 and the
// traditional OpenSSL encryption (Proc-Type/DEK-Info). Exceptions are caught and become reasons:
// their messages are never passed on, so nothing of the key or passphrase can leak through them.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyInfo, KeyType } from './types';

const CURVES: Record<string, { name: string; bits: number }> = {
  prime192v1: { name: 'P-192', bits: 192 },
  secp224r1: { name: 'P-224', bits: 224 },
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

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
    const curve = CURVES[details.namedCurve ?? ''];
    return curve
      ? { keyType: 'ec', description: `EC ${curve.name}`, bits: curve.bits }
      : { keyType: 'ec', description: `EC ${details.namedCurve ?? 'unknown curve'}` };
  }
  if (type === 'ed25519') return { keyType: 'ed25519', description: 'Ed25519', bits: 256 };
  if (type === 'ed448') return { keyType: 'ed448', description: 'Ed448', bits: 456 };
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

/** Opens an encrypted key with the passphrase: the key, or undefined when the passphrase does not open it. */
export function unlockKey(source: { pem: string } | { der: Buffer }, passphrase: string, info: KeyInfo): OpenedKey | undefined {
  try {
    const key = 'pem' in source
      ? createPrivateKey({ key: source.pem, passphrase })
      : createPrivateKey({ key: source.der, format: 'der', type: 'pkcs8', passphrase });
    return opened(key, { encrypted: true, format: info.format });
  } catch {
    return undefined;
  }
}
