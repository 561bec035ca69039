// Checks run in a worker thread: while one judges slow files the server answers at once, a newer edit replaces
// a check still waiting, and a check past its deadline is stopped with a finding that says what was not done.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import forge from 'node-forge';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DocumentSymbolRequest } from 'vscode-languageserver-protocol/node';
import { TestClock } from '../helpers/clock';
import { startInProcess } from '../helpers/lsp';
import { NOW, PASSPHRASE, pki } from '../helpers/pki';
import { config } from '../helpers/service';

const folder = mkdtempSync(path.join(tmpdir(), 'ems-worker-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** server.p12 with its MAC iteration count raised to n (the per-step bound is 1,000,000): the PKCS#12 KDF pays for every one. */
function slowPkcs12(name: string, n: number): string {
  const root = forge.asn1.fromDer(readFileSync(pki('server.p12')).toString('binary'));
  const macData = root.value[2] as forge.asn1.Asn1;
  (macData.value as forge.asn1.Asn1[])[2] = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, forge.asn1.integerToDer(n).getBytes());
  const file = path.join(folder, name);
  writeFileSync(file, Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary'));
  return file;
}

/** A config whose two keys each take the PKCS#12 KDF most of a second to try (about 0.85 s per million iterations). */
function slowConfig(tag: number): string {
  const a = slowPkcs12(`a${tag}.p12`, 1_000_000 - tag);
  const b = slowPkcs12(`b${tag}.p12`, 999_000 - tag);
  return config({
    certificates: { cert_chain: pki('ca-list.pem'), client_cert: a, key_file: a, key_passphrase: PASSPHRASE },
    http_server: { host: '127.0.0.1', ssl: true, certificate: b, private_key: b, passphrase: PASSPHRASE, authenticate: false },
  });
}

const uriOf = (name: string) => pathToFileURL(path.join(folder, name, 'etc', 'config.json')).href;
const open = (client: Awaited<ReturnType<typeof startInProcess>>, uri: string, text: string) =>
  client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text } });

describe('checks in a worker', () => {
  test('a request sent during a slow check is answered at once', async () => {
    const client = await startInProcess(new TestClock(NOW));
    try {
      const uri = uriOf('slow');
      const started = Date.now();
      await open(client, uri, slowConfig(1));
      const published = client.diagnostics(uri, (d) => d.length > 0, 30_000).then(() => Date.now() - started);
      let done = false;
      void published.then(() => { done = true; });
      const latencies: number[] = [];
      while (!done) {
        const sent = Date.now();
        await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
        latencies.push(Date.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const took = await published;
      // The check itself must be slow, or the test proves nothing: two keys of about 1,000,000 iterations each.
      assert.ok(took > 250, `the check took ${took} ms`);
      assert.ok(latencies.length >= 3, `${latencies.length} requests during the check`);
      assert.ok(Math.max(...latencies) < 200, `worst request latency ${Math.max(...latencies)} ms during a ${took} ms check`);
    } finally {
      await client.close();
    }
  });

  test('a check that takes more than a moment shows progress, begun and ended', async () => {
    const client = await startInProcess(new TestClock(NOW), { window: { workDoneProgress: true } }, { progressAfterMs: 100 });
    try {
      const kinds: string[] = [];
      client.connection.onRequest('window/workDoneProgress/create', () => null);
      client.connection.onNotification('$/progress', (params: unknown) => { kinds.push((params as { value: { kind: string } }).value.kind); });
      const uri = uriOf('progress');
      await open(client, uri, slowConfig(4));
      await client.diagnostics(uri, (d) => d.length > 0, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(kinds, ['begin', 'end']);
      // A quick check shows none.
      kinds.length = 0;
      const quick = uriOf('quick');
      await open(client, quick, config({ certificates: { validate: false } }));
      await client.diagnostics(quick, (d) => d.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(kinds, []);
    } finally {
      await client.close();
    }
  });

  test('a newer edit replaces a check still waiting: the old text is never published', async () => {
    const client = await startInProcess(new TestClock(NOW));
    try {
      const slow = uriOf('first');
      const edited = uriOf('edited');
      await open(client, slow, slowConfig(2)); // keeps the worker busy
      await open(client, edited, config({ certificates: { validate: false } }));
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: edited, version: 2 }, contentChanges: [{ text: config({ ws_connection: { encryption: 'none' } }) }],
      });
      const diagnostics = await client.diagnostics(edited, (d) => d.some((x) => x.code === 'ws-encryption-disabled'), 30_000);
      assert.ok(!diagnostics.some((d) => d.code === 'validation-disabled'));
      const versions = client.published.filter((p) => p.uri === edited).map((p) => p.version);
      assert.deepEqual(versions, [2], 'version 1 was never checked, so never published');
    } finally {
      await client.close();
    }
  });

  test('past the deadline the check is stopped: the document findings and check-incomplete, and the server goes on', async () => {
    const client = await startInProcess(new TestClock(NOW), {}, { checkDeadlineMs: 100 });
    try {
      const uri = uriOf('deadline');
      await open(client, uri, slowConfig(3).replace('"appKey"', '"validate_typo": 1, "appKey"'));
      const diagnostics = await client.diagnostics(uri, (d) => d.length > 0, 30_000);
      const incomplete = diagnostics.find((d) => d.code === 'check-incomplete');
      assert.ok(incomplete, JSON.stringify(diagnostics.map((d) => d.code)));
      assert.match(String(incomplete.message), /were not checked: the check took longer than 100 ms and was stopped/);
      assert.ok(diagnostics.some((d) => d.code === 'unknown-property'), 'the document findings are there');
      // A fresh worker checks the next document.
      const next = uriOf('after-deadline');
      await open(client, next, config({ certificates: { validate: false } }));
      const later = await client.diagnostics(next, (d) => d.some((x) => x.code === 'validation-disabled'), 30_000);
      assert.ok(!later.some((d) => d.code === 'check-incomplete'));
    } finally {
      await client.close();
    }
  });
});
