// The EMS's rules on a TLS session it has just opened: which verify errors the config forgives
// (validate, allow_self_signed, deny_self_signed), the host name, validation_criteria and, for edge
// endpoints, fingerprint_allowlist. Pure: the verification and the handshake's facts in, a verdict out.
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { TlsObservation } from '../ports';
import { CRITERIA, type ConnectTarget, type CriterionKey } from './plan';
import type { ConnectionResult } from './run';
import { type Anchor, describeVerifyError, type Verification, VERIFY_ERRORS, type VerifyError, type VerifyErrorName } from './verify';

export interface TlsJudgement {
  accepted: boolean;
  /** One line for the lens and the CLI: what failed, or how the session is anchored. */
  summary: string;
  /** The verify step's detail. */
  detail: string;
  /** On success: 'TLS 1.2, anchored by root-ca.pem'. */
  line: string;
  /** What the EMS would log for this refusal: the C SDK's message (its source, v2.2.1), when it is known. */
  ems?: string;
  /** validate: false, so accepted: what would have failed with it on. */
  wouldHaveFailed?: string[];
  facts: Pick<ConnectionResult, 'anchoredBy' | 'missing' | 'host' | 'saveRoot'>;
}

/** The verify errors allow_self_signed (and deny_self_signed: false) forgive. */
export const SELF_SIGNED_ERRORS: readonly VerifyErrorName[] = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'];

interface Input {
  target: ConnectTarget;
  verification: Verification;
  anchors: readonly (Anchor & { file: string })[];
  observation: TlsObservation;
  /** CA lists the config names that hold no readable certificate. */
  unreadAnchors: readonly string[];
}

