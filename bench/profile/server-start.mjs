// Profiles the bundled server from process start to the first publishDiagnostics of the sample config:
//   node bench/profile/server-start.mjs /tmp/prof/start   then   node bench/profile/top.mjs /tmp/prof/start/<file>
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { sampleHome } from '../lib/fixtures.mjs';
import { spawnServer } from '../lib/lsp.mjs';

const REPO = resolve(import.meta.dirname, '..', '..');
const dir = resolve(process.argv[2] ?? '/tmp/prof/start');
const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const sample = sampleHome(REPO, tmp);
const uri = pathToFileURL(sample.config).href;
const client = spawnServer(join(REPO, 'server', 'out', 'server.js'), { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'] });
await client.initialize();
const initialized = performance.now() - client.t0;
const diagnostics = client.diagnostics(uri);
await client.open(uri, sample.text);
const first = (await diagnostics).at - client.t0;
await client.close();
console.log(`initialize answered ${initialized.toFixed(0)} ms, first diagnostics ${first.toFixed(0)} ms after spawn (profiling on); profile in ${dir}`);
