// The service façade, the only door: everything the adapters (LSP server, CLI) call. No LSP imports; no IO
// but through ports. One instance owns all its state (the caches in ./cache).
import { PkiCache } from './cache/pki';
import { ReuseStore } from './cache/reuse';
import { type CheckRequest, checkDocument } from './checks';
import { checkFilesReusing, type FilesReuse } from './checks/filesReused';
import { MAX_PKI_FILE_BYTES } from './checks/read';
import { connectTargets, type ConnectTarget } from './connect/plan';
import { type ConnectionResult, testConnection } from './connect/run';
import { CODES } from './codes';
import { FindingSink } from './document/findings';
import { emsHome } from './document/home';
import { TrustGates } from './document/trust';
import type { TextIndex } from './document/model';
import { complete, type CompletionEntry, luaComplete } from './features/complete';
import { checkLuaDocument, isLuaConfig } from './lua';
import { checkPair, SiblingModels } from './pair';
import { type Hover, hover } from './features/hover';
import { type DocumentLinkEntry, documentLinks } from './features/links';
import { certificateReport } from './features/report';
import { type DocumentStatus, documentStatus } from './features/status';
import type { ServicePorts } from './ports';
import { applySeverity, normalizeSettings } from './settings';
import { BinaryVersions } from './target/binary';
import { resolveTarget } from './target/resolve';
import type { CheckResult } from './target/result';
import type { Finding, Position, Settings } from './types';
import { parseVersion } from './version';
import { withoutBidi } from '../util/text';

export interface EmsService {
  check(request: CheckRequest): Promise<CheckResult>;
  /** Completion at a position of a checked document; reads candidate files through the same cache as checks. */
  complete(result: CheckResult, position: Position): Promise<CompletionEntry[]>;
  hover(result: CheckResult, position: Position): Hover | undefined;
  links(result: CheckResult): DocumentLinkEntry[];
  /** The certificate report as Markdown; `label` names the config (its last folders). */
  report(result: CheckResult, label: string): string;
  status(result: CheckResult): DocumentStatus;
  /** Settings from any adapter (a client's JSON, CLI flags) as valid Settings, defaults filled in. */
  settings(raw: unknown): Settings;
  /** The endpoints a connection test can reach (ws_servers[0], http_server, auto_bind https); none in an untrusted workspace. */
  connectTargets(result: CheckResult): ConnectTarget[];
  /** Tests one endpoint (by its id) now, through the network port. Only when a user asks for it. */
  testConnection(result: CheckResult, id: string, options?: { timeoutMs?: number }): Promise<ConnectionResult>;
}

