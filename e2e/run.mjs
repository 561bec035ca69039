// `npm run test:e2e`: the integration suite (e2e/suite/suite.js) in a real VS Code 1.139.1 — its server build from
// the code-server npm package, on Node 24, with the workbench in Debian's headless Chromium (run-ext-tests.js).
// Sets up what it needs (setup.sh: apt chromium, the two pinned tool folders), builds the extension, builds
// a fresh fixture workspace with real certificates dated from now, runs the suite, removes the workspace.
//
//   node e2e/run.mjs [--no-setup] [--no-build] [--keep] [--verbose] [--screenshot file.png]
//
// Exit status: 0 all non-pending checks passed; 1 a check failed; 2 the editor could not be started.
// Env: E2E_PENDING (see e2e/suite/pending.js), E2E_REPORT=<file> (JSON report), E2E_CHECK_TIMEOUT (ms).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkspace } from './fixtures/make-workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function step(title, command, commandArgs, options = {}) {
  const t = Date.now();
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`e2e: ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(2);
  }
  console.log(`e2e: ${title}: ${seconds(t)}`);
}

if (!flag('no-setup')) step('setup', 'bash', [join(here, 'setup.sh')]);
if (!flag('no-build')) step('build', 'npm', ['run', 'build', '--silent']);

const t = Date.now();
const workspace = mkdtempSync(join(tmpdir(), 'ems-config-e2e-'));
await buildWorkspace(workspace);
console.log(`e2e: fixture workspace ${workspace}: ${seconds(t)}`);

const suiteStart = Date.now();
const runnerArgs = [join(here, 'run-ext-tests.js'), '--extensionDevelopmentPath', root,
  '--extensionTestsPath', join(here, 'suite', 'suite.js'), '--workspace', workspace];
if (flag('verbose')) runnerArgs.push('--verbose');
if (option('screenshot')) runnerArgs.push('--screenshot', option('screenshot'));
const result = spawnSync(process.execPath, runnerArgs, { cwd: root, stdio: 'inherit' });
if (flag('keep')) console.log(`e2e: kept the workspace ${workspace}`);
else rmSync(workspace, { recursive: true, force: true });
console.log(`e2e: suite ${seconds(suiteStart)}, total ${seconds(started)}`);
process.exit(result.status ?? 2);
