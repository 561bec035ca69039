// config.lua through the language server (issue #16): its findings are published like config.json's, and the
// JSON-only features (outline, folding, formatting) leave it alone.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { DidOpenTextDocumentNotification, DocumentFormattingRequest, DocumentSymbolRequest } from 'vscode-languageserver-protocol/node';
import { TestClock } from '../helpers/clock';
import { startInProcess } from '../helpers/lsp';
import { NOW } from '../helpers/pki';

test('config.lua: diagnostics published; outline and formatting untouched', async () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'ems-lua-lsp-'));
  const client = await startInProcess(new TestClock(NOW), { workspace: { configuration: true } });
  after(async () => {
    await client.close();
    rmSync(workspace, { recursive: true, force: true });
  });
  client.settings = { emsVersion: '5.4.0' };
  const uri = pathToFileURL(path.join(workspace, 'etc', 'config.lua')).href;
  const text = 'scripts.rap_ssl = true\nscripts.rap_deny_selfsigned = false\nscripts.script_resource_ssl = true\nscripts.script_resource_authenticate = true\n';
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-lsr-config', version: 1, text } });
  const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['lsr-self-signed-allowed', 1]]);
  assert.deepEqual(await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  assert.deepEqual(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), []);
});

test('a mismatch with the config.json beside it: on config.lua, with relatedInformation at config.json\'s value', async () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'ems-pair-lsp-'));
  mkdirSync(path.join(workspace, 'etc'));
  const json = path.join(workspace, 'etc', 'config.json');
  writeFileSync(json, JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', http_server: { port: 8080, ssl: false } }, null, 2));
  const client = await startInProcess(new TestClock(NOW), { workspace: { configuration: true } });
  after(async () => {
    await client.close();
    rmSync(workspace, { recursive: true, force: true });
  });
  client.settings = { emsVersion: '5.4.0' };
  const uri = pathToFileURL(path.join(workspace, 'etc', 'config.lua')).href;
  const text = 'scripts.rap_port = 8000\nscripts.rap_deny_selfsigned = true\nscripts.script_resource_ssl = true\nscripts.script_resource_authenticate = true\n';
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-lsr-config', version: 1, text } });
  const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'lsr-ems-mismatch'));
  const mismatch = diagnostics.find((d) => d.code === 'lsr-ems-mismatch')!;
  assert.equal(mismatch.range.start.line, 0);
  assert.deepEqual(mismatch.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[pathToFileURL(json).href, 9]]);
});
