// Bundles the shipped entry points (and the language server's worker). tsc type-checks and emits out/ for the tests; esbuild builds
// what users run: the extension client, the language server and the CLI, each a single CommonJS file.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser and vscode-json-languageservice ship UMD builds that esbuild cannot follow; prefer their ESM.
  mainFields: ['module', 'main'],
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js', banner: { js: '#!/usr/bin/env node' } }),
  // The language server's check worker: a file of its own beside server.js (lsp/checkPool.ts starts it).
  build({ ...common, entryPoints: ['server/src/lsp/checkWorker.ts'], outfile: 'server/out/checkWorker.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { EMS_CONFIG_VERSION: JSON.stringify(version) } }),
]);
