// Profiles the bundled CLI over the bench fleet (homes sharing one CA list):
//   node bench/profile/cli.mjs /tmp/prof/cli [100|500|1000]   then   node bench/profile/top.mjs /tmp/prof/cli/<file>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fleet, sampleHome } from '../lib/fixtures.mjs';

const REPO = resolve(import.meta.dirname, '..', '..');
const dir = resolve(process.argv[2] ?? '/tmp/prof/cli');
const count = Number(process.argv[3] ?? 500);
const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const homes = fleet(tmp, sampleHome(REPO, tmp), 1000);
const t0 = performance.now();
execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(REPO, 'server', 'out', 'cli.js'), 'check', '--format', 'json', ...homes.folders[count]], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`${count} configs in ${(performance.now() - t0).toFixed(0)} ms (profiling on); profile in ${dir}`);
