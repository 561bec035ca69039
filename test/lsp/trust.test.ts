// Workspace trust through the server as the VS Code client drives it: the trust and the folders arrive with
// the settings it pulls (the client's workspace/configuration middleware adds them), and when trust is granted
// the client says the settings changed, so the open config is checked again and the files outside are read.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { DidChangeConfigurationNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { TestClock } from '../helpers/clock';
import { startInProcess } from '../helpers/lsp';
import { NOW, pki } from '../helpers/pki';
import { config } from '../helpers/service';

test('untrusted: a certificate outside the workspace is not read; granted trust re-checks and reads it', async () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'ems-trust-lsp-'));
  after(() => rmSync(workspace, { recursive: true, force: true }));
  mkdirSync(path.join(workspace, 'etc'));
  const uri = pathToFileURL(path.join(workspace, 'etc', 'config.json')).href;
  const client = await startInProcess(new TestClock(NOW), { workspace: { configuration: true } });
  try {
    client.settings = { homeDirectory: path.dirname(pki('server.pem')), trust: { trusted: false, folders: [workspace] } };
    // server.pem as a CA list: not-a-ca once it is read.
    const text = config({ certificates: { cert_chain: pki('ca-list.pem'), http_client_ca_certs: 'server.pem' } });
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text } });
    const untrusted = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'path-not-checkable'));
    const refused = untrusted.filter((d) => d.code === 'path-not-checkable').map((d) => String(d.message));
    assert.deepEqual(refused, [`${pki('ca-list.pem')} is outside the workspace folders and the EMS home; in an untrusted workspace EMS Config does not read it. Trust the workspace to check it.`]);
    // homeDirectory ignored: server.pem is looked for in the config's own home (the workspace), where it is missing.
    const missing = untrusted.find((d) => d.code === 'file-not-found');
    assert.ok(String(missing?.message).startsWith(`${path.join(workspace, 'server.pem')} does not exist`), JSON.stringify(untrusted));

    client.settings = { homeDirectory: path.dirname(pki('server.pem')), trust: { trusted: true, folders: [workspace] } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const trusted = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'not-a-ca'), 5000);
    assert.ok(!trusted.some((d) => d.code === 'path-not-checkable'), JSON.stringify(trusted));
  } finally {
    await client.close();
  }
});
