// `ems-config check`: the service as a command-line checker for CI pipelines.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeFileSystem } from '../node/fileSystem';
import { createEmsService } from '../service';
import { parseArgs, USAGE, type CheckArgs } from './args';
import { findConfigs } from './discover';
import { type FileReport, formatJson, formatSarif, formatText, summarize } from './report';
import { decodeConfig } from '../service/decode';

declare const EMS_CONFIG_VERSION: string | undefined;
const VERSION = typeof EMS_CONFIG_VERSION === 'string' ? EMS_CONFIG_VERSION : 'dev';

/** Larger than any real config (a 40,000-line one is about 1.5 MB); bounds what a wrong path can make us read. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.kind) {
    case 'help': io.stdout(USAGE + '\n'); return 0;
    case 'version': io.stdout(VERSION + '\n'); return 0;
    case 'error': io.stderr(`ems-config: ${parsed.message}\n${USAGE.split('\n')[0]}\n`); return 2;
  }
  return check(parsed.args, io);
}

async function check(args: CheckArgs, io: Io): Promise<number> {
  const now = args.now;
  const service = createEmsService({ fs: nodeFileSystem, now: () => now ?? new Date() });
  const reports: FileReport[] = [];
  let unreadable = false;
  const fail = (message: string) => { unreadable = true; io.stderr(`ems-config: ${message}\n`); };
  const home = args.home ? path.resolve(args.home) : '';
  for (const given of args.paths) {
    const target = path.resolve(given);
    let configs: string[];
    try {
      const stat = await fs.stat(target);
      configs = stat.isDirectory() ? await findConfigs(target) : [target];
      if (stat.isDirectory() && !configs.length) { fail(`${given}: no etc/config.json under this folder`); continue; }
      if (!stat.isDirectory() && !stat.isFile()) { fail(`${given}: not a regular file`); continue; }
    } catch (error) {
      fail(`${given}: ${describeError(error)}`);
      continue;
    }
    for (const config of configs) {
      let bytes: Buffer;
      try {
        const stat = await fs.stat(config);
        if (stat.size > MAX_CONFIG_BYTES) { fail(`${config}: ${stat.size} bytes is larger than any EMS config (limit ${MAX_CONFIG_BYTES})`); continue; }
        bytes = await fs.readFile(config);
      } catch (error) {
        fail(`${config}: ${describeError(error)}`);
        continue;
      }
      const { text, invalidUtf8At } = decodeConfig(bytes);
      const result = await service.check({ text, path: config, settings: { emsVersion: args.emsVersion, homeDirectory: home, expiryWarningDays: args.expiryWarningDays, severity: args.severity }, invalidUtf8At });
      reports.push({ path: config, home: result.home, findings: result.findings });
    }
  }
  if (args.format === 'json') io.stdout(formatJson(reports));
  else if (args.format === 'sarif') io.stdout(formatSarif(reports, VERSION, (p) => pathToFileURL(p).href));
  else io.stdout(formatText(reports, io.isTTY && !process.env['NO_COLOR']));
  if (unreadable) return 2;
  return summarize(reports).errors > 0 ? 1 : 0;
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'symbolic link loop';
    case 'EISDIR': return 'is a folder';
    default: return code ?? String(error);
  }
}
