// Test helpers at the service boundary: check a text, build configs, apply fixes.
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { NOW } from './pki';
import type { Finding, Settings } from '../../server/src/service/types';

/** Tests run from out/test/helpers: the repository is three folders up. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export const GUID = '080107d9-0af5-409f-b0d7-7ef5ccf3d797';
/** 16 bytes of Base64 behind AES:, the shape wsems -encrypt prints. */
export const AES = 'AES:wPUJ0SYov0r6yH+BDMbeMA==';

export const BASE = { ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: GUID };

/** A config: the minimal valid one with these top-level groups added or replaced. */
export function config(groups: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...BASE, ...groups }, null, 2);
}

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });

export async function check(text: string, settings: Partial<Settings> = {}, file?: string): Promise<Finding[]> {
  const request = { text, settings: { emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: {}, ...settings } };
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
