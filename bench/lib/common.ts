// What every bench script shares: where the repository and the bundles are, and the settings and ports the
// in-process figures check with. The in-process figures reach our code through the service façade
// (server/src/service/index.ts) and the Node ports (server/src/node/) only, like the adapters do; the
// process figures spawn the esbuild bundles.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import type { ServicePorts, Settings } from '../../server/src/service/index';

/** The repository: this file runs as out/bench/lib/common.js. */
export const REPO = resolve(__dirname, '..', '..', '..');
export const SERVER_JS = join(REPO, 'server', 'out', 'server.js');
export const CLI_JS = join(REPO, 'server', 'out', 'cli.js');
export const SCHEMA = join(REPO, 'schemas', 'ems-config.schema.json');

/** Pinned, not DEFAULT_SETTINGS: a change of defaults must not move the figures. */
export const SETTINGS: Settings = { emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: {} };
/** The language server's ports (promise-based reads, the real clock). */
export const PORTS: ServicePorts = { fs: nodeFileSystem, now: () => new Date() };

/** The bundles `npm run build` makes with esbuild; undefined when both are there. */
export function missingBundle(): string | undefined {
  return [SERVER_JS, CLI_JS].find((file) => !existsSync(file));
}
