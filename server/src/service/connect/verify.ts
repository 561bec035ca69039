// The server's certificate chain verified as OpenSSL's X509_verify_cert does for a TLS client, at an
// instant we choose (the handshake's own verdict uses this machine's clock, and stops at one error): the
// path from the leaf up to a trusted root, and every error on the way with its depth and OpenSSL's name.
// Held against `openssl verify -attime` on the same bytes in test/unit/connect-verify.test.ts.
import type { X509Certificate } from 'node:crypto';
import type { CertificateMemo, CertInfo } from '../../pki';

/** OpenSSL's verify errors that a chain of sent certificates and CA lists can raise (x509_vfy.h numbers). */
export const VERIFY_ERRORS = {
  UNABLE_TO_GET_ISSUER_CERT: { number: 2, text: 'unable to get issuer certificate' },
  CERT_NOT_YET_VALID: { number: 9, text: 'certificate is not yet valid' },
  CERT_HAS_EXPIRED: { number: 10, text: 'certificate has expired' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { number: 18, text: 'self-signed certificate' },
  SELF_SIGNED_CERT_IN_CHAIN: { number: 19, text: 'self-signed certificate in certificate chain' },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { number: 20, text: 'unable to get local issuer certificate' },
  INVALID_CA: { number: 24, text: 'invalid CA certificate' },
  INVALID_PURPOSE: { number: 26, text: 'unsupported certificate purpose' },
} as const;
export type VerifyErrorName = keyof typeof VERIFY_ERRORS;

export interface VerifyError {
  name: VerifyErrorName;
  /** 0 is the server's own certificate. */
  depth: number;
}

export interface PathEntry {
  certificate: X509Certificate;
  info: CertInfo;
  /** From the server's chain, or a trust anchor from a CA list (its index in `anchors`). */
  anchor?: number;
}

export interface Verification {
  /** The leaf first, each followed by its issuer, as far as the path goes. */
  path: PathEntry[];
  errors: VerifyError[];
  /** The anchor the path ends at, when it ends at one. */
  anchoredBy?: number;
}

export interface Anchor {
  certificate: X509Certificate;
  info: CertInfo;
}

export interface SentCertificate {
  certificate: X509Certificate;
  info: CertInfo;
}

/** OpenSSL's default verify depth is 100; a real chain has a handful. More is not walked. */
export const MAX_PATH = 10;

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_USAGE = '2.5.29.37.0';

export function verifyChain(sent: readonly SentCertificate[], anchors: readonly Anchor[], now: Date, memo: CertificateMemo): Verification {
  const errors: VerifyError[] = [];
  const leaf = sent[0];
  if (!leaf) return { path: [], errors };
  const isAnchor = (certificate: X509Certificate) => anchors.findIndex((anchor) => anchor.certificate.raw.equals(certificate.raw));
  const issued = (child: X509Certificate, candidate: X509Certificate) => child.checkIssued(candidate) && memo.isIssuedBy(child, candidate);
  const path: PathEntry[] = [{ ...leaf, ...anchorField(isAnchor(leaf.certificate)) }];
  let anchoredBy: number | undefined;
  for (;;) {
    const current = path[path.length - 1]!;
    const depth = path.length - 1;
    const selfSigned = current.info.selfSigned;
    if (selfSigned) {
      // A self-signed certificate ends the path: trusted when a CA list holds it, else OpenSSL's 18 or 19.
      if (current.anchor !== undefined) anchoredBy = current.anchor;
      else errors.push({ name: depth === 0 ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'SELF_SIGNED_CERT_IN_CHAIN', depth });
      break;
    }
    if (path.length >= MAX_PATH) break;
    // Trusted first (OpenSSL 1.1.0 and later): an issuer in a CA list wins over one the server sent.
    const fromAnchors = anchors.findIndex((anchor) => issued(current.certificate, anchor.certificate) && !inPath(path, anchor.certificate));
    if (fromAnchors >= 0) {
      path.push({ ...anchors[fromAnchors]!, anchor: fromAnchors });
      continue;
    }
    const fromSent = sent.find((candidate) => issued(current.certificate, candidate.certificate) && !inPath(path, candidate.certificate));
    if (fromSent) {
      path.push({ ...fromSent, ...anchorField(isAnchor(fromSent.certificate)) });
      continue;
    }
    // The issuer is nowhere: error 20, or 2 above a trusted certificate (an intermediate in a CA list).
    errors.push({ name: path.some((entry) => entry.anchor !== undefined) ? 'UNABLE_TO_GET_ISSUER_CERT' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', depth });
    break;
  }
  // In OpenSSL's order: the extensions leaf first (check_chain_extensions), then the times root first (internal_verify).
  path.forEach((entry, depth) => {
    if (depth > 0 && !entry.info.isCA) errors.push({ name: 'INVALID_CA', depth });
    const usages = entry.certificate.keyUsage;
    if (depth === 0 && usages?.length && !usages.includes(SERVER_AUTH) && !usages.includes(ANY_USAGE)) errors.push({ name: 'INVALID_PURPOSE', depth });
  });
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const { info } = path[depth]!;
    if (now < info.notBefore) errors.push({ name: 'CERT_NOT_YET_VALID', depth });
    else if (now >= info.notAfter) errors.push({ name: 'CERT_HAS_EXPIRED', depth });
  }
  return { path, errors, ...(anchoredBy !== undefined ? { anchoredBy } : {}) };
}

function anchorField(index: number): { anchor?: number } {
  return index >= 0 ? { anchor: index } : {};
}

function inPath(path: readonly PathEntry[], certificate: X509Certificate): boolean {
  return path.some((entry) => entry.certificate.raw.equals(certificate.raw));
}

export function describeVerifyError(error: VerifyError): string {
  const { number, text } = VERIFY_ERRORS[error.name];
  return `${text} (OpenSSL error ${number} at depth ${error.depth})`;
}
