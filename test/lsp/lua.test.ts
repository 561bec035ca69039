// config.lua through the language server (issue #16): its findings are published like config.json's, the
// JSON-only features (outline, folding, formatting) leave it alone, and a change to the config.json beside it
// re-checks it.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { DidOpenTextDocumentNotification, DocumentFormattingRequest, DocumentSymbolRequest, FileChangeType } from 'vscode-languageserver-protocol/node';
import { TestClock } from '../helpers/clock';
import { fileChanged, startInProcess, watched } from '../helpers/lsp';
import { NOW } from '../helpers/pki';

/** A server in this process with a workspace of its own, and config.lua opened there (etc/ holds `beside`). */
async function openLua(text: string, beside: Record<string, string> = {}) {
  const workspace = mkdtempSync(path.join(tmpdir(), 'ems-lua-lsp-'));
  mkdirSync(path.join(workspace, 'etc'));
  for (const [name, content] of Object.entries(beside)) writeFileSync(path.join(workspace, 'etc', name), content);
  const client = await startInProcess(new TestClock(NOW), { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } });
  after(async () => {
    await client.close();
    rmSync(workspace, { recursive: true, force: true });
  });
  client.settings = { emsVersion: '5.4.0' };
  const uri = pathToFileURL(path.join(workspace, 'etc', 'config.lua')).href;
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-lsr-config', version: 1, text } });
  return { client, uri, workspace };
}

test('config.lua: diagnostics published; outline and formatting untouched', async () => {
  const { client, uri } = await openLua('scripts.rap_ssl = true\nscripts.rap_deny_selfsigned = false\nscripts.script_resource_ssl = true\nscripts.script_resource_authenticate = true\n');
  const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['lsr-self-signed-allowed', 1]]);
  assert.deepEqual(await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  assert.deepEqual(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), []);
});

test('a mismatch with the config.json beside it: on config.lua, with relatedInformation at config.json\'s value', async () => {
  const json = JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', http_server: { port: 8080, ssl: false } }, null, 2);
  const { client, uri, workspace } = await openLua('scripts.rap_port = 8000\nscripts.rap_deny_selfsigned = true\nscripts.script_resource_ssl = true\nscripts.script_resource_authenticate = true\n', { 'config.json': json });
  const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'lsr-ems-mismatch'));
  const mismatch = diagnostics.find((d) => d.code === 'lsr-ems-mismatch')!;
  assert.equal(mismatch.range.start.line, 0);
  assert.deepEqual(mismatch.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[pathToFileURL(path.join(workspace, 'etc', 'config.json')).href, 9]]);
});

test('config.json changed, created or deleted on disk: the open config.lua is re-checked', async () => {
  const LUA = 'scripts.rap_port = 8000\nscripts.script_resource_ssl = true\nscripts.script_resource_authenticate = true\n';
  const json = (port: number) => JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', http_server: { port, ssl: false } });
  const { client, uri, workspace } = await openLua(LUA, { 'config.json': json(8080) });
  const file = path.join(workspace, 'etc', 'config.json');
  const mismatched = (d: { code?: unknown }[]) => d.some((x) => x.code === 'lsr-ems-mismatch');
  await client.diagnostics(uri, mismatched);
  assert.ok(watched(client).some((glob) => glob.endsWith('/config.json')), watched(client).join('\n'));
  writeFileSync(file, json(8000));
  await fileChanged(client, file);
  await client.diagnostics(uri, (d) => !mismatched(d), 5000);
  rmSync(file);
  await fileChanged(client, file, FileChangeType.Deleted);
  writeFileSync(file, json(9000));
  await fileChanged(client, file, FileChangeType.Created);
  const again = await client.diagnostics(uri, mismatched, 5000);
  assert.match(String(again.find((d) => d.code === 'lsr-ems-mismatch')!.message), /rap_port is 8000.*port 9000/);
});
