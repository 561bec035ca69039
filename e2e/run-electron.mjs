// `npm run test:electron`: the same integration suite (e2e/suite/suite.js) in desktop VS Code with
// @vscode/test-electron, which DOWNLOADS VS Code from Microsoft's update server (so it does not work in CI here;
// there `npm run test:e2e` runs the suite in VS Code's server build instead). Needs a display (xvfb-run on Linux).
//
//   node e2e/run-electron.mjs [--no-build] [--keep]     VSCODE_VERSION=stable|insiders|1.91.0 (default stable)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { buildWorkspace } from './fixtures/make-workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
if (!args.includes('--no-build') && spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(2);

const workspace = mkdtempSync(join(tmpdir(), 'ems-config-e2e-'));
await buildWorkspace(workspace);
let status;
try {
  status = await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    // Downloads and the user-data folder under node_modules (ignored), not .vscode-test/ in the repository.
    cachePath: join(root, 'node_modules', '.cache', 'vscode-test'),
    extensionDevelopmentPath: root,
    extensionTestsPath: join(here, 'suite', 'suite.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: Object.fromEntries(['E2E_PENDING', 'E2E_REPORT', 'E2E_CHECK_TIMEOUT', 'E2E_PENDING_TIMEOUT']
      .filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]])),
  });
} catch (error) {
  console.error(`test:electron: ${error instanceof Error ? error.message : error}`);
  // A suite that ran and failed exits 1; VS Code that could not be downloaded or started exits 2.
  status = error instanceof TestRunFailedError ? 1 : 2;
} finally {
  if (args.includes('--keep')) console.log(`kept the workspace ${workspace}`);
  else rmSync(workspace, { recursive: true, force: true });
}
process.exit(status ?? 1);
