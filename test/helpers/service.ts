// Test helpers at the service boundary: check a text, build configs, apply fixes, read a hover; and a
// service over an in-memory file system (memoryService), for the tests that need certificate and key files
// but not the disk. Only the tests of the Node ports and of real processes lay out homes in temp folders.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { type CheckResult, createEmsService, type EmsService } from '../../server/src/service';
import { hover } from '../../server/src/service/features/hover';
import { type MemoryEntry, MemoryFileSystem } from './memoryFs';
import { NOW, pkiBytes, pkiNames } from './pki';
import type { Finding, Settings } from '../../server/src/service/types';

export const GUID = '080107d9-0af5-409f-b0d7-7ef5ccf3d797';
/** 16 bytes of Base64 behind AES:, the shape wsems -encrypt prints. */
export const AES = 'AES:wPUJ0SYov0r6yH+BDMbeMA==';

export const BASE = { ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: GUID };

/** A config: the minimal valid one with these top-level groups added or replaced. */
export function config(groups: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...BASE, ...groups }, null, 2);
}

/** What the tests check with unless they say otherwise: a pinned target release, not the newest. Frozen: shared. */
export const SETTINGS: Settings = Object.freeze({ emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: Object.freeze({}) });

export const settingsWith = (overrides: Partial<Settings> = {}): Settings => ({ ...SETTINGS, ...overrides });

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });

export async function check(text: string, settings: Partial<Settings> = {}, file?: string): Promise<Finding[]> {
  const request = { text, settings: settingsWith(settings) };
  return (await service.check(file ? { ...request, path: file } : request)).findings;
}

export async function codes(text: string, settings: Partial<Settings> = {}): Promise<string[]> {
  return (await check(text, settings)).map((f) => f.code);
}

/** Applies a fix's edits the way an editor does. */
export function applyFix(text: string, finding: Finding, index = 0): string {
  const fix = finding.data?.fixes?.[index];
  if (!fix) throw new Error(`${finding.code} has no fix ${index}`);
  const document = TextDocument.create('file:///test/etc/config.json', 'ems-config', 1, text);
  return TextDocument.applyEdits(document, fix.edits);
}

/** The hover over the n-th occurrence of `needle` in the checked text (a key with its quotes, or a JSON value), one character in. */
export function hoverOn(result: CheckResult, needle: string, occurrence = 0): string {
  const { model } = result.document;
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = model.text.indexOf(needle, offset + 1);
  assert.notEqual(offset, -1, `${needle} is not in the text`);
  const found = hover(result, model.positionAt(offset + 1));
  assert.ok(found, `no hover on ${needle}`);
  return found.contents;
}

// ─── A service over memory ──────────────────────────────────────────────────────────────────────────────────

/** The EMS home of memoryService's config: paths shaped as on a POSIX host, none of them on disk. */
export const MEMORY_HOME = '/ems';
export const MEMORY_CONFIG = '/ems/etc/config.json';
/** Where tests place the whole test PKI in memory: fixtures(MEMORY_PKI). */
export const MEMORY_PKI = '/pki';
export const memoryPki = (name: string): string => path.posix.join(MEMORY_PKI, name);

/** A file in memory: a fixture of the test PKI by name, bytes, or an entry (a folder, a size, a fault). */
export type MemoryFile = string | Uint8Array | MemoryEntry;

/** Fixtures of the test PKI (all of them unless named) placed in one folder, under their own names. */
export function fixtures(folder: string, names: readonly string[] = pkiNames()): Record<string, MemoryFile> {
  return Object.fromEntries(names.map((name) => [path.posix.join(folder, name), name]));
}

export interface MemoryService {
  service: EmsService;
  fs: MemoryFileSystem;
  /** A check of the text as the config at `file`: MEMORY_CONFIG unless told; null, an untitled document without a home. */
  check(text: string, settings?: Partial<Settings>, file?: string | null): Promise<CheckResult>;
  /** Places or replaces files, and makes the folders above them; a replaced file gets a new mtime, as on disk. */
  put(files: Record<string, MemoryFile>): void;
}

/** A service over a MemoryFileSystem holding `files` (absolute POSIX paths), judging at `now`. */
export function memoryService({ files = {}, now = NOW }: { files?: Record<string, MemoryFile>; now?: Date } = {}): MemoryService {
  const fs = new MemoryFileSystem();
  let writes = 0;
  const put = (placed: Record<string, MemoryFile>): void => {
    for (const [file, content] of Object.entries(placed)) {
      const at = path.posix.normalize(file);
      if (!path.posix.isAbsolute(at)) throw new Error(`memoryService: ${file} is not an absolute POSIX path`);
      for (let folder = path.posix.dirname(at); !fs.entries.has(folder); folder = path.posix.dirname(folder)) {
        fs.entries.set(folder, { kind: 'directory' });
      }
      writes++;
      fs.entries.set(at, typeof content === 'string' ? { kind: 'file', bytes: pkiBytes(content), mtimeMs: writes }
        : content instanceof Uint8Array ? { kind: 'file', bytes: content, mtimeMs: writes } : content);
    }
  };
  put(files);
  const service = createEmsService({ fs, now: () => now });
  return {
    service,
    fs,
    put,
    check: (text, settings = {}, file = MEMORY_CONFIG) => {
      const request = { text, settings: settingsWith(settings) };
      return service.check(file === null ? request : { ...request, path: file });
    },
  };
}
