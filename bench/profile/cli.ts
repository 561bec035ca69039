// Profiles the bundled CLI over the bench fleet (homes sharing one CA list, every device its own files):
//   node out/bench/profile/cli.js /tmp/prof/cli [100|500|1000] [unique|copies]
//   then   node out/bench/profile/top.js /tmp/prof/cli/<file>.cpuprofile
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI_JS } from '../lib/common';
import { fleet, type FleetSize, sampleHome } from '../lib/fixtures';

async function main([dirArg = '/tmp/prof/cli', countArg = '500', devices = 'unique']: string[]): Promise<void> {
  const dir = resolve(dirArg);
  const count = Number(countArg);
  if (count !== 100 && count !== 500 && count !== 1000) throw new Error(`${countArg} configs: the fleet checks 100, 500 or 1000`);
  if (devices !== 'unique' && devices !== 'copies') throw new Error(`${devices}: unique or copies`);
  const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const homes = await fleet(tmp, sampleHome(tmp), devices);
  const t0 = performance.now();
  execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI_JS, 'check', '--format', 'json', ...homes.folders[count as FleetSize]], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`${count} configs (${devices} device files) in ${(performance.now() - t0).toFixed(0)} ms (profiling on); profile in ${dir}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
