// Files a config names: which values are files comes from the schema (x-ems-file, x-ems-directory); each is
// resolved against the EMS home, stat-ed, read within a bound, parsed and judged in the role the schema
// gives it. Findings sit on the value that names the file. The facts stay with the result, for hovers,
// the certificate report and the watchers the LSP server asks the client for.
import * as path from 'node:path';
import type { Node } from 'jsonc-parser';
import { chainIncompleteFinding, type ContentRole, judge, keyMismatchFinding, validityChangesAt, type KeyInfo, openKey, openKeyFinding, type OpenKeyResult, type ParsedPki, type PkiFinding } from '../../pki';
import { editDistance } from '../../util/distance';
import type { FindingSink } from '../document/findings';
import { isRemoteWindowsPath } from '../document/home';
import { OutsideWorkspace } from '../document/trust';
import { childPointer } from '../document/model';
import type { PkiCache } from '../cache/pki';
import { FsError, type FileSystemPort } from '../ports';
import type { FileInputs } from './inputs';
import { MAX_PKI_FILE_BYTES, readPkiFile } from './read';
import type { FileRole } from '../document/schema';
import { replaceFix } from '../document/edits';
import { certificatesForRelease, forRelease, framingForRelease, keyForRelease } from './releaseOpenssl';
import { roleNoun } from '../document/roles';
import type { Visit } from './shape';
import type { Fix, Settings } from '../types';
import { atLeast, before, formatVersion, type Version } from '../version';

/**
 * Releases whose binary loads the key file only with SSL_CTX_use_PrivateKey_file and imports no PKCS#12
 * function at all: the 5.4.0.114 wsems (DaimenDAmbers/microserver), whatever its key_file documentation
 * says of .p12. Other releases' binaries were not read, so nothing is said for them.
 */
const PKCS12_UNREAD = { from: '5.4.0', until: '5.4.1' };

/** Names that certificate and key files go by: suggestions for a missing file, and path completion. */
export const PKI_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der', '.key', '.p8', '.p12', '.pfx', '.ca-bundle', '.chain']);

/** 'outside-workspace': not read, because the workspace is untrusted (document/trust.ts). */
export type FileStatus = 'ok' | 'not-checkable' | 'outside-workspace' | 'unresolved' | 'not-found' | 'unreadable' | 'not-regular' | 'too-large' | 'empty';

/** One value that names a file, with what was found there. */
export interface FileReference {
  pointer: string;
  /** The value as written. */
  value: string;
  role: FileRole | 'directory';
  /** Absolute path, when the value could be resolved on this machine. */
  resolved?: string;
  /** The home a relative value was resolved against. */
  home?: string;
  /** Where a symbolic link at the resolved path leads: the file actually read. */
  linksTo?: string;
  status: FileStatus;
  parsed?: ParsedPki;
  /** For key files: the key as opened (or locked), and whether it belongs to its certificate. */
  key?: KeyInfo;
  /** The key opened here, within the KDF bounds: only such a key is handed to OpenSSL (the connection test). */
  keyOpened?: boolean;
  keyMatchesCertificate?: boolean;
  /** For key files: the pointer of the setting beside it that names its certificate, when there is one. */
  certificatePointer?: string;
}

export interface FilesContext {
  /** Records what the checks read: reuse and watchers are derived from it. */
  inputs: FileInputs;
  home: string | undefined;
  version: Version;
  settings: Settings;
  now: Date;
  fs: FileSystemPort;
  cache: PkiCache;
  sink: FindingSink;
  /** Who opens the files: 'the EMS' (config.json) or 'the LSR' (config.lua). Default the EMS. */
  program?: string;
}

/** A value the schema says names a file or a folder. */
export function isFileValue(visit: Visit): boolean {
  // A key the target release does not read names no file the EMS opens (http_server.private_key on 5.3.4).
  return visit.node.type === 'string' && !visit.unread && !!(visit.schema['x-ems-file'] || visit.schema['x-ems-directory']);
}

/** The file settings among the visited values, by pointer. */
export function fileTargets(visits: readonly Visit[]): Map<string, Visit> {
  return new Map(visits.filter(isFileValue).map((visit) => [visit.pointer, visit]));
}