export function judgeTls({ target, verification, anchors, observation, unreadAnchors }: Input): TlsJudgement {
  const { trust } = target;
  const leaf = verification.path[0];
  const facts: TlsJudgement['facts'] = {};
  const version = observation.protocol.replace(/^TLSv/, 'TLS ');
  if (!leaf) return { accepted: false, summary: 'the server sent no certificate', detail: 'no certificate', line: version, facts };
  const problems: { text: string; ems?: string }[] = [];
  const forgiven: string[] = [];

  if (verification.anchoredBy !== undefined) {
    const anchor = anchors[verification.anchoredBy]!;
    facts.anchoredBy = { file: anchor.file, subject: anchor.info.subject };
  } else {
    const top = verification.path[verification.path.length - 1]!;
    const setting = trust.anchors.length ? `certificates.${trust.anchorSetting}` : `certificates.${trust.anchorSetting} (not set: nothing is trusted)`;
    facts.missing = top.info.selfSigned
      ? `the chain ends at the root ${name(top.info)}, which is not in ${setting}`
      : `the chain ends at ${name(top.info)}, issued by ${JSON.stringify(top.info.issuerCN ?? top.info.issuer)}, which neither the server sent nor ${setting} holds`;
    const file = trust.anchors.find((source) => source.reference?.resolved)?.reference?.resolved;
    if (top.info.selfSigned && top.info.isCA && file && verification.path.length > 1) {
      facts.saveRoot = { subject: top.info.subject, sha256: top.info.sha256, pem: top.certificate.toString(), file, pointer: trust.anchors[0]!.pointer };
    }
  }
  if (trust.anchorNote) problems.push({ text: trust.anchorNote });
  if (unreadAnchors.length && verification.anchoredBy === undefined) problems.push({ text: `no certificate could be read from ${unreadAnchors.join(', ')} (see the file findings)` });
  // The C SDK reads SSL_get_verify_result after the handshake: OpenSSL's first error, nothing after it.
  // axTLS checks the dates before it looks for a self-signed root (observed on 5.3.4: an expired self-signed
  // certificate is refused with allow_self_signed), OpenSSL stops at the first error in its own order.
  const timeFirst = target.library === 'axtls' ? verification.errors.find((error) => TIME_ERRORS.includes(error.name)) : undefined;
  const first = timeFirst ?? verification.errors[0];
  const later = verification.errors.filter((error) => error !== first);
  const describe = (error: VerifyError) => `${describeVerifyError(error)}${error.depth === 0 ? '' : ` for ${name(verification.path[error.depth]?.info ?? leaf.info)}`}`;
  if (first) {
    const { number, text } = VERIFY_ERRORS[first.name];
    if (trust.selfSignedOk && SELF_SIGNED_ERRORS.includes(first.name)) {
      forgiven.push(`${describe(first)}: accepted, certificates.${trust.selfSignedOk} is ${trust.selfSignedOk === 'allow_self_signed' ? 'true' : 'false'}`);
    } else {
      const missing = UNANCHORED.includes(first.name) && facts.missing ? `: ${facts.missing}` : '';
      // The last line observed on 5.3.4; before it the C SDK's OpenSSL builds log the verify error.
      const rejected = 'twTlsClient_Connect: Error intializing TLS connection.  Invalid certificate';
      problems.push({ text: `${describe(first)}${missing}`, ems: target.library === 'axtls' ? rejected : `TW_VALIDATE_CERT: Certificate rejected.  Code: ${number}, Reason = ${text}, then ${rejected}` });
    }
  }
  const unseen = later.map((error) => `${describe(error)} (the EMS stops at the first error and never sees this one)`);

  const host = hostMatch(target, leaf.certificate);
  facts.host = host;
  if (host.checked && !host.matches) problems.push({ text: host.note });

  (Object.keys(CRITERIA) as CriterionKey[]).forEach((key, index) => {
    const wanted = trust.criteria[key];
    if (wanted === undefined) return;
    const { of, field } = CRITERIA[key];
    const actual = fieldOf(of === 'subject' ? leaf.certificate.subject : leaf.certificate.issuer, field);
    if (actual === wanted) return;
    problems.push({
      text: `validation_criteria.${key} is ${JSON.stringify(wanted)}, the server certificate's ${of} ${field} is ${actual === undefined ? 'absent' : JSON.stringify(actual)}`,
      ems: `twTlsClient_Connect: Certificate field ${actual ?? ''} does not match expected ${wanted}. Field ${index}`,
    });
  });
  if (trust.fingerprints && !trust.fingerprints.includes(leaf.info.sha256)) {
    problems.push({ text: `the server certificate's SHA-256 fingerprint ${leaf.info.sha256} is not in certificates.fingerprint_allowlist` });
  }

  const anchored = facts.anchoredBy ? `anchored by ${facts.anchoredBy.file}` : forgiven.length ? 'self-signed, accepted' : 'not anchored';
  const line = `${version}, ${anchored}`;
  const texts = problems.map((problem) => problem.text);
  if (!trust.validate) {
    // The C SDK skips the verify result and the name fields alike when validation is off.
    return {
      accepted: true, summary: `${version}, certificates.validate is false: any certificate is accepted`, line: `${version}, not validated (validate: false)`,
      detail: texts.length ? `not validated; with validate on: ${texts.join('; ')}` : 'not validated (certificates.validate is false); it would verify',
      ...(texts.length ? { wouldHaveFailed: texts } : {}), facts,
    };
  }
  // The handshake's own verdict (this machine's OpenSSL 3, its clock) is a second opinion when it differs.
  const here = observation.opensslError;
  const second = here && here !== first?.name ? [`this machine's OpenSSL, by its own clock, says ${here}`] : [];
  const detail = [...texts, ...forgiven, ...unseen, ...second].join('; ') || 'the chain verifies';
  if (problems.length) {
    return { accepted: false, summary: `server certificate not trusted: ${texts[0]}`, detail, line, ...(problems[0]!.ems ? { ems: problems[0]!.ems } : {}), facts };
  }
  return { accepted: true, summary: line, detail, line, facts };
}

const TIME_ERRORS: readonly VerifyErrorName[] = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'];

/** Errors that mean the chain did not reach a CA list: the result says where it ends. */
const UNANCHORED: readonly VerifyErrorName[] = ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', ...SELF_SIGNED_ERRORS];

function hostMatch(target: ConnectTarget, leaf: X509Certificate): NonNullable<ConnectionResult['host']> {
  const ip = isIP(target.host) !== 0;
  // X509_check_host / X509_check_ip: OpenSSL's own name matching (SANs first; the CN only without DNS SANs).
  const matches = ip ? leaf.checkIP(target.host) !== undefined : leaf.checkHost(target.host) !== undefined;
  const names = leaf.subjectAltName ?? `CN ${fieldOf(leaf.subject, 'CN') ?? '(none)'}`;
  if (!target.trust.hostCheck) {
    return { checked: false, matches, note: `not checked (${target.trust.hostCheckNote}); ${matches ? 'it would match' : `it would not match: the certificate names ${names}`}` };
  }
  return { checked: true, matches, note: matches ? `${target.host} matches the server certificate` : `${target.host} does not match the server certificate, which names ${names}` };
}

/** One field of an X509Certificate subject or issuer ("CN=a\nO=b"), the first if repeated. */
function fieldOf(distinguishedName: string, field: string): string | undefined {
  for (const line of distinguishedName.split('\n')) {
    if (line.startsWith(`${field}=`)) return line.slice(field.length + 1);
  }
  return undefined;
}

function name(info: { subjectCN?: string; subject: string }): string {
  return JSON.stringify(info.subjectCN ?? info.subject);
}
