// The connection test end to end on loopback (issue #15): servers on 127.0.0.1 that the tests start and stop,
// the generated PKI, the real network port, the façade. Each scenario is one an edge engineer meets: the
// verdict must be the EMS's, and the result must say why in terms they can act on.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { nodeNetwork } from '../../server/src/node/network';
import { type ConnectionResult, createEmsService } from '../../server/src/service';
import { httpProxy, type Loopback, plainServer, refusedPort, silentServer, tlsServer } from '../helpers/loopback';
import { NOW, PASSPHRASE, pki } from '../helpers/pki';

let clock = 0;
const service = createEmsService({ fs: nodeFileSystem, now: () => NOW, network: nodeNetwork, elapsed: () => (clock += 7) });
const servers: Loopback[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

const file = (name: string) => readFileSync(pki(name));
const keep = <T extends Loopback>(server: T): T => (servers.push(server), server);
/** The platform's usual set-up: the server's leaf and intermediate, the test root as the only CA. */
const SERVER = { key: file('server-key.pem'), cert: file('server-chain.pem') };

async function connect(config: Record<string, unknown>, { release = '5.5.0', id = '/ws_servers/0', timeoutMs = 3000, trusted = true } = {}): Promise<ConnectionResult> {
  const text = JSON.stringify({ appKey: 'app-key-never-sent', ...config });
  const settings = service.settings({ emsVersion: release, ...(trusted ? {} : { trust: { trusted: false, folders: [] } }) });
  const checked = await service.check({ text, path: '/nowhere/etc/config.json', settings });
  return service.testConnection(checked, id, { timeoutMs });
}

const platform = (port: number, certificates: Record<string, unknown> = { cert_chain: [pki('root-ca.pem')] }, more: Record<string, unknown> = {}) =>
  ({ ws_servers: [{ host: '127.0.0.1', port }], certificates, ...more });

describe('the server certificate, judged as the EMS judges it', () => {
  test('a trusted chain connects: TLS, anchored by the CA list, the upgrade accepted; each step timed', async () => {
    const server = keep(await tlsServer(SERVER));
    const result = await connect(platform(server.port));
    assert.equal(result.verdict.outcome, 'connected', result.verdict.summary);
    assert.match(result.verdict.summary, /^TLS 1\.3, anchored by .*root-ca\.pem; upgrade accepted$/);
    assert.deepEqual(result.steps.map((s) => [s.step, s.outcome]), [['resolve', 'ok'], ['connect', 'ok'], ['tls', 'ok'], ['verify', 'ok'], ['upgrade', 'ok']]);
    assert.ok(result.steps.filter((s) => s.step !== 'verify').every((s) => s.ms === 7));
    assert.deepEqual(result.chain?.map((c) => [c.subject, c.from]), [
      ['CN=EMS Config Test Server, O=EMS Config Test PKI', 'server'], ['CN=EMS Config Test Intermediate CA, O=EMS Config Test PKI', 'server'],
      ['CN=EMS Config Test Root CA, O=EMS Config Test PKI', 'ca-list']]);
    assert.equal(result.host?.matches, true);
    assert.equal(result.status, 'HTTP/1.1 101 Switching Protocols');
    assert.match(server.seen[0]!.head, /^GET \/Thingworx\/WS HTTP\/1\.1\r\n/);
    assert.doesNotMatch(server.seen[0]!.head, /app-key-never-sent|appkey/i, 'the appKey is never sent');
  });

  test('a missing intermediate: refused, and the result names the certificate cert_chain lacks', async () => {
    const server = keep(await tlsServer({ key: SERVER.key, cert: file('server.pem') }));
    const result = await connect(platform(server.port));
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /unable to get local issuer certificate \(OpenSSL error 20 at depth 0\)/);
    assert.match(result.missing ?? '', /issued by "EMS Config Test Intermediate CA", which neither the server sent nor certificates\.cert_chain holds/);
    assert.equal(result.steps.at(-1)?.step, 'verify');
    assert.equal(result.verdict.ems, 'TW_VALIDATE_CERT: Certificate rejected.  Code: 20, Reason = unable to get local issuer certificate, then twTlsClient_Connect: Error intializing TLS connection.  Invalid certificate');
  });

  test('an unknown root: refused; a root the server sent is offered to save, with its subject and SHA-256', async () => {
    const partial = keep(await tlsServer(SERVER));
    const unknown = await connect(platform(partial.port, { cert_chain: pki('client-ca.pem') }));
    assert.equal(unknown.verdict.outcome, 'refused');
    assert.match(unknown.verdict.summary, /error 20 at depth 1/);
    assert.equal(unknown.saveRoot, undefined, 'the server did not send its root: nothing to offer');
    const full = keep(await tlsServer({ key: SERVER.key, cert: file('server-chain-full.pem') }));
    const sent = await connect(platform(full.port, { cert_chain: pki('client-ca.pem') }));
    assert.equal(sent.verdict.outcome, 'refused');
    assert.match(sent.verdict.summary, /self-signed certificate in certificate chain \(OpenSSL error 19 at depth 2\)/);
    assert.equal(sent.saveRoot?.subject, 'CN=EMS Config Test Root CA, O=EMS Config Test PKI');
    assert.equal(sent.saveRoot?.file, pki('client-ca.pem'));
    assert.equal(sent.saveRoot?.sha256, sent.chain?.[2]?.sha256);
    assert.match(sent.saveRoot?.pem ?? '', /^-----BEGIN CERTIFICATE-----/);
  });

  test('an expired server certificate is refused at the injected instant', async () => {
    const server = keep(await tlsServer({ key: SERVER.key, cert: Buffer.concat([file('expired.pem'), file('intermediate-ca.pem')]) }));
    const result = await connect(platform(server.port));
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /certificate has expired \(OpenSSL error 10 at depth 0\)/);
  });

  test('validate: false accepts anything, and says what would have failed', async () => {
    const server = keep(await tlsServer({ key: SERVER.key, cert: file('server.pem') }));
    const result = await connect(platform(server.port, { validate: false }));
    assert.equal(result.verdict.outcome, 'connected');
    assert.match(result.verdict.wouldHaveFailed?.join('\n') ?? '', /error 20/);
  });

  test('a host that does not match: refused; disable_hostname_validation accepts it (5.4.6); 5.4.0 checks no host name at all', async () => {
    const server = keep(await tlsServer({ key: SERVER.key, cert: Buffer.concat([file('wrong-host.pem'), file('intermediate-ca.pem')]) }));
    const checked = await connect(platform(server.port), { release: '5.4.6' });
    assert.equal(checked.verdict.outcome, 'refused');
    assert.match(checked.verdict.summary, /127\.0\.0\.1 does not match the server certificate, which names DNS:platform\.example\.com/);
    const disabled = { cert_chain: pki('root-ca.pem'), disable_hostname_validation: true };
    const skipped = await connect(platform(server.port, disabled), { release: '5.4.6' });
    assert.equal(skipped.verdict.outcome, 'connected');
    assert.match(skipped.host?.note ?? '', /not checked .*it would not match/);
    // The C SDK of that era has no host check, and the 5.4.0 binary no switch for one.
    const old = await connect(platform(server.port, { cert_chain: [pki('root-ca.pem')] }), { release: '5.4.0' });
    assert.equal(old.verdict.outcome, 'connected');
    assert.match(old.host?.note ?? '', /EMS 5\.4\.0 does not check the host name/);
  });

  test('a self-signed server: refused by default, accepted by allow_self_signed: true and by deny_self_signed: false', async () => {
    const server = keep(await tlsServer({ key: file('self-signed-key.pem'), cert: file('self-signed.pem') }));
    const refused = await connect(platform(server.port, { allow_self_signed: false }));
    assert.equal(refused.verdict.outcome, 'refused');
    assert.match(refused.verdict.summary, /self-signed certificate \(OpenSSL error 18 at depth 0\)/);
    const allowed = await connect(platform(server.port, { allow_self_signed: true }));
    assert.equal(allowed.verdict.outcome, 'connected', allowed.verdict.summary);
    assert.match(allowed.verdict.summary, /self-signed, accepted/);
    assert.equal((await connect(platform(server.port, { deny_self_signed: false }))).verdict.outcome, 'connected');
    assert.equal((await connect(platform(server.port, { allow_self_signed: 'true' }))).verdict.outcome, 'refused', 'a string is ignored (observed)');
  });

  test('an expired self-signed server with allow_self_signed: accepted, since OpenSSL stops at its first error (18) and the EMS reads only that', async () => {
    const server = keep(await tlsServer({ key: file('self-signed-key.pem'), cert: file('self-signed-expired.pem') }));
    const result = await connect(platform(server.port, { allow_self_signed: true }));
    assert.equal(result.verdict.outcome, 'connected', result.verdict.summary);
    assert.match(result.steps.find((s) => s.step === 'verify')?.detail ?? '', /certificate has expired .*the EMS stops at the first error and never sees this one/);
    const strict = await connect(platform(server.port));
    assert.match(strict.verdict.ems ?? '', /^TW_VALIDATE_CERT: Certificate rejected\. {2}Code: 18, Reason = self-signed certificate, then /);
  });

  test('validation_criteria: the subject and issuer fields must be what the config says', async () => {
    const server = keep(await tlsServer(SERVER));
    const criteria = (fields: Record<string, string>) => platform(server.port, { cert_chain: pki('root-ca.pem'), validation_criteria: fields });
    const match = await connect(criteria({ Cert_Common_Name: 'EMS Config Test Server', Cert_Organization: 'EMS Config Test PKI', CA_Cert_Common_Name: 'EMS Config Test Intermediate CA' }));
    assert.equal(match.verdict.outcome, 'connected', match.verdict.summary);
    const mismatch = await connect(criteria({ Cert_Common_Name: 'twx.example.com' }));
    assert.equal(mismatch.verdict.outcome, 'refused');
    assert.match(mismatch.verdict.summary, /validation_criteria\.Cert_Common_Name is "twx\.example\.com", the server certificate's subject CN is "EMS Config Test Server"/);
    assert.equal(mismatch.verdict.ems, 'twTlsClient_Connect: Certificate field EMS Config Test Server does not match expected twx.example.com. Field 0');
  });
});