export async function checkFiles(targets: ReadonlyMap<string, Visit>, context: FilesContext): Promise<FileReference[]> {
  const visits = [...targets.values()];
  const references = await Promise.all(visits.map((visit) => resolveAndRead(visit, context)));
  const byPointer = new Map(references.map((r) => [r.pointer, r]));
  // Certificates first: a key is matched against the certificate its sibling setting names.
  for (const [i, reference] of references.entries()) {
    const visit = visits[i]!;
    if (reference.parsed && reference.role !== 'private-key' && reference.role !== 'directory') {
      report(context, visit.node, reference.pointer, judge(reference.parsed, reference.role, judgeOptions(reference, context)), reference.role);
      certificatesForRelease(visit, reference, reference.parsed, context);
      framingForRelease(visit, reference, reference.parsed, context);
    }
  }
  for (const [i, reference] of references.entries()) {
    if (reference.role === 'private-key' && reference.parsed) checkKey(visits[i]!, reference, byPointer, context);
  }
  checkTrustAnchors(references, visits, context);
  checkChains(references, visits, context);
  for (const reference of references) {
    for (const certificate of reference.parsed?.certificates ?? []) {
      context.inputs.changesAt(validityChangesAt(certificate, context.now, context.settings.expiryWarningDays));
    }
  }
  return references;
}

/**
 * A CA list with no self-signed certificate: verification needs a chain up to a root the list holds, so no
 * platform certificate is accepted. EMS 5.3.4 refused the server certificate with only the intermediate CA in
 * cert_chain, and stalled with only the server's own certificate (observed); OpenSSL 3 refuses both on the same
 * bytes ("unable to get issuer certificate", "unable to get local issuer certificate"). The files of one setting count together: cert_chain may be an array of files.
 */
function checkTrustAnchors(references: readonly FileReference[], visits: readonly Visit[], context: FilesContext): void {
  const bySetting = new Map<string, { references: FileReference[]; first: Visit }>();
  for (const [i, reference] of references.entries()) {
    if (reference.role !== 'ca-list') continue;
    const setting = reference.pointer.replace(/\/\d+$/, '');
    const entry = bySetting.get(setting) ?? { references: [], first: visits[i]! };
    entry.references.push(reference);
    bySetting.set(setting, entry);
  }
  for (const [setting, { references: files, first }] of bySetting) {
    // Only a verdict on every file: a missing or unreadable one has its own finding and might hold the root.
    if (!files.every((f) => f.status === 'ok' && f.parsed)) continue;
    const certificates = files.flatMap((f) => f.parsed!.certificates);
    if (!certificates.length || certificates.some((c) => c.selfSigned)) continue;
    const name = setting.split('/').pop();
    if (context.program === 'the LSR') {
      context.sink.add('ca-list-no-root', `${name} holds no root (self-signed) certificate, so the EMS's certificate cannot chain up to it: OpenSSL accepts no chain that ends below a root ("unable to get issuer certificate"). Add the root CA that issued the EMS's certificate.`, first.node, first.pointer);
      continue;
    }
    context.sink.add('ca-list-no-root', `${name} holds no root (self-signed) certificate, so no platform certificate can chain up to it and the EMS does not connect (observed on EMS 5.3.4: with only the intermediate CA listed it refused the server certificate, "Invalid certificate"; with only the server's own certificate it stalled in certificate checking). Add the root CA that issued the chain.`,
      first.node, first.pointer);
  }
}

/**
 * Identity chains whose top is not a root and whose issuer is in no file the config names as a CA list
 * (pki/chain.ts). Only when every CA list could be read: a missing one has its own finding and might hold it.
 */
function checkChains(references: readonly FileReference[], visits: readonly Visit[], context: FilesContext): void {
  const caLists = references.filter((r) => r.role === 'ca-list');
  if (!caLists.every((r) => r.status === 'ok' && r.parsed)) return;
  const lists = caLists.map((r) => r.parsed!);
  for (const [i, reference] of references.entries()) {
    if (reference.role !== 'identity-chain' || !reference.parsed || reference.parsed.encoding === 'pkcs12') continue;
    const finding = chainIncompleteFinding(reference.parsed, path.basename(reference.resolved!), lists);
    if (finding) report(context, visits[i]!.node, reference.pointer, [finding], 'identity-chain');
  }
}

