// The service façade: everything the adapters (LSP server, CLI) call. No LSP imports; no IO but through ports.
import { checkDocument, type DocumentCheck } from './checks';
import { CODES } from './codes';
import { complete, type CompletionEntry } from './features/complete';
import type { FileReference } from './checks/files';
import { FilesReuse } from './cache/reuse';
import { FindingSink } from './document/findings';
import { emsHome } from './document/home';
import type { TextIndex } from './document/model';
import { PkiCache } from './cache/pki';
import type { ServicePorts } from './ports';
import { applySeverity, normalizeSettings } from './settings';
import type { Finding, Position, Settings } from './types';
import { parseVersion } from './version';

export interface CheckRequest {
  text: string;
  /** Absolute file-system path of the config, when it has one (derives the EMS home). */
  path?: string | undefined;
  settings: Settings;
  /** Offset of the first byte that was not UTF-8, when the text was decoded from a file. */
  invalidUtf8At?: number | undefined;
}

export interface CheckResult {
  findings: Finding[];
  /** The EMS home relative paths were resolved against. */
  home: string | undefined;
  /** Every value that names a file or folder, with what was found there. */
  files: FileReference[];
  /** The parsed document and every value the schema walk reached: hovers, completion and links read these. */
  document: DocumentCheck;
  /** The settings the check ran with, normalized. */
  settings: Settings;
  /** The instant certificates were judged at. */
  now: Date;
}

export interface EmsService {
  check(request: CheckRequest): Promise<CheckResult>;
  /** Completion at a position of a checked document; reads candidate files through the same cache as checks. */
  complete(result: CheckResult, position: Position): Promise<CompletionEntry[]>;
}

export function createEmsService(ports: ServicePorts): EmsService {
  const cache = new PkiCache();
  const reuse = new FilesReuse();
  return {
    async check(request) {
      const settings = normalizeSettings(request.settings);
      const version = parseVersion(settings.emsVersion)!;
      const document = checkDocument(request.text, version);
      const sink = new FindingSink(document.model);
      if (request.invalidUtf8At !== undefined) sink.findings.push(encodingFinding(document.model, request.invalidUtf8At));
      const home = emsHome(request.path, settings.homeDirectory);
      const now = ports.now();
      const files = await reuse.check(document.visits, { home, version, settings, now, fs: ports.fs, cache, sink });
      const findings = applySeverity([...document.findings, ...sink.findings], settings.severity);
      return { findings: sortFindings(findings), home, files, document, settings, now };
    },
    complete: (result, position) => complete(result, position, { fs: ports.fs, cache }),
  };
}

function encodingFinding(model: TextIndex, offset: number): Finding {
  return {
    code: 'json-syntax', severity: CODES['json-syntax'].severity, pointer: '', range: model.rangeOf(offset, 1),
    message: 'The file is not valid UTF-8 here; the EMS reads the raw bytes, so it sees something else than the editor shows.',
  };
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export type { DocumentCheck } from './checks';
export type { CompletionEntry } from './features/complete';
export type { FileReference } from './checks/files';
export type { FileSystemPort, ServicePorts } from './ports';
export type { Finding, Settings };
