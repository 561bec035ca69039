// The service façade: everything the adapters (LSP server, CLI) call. No LSP imports; no IO but through ports.
import { checkDocument } from './check';
import { CODES } from './codes';
import { emsHome } from './home';
import type { TextIndex } from './model';
import { applySeverity, normalizeSettings } from './settings';
import type { Finding, Settings } from './types';
import { parseVersion } from './version';

export interface CheckRequest {
  text: string;
  /** Absolute file-system path of the config, when it has one (derives the EMS home). */
  path?: string;
  settings: Settings;
  /** Offset of the first byte that was not UTF-8, when the text was decoded from a file. */
  invalidUtf8At?: number | undefined;
}

export interface CheckResult {
  findings: Finding[];
  /** The EMS home relative paths were resolved against. */
  home: string | undefined;
}

export interface EmsService {
  check(request: CheckRequest): Promise<CheckResult>;
}

export function createEmsService(): EmsService {
  return {
    async check(request) {
      const settings = normalizeSettings(request.settings);
      const version = parseVersion(settings.emsVersion)!;
      const document = checkDocument(request.text, version);
      const findings = document.findings;
      if (request.invalidUtf8At !== undefined) {
        findings.push(encodingFinding(document.model, request.invalidUtf8At));
      }
      const home = emsHome(request.path, settings.homeDirectory);
      return { findings: sortFindings(applySeverity(findings, settings.severity)), home };
    },
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

export { normalizeSettings };
export type { Finding, Settings };
