// The cryptography of PKCS#12 in Node's native crypto, with the password encoded as OpenSSL encodes it.
//
//   - The PKCS#12 KDF (RFC 7292 appendix B.2) iterates one of Node's hashes: it derives the MAC key (ID 3)
//     and the key and IV of the PKCS#12 PBE schemes (IDs 1 and 2). Its password is a BMPString: UTF-16BE
//     and two zero bytes, which is what OpenSSL 1.1.0 and later make of a UTF-8 password
//     (OPENSSL_utf82uni, crypto/pkcs12/p12_utl.c; surrogate pairs above U+FFFF). OpenSSL 1.0.2 took each
//     byte of the password for a character (OPENSSL_asc2uni), which differs only for a non-ASCII password.
//   - PBES2 derives with PBKDF2 (pbkdf2Sync) over the password's UTF-8 bytes as they are, and decrypts with
//     createDecipheriv: AES, Camellia and ARIA in CBC mode, and DES-EDE3-CBC.
//   - An empty password is two things (PKCS12_parse, crypto/pkcs12/p12_kiss.c): "no password", an empty
//     byte string to the KDF, and "", two zero bytes. `openssl pkcs12 -export -passout pass:` writes the
//     second (OpenSSL 3.0 here); OpenSSL reads both, trying the first first.
//
// Each derivation is charged to a budget before it runs (iterations × output blocks, kdf.ts): a file cannot
// make the checker derive more than MAX_PKCS12_WORK in all, whatever number of bags it holds.
// Nothing here throws or returns anything of the password or of what it decrypts besides the plaintext.
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, scryptSync, timingSafeEqual } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import forge from 'node-forge';
import { children, integer, octets, oid } from './asn1';
import { MAX_PKCS12_WORK, MAX_SCRYPT_WORK } from './kdf';
import { pkcs8AlgorithmName, pkcs8LegacyAlgorithm } from './legacy';
import type { KdfRefusal, UnsupportedAlgorithm } from './types';

type Asn1 = forge.asn1.Asn1;
const { Class, Type } = forge.asn1;

/** The password in the two encodings OpenSSL uses. `bmp` is empty for OpenSSL's "no password" (NULL). */
export interface Password {
  readonly bmp: Buffer;
  readonly utf8: Buffer;
}

/** The candidates OpenSSL tries for a passphrase: for an empty one, NULL first and then "" (PKCS12_parse). */
export function passwords(passphrase: string): Password[] {
  if (passphrase === '') return [{ bmp: Buffer.alloc(0), utf8: Buffer.alloc(0) }, { bmp: Buffer.alloc(2), utf8: Buffer.alloc(0) }];
  // What the EMS reads from config.json is UTF-8; a lone surrogate in the JavaScript string becomes U+FFFD there.
  const utf8 = Buffer.from(passphrase, 'utf8');
  const bmp = Buffer.from(`${utf8.toString('utf8')}\0`, 'utf16le').swap16();
  return [{ bmp, utf8 }];
}

/** A hash as the PKCS#12 KDF needs it: Node's name, its block size v and output size u in bytes. */
interface Hash {
  readonly name: string;
  readonly block: number;
  readonly size: number;
}

const HASHES: Readonly<Record<string, Hash>> = {
  '1.2.840.113549.2.5': { name: 'md5', block: 64, size: 16 },
  '1.3.14.3.2.26': { name: 'sha1', block: 64, size: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', block: 64, size: 28 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', block: 64, size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', block: 128, size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', block: 128, size: 64 },
  '2.16.840.1.101.3.4.2.5': { name: 'sha512-224', block: 128, size: 28 },
  '2.16.840.1.101.3.4.2.6': { name: 'sha512-256', block: 128, size: 32 },
  '2.16.840.1.101.3.4.2.7': { name: 'sha3-224', block: 144, size: 28 },
  '2.16.840.1.101.3.4.2.8': { name: 'sha3-256', block: 136, size: 32 },
  '2.16.840.1.101.3.4.2.9': { name: 'sha3-384', block: 104, size: 48 },
  '2.16.840.1.101.3.4.2.10': { name: 'sha3-512', block: 72, size: 64 },
  '1.2.156.10197.1.401': { name: 'sm3', block: 64, size: 32 },
};

/** MAC digests OpenSSL 3 has only in its legacy provider (Node on OpenSSL 3 has none of them either). */
const LEGACY_DIGESTS: Readonly<Record<string, string>> = { '1.2.840.113549.2.4': 'MD4', '1.2.840.113549.2.2': 'MD2' };

