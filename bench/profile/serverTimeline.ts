// The messages between spawn and the first diagnostics, with times: where server start goes.
//   node out/bench/profile/serverTimeline.js [runs=5] [server.js]
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SERVER_JS } from '../lib/common';
import { sampleHome } from '../lib/fixtures';
import { spawnServer } from '../lib/lsp';

async function main(runs: number, serverJs: string): Promise<void> {
  const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-prof-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const sample = sampleHome(tmp);
  const uri = pathToFileURL(sample.config).href;
  for (let run = 0; run < runs; run++) {
    const events: string[] = [];
    let t0 = 0;
    const mark = (text: string) => events.push(`${(performance.now() - t0).toFixed(0).padStart(5)} ms  ${text}`);
    const client = spawnServer(serverJs, { trace: mark });
    t0 = client.t0;
    try {
      mark('spawned; initialize sent');
      await client.initialize();
      mark('initialize answered; initialized sent');
      const diagnostics = client.diagnostics(uri);
      await client.open(uri, sample.text);
      mark('didOpen sent');
      await diagnostics;
    } finally {
      await client.close();
    }
    console.log(`run ${run + 1}\n${events.join('\n')}`);
  }
}

main(Number(process.argv[2] ?? 5), process.argv[3] ? resolve(process.argv[3]) : SERVER_JS).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
