// One first check in a fresh Node process (modules loaded, JIT cold, cache empty): prints
// {"loadMs", "checkMs", "files"} as JSON. Used by the cold figure of bench/run.ts; also a handy
// `node --cpu-prof` target.
// Usage: node out/bench/lib/firstCheck.js <config.json>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
// Timed from here: tsc's CommonJS output requires the modules in the order the imports are written, so
// loadMs is what loading the façade and the Node port costs (their dependencies included).
const t0 = performance.now();
import { createEmsService } from '../../server/src/service/index';
import { PORTS, SETTINGS } from './common';

async function main(config: string): Promise<void> {
  const t1 = performance.now();
  const service = createEmsService(PORTS);
  const text = readFileSync(config, 'utf8');
  const result = await service.check({ text, path: config, settings: SETTINGS });
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, checkMs: t2 - t1, files: result.files.filter((f) => f.status === 'ok').length }) + '\n');
}

const config = process.argv[2];
if (!config) {
  console.error('usage: node out/bench/lib/firstCheck.js <config.json>');
  process.exit(2);
}
void main(config);