/** PBES2's PRFs (RFC 8018 B.1.2) by OID, as Node's digest names; absent means hmacWithSHA1. */
const PRFS: Readonly<Record<string, Hash>> = {
  '1.2.840.113549.2.7': HASHES['1.3.14.3.2.26']!,
  '1.2.840.113549.2.8': HASHES['2.16.840.1.101.3.4.2.4']!,
  '1.2.840.113549.2.9': HASHES['2.16.840.1.101.3.4.2.1']!,
  '1.2.840.113549.2.10': HASHES['2.16.840.1.101.3.4.2.2']!,
  '1.2.840.113549.2.11': HASHES['2.16.840.1.101.3.4.2.3']!,
  '1.2.840.113549.2.12': HASHES['2.16.840.1.101.3.4.2.5']!,
  '1.2.840.113549.2.13': HASHES['2.16.840.1.101.3.4.2.6']!,
  '2.16.840.1.101.3.4.2.13': HASHES['2.16.840.1.101.3.4.2.7']!,
  '2.16.840.1.101.3.4.2.14': HASHES['2.16.840.1.101.3.4.2.8']!,
  '2.16.840.1.101.3.4.2.15': HASHES['2.16.840.1.101.3.4.2.9']!,
  '2.16.840.1.101.3.4.2.16': HASHES['2.16.840.1.101.3.4.2.10']!,
};

/** PBES2 encryption schemes OpenSSL 3's default provider has, as Node's cipher names. */
const CIPHERS: Readonly<Record<string, { name: string; key: number; iv: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', key: 16, iv: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', key: 24, iv: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', key: 32, iv: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', key: 24, iv: 8 },
  '1.2.392.200011.61.1.1.1.2': { name: 'camellia-128-cbc', key: 16, iv: 16 },
  '1.2.392.200011.61.1.1.1.3': { name: 'camellia-192-cbc', key: 24, iv: 16 },
  '1.2.392.200011.61.1.1.1.4': { name: 'camellia-256-cbc', key: 32, iv: 16 },
  '1.2.410.200046.1.1.2': { name: 'aria-128-cbc', key: 16, iv: 16 },
  '1.2.410.200046.1.1.7': { name: 'aria-192-cbc', key: 24, iv: 16 },
  '1.2.410.200046.1.1.12': { name: 'aria-256-cbc', key: 32, iv: 16 },
};

/** The PKCS#12 PBE schemes with 3DES (RFC 7292 appendix C), in OpenSSL 3's default provider; SHA-1 KDF. */
const PKCS12_PBE: Readonly<Record<string, { name: string; key: number; iv: number }>> = {
  '1.2.840.113549.1.12.1.3': { name: 'des-ede3-cbc', key: 24, iv: 8 },
  '1.2.840.113549.1.12.1.4': { name: 'des-ede-cbc', key: 16, iv: 8 },
};

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';
/** RFC 9579's password-based MAC, which OpenSSL reads from 3.4 on. */
const PBMAC1 = '1.2.840.113549.1.5.14';
const SHA1 = HASHES['1.3.14.3.2.26']!;




/** What derivations may still cost, shared by every derivation of one opening. */
export class Budget {
  private spent = 0;
  refusal: KdfRefusal | undefined;

  /** Refuses a derivation for its own parameters (what kdf.ts would have said had it seen them). */
  refuse(refusal: KdfRefusal): false {
    this.refusal = refusal;
    return false;
  }

  /** Charges `iterations × blocks`; false (and the refusal set) when that would pass MAX_PKCS12_WORK. */
  charge(iterations: number, blocks: number): boolean {
    const cost = iterations * blocks;
    if (this.spent + cost > MAX_PKCS12_WORK) return this.refuse({ what: 'the sum of the file\'s key derivations (iterations × hash output blocks)', asked: this.spent + cost, bound: MAX_PKCS12_WORK });
    this.spent += cost;
    return true;
  }
}

/** Not derived: the budget is spent. */
export const TOO_COSTLY = Symbol('too costly');

// crypto.hash (Node 20.12 and later) is a one-shot digest at half the cost of createHash per call.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer }).hash;
const digest = oneShot ? (name: string, data: Buffer) => oneShot(name, data, 'buffer') : (name: string, data: Buffer) => createHash(name).update(data).digest();