async function resolveAndRead(visit: Visit, context: FilesContext): Promise<FileReference> {
  const { sink, fs } = context;
  const value = context.inputs.value(visit);
  const annotation = visit.schema['x-ems-file'];
  const reference: FileReference = { pointer: visit.pointer, value, role: annotation?.holds ?? 'directory', status: 'unresolved' };
  const certificateKey = annotation?.certificate ? context.inputs.sibling(visit, annotation.certificate)?.key : undefined;
  if (certificateKey !== undefined) reference.certificatePointer = childPointer(visit.pointer.slice(0, visit.pointer.lastIndexOf('/')), certificateKey);
  const written = value.trim();
  // Empty: invalid-value says so. Control characters: a Windows path whose backslashes became escapes,
  // which suspicious-escape reports; looking it up would only add a misleading not-found.
  if (!written || /[\u0000-\u001f]/.test(written)) return reference;
  if (fs.platform === 'win32' && isRemoteWindowsPath(written)) return notTouched(visit, reference, written, context);
  if (isForeignPath(written, fs.platform)) {
    reference.status = 'not-checkable';
    if (reference.role === 'directory') return reference; // nothing would be read from it anyway
    sink.add('path-not-checkable', `${written} is a ${fs.platform === 'posix' ? 'Windows' : 'POSIX'} path; it cannot be checked on this machine.`, visit.node, visit.pointer);
    return reference;
  }
  const hostPath = fs.platform === 'win32' ? path.win32 : path.posix;
  if (!hostPath.isAbsolute(written)) {
    if (!context.home) {
      sink.add('relative-path', `${written} is relative, and this document has no location to resolve it against; ${context.program ?? 'the EMS'} resolves it against its working directory. Use an absolute path.`, visit.node, visit.pointer);
      return reference;
    }
    reference.home = context.home;
    reference.resolved = hostPath.resolve(context.home, written);
    sink.add('relative-path', `${written} is relative: checked as ${reference.resolved} (EMS home ${context.home}); ${context.program ?? 'the EMS'} resolves it against its working directory, which differs when it runs as a service. Use an absolute path.`,
      visit.node, visit.pointer, { resolved: reference.resolved, fixes: [replaceFix(sink, visit.node, JSON.stringify(reference.resolved), 'Use the absolute path')] });
  } else {
    reference.resolved = hostPath.normalize(written);
  }
  // A home on another machine makes every relative path remote too.
  if (fs.platform === 'win32' && isRemoteWindowsPath(reference.resolved)) return notTouched(visit, reference, reference.resolved, context);
  if (reference.role === 'directory') return reference;
  await readPki(visit, reference, context);
  return reference;
}

function notTouched(visit: Visit, reference: FileReference, where: string, context: FilesContext): FileReference {
  reference.status = 'not-checkable';
  context.sink.add('path-not-checkable', `${where} is on another machine (a UNC or device path); it is not read here, because opening it would make Windows sign in to that host.`,
    visit.node, visit.pointer);
  return reference;
}

async function readPki(visit: Visit, reference: FileReference, context: FilesContext): Promise<void> {
  const { sink, fs } = context;
  const file = reference.resolved!;
  context.inputs.files.add(file);
  const read = await readPkiFile(file, fs, context.cache);
  if (read.kind !== 'failed' || read.stat) {
    const real = await fs.realpath?.(file).catch(() => undefined);
    if (real && real !== file) {
      reference.linksTo = real;
      context.inputs.files.add(real); // the file behind the link is what changes (a Kubernetes secret mount)
    }
  }
  if (read.kind === 'failed') {
    await fileError(visit, reference, read.error, context);
    return;
  }
  switch (read.kind) {
    case 'directory':
    case 'not-regular':
      reference.status = 'not-regular';
      sink.add('not-a-regular-file', `${file} is ${read.kind === 'directory' ? 'a folder' : 'not a regular file (a FIFO, socket or device)'}; ${context.program ?? 'the EMS'} needs a ${roleNoun(reference.role)} file here.`, visit.node, visit.pointer);
      return;
    case 'empty':
      reference.status = 'empty';
      sink.add('file-empty', `${file} is empty; ${context.program ?? 'the EMS'} needs a ${roleNoun(reference.role)} here.`, visit.node, visit.pointer);
      return;
    case 'too-large':
      reference.status = 'too-large';
      sink.add('file-too-large', `${file} is ${read.stat.size.toLocaleString('en-US')} bytes, larger than any certificate or key file (at most ${MAX_PKI_FILE_BYTES.toLocaleString('en-US')}); not read.`, visit.node, visit.pointer);
      return;
    case 'parsed':
      reference.parsed = read.parsed;
      reference.status = 'ok';
  }
}