describe('what the EMS offers: client certificate, TLS versions, ciphers', () => {
  const mutual = { ...SERVER, requestCert: true, rejectUnauthorized: true, ca: file('client-ca.pem'), maxVersion: 'TLSv1.2' as const };
  const identity = (cert: string, key: string, more: Record<string, unknown> = {}) => ({ cert_chain: pki('root-ca.pem'), client_cert: pki(cert), key_file: pki(key), ...more });

  test('a server that requires a client certificate: sent and accepted', async () => {
    const server = keep(await tlsServer(mutual));
    const result = await connect(platform(server.port, identity('client.pem', 'client-key-encrypted.pem', { key_passphrase: PASSPHRASE })), { release: '5.4.6' });
    assert.equal(result.verdict.outcome, 'connected', result.verdict.summary);
    assert.deepEqual([result.clientCertificate?.requested, result.clientCertificate?.sent], [true, true]);
    assert.equal(server.seen[0]?.peerCertificate, 'EMS Config Test Device');
    assert.doesNotMatch(JSON.stringify(result), new RegExp(PASSPHRASE), 'the passphrase is in no result');
  });

  test('over TLS 1.3 (5.5.0) too: the encrypted CertificateRequest and Certificate are read with the session\'s secrets', async () => {
    const server = keep(await tlsServer({ ...mutual, maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' }));
    const result = await connect(platform(server.port, identity('client.pem', 'client-key.pem')));
    assert.equal(result.verdict.outcome, 'connected', result.verdict.summary);
    assert.equal(result.tls?.protocol, 'TLSv1.3');
    assert.deepEqual([result.clientCertificate?.requested, result.clientCertificate?.sent], [true, true]);
    assert.match(result.clientCertificate?.note ?? '', /the server asked for one, and it was sent/);
  });

  test('a server that requires a client certificate: none configured, refused', async () => {
    const server = keep(await tlsServer(mutual));
    const result = await connect(platform(server.port), { release: '5.4.6' });
    assert.equal(result.verdict.outcome, 'refused');
    assert.equal(result.clientCertificate?.requested, true);
    assert.equal(result.clientCertificate?.sent, false);
  });

  test('a client certificate from a CA the server does not trust: refused, and the result says so', async () => {
    const server = keep(await tlsServer(mutual));
    const result = await connect(platform(server.port, identity('stray-client.pem', 'stray-client-key.pem')), { release: '5.4.6' });
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /after receiving the client certificate: it did not accept it/);
    assert.equal(result.clientCertificate?.sent, true);
  });

  test('an AES-encrypted key_passphrase cannot be used by the test: it says so and sends no certificate', async () => {
    const server = keep(await tlsServer(mutual));
    const result = await connect(platform(server.port, identity('client.pem', 'client-key-encrypted.pem', { key_passphrase: 'AES:0123456789abcdef0123456789abcdef' })), { release: '5.4.6' });
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.clientCertificate?.note ?? '', /AES-encrypted: only the EMS can decrypt it/);
  });

  test('a TLS 1.3 server requiring a client certificate, none sent: the alert after the handshake is read as such', async () => {
    const server = keep(await tlsServer({ ...mutual, maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' }));
    const result = await connect(platform(server.port));
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /requires a client certificate/);
  });

  test('a TLS-1.3-only server: a 5.4.6 target cannot speak it, 5.5.0 can', async () => {
    const server = keep(await tlsServer({ ...SERVER, minVersion: 'TLSv1.3' }));
    const old = await connect(platform(server.port), { release: '5.4.6' });
    assert.equal(old.verdict.outcome, 'refused');
    assert.match(old.verdict.summary, /no TLS version in common: EMS 5\.4\.6 \(OpenSSL 1\.0\.2r\) speaks at most TLS 1\.2/);
    assert.equal((await connect(platform(server.port), { release: '5.5.0' })).verdict.outcome, 'connected');
  });

  test('a cipher mismatch: the server accepts none of cipher_suite', async () => {
    const server = keep(await tlsServer({ ...SERVER, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' }));
    const result = await connect(platform(server.port, { cert_chain: pki('root-ca.pem'), cipher_suite: 'ECDHE-RSA-AES128-GCM-SHA256' }), { release: '5.4.6' });
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /no cipher in common: the server accepts none of certificates\.cipher_suite "ECDHE-RSA-AES128-GCM-SHA256"/);
    const same = await connect(platform(server.port, { cert_chain: pki('root-ca.pem'), cipher_suite: 'ECDHE-RSA-AES256-GCM-SHA384' }), { release: '5.4.6' });
    assert.equal(same.verdict.outcome, 'connected');
    assert.equal(same.tls?.cipher, 'ECDHE-RSA-AES256-GCM-SHA384');
  });
});

describe('the way there: plain TCP, proxies, ports that fail', () => {
  test('encryption "none" against a plain server: no TLS step, the upgrade over TCP', async () => {
    const server = keep(await plainServer());
    const result = await connect(platform(server.port, {}, { ws_connection: { encryption: 'none' } }));
    assert.equal(result.verdict.outcome, 'connected');
    assert.deepEqual(result.steps.map((s) => [s.step, s.outcome]), [['resolve', 'ok'], ['connect', 'ok'], ['tls', 'skipped'], ['upgrade', 'ok']]);
  });

  test('a wrong resource: the upgrade gets 404 and the result points at "resource"', async () => {
    const server = keep(await plainServer());
    const result = await connect(platform(server.port, {}, { ws_connection: { encryption: 'none' }, resource: '/Thingworx/Wrong' }));
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /no WebSocket endpoint at \/Thingworx\/Wrong \(404\): check "resource"/);
  });

  test('through a proxy without credentials, then one that needs them (sent from proxy.user and password)', async () => {
    const server = keep(await tlsServer(SERVER));
    const open = keep(await httpProxy());
    const result = await connect(platform(server.port, undefined, { proxy: { host: '127.0.0.1', port: open.port } }));
    assert.equal(result.verdict.outcome, 'connected', result.verdict.summary);
    assert.deepEqual(open.requests.map((r) => r.line), [`CONNECT 127.0.0.1:${server.port} HTTP/1.1`]);
    const guarded = keep(await httpProxy({ user: 'edge', password: 'proxy-secret' }));
    const withCredentials = await connect(platform(server.port, undefined, { proxy: { host: '127.0.0.1', port: guarded.port, user: 'edge', password: 'proxy-secret' } }));
    assert.equal(withCredentials.verdict.outcome, 'connected', withCredentials.verdict.summary);
    assert.doesNotMatch(JSON.stringify(withCredentials), /proxy-secret/);
    const without = await connect(platform(server.port, undefined, { proxy: { host: '127.0.0.1', port: guarded.port } }));
    assert.equal(without.verdict.outcome, 'refused');
    assert.match(without.verdict.summary, /407/);
    const encrypted = await connect(platform(server.port, undefined, { proxy: { host: '127.0.0.1', port: guarded.port, user: 'edge', password: 'AES:0123456789abcdef' } }));
    assert.match(encrypted.verdict.summary, /AES-encrypted/);
  });

  test('a port that accepts and never answers: the TLS step times out, once, no retry', async () => {
    const server = keep(await silentServer());
    const result = await connect(platform(server.port), { timeoutMs: 300 });
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /no answer within 0\.3 s/);
    assert.equal(server.connections(), 1);
  });

  test('a refused port', async () => {
    const result = await connect(platform(await refusedPort()));
    assert.equal(result.verdict.outcome, 'refused');
    assert.match(result.verdict.summary, /no TCP connection to 127\.0\.0\.1:\d+: connection refused/);
  });
});

describe('safe by construction', () => {
  test('an untrusted workspace: no endpoint is offered and a test is refused with the reason', async () => {
    const text = JSON.stringify(platform(443));
    const checked = await service.check({ text, path: '/nowhere/etc/config.json', settings: service.settings({ trust: { trusted: false, folders: [] } }) });
    assert.deepEqual(service.connectTargets(checked), []);
    const result = await connect(platform(443), { trusted: false });
    assert.equal(result.verdict.outcome, 'untested');
    assert.match(result.verdict.summary, /not trusted/);
    assert.deepEqual(result.steps, []);
  });

  test('http_server: the EMS\'s own REST server, which must present the certificate the config names', async () => {
    const server = keep(await tlsServer(SERVER));
    const own = (certificate: string) => ({ ...platform(443), http_server: { host: 'localhost', port: server.port, ssl: true, certificate: pki(certificate), private_key: pki('server-key.pem') } });
    const serving = await connect(own('server-chain.pem'), { id: '/http_server' });
    assert.equal(serving.verdict.outcome, 'connected', serving.verdict.summary);
    assert.match(serving.verdict.summary, /serving .*server-chain\.pem; HTTP\/1\.1 404 Not Found$/);
    assert.match(server.seen.at(-1)!.head, /^GET \/ HTTP\/1\.1/);
    const other = await connect(own('expired.pem'), { id: '/http_server' });
    assert.equal(other.verdict.outcome, 'refused');
    assert.match(other.verdict.summary, /does not present http_server\.certificate/);
  });

  test('an edge HTTPS endpoint: GET its path, trust from http_client_ca_certs, fingerprint_allowlist applied (5.4.8)', async () => {
    const server = keep(await tlsServer({ ...SERVER, respond: () => 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' }));
    const edge = (fingerprints: string[]) => ({
      ws_servers: [{ host: 'twx.example.com', port: 443 }],
      certificates: { cert_chain: pki('client-ca.pem'), http_client_ca_certs: pki('root-ca.pem'), fingerprint_allowlist: fingerprints },
      auto_bind: [{ name: 'gw', host: '127.0.0.1', port: server.port, protocol: 'https', path: '/api' }],
    });
    const leaf = await connect(edge(['00:11']), { release: '5.4.8', id: '/auto_bind/0' });
    assert.equal(leaf.verdict.outcome, 'refused');
    assert.match(leaf.verdict.summary, /not in certificates\.fingerprint_allowlist/);
    const allowed = await connect(edge([leaf.chain![0]!.sha256.toLowerCase()]), { release: '5.4.8', id: '/auto_bind/0' });
    assert.equal(allowed.verdict.outcome, 'connected', allowed.verdict.summary);
    assert.equal(allowed.status, 'HTTP/1.1 200 OK');
    assert.match(server.seen.at(-1)!.head, /^GET \/api HTTP\/1\.1/);
  });
});