/** Repeats `bytes` up to a multiple of v (empty stays empty): RFC 7292 B.2 steps 2 and 3. */
function stretch(bytes: Buffer, v: number): Buffer {
  const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

/** RFC 7292 appendix B.2: `length` bytes for purpose `id` (1 key, 2 IV, 3 MAC key). Charged to the budget first. */
export function pkcs12Kdf(hash: Hash, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number, budget: Budget): Buffer | typeof TOO_COSTLY {
  const v = hash.block;
  const rounds = Math.max(1, iterations);
  const blocks = Math.ceil(length / hash.size);
  if (!budget.charge(rounds, blocks)) return TOO_COSTLY;
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([stretch(salt, v), stretch(password, v)]);
  const out: Buffer[] = [];
  for (let block = 0; block < blocks; block++) {
    let a: Buffer = createHash(hash.name).update(diversifier).update(input).digest();
    for (let r = 1; r < rounds; r++) a = digest(hash.name, a);
    out.push(a);
    if (block === blocks - 1) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += input[j + k]! + a[k % a.length]!;
        input[j + k] = carry & 0xff;
        carry >>>= 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

// ─── The MAC ────────────────────────────────────────────────────────────────────────────────────────────────

export type MacVerdict =
  | { kind: 'verified'; password: Password }
  | { kind: 'wrong' }
  | { kind: 'unrecognized' }
  | { kind: 'unsupported'; unsupported: UnsupportedAlgorithm }
  | { kind: 'too-costly' };

/**
 * MacData ::= SEQUENCE { mac DigestInfo { digestAlgorithm, digest }, macSalt OCTET STRING, iterations INTEGER
 * DEFAULT 1 } over the authSafe's content, tried with each candidate password in turn (pkcs12_gen_mac, p12_mutl.c).
 */
export function verifyMac(macData: Asn1, content: Buffer, candidates: readonly Password[], budget: Budget): MacVerdict {
  const [digestInfo, saltNode, iterationsNode] = children(macData);
  const [algorithm, macNode] = children(digestInfo);
  const algorithmId = oid(children(algorithm)[0]);
  const salt = octets(saltNode);
  const expected = octets(macNode);
  if (algorithmId === undefined || salt === undefined || expected === undefined) return { kind: 'unrecognized' };
  const iterations = iterationsNode === undefined ? 1 : integer(iterationsNode);
  if (iterations === undefined) return { kind: 'unrecognized' };
  // OpenSSL before 3.4 looks PBMAC1 up as a digest, finds none and fails the MAC whatever the password.
  if (algorithmId === PBMAC1) return { kind: 'unsupported', unsupported: { algorithm: 'PBMAC1 (RFC 9579; read by OpenSSL 3.4 and later only)', refusedFrom: 'every' } };
  const legacy = LEGACY_DIGESTS[algorithmId];
  if (legacy) return { kind: 'unsupported', unsupported: { algorithm: `the MAC digest ${legacy}`, refusedFrom: '3.0' } };
  const hash = HASHES[algorithmId];
  if (!hash) return { kind: 'unsupported', unsupported: { algorithm: `the MAC digest ${algorithmId}`, refusedFrom: 'every' } };
  for (const password of candidates) {
    const key = pkcs12Kdf(hash, password.bmp, salt, 3, iterations, hash.size, budget);
    if (key === TOO_COSTLY) return { kind: 'too-costly' };
    const mac = createHmac(hash.name, key).update(content).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return { kind: 'verified', password };
  }
  return { kind: 'wrong' };
}

// ─── Decryption ─────────────────────────────────────────────────────────────────────────────────────────────

export type Decrypted =
  | { kind: 'plain'; bytes: Buffer }
  | { kind: 'wrong' }
  | { kind: 'unrecognized' }
  | { kind: 'unsupported'; unsupported: UnsupportedAlgorithm }
  | { kind: 'too-costly' };

/**
 * The encryption OpenSSL 3 refuses, by the names legacy.ts gives (PBES1, PKCS#12 RC2/RC4, PBES2 with a
 * legacy cipher), asked through an EncryptedPrivateKeyInfo shape { algorithm, OCTET STRING }.
 */
function refused(algorithm: Asn1): UnsupportedAlgorithm {
  const shape = forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [algorithm, forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, '')]);
  const der = Buffer.from(forge.asn1.toDer(shape).getBytes(), 'binary');
  return pkcs8LegacyAlgorithm(der) ?? { algorithm: pkcs8AlgorithmName(der), refusedFrom: 'every' };
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  try {
    const cipher = createDecipheriv(name, key, iv);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  } catch {
    return undefined; // bad padding: a wrong password (or a damaged file)
  }
}

type Derived = Buffer | Exclude<Decrypted, { kind: 'plain' }>;

/** PBKDF2-params ::= SEQUENCE { salt OCTET STRING (OpenSSL takes no otherSource), iterationCount, keyLength?, prf? } */
function pbkdf2(parameters: Asn1 | undefined, length: number, password: Password, budget: Budget): Derived {
  const [saltNode, iterationsNode, ...optional] = children(parameters);
  const salt = octets(saltNode);
  const iterations = integer(iterationsNode);
  if (salt === undefined || iterations === undefined || iterations < 1) return { kind: 'unrecognized' };
  let keyLength: number | undefined;
  let prf = SHA1;
  for (const node of optional.slice(0, 2)) {
    if (node.type === Type.INTEGER && keyLength === undefined) keyLength = integer(node);
    else if (node.type === Type.SEQUENCE) {
      const prfId = oid(children(node)[0]);
      const found = PRFS[prfId ?? ''];
      if (!found) return { kind: 'unsupported', unsupported: { algorithm: `the PBKDF2 PRF ${prfId ?? '(unreadable)'}`, refusedFrom: 'every' } };
      prf = found;
    } else return { kind: 'unrecognized' };
  }
  // OpenSSL refuses a keyLength that is not the cipher's ("unsupported keylength").
  if (keyLength !== undefined && keyLength !== length) return { kind: 'unrecognized' };
  if (!budget.charge(iterations, Math.ceil(length / prf.size))) return { kind: 'too-costly' };
  return pbkdf2Sync(password.utf8, salt, iterations, length, prf.name);
}

/** scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter N, blockSize r, parallelizationParameter p, keyLength? } (RFC 7914). */
function scrypt(parameters: Asn1 | undefined, length: number, password: Password, budget: Budget): Derived {
  const [saltNode, nNode, rNode, pNode, keyLengthNode] = children(parameters);
  const salt = octets(saltNode);
  const [n, r, p] = [integer(nNode), integer(rNode), integer(pNode)];
  if (salt === undefined || n === undefined || r === undefined || p === undefined || n < 2 || r < 1 || p < 1) return { kind: 'unrecognized' };
  if (keyLengthNode !== undefined && integer(keyLengthNode) !== length) return { kind: 'unrecognized' };
  // kdf.ts's bound on N·r·p (memory is 128·N·r bytes) for a step it could not see; charged as that many units.
  if (n * r * p > MAX_SCRYPT_WORK) {
    budget.refuse({ what: 'scrypt (N·r·p)', asked: n * r * p, bound: MAX_SCRYPT_WORK });
    return { kind: 'too-costly' };
  }
  if (!budget.charge(n * r * p, 1)) return { kind: 'too-costly' };
  try {
    return scryptSync(password.utf8, salt, length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  } catch {
    return { kind: 'unrecognized' }; // N not a power of two, or beyond what Node allows
  }
}

/** Decrypts `data` under an AlgorithmIdentifier of password-based encryption (PBES2 or PKCS#12 PBE). */
export function decrypt(algorithm: Asn1, data: Buffer, password: Password, budget: Budget): Decrypted {
  const [id, parameters] = children(algorithm);
  const scheme = oid(id);
  if (scheme === undefined) return { kind: 'unrecognized' };
  const pbe = PKCS12_PBE[scheme];
  if (pbe) {
    // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
    const [saltNode, iterationsNode] = children(parameters);
    const salt = octets(saltNode);
    const iterations = integer(iterationsNode);
    if (salt === undefined || iterations === undefined) return { kind: 'unrecognized' };
    const key = pkcs12Kdf(SHA1, password.bmp, salt, 1, iterations, pbe.key, budget);
    if (key === TOO_COSTLY) return { kind: 'too-costly' };
    const iv = pkcs12Kdf(SHA1, password.bmp, salt, 2, iterations, pbe.iv, budget);
    if (iv === TOO_COSTLY) return { kind: 'too-costly' };
    const plain = decipher(pbe.name, key, iv, data);
    return plain ? { kind: 'plain', bytes: plain } : { kind: 'wrong' };
  }
  if (scheme !== PBES2) return { kind: 'unsupported', unsupported: refused(algorithm) };
  // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
  const [kdf, scheme2] = children(parameters);
  const [kdfId, kdfParameters] = children(kdf);
  const [cipherId, ivNode] = children(scheme2);
  const cipher = CIPHERS[oid(cipherId) ?? ''];
  if (!cipher) return { kind: 'unsupported', unsupported: refused(algorithm) };
  const iv = octets(ivNode);
  if (iv === undefined || iv.length !== cipher.iv) return { kind: 'unrecognized' };
  const kdfName = oid(kdfId);
  const key = kdfName === PBKDF2 ? pbkdf2(kdfParameters, cipher.key, password, budget)
    : kdfName === SCRYPT ? scrypt(kdfParameters, cipher.key, password, budget)
      : { kind: 'unsupported' as const, unsupported: { algorithm: `the key derivation ${kdfName ?? '(unreadable)'}`, refusedFrom: 'every' as const } };
  if (!Buffer.isBuffer(key)) return key;
  const plain = decipher(cipher.name, key, iv, data);
  return plain ? { kind: 'plain', bytes: plain } : { kind: 'wrong' };
}
