// `ems-config connect`: the connection test of one config, from a terminal or a pipeline.
import * as path from 'node:path';
import type { ConnectArgs } from './args';
import { readConfig } from './checkConfig';
import type { Io } from './main';
import { blockingFileSystem } from '../node/fileSystem';
import { nodeNetwork } from '../node/network';
import { connectionText, createEmsService, DEFAULT_SETTINGS } from '../service';

const EXIT = { connected: 0, refused: 1, untested: 2 } as const;

export async function connect(args: ConnectArgs, io: Io): Promise<number> {
  const config = path.resolve(args.config);
  const read = await readConfig(config);
  if ('error' in read) {
    io.stderr(`ems-config: ${args.config}: ${read.error}\n`);
    return 2;
  }
  const service = createEmsService({ fs: blockingFileSystem, now: () => args.now ?? new Date(), network: nodeNetwork });
  const version = args.emsVersion === undefined ? { emsVersion: DEFAULT_SETTINGS.emsVersion, emsVersionSource: 'default' as const } : { emsVersion: args.emsVersion, emsVersionSource: 'flag' as const };
  const settings = service.settings({ ...version, homeDirectory: args.home ? path.resolve(args.home) : '' });
  const { text, invalidUtf8At } = read;
  const checked = await service.check({ text, path: config, settings, invalidUtf8At });
  const result = await service.testConnection(checked, args.target, { timeoutMs: args.timeoutMs });
  if (args.format === 'json') io.stdout(`${JSON.stringify({ version: 1, config, result }, null, 2)}\n`);
  else io.stdout(connectionText(result, io.isTTY && !process.env['NO_COLOR']));
  return EXIT[result.verdict.outcome];
}
