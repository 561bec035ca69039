// The few facts Node's X509Certificate does not give, read from the DER with node-forge's ASN.1 parser
// (never forge's certificate parser: it throws "OID is not RSA" on EC certificates).
import forge from 'node-forge';

type Asn1 = forge.asn1.Asn1;

// The typings know only the boolean form. decodeBitStrings:false keeps BIT STRINGs as bytes instead of
// guessing whether they hold nested ASN.1.
const fromDer = forge.asn1.fromDer as unknown as (bytes: string, options: { strict: boolean; decodeBitStrings: boolean; parseAllBytes?: boolean }) => Asn1;

const { Class, Type } = forge.asn1;

/** Parses DER bytes; undefined when they are not one complete, well-formed ASN.1 value. */
export function readDer(der: Uint8Array): Asn1 | undefined {
  try {
    return fromDer(Buffer.from(der).toString('binary'), { strict: true, decodeBitStrings: false });
  } catch {
    return undefined;
  }
}

/**
 * The first ASN.1 value in the bytes, whatever follows it: what OpenSSL's decoders read (a key file with a byte
 * after its DER still opens). The KDF bound must see what OpenSSL will derive from, not refuse to look.
 */
export function readDerPrefix(der: Uint8Array): Asn1 | undefined {
  try {
    return fromDer(Buffer.from(der).toString('binary'), { strict: true, decodeBitStrings: false, parseAllBytes: false });
  } catch {
    return undefined;
  }
}

/** A constructed value's children; [] for anything else. */
export function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

function bytes(node: Asn1 | undefined): string | undefined {
  return node && typeof node.value === 'string' ? node.value : undefined;
}

/** An OBJECT IDENTIFIER's dotted form (universal class only); undefined for anything else. */
export function oid(node: Asn1 | undefined): string | undefined {
  const value = node?.type === Type.OID && node.tagClass === Class.UNIVERSAL ? bytes(node) : undefined;
  return value === undefined ? undefined : forge.asn1.derToOid(value);
}

/** The content of an explicit [0]. */
export function explicit0(node: Asn1 | undefined): Asn1 | undefined {
  return node?.tagClass === Class.CONTEXT_SPECIFIC && node.type === 0 ? children(node)[0] : undefined;
}

/** BER lets an OCTET STRING be split into constructed pieces, pieces within pieces: this deep at most. */
const MAX_OCTET_NESTING = 8;

/**
 * The bytes of an OCTET STRING, primitive or constructed (BER, as some PKCS#12 writers use), or of an
 * implicitly tagged one (`tagged`: EncryptedContentInfo's [0] IMPLICIT encryptedContent).
 */