async function fileError(visit: Visit, reference: FileReference, error: unknown, context: FilesContext): Promise<void> {
  const { sink } = context;
  const file = reference.resolved!;
  if (error instanceof OutsideWorkspace) {
    reference.status = 'outside-workspace';
    const where = error.leadsTo ? `${file} leads to ${error.leadsTo}, which is` : `${file} is`;
    sink.add('path-not-checkable', `${where} outside the workspace folders and the EMS home; in an untrusted workspace EMS Config does not read it. Trust the workspace to check it.`,
      visit.node, visit.pointer);
    return;
  }
  const kind = error instanceof FsError ? error.kind : 'io';
  switch (kind) {
    case 'not-found': {
      reference.status = 'not-found';
      const similar = await similarFiles(file, context);
      const fixes: Fix[] = similar.map((name, i) => {
        const replacement = replaceBasename(reference.value.trim(), name);
        return { ...replaceFix(sink, visit.node, JSON.stringify(replacement), `Change to "${replacement}"`), ...(i === 0 ? { preferred: true } : {}) };
      });
      const hint = similar.length ? ` Similar files there: ${similar.join(', ')}.` : '';
      sink.add('file-not-found', `${file} does not exist; ${context.program ?? 'the EMS'} will fail to load this ${roleNoun(reference.role)}.${hint}`, visit.node, visit.pointer,
        { similar, fixes });
      return;
    }
    case 'not-regular':
      reference.status = 'not-regular';
      sink.add('not-a-regular-file', `${file} is not a regular file; ${context.program ?? 'the EMS'} needs a ${roleNoun(reference.role)} file here.`, visit.node, visit.pointer);
      return;
    case 'too-large':
      reference.status = 'too-large';
      sink.add('file-too-large', `${file} grew past ${MAX_PKI_FILE_BYTES.toLocaleString('en-US')} bytes while it was read; no certificate or key file is that large.`, visit.node, visit.pointer);
      return;
    default:
      reference.status = 'unreadable';
      sink.add('file-unreadable', `${file} cannot be read: ${error instanceof Error ? error.message : 'I/O error'}.`, visit.node, visit.pointer);
  }
}

