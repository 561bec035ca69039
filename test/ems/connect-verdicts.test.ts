// The connection test against the real EMS 5.3.4 (issue #15): each `connect-*` case of cases.ts was run by the
// real wsems against a listener (record.mjs, never in CI); here the same config, targeting 5.3.4, is tested
// against a loopback server presenting the same certificates, and must reach the EMS's verdict: connected
// exactly when the EMS accepted the server and sent its WebSocket upgrade.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { nodeNetwork } from '../../server/src/node/network';
import { createEmsService } from '../../server/src/service';
import { tlsServer } from '../helpers/loopback';
import { PKI_DIR } from '../helpers/pki';
import { REPO_ROOT } from '../helpers/repo';
import { EMS_CASES } from './cases';

interface Recorded { serverCertificate: 'accepted' | 'refused' | null; upgradeRequest?: string[] | null }
const recorded = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'ems', 'recorded.json'), 'utf8')) as { recordedAt: string; cases: Record<string, Recorded> };
const at = new Date(recorded.recordedAt);
const service = createEmsService({ fs: nodeFileSystem, now: () => at, network: nodeNetwork });
const dir = mkdtempSync(join(tmpdir(), 'ems-connect-verdicts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The listeners of record.mjs: the chain and key each presents, and the CAs it asks a client certificate of (never refusing). */
const LISTENERS: Record<string, { cert: string[]; key: string; ca?: string[] }> = {
  'connect-chain': { cert: ['server-chain.pem'], key: 'server-key.pem' },
  'connect-leaf-only': { cert: ['server.pem'], key: 'server-key.pem' },
  'connect-wrong-host': { cert: ['wrong-host.pem', 'intermediate-ca.pem'], key: 'server-key.pem' },
  'connect-expired': { cert: ['expired.pem', 'intermediate-ca.pem'], key: 'server-key.pem' },
  'connect-self-signed-rsa': { cert: ['@rsa-self.pem'], key: '@rsa-self-key.pem' },
  'connect-self-signed-rsa-expired': { cert: ['@rsa-self-expired.pem'], key: '@rsa-self-key.pem' },
  'connect-self-signed-ec': { cert: ['self-signed.pem'], key: 'self-signed-key.pem' },
  'connect-client-auth': { cert: ['server-chain.pem'], key: 'server-key.pem', ca: ['client-ca.pem'] },
  'connect-client-auth-pki': { cert: ['server-chain.pem'], key: 'server-key.pem', ca: ['root-ca.pem', 'intermediate-ca.pem'] },
};

/** As record.mjs makes them at run time: one RSA key, self-signed for 127.0.0.1, valid and expired around the instant. */
async function runtimeCertificates(): Promise<void> {
  const pkiModule = pathToFileURL(join(REPO_ROOT, 'scripts', 'pki.mjs')).href;
  const { generateKey, makeCertificate, exportKey } = await import(pkiModule) as {
    generateKey: (algorithm: string) => unknown;
    makeCertificate: (options: Record<string, unknown>) => Promise<{ pem: string }>;
    exportKey: (key: unknown) => string;
  };
  const DAY = 86_400_000;
  const key = generateKey('rsa-2048');
  const make = (from: number, to: number) => makeCertificate({ cn: '127.0.0.1', key, notBefore: new Date(at.getTime() + from * DAY), notAfter: new Date(at.getTime() + to * DAY), sans: ['127.0.0.1', 'localhost'] });
  writeFileSync(join(dir, 'rsa-self.pem'), (await make(-1, 7)).pem);
  writeFileSync(join(dir, 'rsa-self-expired.pem'), (await make(-30, -1)).pem);
  writeFileSync(join(dir, 'rsa-self-key.pem'), exportKey(key), { mode: 0o600 });
}
const ready = runtimeCertificates();
const file = (name: string) => readFileSync(name.startsWith('@') ? join(dir, name.slice(1)) : join(PKI_DIR, name));

const cases = EMS_CASES.filter((c) => c.name.startsWith('connect-') && c.listener !== undefined && c.listener in LISTENERS);

test('every recorded connection case is compared', () => {
  assert.equal(cases.length, 16);
  for (const c of cases) assert.ok(recorded.cases[c.name], `${c.name} is recorded`);
});

for (const c of cases) {
  test(`as the real EMS 5.3.4: ${c.name}`, async () => {
    await ready;
    const spec = LISTENERS[c.listener!]!;
    const server = await tlsServer({
      cert: Buffer.concat(spec.cert.map(file)), key: file(spec.key),
      ...(spec.ca ? { requestCert: true, rejectUnauthorized: false, ca: spec.ca.map(file) } : {}),
    });
    try {
      const text = c.config.split('{{PORT}}').join(String(server.port)).split('{{PKI}}').join(PKI_DIR);
      const checked = await service.check({ text, path: join(dir, 'etc', 'config.json'), settings: service.settings({ emsVersion: '5.3.4' }) });
      const result = await service.testConnection(checked, '/ws_servers/0', { timeoutMs: 3000 });
      const ems = recorded.cases[c.name]!;
      const emsConnected = ems.serverCertificate === 'accepted' && !!ems.upgradeRequest?.length;
      assert.equal(result.verdict.outcome, emsConnected ? 'connected' : 'refused', `${c.about}\nours: ${result.verdict.summary}`);
    } finally {
      await server.close();
    }
  });
}