export function octets(node: Asn1 | undefined, tagged = false, depth = 0): Buffer | undefined {
  if (!node || depth > MAX_OCTET_NESTING) return undefined;
  const fits = tagged ? node.tagClass === Class.CONTEXT_SPECIFIC && node.type === 0 : node.tagClass === Class.UNIVERSAL && node.type === Type.OCTETSTRING;
  if (!fits) return undefined;
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  const parts: Buffer[] = [];
  for (const child of children(node)) {
    const part = octets(child, false, depth + 1);
    if (!part) return undefined;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** A non-negative INTEGER's value (at most 2^53); Infinity for a larger one (over every bound); undefined if it is none. */
export function integer(node: Asn1 | undefined): number | undefined {
  if (node?.type !== Type.INTEGER || node.tagClass !== Class.UNIVERSAL || typeof node.value !== 'string') return undefined;
  const bytes = node.value;
  if (bytes.length === 0 || bytes.charCodeAt(0) & 0x80) return undefined; // negative: no count
  let start = 0;
  while (start < bytes.length - 1 && bytes.charCodeAt(start) === 0) start++; // leading zero bytes add nothing
  if (bytes.length - start > 7) return Infinity;
  let value = 0;
  for (let i = start; i < bytes.length; i++) value = value * 256 + bytes.charCodeAt(i);
  return value;
}

/** A validity time; undefined when it is not one (forge returns an Invalid Date for garbage digits). */
function time(node: Asn1 | undefined): Date | undefined {
  const value = bytes(node);
  if (value === undefined) return undefined;
  const date = node?.type === Type.UTCTIME ? forge.asn1.utcTimeToDate(value)
    : node?.type === Type.GENERALIZEDTIME ? forge.asn1.generalizedTimeToDate(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
];

function keyUsage(value: string): string[] | undefined {
  const node = readDer(Buffer.from(value, 'binary'));
  const content = node?.type === Type.BITSTRING ? bytes(node) : undefined;
  if (content === undefined) return undefined;
  // The first content byte counts the unused bits; bit 0 is the most significant bit of the next byte.
  return KEY_USAGE_BITS.filter((_, bit) => ((content.charCodeAt(1 + (bit >> 3)) || 0) & (0x80 >> (bit & 7))) !== 0);
}

function pathLength(value: string): number | undefined {
  const integer = children(readDer(Buffer.from(value, 'binary'))).find((node) => node.type === Type.INTEGER);
  const content = bytes(integer);
  return content === undefined ? undefined : forge.asn1.derToInteger(content);
}

/**
 * A validity time as RFC 5280 wants it in DER: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ. OpenSSL
 * compares no other form from 1.0.2p on (X509_cmp_time: a time-zone offset, fractional seconds or missing
 * seconds give verify error 13 or 14, "format error in certificate's notBefore/notAfter field").
 */
function isStrictTime(node: Asn1 | undefined): boolean {
  const value = bytes(node) ?? '';
  return node?.type === Type.UTCTIME ? /^\d{12}Z$/.test(value) : node?.type === Type.GENERALIZEDTIME && /^\d{14}Z$/.test(value);
}

export interface CertificateDerFacts {
  /** X.509 version as written: 1, 2 or 3 (the field holds 0, 1 or 2; absent means 1). */
  version: number;
  signatureOid: string;
  /** The first validity time not written as RFC 5280 wants it, as written; undefined when both are. */
  laxTime?: { field: 'notBefore' | 'notAfter'; written: string };
  notBefore: Date;
  notAfter: Date;
  pathLength?: number;
  keyUsage?: string[];
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280). */
export function certificateDerFacts(der: Uint8Array): CertificateDerFacts | undefined {
  const [tbs, algorithm] = children(readDer(der));
  const signatureOid = oid(children(algorithm)[0]);
  const fields = children(tbs);
  // The version is an optional explicit [0]; everything after it sits at fixed positions.
  const at = fields[0]?.tagClass === Class.CONTEXT_SPECIFIC && fields[0].type === 0 ? 1 : 0;
  const times = children(fields[at + 3]);
  const [notBefore, notAfter] = times.map(time);
  if (signatureOid === undefined || notBefore === undefined || notAfter === undefined) return undefined;
  const written = at === 1 ? bytes(children(fields[0])[0]) : undefined;
  const version = written === undefined ? 1 : forge.asn1.derToInteger(written) + 1;
  const facts: CertificateDerFacts = { version, signatureOid, notBefore, notAfter };
  const lax = [0, 1].find((i) => !isStrictTime(times[i]));
  if (lax !== undefined) facts.laxTime = { field: lax === 0 ? 'notBefore' : 'notAfter', written: bytes(times[lax]) ?? '' };
  const extensions = fields.find((node) => node.tagClass === Class.CONTEXT_SPECIFIC && node.type === 3);
  for (const extension of children(children(extensions)[0])) {
    const parts = children(extension);
    const value = bytes(parts[parts.length - 1]);
    if (value === undefined) continue;
    const id = oid(parts[0]);
    if (id === '2.5.29.19') facts.pathLength = pathLength(value);
    if (id === '2.5.29.15') facts.keyUsage = keyUsage(value);
  }
  return facts;
}

/** The bit length of a non-negative INTEGER's content bytes (leading zero bytes add nothing). */
function bitLength(value: string): number | undefined {
  let start = 0;
  while (start < value.length && value.charCodeAt(start) === 0) start++;
  if (start === value.length) return undefined;
  return (value.length - start - 1) * 8 + (32 - Math.clz32(value.charCodeAt(start)));
}

/**
 * The size of an EC key as OpenSSL counts it (EVP_PKEY_get_bits: the bits of the group's order), read from a
 * SubjectPublicKeyInfo whose parameters are explicit: SEQUENCE { { id-ecPublicKey, ECParameters }, BIT STRING },
 * ECParameters ::= SEQUENCE { version, fieldID, curve, base, order, cofactor? } (SEC 1, RFC 3279). Undefined
 * for a named curve (its parameters are an OID) or anything else.
 */
export function explicitEcOrderBits(spki: Uint8Array): number | undefined {
  const parameters = ecParameters(spki);
  if (parameters?.type !== Type.SEQUENCE) return undefined;
  const order = children(parameters)[4];
  const value = order?.type === Type.INTEGER ? bytes(order) : undefined;
  return value === undefined ? undefined : bitLength(value);
}

/** Whether an EC SubjectPublicKeyInfo spells its curve out (ECParameters) instead of naming it by OID. */
export function hasExplicitEcParameters(spki: Uint8Array): boolean {
  return ecParameters(spki)?.type === Type.SEQUENCE;
}

/** The named curve's OID of an EC SubjectPublicKeyInfo; undefined for explicit parameters or another key type. */
export function ecCurveOid(spki: Uint8Array): string | undefined {
  return oid(ecParameters(spki));
}

function ecParameters(spki: Uint8Array): Asn1 | undefined {
  const [algorithm] = children(readDer(spki));
  const [id, parameters] = children(algorithm);
  return oid(id) === '1.2.840.10045.2.1' ? parameters : undefined;
}

/** PFX ::= SEQUENCE { version 3, authSafe ContentInfo (data or signedData), macData? } (RFC 7292). */
export function looksLikePkcs12(der: Uint8Array): boolean {
  const [version, authSafe] = children(readDer(der));
  const versionBytes = version?.type === Type.INTEGER ? bytes(version) : undefined;
  const contentType = oid(children(authSafe)[0]);
  return versionBytes === '\x03' && (contentType === '1.2.840.113549.1.7.1' || contentType === '1.2.840.113549.1.7.2');
}

/** The length of the first DER value in `der` (tag, length and content), for PEM bodies with data after it. */
export function firstValueLength(der: Uint8Array): number | undefined {
  if (der.length < 2) return undefined;
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i];
  return 2 + count + length;
}
