// One first check in a fresh Node process (modules loaded, JIT cold, cache empty): prints
// {"loadMs", "checkMs", "files"} as JSON. Used by bench/run.mjs; also a handy `node --cpu-prof` target.
// Usage: node bench/lib/first-check.mjs <repo> <config.json>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [repo, config] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const t0 = performance.now();
const { createEmsService } = require(join(repo, 'out/server/src/service/index.js'));
const { nodeFileSystem } = require(join(repo, 'out/server/src/node/fileSystem.js'));
const t1 = performance.now();
const service = createEmsService({ fs: nodeFileSystem, now: () => new Date() });
const text = readFileSync(config, 'utf8');
const result = await service.check({ text, path: config, settings: { emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: {} } });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, checkMs: t2 - t1, files: result.files.filter((f) => f.status === 'ok').length }) + '\n');
