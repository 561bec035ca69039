// config.lua through the language server (issue #16): its findings are published like config.json's, and the
// JSON-only features (outline, folding, formatting) leave it alone.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
