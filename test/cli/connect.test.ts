// `ems-config connect` as a pipeline runs it (issue #15): the built CLI against servers on 127.0.0.1, its
// exit status (0 connected, 1 refused as the EMS would be, 2 not tested), text and JSON output.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { refusedPort, tlsServer } from '../helpers/loopback';
import { NOW, pki } from '../helpers/pki';
import { CLI } from '../helpers/repo';

const dir = mkdtempSync(path.join(tmpdir(), 'ems-connect-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI, asynchronously: the servers it connects to live in this process. */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function config(name: string, port: number, more: Record<string, unknown> = {}): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ ws_servers: [{ host: '127.0.0.1', port }], appKey: 'never-printed', certificates: { cert_chain: pki('root-ca.pem'), key_passphrase: 'never-printed-either' }, ...more }));
  return file;
}

test('connect: exit 0 with the steps and the verdict in text, the whole result in JSON; no secret printed', async () => {
  const server = await tlsServer({ key: readFileSync(pki('server-key.pem')), cert: readFileSync(pki('server-chain.pem')) });
  after(() => server.close());
  const file = config('ok.json', server.port);
  const text = await run(['connect', '--now', NOW.toISOString(), file]);
  assert.equal(text.status, 0, text.stderr + text.stdout);
  assert.match(text.stdout, /^ws_servers\[0\] TLS 127\.0\.0\.1:\d+ \(EMS 5\.5\.0\)\n/);
  assert.match(text.stdout, /\n {2}tls +ok +\d+ ms {2}TLSv1\.3, /);
  assert.match(text.stdout, /✓ connected: TLS 1\.3, anchored by .*root-ca\.pem; upgrade accepted\n$/);
  const json = await run(['connect', '--format', 'json', '--ems-version', '5.4.6', '--now', NOW.toISOString(), file]);
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { version: number; config: string; result: { release: string; tls: { protocol: string }; verdict: { outcome: string } } };
  assert.equal(report.version, 1);
  assert.equal(report.config, file);
  assert.equal(report.result.release, '5.4.6');
  assert.equal(report.result.tls.protocol, 'TLSv1.2');
  assert.equal(report.result.verdict.outcome, 'connected');
  assert.doesNotMatch(text.stdout + json.stdout, /never-printed/);
});

test('connect: exit 1 when the EMS would not connect, 2 when nothing could be tested', async () => {
  const refused = await run(['connect', '--timeout', '2s', config('refused.json', await refusedPort())]);
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /✗ refused: no TCP connection to 127\.0\.0\.1:\d+: connection refused/);
  assert.equal((await run(['connect', path.join(dir, 'missing.json')])).status, 2);
  const usage = await run(['connect', '--timeout', 'soon', config('x.json', 1)]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--timeout needs a time/);
  const noSuch = await run(['connect', '--target', '/auto_bind/3', config('y.json', 1)]);
  assert.equal(noSuch.status, 2);
  assert.match(noSuch.stdout, /no endpoint \/auto_bind\/3/);
  assert.match((await run(['connect', '--help'])).stdout, /^Usage: ems-config connect/);
});
