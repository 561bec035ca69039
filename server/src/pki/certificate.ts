// Certificate facts: Node's X509Certificate for names, fingerprints, key and CA flag; the DER (asn1.ts)
// for what Node does not expose: the signature algorithm, exact validity dates, pathLength and keyUsage.
import { X509Certificate } from 'node:crypto';
import { certificateDerFacts, hasExplicitEcParameters } from './asn1';
import { describeKey } from './key';
import { Recent } from '../util/recent';
import type { CertInfo } from './types';

/** Signature algorithms by OID, with the hash the verdicts are about. */
const SIGNATURES: Record<string, { name: string; hash: string }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'MD2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'SHA-1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'SHA-1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'SHA-224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'SHA-512' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: 'RSA-PSS' },
  '1.2.840.10040.4.3': { name: 'dsa_with_SHA1', hash: 'SHA-1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', hash: 'SHA-256' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'SHA-512' },
  '1.3.101.112': { name: 'ED25519', hash: 'Ed25519' },
  '1.3.101.113': { name: 'ED448', hash: 'Ed448' },
};

/** The hash a signature algorithm uses ('SHA-1', 'SHA-256', ...), or the scheme when it has no separate hash. */
export function signatureHash(oid: string): string | undefined {
  return SIGNATURES[oid]?.hash;
}

function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

function commonName(name: string): string | undefined {
  const line = name.split('\n').find((part) => part.startsWith('CN='));
  return line?.slice(3);
}

/** Names kept per certificate: more than any view shows; the count says how many there were. */
export const MAX_KEPT_NAMES = 100;

// Node quotes a name that contains ", " ('DNS:"a, b"'), so split only on separators outside quotes. One pass
// over the text: a certificate may carry tens of thousands of names.
function altNames(value: string | undefined): { kept: string[]; count: number } {
  const kept: string[] = [];
  if (!value) return { kept, count: 0 };
  let count = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) quoted = !quoted; // "
    else if (c === 0x2c && !quoted && value.charCodeAt(i + 1) === 0x20) { // ", "
      if (count++ < MAX_KEPT_NAMES) kept.push(value.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (count++ < MAX_KEPT_NAMES) kept.push(value.slice(start));
  return { kept, count };
}

export interface ReadCertificate {
  readonly certificate: X509Certificate;
  readonly info: Readonly<CertInfo>;
}

// Chain files repeat the same issuing and root certificates (a fleet of homes, a CA list and every chain
// beside it): one already read is not read again. X509Certificate costs ~0.2 ms in OpenSSL 3.0.
const MAX_CERTIFICATES = 1024;

/**
 * What reading certificates remembers: each certificate by its DER, and each signature check between two
 * (parsed files are judged again on every keystroke). Owned by whoever owns the parse cache, so that one
 * service instance holds all its state; a memo of its own per parse when none is given.
 */
export class CertificateMemo {
  private readonly alreadyRead = new Recent<ReadCertificate | null>(MAX_CERTIFICATES);
  private readonly verified = new WeakMap<X509Certificate, WeakMap<X509Certificate, boolean>>();

  /** Reads one DER certificate; undefined when Node or the DER walk cannot. */
  read(der: Buffer): ReadCertificate | undefined {
    const id = der.toString('base64');
    const known = this.alreadyRead.use(id);
    if (known !== undefined) return known ?? undefined;
    return this.alreadyRead.keep(id, readAnew(der, this)) ?? undefined;
  }

  /** Whether `issuer` signed `certificate`: by signature, not by names. */
  isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
    let byIssuer = this.verified.get(certificate);
    if (!byIssuer) this.verified.set(certificate, (byIssuer = new WeakMap()));
    let verdict = byIssuer.get(issuer);
    if (verdict === undefined) {
      try {
        verdict = certificate.verify(issuer.publicKey);
      } catch {
        verdict = false;
      }
      byIssuer.set(issuer, verdict);
    }
    return verdict;
  }
}

function readAnew(der: Buffer, memo: CertificateMemo): ReadCertificate | null {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    return null;
  }
  const facts = certificateDerFacts(der);
  if (!facts) return null;
  const key = describeKey(certificate.publicKey);
  const selfIssued = certificate.subject === certificate.issuer;
  const selfSigned = selfIssued && memo.isIssuedBy(certificate, certificate);
  const names = altNames(certificate.subjectAltName);
  const info: CertInfo = {
    subject: oneLine(certificate.subject),
    subjectCN: commonName(certificate.subject),
    issuer: oneLine(certificate.issuer),
    issuerCN: commonName(certificate.issuer),
    serial: certificate.serialNumber.toUpperCase(),
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    ...(facts.laxTime ? { laxTime: facts.laxTime } : {}),
    sha256: certificate.fingerprint256,
    sha1: certificate.fingerprint,
    publicKey: key.description,
    keyType: key.keyType,
    keyBits: key.bits,
    signatureAlgorithm: SIGNATURES[facts.signatureOid]?.name ?? facts.signatureOid,
    signatureOid: facts.signatureOid,
    version: facts.version,
    // As OpenSSL's X509_check_ca: a self-signed v1 certificate (no extensions to say otherwise) is a CA, a root.
    isCA: certificate.ca || (facts.version === 1 && selfSigned),
    explicitCurve: key.keyType === 'ec' && hasExplicitEcParameters(certificate.publicKey.export({ type: 'spki', format: 'der' })),
    pathLength: facts.pathLength,
    keyUsage: facts.keyUsage,
    subjectAltNames: names.kept,
    subjectAltNameCount: names.count,
    selfIssued,
    selfSigned,
  };
  // Shared by every file that holds this certificate: nobody may change it.
  if (info.keyUsage) Object.freeze(info.keyUsage);
  Object.freeze(info.subjectAltNames);
  return { certificate, info: Object.freeze(info) };
}