function checkKey(visit: Visit, reference: FileReference, byPointer: Map<string, FileReference>, context: FilesContext): void {
  const { sink } = context;
  const annotation = visit.schema['x-ems-file']!;
  const parsed = reference.parsed!;
  const label = path.basename(reference.resolved!);
  const kindFindings = judge(parsed, 'private-key', judgeOptions(reference, context));
  report(context, visit.node, reference.pointer, kindFindings, 'private-key');
  framingForRelease(visit, reference, parsed, context);
  if (parsed.encoding === 'pkcs12' && atLeast(context.version, PKCS12_UNREAD.from) && before(context.version, PKCS12_UNREAD.until)) {
    sink.add('wrong-content-kind', `${label} is a PKCS#12 bundle, and EMS ${formatVersion(context.version)} cannot load one: it reads the key with SSL_CTX_use_PrivateKey_file (PEM or DER keys only; its binary calls no PKCS#12 function) and fails with "TW_USE_KEY_FILE: Error setting the key file". Extract the key: openssl pkcs12 -in ${label} -nocerts -out key.pem (and the certificate with -clcerts -nokeys).`,
      visit.node, visit.pointer, { expected: 'private-key' });
  }
  if (kindFindings.some((f) => f.code === 'unrecognized-content' || f.code === 'wrong-content-kind')) return;
  const passphraseValue = annotation.passphrase ? context.inputs.sibling(visit, annotation.passphrase, true)?.valueNode?.value : undefined;
  const passphrase = typeof passphraseValue === 'string' && passphraseValue !== '' ? passphraseValue : undefined;
  const locked = parsed.encoding === 'pkcs12' || parsed.keys.some((k) => k.encrypted);
  reference.key = parsed.keys[0];
  if (passphrase?.startsWith('AES:') && locked) {
    sink.add('passphrase-unverifiable', `The passphrase for ${label} is stored encrypted (AES:…), so it cannot be tried here; the key's match with its certificate is not checked either.`,
      visit.node, visit.pointer);
    return;
  }
  // An AES: passphrase cannot be tried: an unencrypted key still opens without one.
  const usable = passphrase?.startsWith('AES:') ? undefined : passphrase;
  const opened: OpenKeyResult = context.cache.opened(parsed, usable, () => openKey(parsed, usable));
  const openFinding = openKeyFinding(parsed, opened, label);
  if (openFinding) {
    const hint = openFinding.code === 'key-passphrase-wrong' && atLeast(context.version, '5.4.8')
      ? ' (If the EMS has already encrypted this passphrase itself, as 5.4.8 and later do on first start, it cannot be tried here.)' : '';
    report(context, visit.node, reference.pointer, [{ ...openFinding, message: openFinding.message + hint }], 'private-key');
    return;
  }
  if (!opened.ok) return;
  reference.key = opened.key;
  reference.keyOpened = true;
  // Unlocked, a PKCS#12 file shows its certificates too (hovers, the report).
  reference.parsed = opened.contents;
  keyForRelease(visit, reference, parsed, opened.key, label, usable, context);
  if (annotation.unencryptedCode && !opened.key.encrypted) {
    // 5.4.0 refuses an unencrypted HTTP server key outright; later releases are not documented to.
    const refused = atLeast(context.version, '5.4.0') && before(context.version, '5.4.5');
    sink.add(annotation.unencryptedCode, `The private key in ${label} is not encrypted${refused ? `: EMS ${formatVersion(context.version)} refuses it ("Unencrypted private keys are not supported. Passphrase must be specified.")` : '; anyone who can read the file has the server\'s identity'}. Encrypt it and set ${annotation.passphrase ?? 'a passphrase'}.`,
      visit.node, visit.pointer, undefined, refused ? 'error' : undefined);
  }
  const certificate = reference.certificatePointer ? byPointer.get(reference.certificatePointer) : undefined;
  if (certificate?.parsed?.certificates.length) {
    const mismatch = keyMismatchFinding({ parsed: certificate.parsed, label: path.basename(certificate.resolved!) }, { handle: opened.handle, label });
    reference.keyMatchesCertificate = !mismatch;
    if (mismatch) report(context, visit.node, reference.pointer, [mismatch], 'private-key');
  }
}

/** Adds pki findings as the target release's OpenSSL has them (releaseOpenssl.ts). */
function report(context: FilesContext, node: Node, pointer: string, findings: readonly PkiFinding[], role: ContentRole): void {
  for (const finding of findings) {
    const { message, severity } = forRelease(finding, role, context.version);
    context.sink.add(finding.code, message, node, pointer, finding.data, severity);
  }
}

function judgeOptions(reference: FileReference, context: FilesContext) {
  return { label: path.basename(reference.resolved!), now: context.now, expiryWarningDays: context.settings.expiryWarningDays };
}

function isForeignPath(value: string, platform: FileSystemPort['platform']): boolean {
  const windows = /^[A-Za-z]:/.test(value) || value.startsWith('\\\\');
  return platform === 'posix' ? windows : value.startsWith('/');
}

/** Names compared with a missing one, at most: a folder such as /etc/ssl/certs holds hundreds. */
const MAX_CANDIDATES = 1000;
/** Longer names are no certificate file anyone typed: not compared (the distance costs their product). */
const MAX_NAME_LENGTH = 128;

/** Up to three certificate or key files beside the missing one whose names are closest to it. */
async function similarFiles(file: string, context: FilesContext): Promise<string[]> {
  const wanted = path.basename(file).toLowerCase();
  if (wanted.length > MAX_NAME_LENGTH || !context.inputs.mayLookForSimilar()) return [];
  const names = (await context.inputs.listFolder(context.fs, path.dirname(file)))
    .filter((name) => name.length <= MAX_NAME_LENGTH && PKI_EXTENSIONS.has(path.extname(name).toLowerCase()))
    .slice(0, MAX_CANDIDATES);
  return names
    .map((name) => ({ name, distance: editDistance(wanted, name.toLowerCase()) }))
    .filter(({ distance }) => distance <= Math.max(3, Math.floor(wanted.length / 2)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map(({ name }) => name);
}

function replaceBasename(value: string, name: string): string {
  const cut = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
  return value.slice(0, cut + 1) + name;
}
