#!/usr/bin/env node
// Runs a VS Code extension's integration tests (an `extensionTestsPath` module exporting `run()`, exactly as with
// @vscode/test-electron) inside the REAL VS Code remote extension host of VS Code Server 1.139.1 (from code-server's
// npm package), with the workbench rendered in headless Debian chromium driven by playwright-core.
// Mechanism = VS Code's own test/integration/browser: `payload` URL param + window.codeAutomationExit.
// Usage: node run-ext-tests.js --extensionDevelopmentPath DIR --extensionTestsPath FILE [--workspace DIR]
//        [--timeout 180000] [--screenshot out.png] [--verbose]
// Exit status: 0 run() resolved; 1 it rejected (or timed out); 2 VS Code could not be started.
'use strict';
const path = require('path');
const { launchBrowser, startServer } = require('./vscode-server');

const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : def; };
const flag = name => argv.includes('--' + name);
const extDev = path.resolve(opt('extensionDevelopmentPath', process.cwd()));
const extTests = path.resolve(opt('extensionTestsPath') || die('--extensionTestsPath is required'));
const workspace = opt('workspace') && path.resolve(opt('workspace'));
const timeoutMs = Number(opt('timeout', 180000));
const screenshot = opt('screenshot');
const verbose = flag('verbose') || !!process.env.E2E_VERBOSE;
function die(m) { console.error(m); process.exit(2); }
// Workbench start-up chatter that says nothing about the extension under test (shown with --verbose).
const ROUTINE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[AgentHost|\[AccountPolicyGate\]|\[Service Worker\] registration|Creation of workbench contribution|Timed out waiting for authentication provider)/;

const t0 = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

(async () => {
  let server;
  let browser;
  try {
    server = await startServer({ verbose });
    log(`VS Code server up on ${server.port}`);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let finish;
    const finished = new Promise(r => (finish = r));
    // Extension-host console output arrives here (console.log in tests), and so do the workbench's own log lines.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const parts = Array.isArray(args) ? args : [args];
      if (!verbose && typeof parts[0] === 'string' && ROUTINE.test(parts[0])) return;
      console.log(...parts);
    });
    // VS Code calls this when the test runner's run() settles: 0 = resolved, 1 = rejected.
    await page.exposeFunction('codeAutomationExit', code => finish(code));
    page.on('pageerror', e => verbose && console.log('[pageerror]', String(e)));
    await page.goto(server.url(workspace, [['extensionDevelopmentPath', server.remote(extDev)],
      ['extensionTestsPath', server.remote(extTests)], ['skipWelcome', 'true']]));
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const code = await finished;
    clearTimeout(timer);
    if (screenshot) await page.screenshot({ path: screenshot }).catch(() => {});
    log(`extension tests finished: ${code === 0 ? 'OK' : code === 'timeout' ? `TIMED OUT after ${timeoutMs} ms` : 'FAILED'} (exit ${code})`);
    await browser.close();
    server.stop();
    process.exit(code === 0 ? 0 : 1);
  } catch (e) {
    console.error(e);
    if (browser) await browser.close().catch(() => {});
    if (server) server.stop();
    process.exit(2);
  }
})();
