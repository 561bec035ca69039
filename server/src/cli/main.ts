// `ems-config check`: the service as a command-line checker for CI pipelines.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONNECT_USAGE, parseArgs, USAGE, type CheckArgs } from './args';
import { connect } from './connect';
import { blockingFileSystem } from '../node/fileSystem';
import { DEFAULT_SETTINGS } from '../service';
import { describeError } from './checkConfig';
import { findConfigs } from './discover';
import { checkAll } from './pool';
import { type FileReport, formatJson, formatSarif, formatText, summarize } from './report';

declare const EMS_CONFIG_VERSION: string | undefined;
const VERSION = typeof EMS_CONFIG_VERSION === 'string' ? EMS_CONFIG_VERSION : 'dev';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

/** `entry`: the script that runs main(), started again as a child process for heavy fleets. */
export async function main(argv: readonly string[], io: Io, entry: string): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.kind) {
    case 'help': io.stdout((parsed.usage ?? USAGE) + '\n'); return 0;
    case 'version': io.stdout(VERSION + '\n'); return 0;
    case 'error': io.stderr(`ems-config: ${parsed.message}\n${USAGE.split('\n')[0]}\n${CONNECT_USAGE.split('\n')[0]}\n`); return 2;
    case 'connect': return connect(parsed.args, io);
  }
  return check(parsed.args, io, entry);
}

async function check(args: CheckArgs, io: Io, entry: string): Promise<number> {
  let unreadable = false;
  const fail = (message: string) => { unreadable = true; io.stderr(`ems-config: ${message}\n`); };
  const configs: string[] = [];
  for (const given of args.paths) {
    const target = path.resolve(given);
    try {
      const stat = await blockingFileSystem.stat(target);
      if (stat.kind === 'directory') {
        const found = await findConfigs(target);
        if (!found.length) fail(`${given}: no etc/config.json under this folder`);
        configs.push(...found);
      } else if (stat.kind === 'file') {
        configs.push(target);
      } else {
        fail(`${given}: not a regular file`);
      }
    } catch (error) {
      fail(`${given}: ${describeError(error)}`);
    }
  }
  const version = args.emsVersion === undefined ? { emsVersion: DEFAULT_SETTINGS.emsVersion, emsVersionSource: 'default' as const } : { emsVersion: args.emsVersion, emsVersionSource: 'flag' as const };
  const settings = { ...version, homeDirectory: args.home ? path.resolve(args.home) : '', expiryWarningDays: args.expiryWarningDays, severity: args.severity };
  const reports: FileReport[] = [];
  for (const outcome of await checkAll(configs, { settings, now: args.now?.getTime() }, entry, { jobs: args.jobs })) {
    if ('error' in outcome) fail(outcome.error);
    else reports.push(outcome.report);
  }
  if (args.format === 'json') io.stdout(formatJson(reports));
  else if (args.format === 'sarif') io.stdout(formatSarif(reports, VERSION, (p) => pathToFileURL(p).href));
  else io.stdout(formatText(reports, io.isTTY && !process.env['NO_COLOR']));
  if (unreadable) return 2;
  return summarize(reports).errors > 0 ? 1 : 0;
}
