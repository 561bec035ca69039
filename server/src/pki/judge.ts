// Verdicts on a parsed file in the role its config value gives it, as findings with catalogue codes.
// Messages name the file (label) and the certificate (subject CN), and give dates as dates.
//
// Choices (see index.ts): a private key next to an identity chain is not reported (a cert+key bundle named
// by both the certificate and the private_key setting is common, and that file is never sent anywhere);
// a self-signed certificate's own signature is not judged (TLS never checks it: OpenSSL skips it at every
// security level), so a SHA-1 root is fine; the private-key role judges the key only, not certificates
// bundled with it, since the certificate setting is where those are judged.
import { signatureHash } from './certificate';
import { chainOrderFinding, trustedLabelFindings } from './chain';
import { MAX_PEM_BLOCKS } from './decode';
import { certificateData, nameOf } from './naming';
import type { KeyHandle } from './handles';
import type { CertInfo, ContentRole, OpenKeyResult, ParsedPki, PkiFinding } from './types';
import { keyMatches } from './parse';
import { clip, DAY_MS as DAY, isoDate, relativeDays } from '../util/text';

export interface JudgeOptions {
  /** How messages name the file, usually its name or the path as written in the config. */
  readonly label: string;
  readonly now: Date;
  readonly expiryWarningDays: number;
}

/** Findings about unreadable blocks per file; the rest are counted in one more. */
export const MAX_BLOCK_FINDINGS = 20;

function unrecognized(parsed: ParsedPki, label: string, role: ContentRole): PkiFinding[] {
  // PEM_X509_INFO_read_bio, which loads a CA file, fails on the first block it cannot read and keeps none of
  // the file's certificates (pem_info.c, 1.0.2 to 3.0; openssl crl2pkcs7 on the same bytes): say it once.
  const fatal = role === 'ca-list' && parsed.certificates.length > 0 ? parsed.problems.find((p) => !p.stray && p.block <= MAX_PEM_BLOCKS) : undefined;
  const findings: PkiFinding[] = parsed.problems.slice(0, MAX_BLOCK_FINDINGS).map((problem) => ({
    code: 'unrecognized-content',
    message: `${label}: PEM block ${problem.block} (${problem.label}, line ${problem.line}) ${problem.reason}.`
      + (problem === fatal ? ` OpenSSL stops reading a CA list at a block it cannot read and loads none of its certificates: the EMS trusts none of the ${parsed.certificates.length} here.` : ''),
    data: { ...problem },
  }));
  const more = parsed.problems.length - MAX_BLOCK_FINDINGS;
  if (more > 0) {
    findings.push({ code: 'unrecognized-content', data: { more },
      message: `${label}: … and ${more.toLocaleString('en-US')} more PEM blocks that cannot be read (not listed one by one).` });
  }
  if (parsed.encoding === 'unknown') {
    const why = {
      empty: 'holds only blank space',
      text: 'is text without any "-----BEGIN ...-----" PEM block',
      binary: 'is binary data that is neither a DER certificate or key nor PKCS#12',
    }[parsed.unrecognized ?? 'binary'];
    findings.push({ code: 'unrecognized-content', message: `${label} ${why}; expected PEM certificates or a private key.` });
  }
  return findings;
}

function contentKind(parsed: ParsedPki, role: ContentRole, label: string): PkiFinding[] {
  const has = parsed.certificates.length > 0 ? 'certificates' : parsed.keys.length > 0 ? 'a private key' : undefined;
  const others = parsed.otherBlocks.length > 0 ? `only ${[...new Set(parsed.otherBlocks)].join(', ')} PEM data` : undefined;
  if (role === 'private-key') {
    if (parsed.keys.length > 0 || parsed.encoding === 'pkcs12') return [];
    const holds = has ?? others;
    return holds ? [{ code: 'wrong-content-kind', message: `${label} holds ${holds}, not a private key.`, data: { expected: 'private-key' } }] : [];
  }
  const expected = role === 'ca-list' ? 'CA certificates' : 'a certificate chain';
  if (parsed.encoding === 'pkcs12') {
    return [{ code: 'wrong-content-kind', message: `${label} is a PKCS#12 bundle; the EMS reads ${expected} from a PEM file.`, data: { expected: role } }];
  }
  if (parsed.certificates.length > 0) return [];
  const holds = has ?? others;
  return holds ? [{ code: 'wrong-content-kind', message: `${label} holds ${holds}, not ${expected}.`, data: { expected: role } }] : [];
}

