// Small drivers to profile one bench figure at a time with `node --cpu-prof`, then read self time with
// bench/profile/top.mjs. Usage (after `npm run build`):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile/drivers.mjs warm|big|cold [runs]
//   node bench/profile/top.mjs /tmp/prof/<file>.cpuprofile
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bigConfig, sampleHome, tenFileHome } from '../lib/fixtures.mjs';

const REPO = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { createEmsService } = require(join(REPO, 'out/server/src/service/index.js'));
const { nodeFileSystem } = require(join(REPO, 'out/server/src/node/fileSystem.js'));
const SETTINGS = { emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: {} };
const ports = { fs: nodeFileSystem, now: () => new Date() };

const [figure = 'warm', runsArg] = process.argv.slice(2);
const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const sample = sampleHome(REPO, tmp);
const service = createEmsService(ports);
let run;
if (figure === 'warm') {
  // As the bench measures it: the server's port when the editor watches the files (stats remembered).
  const { WatchedStats } = require(join(REPO, 'out/server/src/node/watchedStats.js'));
  const watched = createEmsService({ ...ports, fs: new WatchedStats(nodeFileSystem) });
  run = () => watched.check({ text: sample.text, path: sample.config, settings: SETTINGS });
}
else if (figure === 'big') {
  const { text } = bigConfig(sample.text, 40_000);
  run = () => service.check({ text, path: sample.config, settings: SETTINGS });
} else if (figure === 'cold') {
  const ten = await tenFileHome(tmp);
  run = () => createEmsService(ports).check({ text: ten.text, path: ten.config, settings: SETTINGS });
} else if (figure === 'text-only') {
  // The same typical text without a path: no file is stat-ed or read.
  run = () => service.check({ text: sample.text, settings: SETTINGS });
} else throw new Error(`unknown figure ${figure}`);
const runs = Number(runsArg ?? (figure === 'big' ? 30 : 3000));
await run();
const t0 = performance.now();
for (let i = 0; i < runs; i++) await run();
console.log(`${figure}: ${runs} runs, ${((performance.now() - t0) / runs).toFixed(3)} ms each (mean)`);
