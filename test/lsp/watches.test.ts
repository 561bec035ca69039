// The watchers the server registers come from what each check used: a file behind a symbolic link and a
// folder listed for "similar files" are watched too, and a change there reaches the open config; so is the EMS
// binary the target release was read from.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { DidOpenTextDocumentNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { TestClock } from '../helpers/clock';
import { fakeWsems } from '../helpers/emsBinary';
import { fileChanged, startInProcess, watched } from '../helpers/lsp';
import { NOW, PKI_DIR } from '../helpers/pki';
import { config } from '../helpers/service';

const WATCHING = { workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } };

async function openHome(files: Record<string, unknown>) {
  const home = mkdtempSync(path.join(tmpdir(), 'ems-watch-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(path.join(home, 'etc'));
  const uri = pathToFileURL(path.join(home, 'etc', 'config.json')).href;
  const client = await startInProcess(new TestClock(NOW), WATCHING);
  return { home, uri, client, open: (certificates: Record<string, unknown>) => client.connection.sendNotification(DidOpenTextDocumentNotification.type,
    { textDocument: { uri, languageId: 'ems-config', version: 1, text: config({ certificates: { cert_chain: path.join(PKI_DIR, 'ca-list.pem'), ...files, ...certificates } }) } }) };
}

describe('watchers derived from what the check used', () => {
  test('a certificate behind a symbolic link: the target is watched, and its change re-checks', async () => {
    const { home, uri, client, open } = await openHome({});
    try {
      // A Kubernetes secret mount: the name is a link into a folder that is swapped on update.
      mkdirSync(path.join(home, 'data-1'));
      const target = path.join(home, 'data-1', 'tls.pem');
      copyFileSync(path.join(PKI_DIR, 'server.pem'), target);
      const link = path.join(home, 'tls.pem');
      symlinkSync(target, link);
      await open({ http_client_ca_certs: link });
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'not-a-ca'));
      assert.ok(watched(client).includes(pathToFileURL(target).href), watched(client).join('\n'));

      copyFileSync(path.join(PKI_DIR, 'expired.pem'), target);
      // The client reports the change under the path it watches: the target's.
      await fileChanged(client, target);
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'cert-expired'), 5000);
    } finally {
      await client.close();
    }
  });

  test('a missing file: its folder is watched, and a similar file created there shows up in the hint', async () => {
    const { home, uri, client, open } = await openHome({});
    try {
      const certs = path.join(home, 'certs');
      mkdirSync(certs);
      await open({ http_client_ca_certs: path.join(certs, 'ca-lst.pem') });
      const before = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'file-not-found'));
      assert.ok(!before.find((d) => d.code === 'file-not-found')!.message.toString().includes('Similar files'));
      assert.ok(watched(client).includes(`${pathToFileURL(certs).href}/*`), watched(client).join('\n'));

      const created = path.join(certs, 'ca-list.pem');
      copyFileSync(path.join(PKI_DIR, 'ca-list.pem'), created);
      await fileChanged(client, created, FileChangeType.Created);
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'file-not-found' && x.message.toString().includes('Similar files there: ca-list.pem')), 5000);
    } finally {
      await client.close();
    }
  });

  test('the EMS binary in the home: its release is the target, it is watched, and an upgrade re-checks', async () => {
    const { home, uri, client } = await openHome({});
    try {
      const binary = path.join(home, 'wsems');
      writeFileSync(binary, fakeWsems({ build: '5.4.0.114' }));
      // PTC's config.json.minimal of 5.4.0: its use_default_certificate is gone from 5.4.5 (removed-property).
      const text = config({ http_server: { use_default_certificate: true, ssl: true, authenticate: false } });
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text } });
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'http-server-auth-disabled') && !d.some((x) => x.code === 'removed-property'));
      const status = async () => (await client.connection.sendRequest('emsConfig/status', { uri }) as { target: unknown }).target;
      assert.deepEqual(await status(), { release: '5.4.0', source: 'binary', binary, build: '5.4.0.114' });
      assert.ok(watched(client).includes(pathToFileURL(binary).href), watched(client).join('\n'));

      writeFileSync(binary, fakeWsems({ build: '5.5.0.3' }));
      await fileChanged(client, binary);
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'removed-property'), 5000);
      assert.deepEqual(await status(), { release: '5.5.0', source: 'binary', binary, build: '5.5.0.3' });
    } finally {
      await client.close();
    }
  });
});
