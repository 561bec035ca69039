// The messages between spawn and the first diagnostics, with times: where server start goes.
//   node bench/profile/server-timeline.mjs [runs=5] [server.js]
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { sampleHome } from '../lib/fixtures.mjs';
import { spawnServer } from '../lib/lsp.mjs';

const REPO = resolve(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const sample = sampleHome(REPO, tmp);
const uri = pathToFileURL(sample.config).href;
for (let run = 0; run < Number(process.argv[2] ?? 5); run++) {
  const events = [];
  let t0 = 0;
  const mark = (text) => events.push(`${(performance.now() - t0).toFixed(0).padStart(5)} ms  ${text}`);
  const client = spawnServer(process.argv[3] ?? join(REPO, 'server', 'out', 'server.js'), { trace: mark });
  t0 = client.t0;
  mark('spawned; initialize sent');
  await client.initialize();
  mark('initialize answered; initialized sent');
  const diagnostics = client.diagnostics(uri);
  await client.open(uri, sample.text);
  mark('didOpen sent');
  await diagnostics;
  await client.close();
  console.log(`run ${run + 1}\n${events.join('\n')}`);
}
