// Identity chains (a server's or client's certificate file) as OpenSSL builds them: the file's certificates
// must run leaf first, each signed by the next (SSL_CTX_use_certificate_chain_file sends them in file order),
// and the last must be a root or be issued by a certificate the peer or the EMS's own CA lists hold
// (openssl verify -untrusted <file> -CAfile <lists>: "unable to get local issuer certificate" otherwise).
import type { X509Certificate } from 'node:crypto';
import type { CertificateMemo } from './certificate';
import { contentsOf } from './handles';
import { nameOf } from './naming';
import type { CertInfo, ParsedPki, PkiFinding } from './types';
import { quote } from '../util/text';

/** A leaf-first order in which each certificate is signed by the next, if the file's certificates make one. */
function chainOrder(certificates: readonly X509Certificate[], memo: CertificateMemo): number[] | undefined {
  const indexes = certificates.map((_, i) => i);
  const issuerOf = indexes.map((i) => indexes.find((j) => j !== i && memo.isIssuedBy(certificates[i]!, certificates[j]!)));
  for (const leaf of indexes.filter((i) => !issuerOf.includes(i))) {
    const order = [leaf];
    for (let next = issuerOf[leaf]; next !== undefined && !order.includes(next); next = issuerOf[next]) order.push(next);
    if (order.length === certificates.length) return order;
  }
  return undefined;
}

/** Longer than any real chain; a file with more certificates is not put in order (that tries every pair). */
export const MAX_CHAIN_TO_ORDER = 10;

/** chain-order: an identity chain whose certificates do not each follow the one they sign. */
export function chainOrderFinding(parsed: ParsedPki, label: string): PkiFinding[] {
  const { certificates, memo } = contentsOf(parsed.handle);
  const broken = certificates.findIndex((certificate, i) => i + 1 < certificates.length && !memo.isIssuedBy(certificate, certificates[i + 1]!));
  if (broken < 0) return [];
  const info = parsed.certificates;
  // Ordering tries every pair: only for chains of a real length (a leaf, a few intermediates, a root).
  const orderable = certificates.length <= MAX_CHAIN_TO_ORDER;
  const order = orderable ? chainOrder(certificates, memo) : undefined;
  const hint = order
    ? ` The order ${order.map((i) => nameOf(info[i]!)).join(', ')} would be right.`
    : orderable ? ' They do not form one chain.'
      : ` The file holds ${certificates.length} certificates, more than any real chain (at most ${MAX_CHAIN_TO_ORDER} are put in order here); no order is worked out.`;
  return [{
    code: 'chain-order',
    certIndex: broken,
    message: `${label}: certificate ${broken + 1} (${nameOf(info[broken]!)}) is not signed by certificate ${broken + 2} (${nameOf(info[broken + 1]!)}); `
      + `a chain starts with the server certificate and each certificate is followed by its issuer.${hint}`,
    data: { position: broken, ...(order ? { suggestedOrder: order } : {}) },
  }];
}


/**
 * chain-incomplete: the file's last certificate is a leaf (no CA), and its issuer is neither in the file nor in
 * any of `caLists` (the CA lists the config names, which OpenSSL also builds a chain from). A file that ends at
 * an intermediate CA is taken as complete: what is above it is most likely the root, which peers hold and a
 * chain need not carry (that cannot be known without it, so nothing is said). Undefined when the chain is
 * complete, out of order (chain-order says so) or empty. The issuer is looked for by signature among the
 * certificates whose subject is its issuer name: names alone can be reused.
 */
export function chainIncompleteFinding(parsed: ParsedPki, label: string, caLists: readonly ParsedPki[]): PkiFinding | undefined {
  const { certificates, memo } = contentsOf(parsed.handle);
  const info = parsed.certificates;
  if (!certificates.length || certificates.length !== info.length) return undefined;
  if (certificates.some((certificate, i) => i + 1 < certificates.length && !memo.isIssuedBy(certificate, certificates[i + 1]!))) return undefined;
  const last = certificates.length - 1;
  const top = info[last]!;
  // A CA on top: its issuer is most likely the root. Self-issued: a root, or its own issuer.
  if (top.isCA || top.selfIssued) return undefined;
  const issued = (candidate: X509Certificate) => candidate.subject === certificates[last]!.issuer && memo.isIssuedBy(certificates[last]!, candidate);
  if (caLists.some((list) => contentsOf(list.handle).certificates.some(issued))) return undefined;
  const issuer = quote(top.issuerCN ?? top.issuer);
  const where = certificates.length === 1 ? `${label} holds only ${nameOf(top)}` : `The chain in ${label} ends at the leaf ${nameOf(top)}`;
  return {
    code: 'chain-incomplete',
    certIndex: last,
    message: `${where}, issued by ${issuer}, which is neither in ${label} nor in a CA list this config names: a peer that does not already hold ${issuer} cannot verify it (openssl verify: "unable to get local issuer certificate"). `
      + `If ${issuer} is an intermediate CA, append its certificate to ${label}; if it is the root CA the peers trust, nothing is missing.`,
    data: { issuer: top.issuer, position: last },
  };
}


/**
 * chain-incomplete for a TRUSTED CERTIFICATE block after the first certificate of an identity chain:
 * SSL_CTX_use_certificate_chain_file reads the first with PEM_read_bio_X509_AUX, which takes that label, and
 * the rest with PEM_read_bio_X509, which skips it (pem_lib.c check_pem), so the EMS does not send it (a TLS
 * server of Node, which reads chains the same way, sent the leaf alone on the same bytes).
 */
export function trustedLabelFindings(parsed: ParsedPki, label: string): PkiFinding[] {
  return parsed.framing.filter((note) => note.kind === 'trusted-label' && (note.certificate ?? 0) > 0).map((note) => ({
    code: 'chain-incomplete' as const,
    certIndex: note.certificate,
    message: `${label}: certificate ${note.certificate! + 1} (${nameOf(parsed.certificates[note.certificate!]!)}, line ${note.line}) is a "TRUSTED CERTIFICATE" block, which OpenSSL's chain reader takes only as the first certificate: the EMS does not send it. Label its BEGIN and END lines CERTIFICATE (openssl x509 writes it so).`,
    data: { position: note.certificate, label: note.label },
  }));
}

/** The certificates of a parsed file beside their facts, to verify a chain against (index order). */
export function certificatesOf(parsed: ParsedPki): { certificate: X509Certificate; info: CertInfo }[] {
  const { certificates } = contentsOf(parsed.handle);
  return certificates.length === parsed.certificates.length ? certificates.map((certificate, i) => ({ certificate, info: parsed.certificates[i]! })) : [];
}
