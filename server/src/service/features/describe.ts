// Certificate and key facts as Markdown, shared by the hover and the certificate report so that both say
// the same thing. Everything read from a file or a config value is untrusted text: it goes into code spans
// or is escaped, and is clipped. Only facts are shown (pki/types.ts holds no key material to begin with).
import { type CertInfo, type KeyFormat, type KeyInfo, type ParsedPki, validityAt } from '../../pki';
import type { FileReference } from '../checks/files';
import { parsePointer } from '../document/model';
import { clip, isoDate, MAX_NAME, relativeDays } from '../../util/text';

/** A bundle shows this many certificates in full; the rest go into a compact table. */
const FULL_CERTIFICATES = 3;
/** Rows of that table; beyond them only the counts of the summary line speak. */
const TABLE_ROWS = 12;
const MAX_NAMES = 8;
const MAX_PROBLEMS = 5;
const MAX_TEXT = MAX_NAME;
/** Paths are shown whole up to a length no real path reaches; their end (the file name) matters most. */
const MAX_PATH = 1000;

// ─── Markdown helpers ───────────────────────────────────────────────────────────────────────────────────────

/** A code span that holds any text (as one line, clipped): the fence is longer than any run of backticks inside. */
export function code(text: string, max = MAX_TEXT): string {
  const clean = clip(text, max);
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** Plain text with Markdown punctuation escaped; longer texts (messages) may raise the limit. */
export function escape(text: string, max = MAX_TEXT): string {
  return clip(text, max).replace(/[\\`*_[\]<>|~&#]/g, '\\$&');
}

/** A table cell: a pipe splits cells even inside a code span unless escaped. */
function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** `certificates.cert_chain[1]` for a path of keys and indexes. */
export function settingName(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Pointers do not say which segments are indexes; in an EMS config only arrays have numeric ones. */
export function settingNameOfPointer(pointer: string): string {
  return settingName(parsePointer(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
}

// ─── Dates ──────────────────────────────────────────────────────────────────────────────────────────────────

/** 'expires in 41 days', 'expired 3135 days ago', 'not valid yet: starts in 92 days' (util/text.ts counts the days). */
export function validityVerdict(certificate: CertInfo, now: Date): string {
  const verdict = validityAt(certificate, now);
  if (verdict === 'not-yet-valid') return `**not valid yet**: starts ${relativeDays(certificate.notBefore, now)}`;
  if (verdict === 'expired') return `**expired** ${relativeDays(certificate.notAfter, now)}`;
  return `expires ${relativeDays(certificate.notAfter, now)}`;
}

// ─── Certificates ───────────────────────────────────────────────────────────────────────────────────────────

function kind(certificate: CertInfo): string {
  if (!certificate.isCA) return 'leaf';
  return certificate.selfSigned ? 'root CA' : 'CA';
}

function caLine(certificate: CertInfo): string {
  if (!certificate.isCA) return 'CA: no';
  const pathLength = certificate.pathLength !== undefined ? `, path length ${certificate.pathLength}` : '';
  return `CA: yes${pathLength}${certificate.selfSigned ? ', self-signed' : ''}`;
}

function names(values: readonly string[], count = values.length): string {
  const shown = values.slice(0, MAX_NAMES).map((v) => code(v)).join(', ');
  const omitted = count - Math.min(values.length, MAX_NAMES);
  return omitted > 0 ? `${shown} and ${omitted} more` : shown;
}

/** One certificate in full: the facts a user compares with what a CA or the platform shows. */
export function describeCertificate(certificate: CertInfo, now: Date, title: string): string[] {
  const usage = certificate.keyUsage ? ` · key usage: ${certificate.keyUsage.join(', ')}` : '';
  const lines = [
    `**${title} — ${kind(certificate)}:** ${code(certificate.subject || '(empty subject)')}`,
    `- Issuer: ${code(certificate.issuer || '(empty issuer)')}`,
    `- Valid: ${isoDate(certificate.notBefore)} → ${isoDate(certificate.notAfter)} — ${validityVerdict(certificate, now)}`,
    `- Public key: ${escape(certificate.publicKey)} · signature: ${escape(certificate.signatureAlgorithm)}`,
    `- ${caLine(certificate)}${usage}`,
  ];
  if (certificate.subjectAltNames.length) lines.push(`- SANs: ${names(certificate.subjectAltNames, certificate.subjectAltNameCount)}`);
  lines.push(
    `- Serial: ${code(certificate.serial)}`,
    `- SHA-256: ${code(certificate.sha256)}`,
    `- SHA-1: ${code(certificate.sha1)}`,
  );
  return lines;
}

function label(certificate: CertInfo): string {
  return certificate.subjectCN ?? certificate.subject;
}

/** Counts for a bundle: what a list of 150 CAs holds, and what in it needs attention first. */
function bundleSummary(certificates: readonly CertInfo[], now: Date): string {
  const cas = certificates.filter((c) => c.isCA).length;
  const roots = certificates.filter((c) => c.isCA && c.selfSigned).length;
  const expired = certificates.filter((c) => validityAt(c, now) === 'expired').length;
  const notYet = certificates.filter((c) => validityAt(c, now) === 'not-yet-valid').length;
  const earliest = certificates.reduce((a, b) => (b.notAfter < a.notAfter ? b : a));
  const index = certificates.indexOf(earliest) + 1;
  const parts = [
    `${cas} CA${cas === 1 ? '' : 's'} (${roots} self-signed), ${certificates.length - cas} ${certificates.length - cas === 1 ? 'leaf' : 'leaves'}`,
    ...(expired ? [`${expired} **expired**`] : []),
    ...(notYet ? [`${notYet} **not valid yet**`] : []),
    `earliest expiry ${isoDate(earliest.notAfter)} (#${index} ${code(label(earliest))}, ${validityVerdict(earliest, now)})`,
  ];
  return `**${certificates.length} certificates:** ${parts.join('; ')}.`;
}

function compactTable(certificates: readonly CertInfo[], from: number, now: Date): string[] {
  const rows = certificates.slice(from, from + TABLE_ROWS).map((c, i) =>
    `| ${from + i + 1} | ${cell(code(label(c)))} | ${kind(c)} | ${escape(c.publicKey)} | ${isoDate(c.notAfter)}${validityAt(c, now) === 'expired' ? ' (expired)' : ''} |`);
  const rest = certificates.length - from - rows.length;
  return [
    '| # | Subject | Kind | Key | Expires |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...(rest > 0 ? ['', `… and ${rest} more (counted in the summary above).`] : []),
  ];
}

/** Every certificate of a file, bounded: a few in full, then a table, then only counts. */
export function describeCertificates(certificates: readonly CertInfo[], now: Date): string[][] {
  const total = certificates.length;
  const blocks: string[][] = [];
  if (total > FULL_CERTIFICATES) blocks.push([bundleSummary(certificates, now)]);
  certificates.slice(0, FULL_CERTIFICATES).forEach((c, i) => blocks.push(describeCertificate(c, now, total === 1 ? 'Certificate' : `Certificate ${i + 1} of ${total}`)));
  if (total > FULL_CERTIFICATES) blocks.push(compactTable(certificates, FULL_CERTIFICATES, now));
  return blocks;
}

// ─── Keys ───────────────────────────────────────────────────────────────────────────────────────────────────

const FORMATS: Record<KeyFormat, string> = {
  pkcs8: 'PKCS#8',
  'pkcs8-encrypted': 'encrypted PKCS#8',
  pkcs1: 'PKCS#1 (traditional RSA key)',
  sec1: 'SEC1 (traditional EC key)',
  traditional: 'traditional OpenSSL PEM',
  'traditional-encrypted': 'traditional OpenSSL PEM, encrypted (Proc-Type/DEK-Info)',
  pkcs12: 'PKCS#12',
  der: 'DER',
};

/** A locked key says 'encrypted key'; its PEM label may still tell the type. */
function keyKind(key: KeyInfo): string {
  if (key.description !== 'encrypted key') return escape(key.description);
  return key.keyType ? `${key.keyType.toUpperCase()} (size unknown until opened)` : 'type unknown until opened';
}

/** 'RSA 2048 · encrypted · encrypted PKCS#8' */
export function describeKey(key: KeyInfo): string {
  return `${keyKind(key)} · ${key.encrypted ? 'encrypted' : '**not encrypted**'} · ${FORMATS[key.format]}`;
}

function keyMatchLine(reference: FileReference, certificate: FileReference | undefined): string {
  if (reference.keyMatchesCertificate === true) return `Matches the first certificate in ${describeSetting(certificate)}.`;
  if (reference.keyMatchesCertificate === false) return `**Does not match** the first certificate in ${describeSetting(certificate)}.`;
  const why = !certificate ? 'no certificate setting beside it'
    : !certificate.parsed?.certificates.length ? 'its certificate file was not read'
      : 'the key stays locked here: its passphrase is missing, wrong, or stored encrypted (AES:…)';
  return `Match with its certificate: unknown (${why}).`;
}

function describeSetting(reference: FileReference | undefined): string {
  return reference ? code(settingNameOfPointer(reference.pointer)) : 'its certificate setting';
}

// ─── Files ──────────────────────────────────────────────────────────────────────────────────────────────────

const STATUS: Record<Exclude<FileReference['status'], 'ok'>, string> = {
  'not-checkable': 'A path for another operating system: not checked on this machine.',
  'outside-workspace': 'Outside the workspace folders and the EMS home: not read, because the workspace is not trusted. Trust the workspace to check it.',
  unresolved: 'Not resolved: the value is relative and this document has no location (the EMS resolves it against its working directory).',
  'not-found': '**Not found.**',
  unreadable: '**Cannot be read.**',
  'not-regular': '**Not a regular file** (a folder, FIFO, socket or device).',
  'too-large': '**Too large** for a certificate or key file (over 1 MiB): not read.',
  empty: '**Empty.**',
};

/** Where the file is: the absolute path, and for a relative value the home it was resolved against. */
function location(reference: FileReference): string[] {
  if (!reference.resolved) return [`Path: ${code(reference.value, MAX_PATH)}`];
  const lines = [`Path: ${code(reference.resolved, MAX_PATH)}`];
  if (reference.linksTo) lines.push(`A symbolic link to ${code(reference.linksTo, MAX_PATH)}: that file is what was read.`);
  if (reference.home !== undefined) {
    lines.push(`Written relative (${code(reference.value, MAX_PATH)}): checked against the EMS home ${code(reference.home, MAX_PATH)}; the EMS itself resolves it against its working directory, which differs when it runs as a service.`);
  }
  return lines;
}

const UNRECOGNIZED: Record<NonNullable<ParsedPki['unrecognized']>, string> = {
  empty: 'only blank space',
  text: 'text without any PEM block',
  binary: 'binary data that is neither DER nor PKCS#12',
};

function contentsLine(parsed: ParsedPki): string {
  if (parsed.encoding === 'unknown') return `**Not a certificate or key file:** ${UNRECOGNIZED[parsed.unrecognized ?? 'binary']}.`;
  if (parsed.encoding === 'pkcs12') return 'PKCS#12: its key and certificates are read with the passphrase.';
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [count(parsed.certificates.length, 'certificate'), count(parsed.keys.length, 'private key')];
  if (parsed.problems.length) parts.push(count(parsed.problems.length, 'unreadable block'));
  return `${parsed.encoding.toUpperCase()}: ${parts.join(', ')}.`;
}

function problemLines(parsed: ParsedPki): string[] {
  const lines = parsed.problems.slice(0, MAX_PROBLEMS).map((p) => `PEM block ${p.block} (${escape(p.label)}, line ${p.line}) ${escape(p.reason)}`);
  if (parsed.problems.length > MAX_PROBLEMS) lines.push(`… and ${parsed.problems.length - MAX_PROBLEMS} more unreadable blocks`);
  const other = [...new Set(parsed.otherBlocks)];
  if (other.length) lines.push(`Skipped (OpenSSL ignores them): ${names(other)}`);
  return lines;
}

function keyLines(reference: FileReference, files: readonly FileReference[]): string[] {
  const parsed = reference.parsed!;
  const key = reference.key ?? parsed.keys[0];
  const lines = key ? [`Private key: ${describeKey(key)}`, keyMatchLine(reference, files.find((f) => f.pointer === reference.certificatePointer))] : [];
  // Certificates bundled with a key are judged where the certificate setting names them.
  if (parsed.certificates.length) lines.push(`Also holds ${parsed.certificates.length} certificate${parsed.certificates.length === 1 ? '' : 's'}, used from the certificate setting.`);
  return lines;
}

/** What the file is and holds, before any certificate: one line each. */
function fileFacts(reference: FileReference, files: readonly FileReference[]): string[] {
  if (!reference.value.trim()) return ['The value is empty.'];
  const lines = location(reference);
  // A folder is resolved but never read: its status stays 'unresolved' once it has a path.
  if (reference.status !== 'ok' && !(reference.role === 'directory' && reference.resolved)) lines.push(STATUS[reference.status]);
  if (reference.role === 'directory' || reference.status !== 'ok') return lines;
  const parsed = reference.parsed!;
  lines.push(contentsLine(parsed), ...problemLines(parsed));
  if (reference.role === 'private-key') return [...lines, ...keyLines(reference, files)];
  // A key beside certificates: a cert+key bundle, or one exposed in a CA list (judge reports that).
  return [...lines, ...parsed.keys.slice(0, 2).map((k) => `Also holds a private key: ${describeKey(k)}`)];
}

/**
 * Everything known about one referenced file, as Markdown blocks (join them with blank lines): where it is,
 * whether it could be read, and the certificates and keys in it. Bounded whatever the file holds.
 */
export function describeFile(reference: FileReference, files: readonly FileReference[], now: Date): string[][] {
  const facts = fileFacts(reference, files).map((line) => `- ${line}`);
  // In the key role only the key counts; certificates bundled with it are shown where the certificate setting names them.
  const showCertificates = reference.status === 'ok' && reference.role !== 'private-key' && reference.role !== 'directory';
  return [facts, ...(showCertificates ? describeCertificates(reference.parsed!.certificates, now) : [])];
}

/** The certificate that expires first among all files, with the setting that names it. */
export function nearestExpiry(files: readonly FileReference[]): { certificate: CertInfo; reference: FileReference } | undefined {
  let best: { certificate: CertInfo; reference: FileReference } | undefined;
  for (const reference of files) {
    for (const certificate of reference.parsed?.certificates ?? []) {
      if (!best || certificate.notAfter < best.certificate.notAfter) best = { certificate, reference };
    }
  }
  return best;
}

export function joinBlocks(blocks: readonly (readonly string[])[]): string {
  return blocks.filter((b) => b.length).map((b) => b.join('\n')).join('\n\n');
}
