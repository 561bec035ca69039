// The integration suite: runs inside a real VS Code extension host (the @vscode/test-electron test-module
// contract: a CommonJS module exporting run(): Promise<void>, which rejects when a check fails).
// Runners: `npm run test:e2e` (VS Code server in headless Chromium, e2e/run-ext-tests.js) and
// `npm run test:electron` (@vscode/test-electron, where VS Code can be downloaded). Both open the workspace
// e2e/fixtures/make-workspace.mjs builds, which describes itself in fixture.json.
//
// No mocha: each check is a named async function run in order (later checks change the editor's state and put
// it back). Prints one line per check and `N passed, N failed, N pending`; E2E_REPORT=<file> also writes JSON.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pendingChecks } = require('./pending');
const { startPlatform, writeConnectConfig } = require('./platform');

const EXTENSION_ID = 'ems-config.ems-config';
const LANGUAGE_ID = 'ems-config';
const SOURCE = 'ems-config';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls fn until it returns a truthy value; on timeout fails with what it was waiting for and the last state. */
async function waitFor(what, fn, timeoutMs, describeState = () => '') {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > timeoutMs) {
      const state = describeState();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? `; now: ${state}` : ''}`);
    }
    await sleep(100);
  }
}

const showRange = (r) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const showDiagnostic = (d) => `${d.code}@${showRange(d.range)}`;
const codeOf = (d) => (typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code));

function createChecks(fixture) {
  const uri = vscode.Uri.file(fixture.config);
  let document;
  const diagnostics = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
  const withCode = (code) => diagnostics().filter((d) => codeOf(d) === code);
  const listDiagnostics = () => diagnostics().map(showDiagnostic).join(', ') || 'no ems-config diagnostics';

  /** The range of the n-th occurrence of `marker` in the document (a JSON token: key or string value, with quotes). */
  function rangeOf(marker, doc = document) {
    const offset = doc.getText().indexOf(marker);
    assert.ok(offset >= 0, `fixture text ${marker} not found in config.json`);
    return new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + marker.length));
  }
  /** A string token's range with its quotes, or without them: both are fair ranges for a value. */
  const valueRanges = (marker) => {
    const quoted = rangeOf(marker);
    return [quoted, new vscode.Range(quoted.start.translate(0, 1), quoted.end.translate(0, -1))];
  };

  /** Waits for a diagnostic with `code` on one of `ranges` and checks its source. */
  async function expectDiagnostic(code, ranges, timeoutMs) {
    const found = await waitFor(`${code} on ${ranges.map(showRange).join(' or ')}`,
      () => withCode(code).find((d) => ranges.some((r) => r.isEqual(d.range))), timeoutMs, listDiagnostics);
    assert.equal(found.source, SOURCE);
    return found;
  }

  async function hoverText(position) {
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position)) || [];
    return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  }

  const configuration = () => vscode.workspace.getConfiguration('emsConfig', uri);
  const clientCertRanges = () => valueRanges(fixture.markers.clientCertValue);

  return [
    {
      id: 'activates',
      title: 'the extension activates for etc/config.json with language ems-config',
      async run() {
        document = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(document);
        assert.equal(document.languageId, LANGUAGE_ID);
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
        await waitFor(`${EXTENSION_ID} to activate`, () => extension.isActive, this.timeout);
      },
    },
    {
      id: 'diagnostic-typo',
      title: 'a typo key gets unknown-property on the key',
      async run() {
        const found = await expectDiagnostic('unknown-property', [rangeOf(fixture.markers.typo)], this.timeout);
        assert.match(found.message, /resource/);
        assert.equal(found.severity, vscode.DiagnosticSeverity.Warning);
      },
    },
    {
      id: 'diagnostic-cert-expired',
      title: 'an expired client certificate gets cert-expired on its path',
      async run() {
        const found = await expectDiagnostic('cert-expired', clientCertRanges(), this.timeout);
        assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
      },
    },
    {
      id: 'diagnostic-key-mismatch',
      title: "a private key that does not belong to its certificate gets key-mismatch on a path",
      async run() {
        const found = await expectDiagnostic('key-mismatch',
          [...valueRanges(fixture.markers.httpKeyValue), ...valueRanges(fixture.markers.httpCertValue)], this.timeout);
        assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
      },
    },
    {
      id: 'hover-certificate',
      title: 'hover on a certificate path shows its subject and expiry',
      async run() {
        const [range] = clientCertRanges();
        const position = range.start.translate(0, Math.floor((range.end.character - range.start.character) / 2));
        const { cn, notAfter } = fixture.certificates.client;
        const text = await waitFor('a hover on the client_cert path', () => hoverText(position), this.timeout);
        assert.ok(text.includes(cn), `hover does not name the subject ${cn}:\n${text}`);
        assert.ok(dateForms(new Date(notAfter)).some((form) => text.includes(form)),
          `hover does not show the expiry ${notAfter.slice(0, 10)} (in any of ${dateForms(new Date(notAfter)).join(' | ')}):\n${text}`);
      },
    },
    {
      id: 'quick-fix',
      title: 'a quick fix applied with executeCodeActionProvider + applyEdit removes its finding',
      async run() {
        const diagnostic = await expectDiagnostic('unknown-property', [rangeOf(fixture.markers.typo)], this.timeout);
        const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diagnostic.range)) || [];
        const fix = actions.find((a) => a.title === 'Change to "resource"');
        assert.ok(fix, `no quick fix 'Change to "resource"' among: ${actions.map((a) => a.title).join(', ') || 'none'}`);
        assert.equal(fix.kind && fix.kind.value, 'quickfix');
        try {
          assert.ok(await vscode.workspace.applyEdit(fix.edit), 'applyEdit returned false');
          assert.ok(document.getText().includes('"resource": "/Thingworx/WS"'), 'the key was not renamed');
          await waitFor('unknown-property to go', () => withCode('unknown-property').length === 0, this.timeout, listDiagnostics);
        } finally {
          await revert();
        }
        await waitFor('unknown-property to come back after the revert', () => withCode('unknown-property').length === 1, this.timeout, listDiagnostics);
      },
    },
    {
      id: 'ems-version',
      title: 'changing emsConfig.emsVersion changes the version findings',
      async run() {
        const removedKey = rangeOf(fixture.markers.removed);
        const removedHere = () => withCode('removed-property').some((d) => d.range.isEqual(removedKey));
        await waitFor('removed-property on use_default_certificate (default emsVersion 5.5.0)', removedHere, this.timeout, listDiagnostics);
        try {
          await configuration().update('emsVersion', '5.4.0', vscode.ConfigurationTarget.Workspace);
          await waitFor('removed-property to go with emsVersion 5.4.0', () => !removedHere(), this.timeout, listDiagnostics);
        } finally {
          await configuration().update('emsVersion', undefined, vscode.ConfigurationTarget.Workspace);
        }
        await waitFor('removed-property to come back with the default emsVersion', removedHere, this.timeout, listDiagnostics);
      },
    },
    {
      id: 'file-refresh',
      title: 'replacing a certificate file on disk refreshes the findings',
      async run() {
        const expiredHere = () => withCode('cert-expired').some((d) => clientCertRanges().some((r) => r.isEqual(d.range)));
        await waitFor('cert-expired on client_cert before the file changes', expiredHere, this.timeout, listDiagnostics);
        const expiredPem = fs.readFileSync(fixture.files.client);
        try {
          fs.copyFileSync(fixture.files.clientValid, fixture.files.client);
          await waitFor('cert-expired to go once client.pem holds a valid certificate', () => !expiredHere(), this.timeout, listDiagnostics);
        } finally {
          fs.writeFileSync(fixture.files.client, expiredPem);
        }
        await waitFor('cert-expired to come back once the expired certificate is back', expiredHere, this.timeout, listDiagnostics);
      },
    },
    {
      id: 'status-item',
      title: 'the language status item is there',
      async run() {
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(extension && extension.isActive, 'extension not active');
        const api = extension.exports;
        const item = api && (api.statusItem || api.languageStatusItem);
        assert.ok(item, 'activate() does not return { statusItem } (the language status item), so the suite cannot see it');
        assert.ok(typeof item.text === 'string' && item.text.trim().length > 0, `status item has no text: ${JSON.stringify(item.text)}`);
        if (item.selector !== undefined) {
          assert.ok(vscode.languages.match(item.selector, document) > 0, 'the status item selector does not match config.json');
        }
      },
    },
    {
      id: 'lsr-pair',
      title: 'config.json and config.lua that disagree: the mismatch on both files, each pointing at the other',
      async run() {
        const { lsr } = fixture;
        const jsonUri = vscode.Uri.file(lsr.json);
        const luaUri = vscode.Uri.file(lsr.lua);
        const opened = [];
        try {
          for (const file of [jsonUri, luaUri]) {
            const opening = await vscode.workspace.openTextDocument(file);
            opened.push(await vscode.window.showTextDocument(opening, { preview: false }));
          }
          assert.equal(opened[1].document.languageId, 'ems-lsr-config');
          const mismatchOn = (file, marker, other) => waitFor(`lsr-ems-mismatch on ${path.basename(file.fsPath)}`, () => {
            const doc = opened.find((e) => e.document.uri.toString() === file.toString()).document;
            const found = vscode.languages.getDiagnostics(file).find((d) => d.source === SOURCE && codeOf(d) === 'lsr-ems-mismatch');
            if (!found) return undefined;
            assert.equal(doc.getText(found.range), marker, `the finding sits on ${JSON.stringify(doc.getText(found.range))}`);
            assert.deepEqual((found.relatedInformation || []).map((r) => r.location.uri.toString()), [other.toString()]);
            return found;
          }, this.timeout, () => vscode.languages.getDiagnostics(file).map(showDiagnostic).join(', ') || 'no diagnostics');
          const onJson = await mismatchOn(jsonUri, lsr.jsonPort, luaUri);
          const onLua = await mismatchOn(luaUri, lsr.luaPort, jsonUri);
          assert.match(onJson.message, /rap_port is 8000/);
          assert.match(onLua.message, /port 8080/);
        } finally {
          for (const editor of opened.reverse()) {
            await vscode.window.showTextDocument(editor.document);
            await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
          }
          if (document) await vscode.window.showTextDocument(document);
        }
      },
    },
    {
      id: 'connection-test',
      title: 'the Test connection lens connects to a loopback platform and then shows the verdict',
      async run() {
        // The timeout covers the wait for the lens and the wait for the verdict, each.
        const connect = fixture.connect;
        const platform = await startPlatform({ key: fs.readFileSync(connect.serverKey), cert: fs.readFileSync(connect.serverCert) });
        let editor;
        try {
          const connectUri = vscode.Uri.file(writeConnectConfig(connect, platform.port));
          const connectDocument = await vscode.workspace.openTextDocument(connectUri);
          editor = await vscode.window.showTextDocument(connectDocument);
          assert.equal(connectDocument.languageId, LANGUAGE_ID);
          const lenses = async () => (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', connectUri)) || [];
          const titles = (list) => list.map((l) => JSON.stringify(l.command && l.command.title)).join(', ') || 'no lenses';
          let last = [];
          const expected = `Test connection (TLS 127.0.0.1:${platform.port})`;
          const test = await waitFor(`the lens ${expected}`, async () => (last = await lenses()).find((l) => l.command && l.command.title === expected),
            this.timeout, () => titles(last));
          const wsServers = rangeOf('"ws_servers"', connectDocument);
          assert.equal(test.range.start.line, wsServers.start.line, 'the lens is not over "ws_servers"');
          assert.equal(test.command.command, 'emsConfig.testConnection');
          assert.deepEqual(test.command.arguments, [connectUri.toString(), '/ws_servers/0']);
          assert.equal(platform.seen.length, 0, 'opening the config (and asking for its lenses) connected to the platform');

          // The command resolves only when its notification is dismissed (it waits for "Details"): not awaited.
          let commandError;
          Promise.resolve(vscode.commands.executeCommand(test.command.command, ...test.command.arguments)).catch((e) => { commandError = e; });
          const verdict = await waitFor('the verdict lens after the test', async () => {
            if (commandError) throw commandError;
            return (last = await lenses()).find((l) => l.command && !/^Test /.test(l.command.title));
          }, this.timeout, () => titles(last));
          assert.match(verdict.command.title, /^✓ \d\d:\d\d — /, `the verdict is not a success: ${verdict.command.title}`);
          assert.ok(verdict.command.title.includes('anchored by'), `the verdict does not say what anchored the chain: ${verdict.command.title}`);
          assert.equal(verdict.command.command, 'emsConfig.showConnection');
          assert.ok(last.some((l) => l.command && l.command.title === 'Test again'), `no "Test again" lens among: ${titles(last)}`);
          const upgrades = platform.upgrades();
          assert.equal(upgrades.length, 1, `the platform saw ${upgrades.length} WebSocket upgrades (of ${platform.seen.length} requests), not 1`);
          assert.match(upgrades[0], /^GET \/Thingworx\/WS[ ?]/, `the upgrade was not for /Thingworx/WS: ${upgrades[0].split('\r\n')[0]}`);
          assert.equal(platform.header(upgrades[0], 'appKey'), undefined, 'the upgrade request carried the appKey');
          assert.ok(!upgrades[0].includes(connect.template.appKey), 'the upgrade request holds the appKey');
        } finally {
          await platform.close();
          if (editor) {
            await vscode.window.showTextDocument(editor.document);
            await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
          }
          if (document) await vscode.window.showTextDocument(document);
        }
      },
    },
  ];

  async function revert() {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('config.json to be reverted', () => !document.isDirty, 5000);
  }
}

/** The ways a hover might print a date: ISO (2026-08-27), "27 Aug 2026", "Aug 27, 2026", "August 27, 2026". */
function dateForms(date) {
  const day = date.getUTCDate();
  const year = date.getUTCFullYear();
  const short = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const long = date.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  return [date.toISOString().slice(0, 10), `${day} ${short} ${year}`, `${short} ${day}, ${year}`, `${short} ${day} ${year}`,
    `${day} ${long} ${year}`, `${long} ${day}, ${year}`];
}

async function run() {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (!folder) throw new Error('no workspace folder: open the folder e2e/fixtures/make-workspace.mjs built');
  const fixture = JSON.parse(fs.readFileSync(path.join(folder.uri.fsPath, 'fixture.json'), 'utf8'));
  const pending = pendingChecks();
  const timeout = Number(process.env.E2E_CHECK_TIMEOUT || 15000);
  // A pending check is expected to fail: do not wait the full time for what is not there yet.
  const pendingTimeout = Number(process.env.E2E_PENDING_TIMEOUT || 3000);
  const checks = createChecks(fixture);
  const unknown = [...pending.keys()].filter((id) => !checks.some((c) => c.id === id));
  const results = [];
  console.log(`EMS Config e2e: VS Code ${vscode.version} (${vscode.env.appHost}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI), Node ${process.version}`);
  if (unknown.length) console.log(`warning: unknown ids in the pending list: ${unknown.join(', ')}`);
  for (const check of checks) {
    const waitsFor = pending.get(check.id);
    const start = Date.now();
    let error;
    try {
      await check.run.call({ timeout: waitsFor ? pendingTimeout : timeout });
    } catch (e) {
      error = e;
    }
    const ms = Date.now() - start;
    const reason = error && String((error && error.message) || error).split('\n').slice(0, 6).join('\n    ');
    let status;
    if (waitsFor) {
      status = 'pending';
      console.log(error
        ? `PENDING ${check.id} (waits for ${waitsFor}): ${check.title}: still failing: ${reason}`
        : `PENDING ${check.id} (waits for ${waitsFor}): ${check.title}: PASSES NOW - remove it from e2e/suite/pending.js`);
    } else if (error) {
      status = 'failed';
      console.log(`FAIL ${check.id}: ${check.title} (${ms} ms)\n    ${reason}`);
    } else {
      status = 'passed';
      console.log(`PASS ${check.id}: ${check.title} (${ms} ms)`);
    }
    results.push({ id: check.id, title: check.title, status, ms, ...(waitsFor ? { waitsFor, passesNow: !error } : {}), ...(error ? { error: String(error.stack || error) } : {}) });
  }
  const count = (status) => results.filter((r) => r.status === status).length;
  const line = `${count('passed')} passed, ${count('failed')} failed, ${count('pending')} pending`;
  console.log(line);
  if (process.env.E2E_REPORT) {
    fs.writeFileSync(process.env.E2E_REPORT, `${JSON.stringify({ line, vscode: vscode.version, appHost: vscode.env.appHost, node: process.version, results }, null, 2)}\n`);
  }
  if (count('failed') > 0) throw new Error(line);
}

module.exports = { run };