/** A validity date as OpenSSL compares it: to the second (a fraction of a second in a GeneralizedTime is dropped). */
function edge(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * OpenSSL's verdict on a certificate's dates at `now` (X509_cmp_time in x509_vfy.c counts a time equal to
 * the instant as already past): valid from notBefore, inclusive, until notAfter, exclusive. At the instant
 * of notAfter the certificate has expired (`openssl verify -attime <notAfter>`: error 10).
 */
export function validityAt(certificate: Pick<CertInfo, 'notBefore' | 'notAfter'>, now: Date): 'not-yet-valid' | 'valid' | 'expired' {
  const t = now.getTime();
  if (t >= edge(certificate.notAfter)) return 'expired';
  return t < edge(certificate.notBefore) ? 'not-yet-valid' : 'valid';
}

function validity(certificate: CertInfo, index: number, options: JudgeOptions): PkiFinding[] {
  const { label, now, expiryWarningDays } = options;
  const findings: PkiFinding[] = [];
  const where = `Certificate ${nameOf(certificate)} in ${label}`;
  // Built only when there is something to say: this runs for every certificate on every keystroke.
  const data = () => ({ ...certificateData(certificate), notBefore: certificate.notBefore.toISOString(), notAfter: certificate.notAfter.toISOString() });
  if (certificate.laxTime) {
    const { field, written } = certificate.laxTime;
    findings.push({ code: 'cert-time-format', certIndex: index, data: { ...certificateData(certificate), field, written },
      message: `${where} has its ${field} written as "${clip(written, 40)}", not as RFC 5280 wants it (YYMMDDHHMMSSZ, UTC to the second); OpenSSL 1.0.2p and later refuse such a certificate (error ${field === 'notBefore' ? 13 : 14}, "format error in certificate's ${field} field"). Have it issued again.` });
  }
  const verdict = validityAt(certificate, now);
  if (verdict === 'expired') {
    findings.push({ code: 'cert-expired', certIndex: index, data: data(),
      message: `${where} expired on ${isoDate(certificate.notAfter)} (${relativeDays(certificate.notAfter, now)}).` });
  } else if (edge(certificate.notAfter) - now.getTime() <= expiryWarningDays * DAY) {
    findings.push({ code: 'cert-expiring-soon', certIndex: index, data: data(),
      message: `${where} expires on ${isoDate(certificate.notAfter)} (${relativeDays(certificate.notAfter, now)}).` });
  }
  if (verdict === 'not-yet-valid') {
    findings.push({ code: 'cert-not-yet-valid', certIndex: index, data: data(),
      message: `${where} is not valid until ${isoDate(certificate.notBefore)} (${relativeDays(certificate.notBefore, now)}).` });
  }
  return findings;
}

function strength(certificate: CertInfo, index: number, label: string): PkiFinding[] {
  const findings: PkiFinding[] = [];
  const where = `Certificate ${nameOf(certificate)} in ${label}`;
  const hash = signatureHash(certificate.signatureOid);
  const data = () => ({ ...certificateData(certificate), signatureAlgorithm: certificate.signatureAlgorithm, hash });
  if (certificate.selfSigned) {
    // No verdict on a self-signature: nobody verifies it.
  } else if (hash === 'MD5' || hash === 'MD2' || hash === 'SHA-1') {
    findings.push({ code: 'weak-signature', certIndex: index, data: data(),
      message: `${where} is signed with ${certificate.signatureAlgorithm}; ${hash} signatures can be forged, and OpenSSL 3 and current browsers reject such certificates.` });
  } else if (hash !== 'SHA-256') {
    findings.push({ code: 'signature-not-listed', certIndex: index, data: data(),
      message: `${where} is signed with ${certificate.signatureAlgorithm}; the EMS documents MD5, SHA-1 and SHA-256 signatures only.` });
  }
  if (certificate.explicitCurve) {
    // openssl verify (3.0) on such a certificate anywhere in a chain, trust anchor included: error 94. Only a
    // self-signed one trusted directly passes, which is no chain at all.
    findings.push({ code: 'ec-explicit-parameters', certIndex: index, data: certificateData(certificate),
      message: `${where} has an EC key with explicit curve parameters instead of a named curve; OpenSSL 3 refuses to verify a chain that holds it ("Certificate public key has explicit ECC parameters", error 94). Reissue it on a named curve such as P-256.` });
  }
  // keyBits is OpenSSL's count ("Public-Key: (160 bit)"), for every curve it knows and explicit parameters.
  const bits = certificate.keyBits;
  const weak = bits !== undefined && ((certificate.keyType === 'rsa' && bits < 2048) || (certificate.keyType === 'ec' && bits < 256));
  if (weak) {
    // A curve's name need not say its size (secp160r1 is 161 bits, sect233k1 232): EC keys are given it.
    const size = certificate.keyType === 'ec' && !certificate.publicKey.includes(`${bits}`) ? ` (${bits} bits)` : '';
    findings.push({ code: 'weak-key', certIndex: index, data: { ...certificateData(certificate), publicKey: certificate.publicKey, keyType: certificate.keyType, keyBits: bits },
      message: `${where} has a weak ${certificate.publicKey} key${size}; use RSA 2048 or more, or EC P-256 or more.` });
  }
  return findings;
}

/**
 * The first instant after `now` at which validity's verdict on this certificate changes (not yet valid →
 * valid → expiring soon → expired), by the same rules as the verdicts above; undefined when none will.
 */
export function validityChangesAt(certificate: CertInfo, now: Date, expiryWarningDays: number): Date | undefined {
  const t = now.getTime();
  // Valid from notBefore; expiring soon from warning-days before notAfter; expired at notAfter itself.
  const edges = [edge(certificate.notBefore), edge(certificate.notAfter) - expiryWarningDays * DAY, edge(certificate.notAfter)];
  const next = Math.min(...edges.filter((edge) => edge > t));
  return Number.isFinite(next) ? new Date(next) : undefined;
}

/** Judges a parsed file in its role. Every finding about one certificate carries its index. */
export function judge(parsed: ParsedPki, role: ContentRole, options: JudgeOptions): PkiFinding[] {
  const { label } = options;
  const findings = [...unrecognized(parsed, label, role), ...contentKind(parsed, role, label)];
  if (role === 'ca-list' && parsed.keys.length > 0) {
    findings.push({ code: 'private-key-exposed',
      message: `${label} is a list of trusted CA certificates but also holds a private key; move the key out and keep it private.` });
  }
  if (role === 'private-key') return findings;
  if (parsed.encoding === 'der' && parsed.certificates.length > 0) {
    findings.push({ code: 'der-encoded', certIndex: 0,
      message: `${label} is a DER (binary) certificate; the EMS documents PEM. Convert it: openssl x509 -inform der -in ${label} -out ${label.replace(/\.(der|cer|crt)$/i, '')}.pem` });
  }
  parsed.certificates.forEach((certificate, index) => {
    findings.push(...validity(certificate, index, options), ...strength(certificate, index, label));
    if (role === 'ca-list' && !certificate.isCA) {
      // OpenSSL takes a self-signed one as a trust anchor for itself alone; any other is no anchor at all.
      const why = certificate.selfSigned
        ? 'trusting a self-signed server certificate directly works only until it is renewed; issue it from a CA and list that CA'
        : 'OpenSSL does not take it as a trust anchor, not even for itself (openssl verify: "unable to get local issuer certificate"); list the CA that issued it';
      findings.push({ code: 'not-a-ca', certIndex: index, data: certificateData(certificate),
        message: `Certificate ${nameOf(certificate)} in the CA list ${label} is not a CA; ${why}.` });
    }
  });
  if (role === 'identity-chain' && parsed.certificates.length > 1) findings.push(...chainOrderFinding(parsed, label), ...trustedLabelFindings(parsed, label));
  return findings;
}

/** The finding for a key that openKey could not open; undefined when judge already says it or there is none. */
export function openKeyFinding(parsed: ParsedPki, result: OpenKeyResult, label: string): PkiFinding | undefined {
  if (result.ok) return undefined;
  switch (result.reason) {
    case 'encrypted-no-passphrase':
      return { code: 'key-encrypted-no-passphrase', message: `The private key in ${label} is encrypted, and no passphrase is configured.` };
    case 'passphrase-wrong':
      return { code: 'key-passphrase-wrong', message: `The configured passphrase does not open the private key in ${label}.` };
    case 'unrecognized':
      return { code: 'unrecognized-content', message: `${label} cannot be read as PKCS#12.` };
    case 'too-costly': {
      const { what, asked, bound } = result.refusal!;
      return { code: 'key-not-tried', data: { asked, bound },
        message: `The private key in ${label} was not tried: ${what} asks for ${count(asked)}, more than any real tool uses (this checker's bound is ${count(bound)}); the passphrase and the key's match with its certificate are not checked. Re-encrypt it with ordinary settings, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc (2,048 iterations).` };
    }
    case 'unsupported-algorithm':
      return unsupportedFinding(parsed, result.unsupported!, label);
    case 'no-key':
      return parsed.encoding === 'pkcs12'
        ? { code: 'wrong-content-kind', message: `${label} is a PKCS#12 bundle without a private key.`, data: { expected: 'private-key' } }
        : undefined;
  }
}

function unsupportedFinding(parsed: ParsedPki, unsupported: NonNullable<Extract<OpenKeyResult, { ok: false }>['unsupported']>, label: string): PkiFinding {
  const { algorithm, refusedFrom, passphraseChecked } = unsupported;
  const pkcs12 = parsed.encoding === 'pkcs12';
  const what = pkcs12 ? `${label} (PKCS#12) is` : `The private key in ${label} is`;
  const refused = refusedFrom === '3.0'
    ? 'which OpenSSL 3 cannot use without its legacy provider (OpenSSL 1.0.2 and 1.1.1 can): on OpenSSL 3 no passphrase opens it'
    : 'which OpenSSL does not know: the EMS cannot open it with any passphrase';
  const checked = passphraseChecked ? ' The configured passphrase is right (the file\'s MAC verifies).' : ' The passphrase cannot be tried here.';
  const fix = pkcs12
    ? 'Export it again with OpenSSL 3 (openssl pkcs12 -export without -legacy encrypts with AES-256-CBC).'
    : `Re-encrypt it with AES: openssl pkcs8 -topk8 -v2 aes-256-cbc -provider legacy -provider default -in ${label} -out ${label.replace(/\.(pem|key|der)$/i, '')}-aes.pem`;
  return { code: 'key-algorithm-unsupported', data: { algorithm, refusedFrom, passphraseChecked },
    message: `${what} ${algorithm.startsWith('PBMAC1') ? 'protected' : 'encrypted'} with ${algorithm}, ${refused}.${checked} The key's match with its certificate is not checked. ${fix}` };
}

const count = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'more than 2^53');

/** key-mismatch when the key does not belong to the certificate at certIndex (the leaf by default). */
export function keyMismatchFinding(
  certificates: { parsed: ParsedPki; label: string; certIndex?: number },
  key: { handle: KeyHandle; label: string },
): PkiFinding | undefined {
  const index = certificates.certIndex ?? 0;
  const certificate = certificates.parsed.certificates[index];
  if (!certificate || keyMatches(certificates.parsed, key.handle, index)) return undefined;
  return { code: 'key-mismatch', certIndex: index, data: certificateData(certificate),
    message: `The private key in ${key.label} does not belong to certificate ${nameOf(certificate)} in ${certificates.label}.` };
}
