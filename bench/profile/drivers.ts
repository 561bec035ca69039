// Small drivers to profile one bench figure at a time with `node --cpu-prof`, then read self time with
// out/bench/profile/top.js. Usage (after `npm run build`):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof out/bench/profile/drivers.js warm|big|cold|text-only [runs]
//   node out/bench/profile/top.js /tmp/prof/<file>.cpuprofile
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { WatchedStats } from '../../server/src/node/watchedStats';
import { type CheckResult, createEmsService } from '../../server/src/service/index';
import { PORTS, SETTINGS } from '../lib/common';
import { bigConfig, sampleHome, tenFileHome } from '../lib/fixtures';

async function main(figure: string, runsArg: string | undefined): Promise<void> {
  const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const sample = sampleHome(tmp);
  const service = createEmsService(PORTS);
  let run: () => Promise<CheckResult>;
  if (figure === 'warm') {
    // As the bench measures it: the server's port when the editor watches the files (stats remembered).
    const watched = createEmsService({ ...PORTS, fs: new WatchedStats(nodeFileSystem) });
    run = () => watched.check({ text: sample.text, path: sample.config, settings: SETTINGS });
  } else if (figure === 'big') {
    const { text } = bigConfig(sample.text, 40_000);
    run = () => service.check({ text, path: sample.config, settings: SETTINGS });
  } else if (figure === 'cold') {
    const ten = await tenFileHome(tmp);
    run = () => createEmsService(PORTS).check({ text: ten.text, path: ten.config, settings: SETTINGS });
  } else if (figure === 'text-only') {
    // The same typical text without a path: no file is stat-ed or read.
    run = () => service.check({ text: sample.text, settings: SETTINGS });
  } else {
    throw new Error(`unknown figure ${figure} (warm, big, cold, text-only)`);
  }
  const runs = Number(runsArg ?? (figure === 'big' ? 30 : 3000));
  await run();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await run();
  console.log(`${figure}: ${runs} runs, ${((performance.now() - t0) / runs).toFixed(3)} ms each (mean)`);
}

const [figure = 'warm', runs] = process.argv.slice(2);
main(figure, runs).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
