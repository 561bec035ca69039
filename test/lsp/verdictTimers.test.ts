// An open config left idle: the check says when its next certificate verdict changes, and the server checks
// again at that instant. Judged by a test clock (the server in this process), never by the real one.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { VerdictTimers } from '../../server/src/lsp/verdictTimers';
import { TestClock } from '../helpers/clock';
import { startInProcess } from '../helpers/lsp';
import { DAY, NOW, PKI_DIR } from '../helpers/pki';
import { config } from '../helpers/service';


describe('verdict timers', () => {
  test('a wait longer than setTimeout can take is taken in steps, and fires once at the instant', () => {
    const clock = new TestClock(NOW);
    const fired: string[] = [];
    const timers = new VerdictTimers((uri) => fired.push(uri), clock);
    const at = new Date(NOW.getTime() + 60 * DAY);
    timers.set('a', at);
    assert.equal(clock.pendingAt()[0], NOW.getTime() + 2 ** 31 - 1, 'the first step is the longest setTimeout allows');
    clock.advanceTo(NOW.getTime() + 2 ** 31 - 1);
    assert.deepEqual(fired, [], 'not yet');
    clock.advanceTo(at.getTime());
    assert.deepEqual(fired, ['a']);
  });

  test('setting another instant replaces the timer; clear stops it', () => {
    const clock = new TestClock(NOW);
    const fired: string[] = [];
    const timers = new VerdictTimers((uri) => fired.push(uri), clock);
    timers.set('a', new Date(NOW.getTime() + 1000));
    timers.set('a', new Date(NOW.getTime() + 5000));
    assert.deepEqual(clock.pendingAt(), [NOW.getTime() + 5000]);
    timers.clear('a');
    clock.advanceTo(NOW.getTime() + 10_000);
    assert.deepEqual(fired, []);
  });

  test('an idle config flips from cert-expiring-soon to cert-expired when the clock reaches notAfter', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'ems-idle-'));
    after(() => rmSync(home, { recursive: true, force: true }));
    mkdirSync(path.join(home, 'etc'));
    const uri = pathToFileURL(path.join(home, 'etc', 'config.json')).href;
    const clock = new TestClock(NOW);
    const client = await startInProcess(clock);
    try {
      // expiring-soon.pem ends 2026-06-15, 14 days after NOW.
      const text = config({ certificates: { cert_chain: path.join(PKI_DIR, 'ca-list.pem'), http_client_ca_certs: path.join(PKI_DIR, 'expiring-soon.pem') } });
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text } });
      const before = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'cert-expiring-soon'));
      assert.ok(!before.some((d) => d.code === 'cert-expired'));
      const boundary = clock.pendingAt().at(-1)!;
      assert.equal(new Date(boundary).toISOString(), '2026-06-15T00:00:00.000Z', 'the next verdict change: notAfter itself (OpenSSL: expired at notAfter)');
      clock.advanceTo(boundary);
      const afterwards = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'cert-expired'));
      assert.ok(!afterwards.some((d) => d.code === 'cert-expiring-soon'));
    } finally {
      await client.close();
    }
  });
});
