// A check result that can cross a thread: the LSP server runs checks in a worker. It holds plain data only —
// no parsed document (its nodes and closures are rebuilt from the text in linear time) and no key handles
// (key material stays in the thread that read it). Attaching the document gives back a whole CheckResult.
import { checkDocument, type CheckRequest, type DocumentCheck } from './checks';
import type { FileReference } from './checks/files';
import { CODES } from './codes';
import { emsHome } from './document/home';
import { checkLuaDocument, isLuaConfig } from './lua';
import { normalizeSettings } from './settings';
import type { CheckResult } from './target/result';
import type { Finding } from './types';
import { parseVersion } from './version';

export type DetachedFile = Omit<FileReference, 'parsed'> & { parsed?: Omit<NonNullable<FileReference['parsed']>, 'handle'> };

export interface DetachedCheck extends Omit<CheckResult, 'document' | 'files'> {
  files: DetachedFile[];
  /** The document's kind, to rebuild it with the right reader. */
  kind?: 'lsr';
}

export function detach(result: CheckResult): DetachedCheck {
  const { document, files, ...rest } = result;
  return { ...rest, ...(document.kind ? { kind: document.kind } : {}), files: files.map(({ parsed, ...file }) => (parsed ? { ...file, parsed: withoutHandle(parsed) } : file)) };
}

function documentOf(text: string, version: string, lsr: boolean): DocumentCheck {
  return (lsr ? checkLuaDocument : checkDocument)(text, parseVersion(version)!);
}

function withoutHandle(parsed: NonNullable<FileReference['parsed']>): DetachedFile['parsed'] {
  const { handle: _handle, ...plain } = parsed;
  return plain;
}

/**
 * The detached result with its document rebuilt from the text, when a feature first asks for it: publishing
 * diagnostics needs only the findings, so a hostile text is not checked twice on the thread that answers.
 */
export function attach(detached: DetachedCheck, text: string): CheckResult {
  let document: DocumentCheck | undefined;
  // Features read the files' facts only; nothing on this side needs a handle.
  return {
    ...detached,
    files: detached.files as FileReference[],
    get document() {
      return (document ??= documentOf(text, detached.target.release, detached.kind === 'lsr'));
    },
  };
}

/**
 * The check of the document alone, for when the file checks did not finish in time: its own findings and one
 * that says the files were not checked, and why.
 */
export function documentOnly(request: CheckRequest, why: string): CheckResult {
  const settings = normalizeSettings(request.settings);
  const target: CheckResult['target'] = { release: settings.emsVersion, source: settings.emsVersionSource ?? 'setting' };
  const document = documentOf(request.text, target.release, isLuaConfig(request.path));
  const incomplete: Finding = {
    code: 'check-incomplete', severity: CODES['check-incomplete'].severity, pointer: '',
    range: document.model.rangeOf(0, 0), message: `The certificate and key files were not checked: ${why}.`,
  };
  return {
    findings: [incomplete, ...document.findings], home: emsHome(request.path, settings.homeDirectory), files: [],
    dependencies: { files: [], folders: [] }, document, settings, now: new Date(), target,
  };
}