/** Each step of a connection test gives up after this long (the CLI's --timeout changes it). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function createEmsService(ports: ServicePorts): EmsService {
  const cache = new PkiCache();
  const reuse: FilesReuse = new ReuseStore();
  const binaries = new BinaryVersions();
  const gates = new TrustGates(ports.fs);
  const siblings = new SiblingModels();
  return {
    async check(request) {
      const settings = normalizeSettings(request.settings);
      const home = emsHome(request.path, settings.homeDirectory);
      // Untrusted: only the workspace folders and this home can be read (the binary lookup too).
      const fs = gates.portFor(settings, home);
      const { target, files: binaryFiles } = await resolveTarget(settings, home, fs, binaries);
      const version = parseVersion(target.release)!;
      // config.lua is the LSR's: Lua, its own settings, the same file checks.
      const document = isLuaConfig(request.path) ? checkLuaDocument(request.text, version) : checkDocument(request.text, version);
      const sink = new FindingSink(document.model);
      if (request.invalidUtf8At !== undefined) sink.findings.push(encodingFinding(document.model, request.invalidUtf8At));
      const now = ports.now();
      const program = document.kind === 'lsr' ? 'the LSR' : 'the EMS';
      const { references: files, dependencies } = await checkFilesReusing(document.visits, { home, version, settings, now, fs, cache, sink, program }, reuse);
      // The config.lua beside a config.json (and back) must agree with it; a change to it re-checks this one.
      const sibling = request.path ? await checkPair({ path: request.path, home, lsr: document.kind === 'lsr', model: document.model, version, fs, cache, now, sink, files, siblings }) : undefined;
      const findings = applySeverity([...document.findings, ...sink.findings], settings.severity);
      // The binary the release was looked for in, and the sibling config, are watched like the files the checks read.
      const extra = [...binaryFiles, ...(sibling ? [sibling] : [])];
      const watched = extra.length ? { ...dependencies, files: [...new Set([...dependencies.files, ...extra])] } : dependencies;
      return { findings: capped(sortFindings(findings), settings.severity), home, files, dependencies: watched, document, settings, now, target };
    },
    complete: async (result, position) => result.document.kind === 'lsr' ? luaComplete(result, position) : complete(result, position, { fs: gates.portFor(result.settings, result.home), cache }),
    // What a file or the document holds must not reorder what the editor shows: no bidi overrides.
    hover: (result, position) => {
      const found = hover(result, position);
      return found && { ...found, contents: withoutBidi(found.contents) };
    },
    links: documentLinks,
    report: (result, label) => withoutBidi(certificateReport(result, label)),
    status: documentStatus,
    settings: normalizeSettings,
    connectTargets: (result) => result.settings.trust?.trusted === false || result.document.kind === 'lsr' ? [] : connectTargets(result.document.model, parseVersion(result.target.release)!, result.files),
    async testConnection(result, id, options = {}) {
      const release = result.target.release;
      const target = connectTargets(result.document.model, parseVersion(release)!, result.files).find((candidate) => candidate.id === id);
      const untested = (summary: string): ConnectionResult => ({
        target: { id, kind: target?.kind ?? 'platform', label: target?.label ?? id, host: target?.host ?? '', port: target?.port ?? 0, tls: target?.tls ?? true, path: target?.path ?? '' },
        release, at: ports.now().toISOString(), steps: [], verdict: { outcome: 'untested', summary },
      });
      if (result.settings.trust?.trusted === false) return untested('This workspace is not trusted: the connection test reads the client key and connects where the config says, so it runs only in a trusted workspace.');
      if (!target) return untested(`This config has no endpoint ${id} to test.`);
      if (!ports.network) return untested('This editor gives the server no network access.');
      const fs = ports.fs;
      return testConnection(target, {
        network: ports.network, now: ports.now, elapsed: ports.elapsed ?? (() => performance.now()),
        readFile: (path) => fs.readFile(path, MAX_PKI_FILE_BYTES),
        caList: async (path) => {
          try {
            return await cache.parsed(path, await fs.stat(path), () => fs.readFile(path, MAX_PKI_FILE_BYTES));
          } catch {
            return undefined;
          }
        },
      }, { release, timeoutMs: options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
    },
  };
}

function encodingFinding(model: TextIndex, offset: number): Finding {
  return {
    code: 'json-syntax', severity: CODES['json-syntax'].severity, pointer: '', range: model.rangeOf(offset, 1),
    message: 'The file is not valid UTF-8 here; the EMS reads the raw bytes, so it sees something else than the editor shows.',
  };
}

/** More findings than anyone reads, and more than an editor should be sent: the first ones, and a count. */
export const MAX_FINDINGS = 1000;

function capped(findings: Finding[], severity: Settings['severity']): Finding[] {
  if (findings.length <= MAX_FINDINGS) return findings;
  const shown = findings.slice(0, MAX_FINDINGS - 1);
  const last = findings[MAX_FINDINGS - 1]!;
  const more = findings.length - shown.length;
  return [...shown, ...applySeverity([{
    code: 'findings-capped', severity: CODES['findings-capped'].severity, pointer: '', range: last.range,
    message: `…and ${more.toLocaleString('en-US')} more findings from here on, not shown (at most ${MAX_FINDINGS.toLocaleString('en-US')} per document). Fix the ones above and check again.`,
  }], severity)];
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

// What the adapters may name: plain data types and the pure helpers they need.
export type { CheckRequest, DocumentCheck } from './checks';
export type { CheckResult } from './target/result';
export type { ConnectTarget } from './connect/plan';
export type { ChainEntry, ConnectionResult, Outcome, Step } from './connect/run';
export { connectionMarkdown, connectionText, lensTitle } from './connect/describe';
export type { FileReference } from './checks/files';
export { attach, type DetachedCheck, detach, documentOnly } from './detached';
export type { FileDependencies } from './checks/inputs';
export { ALL_CODES, CODES, type Code, isCode, isLevel, type Level, type Severity } from './codes';
export { decodeConfig } from './document/decode';
export { isLuaConfig } from './lua';
export { MAX_DEPTH, nestsTooDeep } from './document/model';
export { isSecretKey } from './document/schema';
export type { CompletionEntry } from './features/complete';
export type { Hover } from './features/hover';
export type { DocumentLinkEntry } from './features/links';
export type { DocumentStatus } from './features/status';
export { type FileSystemPort, type FileStat, FsError, type NetChannel, NetError, type NetworkPort, type ServicePorts, type TlsClientOptions, type TlsObservation } from './ports';
export type { Edit, Finding, FindingData, Fix, Position, Range, Settings, Target, TargetSource, WorkspaceTrust } from './types';
export { DEFAULT_SETTINGS } from './types';
export { formatVersion, parseVersion } from './version';
export { terminalSafe } from '../util/text';
