// Profiles the bundled server from process start to the first publishDiagnostics of the sample config:
//   node out/bench/profile/serverStart.js /tmp/prof/start   then   node out/bench/profile/top.js /tmp/prof/start/<file>
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SERVER_JS } from '../lib/common';
import { sampleHome } from '../lib/fixtures';
import { spawnServer } from '../lib/lsp';

async function main(dir: string): Promise<void> {
  const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const sample = sampleHome(tmp);
  const uri = pathToFileURL(sample.config).href;
  const client = spawnServer(SERVER_JS, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'] });
  try {
    await client.initialize();
    const initialized = performance.now() - client.t0;
    const diagnostics = client.diagnostics(uri);
    await client.open(uri, sample.text);
    const first = (await diagnostics).at - client.t0;
    console.log(`initialize answered ${initialized.toFixed(0)} ms, first diagnostics ${first.toFixed(0)} ms after spawn (profiling on); profile in ${dir}`);
  } finally {
    await client.close();
  }
}

main(resolve(process.argv[2] ?? '/tmp/prof/start')).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
