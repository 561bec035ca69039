// What unlocking a key will cost, read from its ASN.1 before anything is derived. A file can ask for 2^31
// PBKDF2 or PKCS#12 iterations, or a huge scrypt N·r·p, and a check that paid for that would hang (the
// language server deaf for an hour). Real tools stay far below the bounds: OpenSSL's default is 2,048
// iterations (PKCS#8 and PKCS#12), Java's keytool 10,000, OWASP's PBKDF2-SHA256 advice 600,000; scrypt's
// default in `openssl pkcs8 -scrypt` is N = 16384, r = 8, p = 1.
import forge from 'node-forge';
import { children, integer, readDerPrefix } from './asn1';
import type { KdfRefusal } from './types';

type Asn1 = forge.asn1.Asn1;

/** PBKDF2 and the PBES1 / PKCS#12 PBE schemes (OpenSSL derives them natively). */
export const MAX_ITERATIONS = 1_000_000;
/**
 * One step of a PKCS#12 file (its MAC, the PBE of a safe or a key bag). The PKCS#12 KDF runs natively
 * (pkcs12Crypto.ts: one Node hash call per iteration), about 0.85 s per million iterations here with SHA-1 or
 * SHA-256 and 1.3 s with SHA-512; PBKDF2 (pbkdf2Sync) 0.3-0.5 s per million. Before node-forge gave way it
 * was 200,000 (forge: about 3 s per million).
 */
export const MAX_PKCS12_ITERATIONS = 1_000_000;
/**
 * All the derivations of one PKCS#12 file together, in iterations × hash output blocks (a 3DES key is two
 * SHA-1 blocks and its IV one more; the MAC key one block): about 1.3 s here at most with SHA-1 or SHA-256,
 * whatever number of bags a file holds. A default `openssl pkcs12 -export` file costs about 6,000.
 */
export const MAX_PKCS12_WORK = 1_500_000;
/** scrypt N·r·p: 8× OpenSSL's default; memory is 128·N·r bytes. */
export const MAX_SCRYPT_WORK = 16384 * 8 * 8;


const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';
/** PKCS#5 PBES1 (pbeWithMD5AndDES-CBC …) and PKCS#12 PBE (pbeWithSHAAnd3-KeyTripleDES-CBC …): params { salt, iterations }. */
const SALT_AND_ITERATIONS = /^1\.2\.840\.113549\.1\.(5\.(1|3|4|6|10|11)|12\.1\.\d)$/;

/** Nested DER inside OCTET STRINGs (PKCS#12 safe contents) is read this deep, and this many nodes in all. */
const MAX_NESTING = 4;
const MAX_NODES = 20_000;
/** Values nested deeper than this are not walked (a real key file nests a dozen): the walk never overflows the stack. */
const MAX_DEPTH = 64;

/** The first key-derivation step in these bytes that asks for more than its bound; undefined when none does. */
export function kdfRefusal(der: Uint8Array, pkcs12: boolean): KdfRefusal | undefined {
  const root = readDerPrefix(der);
  if (!root) return undefined;
  const budget = { nodes: MAX_NODES };
  if (pkcs12) {
    const mac = children(root)[2];
    const iterations = integer(children(mac)[2]);
    if (iterations !== undefined && iterations > MAX_PKCS12_ITERATIONS) return { what: 'the PKCS#12 MAC', asked: iterations, bound: MAX_PKCS12_ITERATIONS };
  }
  return walk(root, pkcs12, 0, 0, budget);
}

function walk(node: Asn1, pkcs12: boolean, nesting: number, depth: number, budget: { nodes: number }): KdfRefusal | undefined {
  // A key file is a few hundred values, a dozen deep; one that hides its parameters past this is not inspected, so not tried.
  if (--budget.nodes < 0) return { what: 'the file\'s structure (ASN.1 values)', asked: MAX_NODES + 1, bound: MAX_NODES };
  if (depth > MAX_DEPTH) return { what: 'the file\'s structure (nesting depth)', asked: depth, bound: MAX_DEPTH };
  const parts = children(node);
  const refusal = algorithm(parts, pkcs12);
  if (refusal) return refusal;
  for (const child of parts) {
    const found = walk(child, pkcs12, nesting, depth + 1, budget);
    if (found) return found;
  }
  // PKCS#12 keeps its safe contents as DER inside OCTET STRINGs.
  if (nesting < MAX_NESTING && typeof node.value === 'string' && node.type === forge.asn1.Type.OCTETSTRING && node.value.charCodeAt(0) === 0x30) {
    const inner = readDerPrefix(Buffer.from(node.value, 'binary'));
    if (inner) return walk(inner, pkcs12, nesting + 1, depth + 1, budget);
  }
  return undefined;
}

/** An AlgorithmIdentifier { OID, params } of a key-derivation step, judged by its parameters. */
function algorithm([id, params]: Asn1[], pkcs12: boolean): KdfRefusal | undefined {
  const oid = id?.type === forge.asn1.Type.OID && typeof id.value === 'string' ? forge.asn1.derToOid(id.value) : undefined;
  if (!oid) return undefined;
  const values = children(params);
  if (oid === PBKDF2 || SALT_AND_ITERATIONS.test(oid)) {
    const iterations = integer(values[1]);
    const bound = pkcs12 ? MAX_PKCS12_ITERATIONS : MAX_ITERATIONS;
    if (iterations !== undefined && iterations > bound) return { what: oid === PBKDF2 ? 'PBKDF2' : 'the password-based encryption', asked: iterations, bound };
  } else if (oid === SCRYPT) {
    const [n, r, p] = [integer(values[1]), integer(values[2]), integer(values[3])];
    if (n !== undefined && r !== undefined && p !== undefined && n * r * p > MAX_SCRYPT_WORK) return { what: 'scrypt (N·r·p)', asked: n * r * p, bound: MAX_SCRYPT_WORK };
  }
  return undefined;
}
