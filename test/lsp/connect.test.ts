// The connection test through the language server (issue #15): a code lens over ws_servers[0] that runs
// nothing until asked, the test on request, the verdict in the lens afterwards (after a codeLens refresh),
// the details as Markdown, and nothing at all in an untrusted workspace.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { CodeLensRequest, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import type { CodeLens } from 'vscode-languageserver-protocol/node';
import { type ConnectAnswer, ConnectionDetailsRequest, ConnectRequest } from '../../server/src/lsp/protocol';
import { TestClock } from '../helpers/clock';
import { startInProcess } from '../helpers/lsp';
import { tlsServer } from '../helpers/loopback';
import { NOW, pki } from '../helpers/pki';

test('a lens offers the test, runs it only when asked, then shows the verdict; untrusted: no lens, no test', async () => {
  const server = await tlsServer({ key: readFileSync(pki('server-key.pem')), cert: readFileSync(pki('server-chain.pem')) });
  const workspace = mkdtempSync(path.join(tmpdir(), 'ems-connect-lsp-'));
  const client = await startInProcess(new TestClock(NOW), { workspace: { configuration: true, codeLens: { refreshSupport: true } } });
  after(async () => {
    await client.close();
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
  });
  let refreshes = 0;
  client.connection.onRequest('workspace/codeLens/refresh', () => { refreshes++; return null; });
  client.settings = { trust: { trusted: true, folders: [workspace] } };
  const uri = pathToFileURL(path.join(workspace, 'etc', 'config.json')).href;
  const text = JSON.stringify({ ws_servers: [{ host: '127.0.0.1', port: server.port }], appKey: 'k', certificates: { cert_chain: pki('root-ca.pem') } }, null, 2);
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text } });
  const lenses = () => client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as Promise<CodeLens[]>;

  const before = await lenses();
  assert.deepEqual(before.map((lens) => [lens.command?.title, lens.command?.command, lens.command?.arguments, lens.range.start.line]), [
    [`Test connection (TLS 127.0.0.1:${server.port})`, 'emsConfig.testConnection', [uri, '/ws_servers/0'], 1],
  ]);
  assert.equal(server.seen.length, 0, 'opening the document connects nowhere');

  const answer = await client.connection.sendRequest(ConnectRequest, { uri, id: '/ws_servers/0' }) as ConnectAnswer;
  assert.equal(answer.outcome, 'connected', answer.summary);
  assert.match(answer.markdown, /^# Connection test: ws_servers\[0\]/);
  assert.match(answer.markdown, /\| upgrade \| ok \|/);
  assert.equal(server.seen.length, 1);
  assert.equal(refreshes, 1);

  const afterTest = await lenses();
  assert.match(afterTest[0]!.command!.title, /^✓ \d\d:\d\d — TLS 1\.3, anchored by .*root-ca\.pem; upgrade accepted$/);
  assert.equal(afterTest[0]!.command!.command, 'emsConfig.showConnection');
  assert.equal(afterTest[1]!.command!.title, 'Test again');
  const details = await client.connection.sendRequest(ConnectionDetailsRequest, { uri, id: '/ws_servers/0' }) as string;
  assert.equal(details, answer.markdown);

  client.settings = { trust: { trusted: false, folders: [workspace] } };
  const other = pathToFileURL(path.join(workspace, 'etc', 'other.json')).href;
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: other, languageId: 'ems-config', version: 1, text } });
  assert.deepEqual(await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: other } }), []);
  const refused = await client.connection.sendRequest(ConnectRequest, { uri: other }) as ConnectAnswer;
  assert.equal(refused.outcome, 'untested');
  assert.match(refused.summary, /not trusted/);
  assert.equal(server.seen.length, 1, 'an untrusted workspace connects nowhere');
});
