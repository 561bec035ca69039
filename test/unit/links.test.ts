// Document links: each value naming a certificate or key file links to the file it resolved to, over the
// value's text.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { documentLinks } from '../../server/src/service/features/links';
import { BASE, fixtures, MEMORY_CONFIG, MEMORY_HOME, memoryService } from '../helpers/service';

// An EMS home in memory: /ems/etc/config.json, three certificate and key files in /ems/etc/certs.
const certs = path.posix.join(MEMORY_HOME, 'etc', 'certs');
const { check } = memoryService({ files: fixtures(certs, ['ca-list.pem', 'server.pem', 'server-key.pem']) });

/** file null: an untitled document, without an EMS home. */
async function linksOf(groups: Record<string, unknown>, file: string | null = MEMORY_CONFIG) {
  const text = JSON.stringify({ ...BASE, ...groups }, null, 2);
  const result = await check(text, {}, file);
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
  const result = await check(text);
  const [link] = documentLinks(result);
  assert.equal(link?.target, pathToFileURL(path.join(certs, 'server.pem')).href);
  assert.equal(TextDocument.create('file:///x', 'json', 1, text).getText(link.range), 'etc\\/certs\\/server.pem');
});
