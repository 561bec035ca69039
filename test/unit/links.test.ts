// Document links: each value naming a certificate or key file links to the file it resolved to, over the
// value's text.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { documentLinks } from '../../server/src/service/features/links';
import { NOW, PKI_DIR } from '../helpers/pki';
import { BASE } from '../helpers/service';

const home = mkdtempSync(path.join(tmpdir(), 'ems-links-'));
after(() => rmSync(home, { recursive: true, force: true }));
const certs = path.join(home, 'etc', 'certs');
mkdirSync(certs, { recursive: true });
for (const name of ['ca-list.pem', 'server.pem', 'server-key.pem']) copyFileSync(path.join(PKI_DIR, name), path.join(certs, name));
const configPath = path.join(home, 'etc', 'config.json');

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
const settings = { emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: {} };

/** file null: an untitled document, without an EMS home. */
async function linksOf(groups: Record<string, unknown>, file: string | null = configPath) {
  const text = JSON.stringify({ ...BASE, ...groups }, null, 2);
  const result = await service.check(file ? { text, settings, path: file } : { text, settings });
  const document = TextDocument.create('file:///ems/etc/config.json', 'ems-config', 1, text);
  return documentLinks(result).map((link) => ({ ...link, text: document.getText(link.range) }));
}

test('values naming files link to the resolved files, over the value text', async () => {
  const absolute = path.join(certs, 'server.pem');
  const links = await linksOf({
    certificates: { cert_chain: 'etc/certs/ca-list.pem', client_cert: absolute, key_file: 'etc/certs/missing-key.pem' },
  });
  assert.deepEqual(links.map(({ text, target }) => ({ text, target })), [
    { text: 'etc/certs/ca-list.pem', target: pathToFileURL(path.join(certs, 'ca-list.pem')).href },
    { text: absolute, target: pathToFileURL(absolute).href },
    { text: 'etc/certs/missing-key.pem', target: pathToFileURL(path.join(certs, 'missing-key.pem')).href },
  ]);
  assert.equal(links[0]!.tooltip, path.join(certs, 'ca-list.pem'));
  assert.match(links[2]!.tooltip ?? '', /does not exist/);
});

test('array items link one by one', async () => {
  const links = await linksOf({ certificates: { cert_chain: ['etc/certs/ca-list.pem', 'etc/certs/server.pem'] } }, null);
  assert.deepEqual(links, [], 'relative values in an untitled document resolve nowhere');
  const resolved = await linksOf({ certificates: { cert_chain: ['etc/certs/ca-list.pem', 'etc/certs/server.pem'] } });
  assert.deepEqual(resolved.map((l) => l.text), ['etc/certs/ca-list.pem', 'etc/certs/server.pem']);
});

test('no links for folders, foreign paths or empty values', async () => {
  const links = await linksOf({
    logger: { publish_directory: '/var/log/ems' },
    http_server: { certificate: 'C:\\ems\\certs\\server.pem', private_key: '' },
    certificates: { client_cert: 'etc/certs/server.pem' },
  });
  assert.deepEqual(links.map((l) => l.text), ['etc/certs/server.pem']);
});

test('a value with escapes: the range covers its text as written', async () => {
  const text = `{ "ws_servers": [{ "host": "a", "port": 443 }], "appKey": "x", "certificates": { "client_cert": "etc\\/certs\\/server.pem" } }`;
  const result = await service.check({ text, settings, path: configPath });
  const [link] = documentLinks(result);
  assert.equal(link?.target, pathToFileURL(path.join(certs, 'server.pem')).href);
  assert.equal(TextDocument.create('file:///x', 'json', 1, text).getText(link.range), 'etc\\/certs\\/server.pem');
});
