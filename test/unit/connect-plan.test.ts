// What a connection test would do, read from the config as the EMS reads it (issue #15): the endpoints, TLS
// or not, the trust settings that count and the ones the release ignores, the TLS versions of the release.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDocument } from '../../server/src/service/checks';
import { AXTLS_CIPHERS, connectTargets, SDK_CIPHERS } from '../../server/src/service/connect/plan';
import { parseVersion } from '../../server/src/service/version';

const PLATFORM = { ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: 'k' };

function plan(config: Record<string, unknown>, release = '5.5.0') {
  const version = parseVersion(release)!;
  return connectTargets(checkDocument(JSON.stringify(config), version).model, version, []);
}
const platform = (config: Record<string, unknown>, release?: string) => plan({ ...PLATFORM, ...config }, release)[0]!;

test('the platform is ws_servers[0] only, with the default resource; http_server and https auto_bind entries follow', () => {
  const targets = plan({
    ws_servers: [{ host: 'a.example.com', port: 443 }, { host: 'fallback.example.com', port: 443 }], appKey: 'k',
    http_server: { host: '127.0.0.1', port: 8080, ssl: false },
    auto_bind: [{ name: 'plain', protocol: 'http' }, { name: 'Gateway', host: '127.0.0.1', port: 8443, protocol: 'https', path: '/api' }],
  });
  assert.deepEqual(targets.map((t) => [t.id, t.label, t.host, t.port, t.tls, t.path, t.upgrade]), [
    ['/ws_servers/0', 'ws_servers[0]', 'a.example.com', 443, true, '/Thingworx/WS', true],
    ['/http_server', 'http_server', '127.0.0.1', 8080, false, '/', false],
    ['/auto_bind/1', 'auto_bind[1] (Gateway)', '127.0.0.1', 8443, true, '/api', false],
  ]);
});

test('encryption: only "none" in any case turns TLS off (observed on 5.3.4), and FIPS ignores it', () => {
  assert.equal(platform({ ws_connection: { encryption: 'none' } }).tls, false);
  assert.equal(platform({ ws_connection: { encryption: 'NONE' } }).tls, false);
  assert.equal(platform({ ws_connection: { encryption: 'none ' } }).tls, true);
  assert.equal(platform({ ws_connection: { encryption: 'ssl' } }).tls, true);
  assert.equal(platform({ ws_connection: { encryption: 'none' }, fips: { enabled: true } }, '5.4.0').tls, true);
});

test('booleans as strings are ignored, as the EMS ignores them: validation stays on, self-signed stays refused', () => {
  const strings = platform({ certificates: { validate: 'false', allow_self_signed: 'true' } }).trust;
  assert.equal(strings.validate, true);
  assert.equal(strings.selfSignedOk, undefined);
  assert.equal(platform({ certificates: { validate: false } }).trust.validate, false);
  assert.equal(platform({ certificates: { allow_self_signed: true } }).trust.selfSignedOk, 'allow_self_signed');
  assert.equal(platform({ certificates: { deny_self_signed: false } }).trust.selfSignedOk, 'deny_self_signed');
  assert.equal(platform({ certificates: { deny_self_signed: true } }).trust.selfSignedOk, undefined);
  assert.equal(platform({ Certificates: { Validate: false } }).trust.validate, false, 'keys are read ignoring case');
});

test('cert_chain as a string trusts nothing on 5.3.4; disable_hostname_validation and cipher_suite count only where the binary reads them', () => {
  const old = platform({ certificates: { cert_chain: '/ca.pem', disable_hostname_validation: true, cipher_suite: 'HIGH' } }, '5.3.4');
  assert.deepEqual(old.trust.anchors, []);
  assert.match(old.trust.anchorNote ?? '', /MUST be an Array/);
  // Before the release reads disable_hostname_validation, no host name is checked (the C SDK has no check).
  assert.equal(old.trust.hostCheck, false);
  assert.match(old.trust.hostCheckNote ?? '', /EMS 5\.3\.4 does not check the host name/);
  assert.equal(old.trust.sni, false);
  // The observed 5.3.4 build is axTLS: its four suites whatever cipher_suite says, and never client_cert.
  assert.equal(old.library, 'axtls');
  assert.equal(old.ciphers, AXTLS_CIPHERS);
  assert.equal(old.ciphersSet, false);
  assert.equal(platform({ certificates: {} }, '5.4.0').ciphers, SDK_CIPHERS);
  const newer = platform({ certificates: { cert_chain: '/ca.pem', disable_hostname_validation: true, cipher_suite: 'HIGH' } }, '5.4.6');
  assert.deepEqual(newer.trust.anchors.map((a) => a.value), ['/ca.pem']);
  assert.equal(newer.trust.hostCheck, false);
  assert.equal(newer.trust.sni, true);
  assert.equal(newer.ciphers, 'HIGH');
  assert.equal(platform({ certificates: {} }, '5.4.6').trust.hostCheck, true);
  assert.deepEqual(platform({ certificates: { cert_chain: ['/a.pem', '/b.pem'] } }, '5.3.4').trust.anchors.map((a) => a.value), ['/a.pem', '/b.pem']);
});

test('TLS stops at 1.2 before 5.4.10 and goes to 1.3 from it', () => {
  for (const [release, max] of [['5.3.4', 'TLSv1.2'], ['5.4.6', 'TLSv1.2'], ['5.4.9', 'TLSv1.2'], ['5.4.10', 'TLSv1.3'], ['5.5.0', 'TLSv1.3']] as const) {
    assert.equal(platform({}, release).maxVersion, max, release);
  }
  assert.match(platform({}, '5.4.6').versionNote, /OpenSSL 1\.0\.2r.*at most TLS 1\.2/);
});

test('edge endpoints trust http_client_ca_certs from 5.4.8 (else cert_chain) and carry fingerprint_allowlist; the platform never does', () => {
  const config = {
    ...PLATFORM,
    certificates: { cert_chain: '/platform-ca.pem', http_client_ca_certs: '/edge-ca.pem', fingerprint_allowlist: ['aa:bb'], validation_criteria: { Cert_Common_Name: 'twx' } },
    auto_bind: [{ name: 'x', protocol: 'https' }],
  };
  const [ws, edge] = plan(config, '5.4.8');
  assert.deepEqual(ws!.trust.anchors.map((a) => a.value), ['/platform-ca.pem']);
  assert.equal(ws!.trust.fingerprints, undefined);
  assert.deepEqual(ws!.trust.criteria, { Cert_Common_Name: 'twx' });
  assert.deepEqual(edge!.trust.anchors.map((a) => a.value), ['/edge-ca.pem']);
  assert.deepEqual(edge!.trust.fingerprints, ['AA:BB']);
  assert.deepEqual(edge!.trust.criteria, {});
  const [, older] = plan(config, '5.4.7');
  assert.deepEqual(older!.trust.anchors.map((a) => a.value), ['/platform-ca.pem']);
  assert.equal(older!.trust.fingerprints, undefined);
});

test('the client identity: an AES passphrase is unusable, a missing key means no certificate; the proxy with its credentials', () => {
  const aes = platform({ certificates: { client_cert: '/c.pem', key_file: '/k.pem', key_passphrase: 'AES:abcd' } });
  assert.deepEqual(aes.identity?.passphrase, { kind: 'encrypted' });
  assert.match(platform({ certificates: { client_cert: '/c.pem' } }).identityNote ?? '', /key_file is missing/);
  const proxied = platform({ proxy: { host: 'proxy.local', port: 8888, user: 'u', password: 'p' } });
  assert.equal(proxied.proxy?.host, 'proxy.local');
  assert.equal(proxied.proxy?.port, 8888);
  assert.deepEqual(proxied.proxy?.password, { kind: 'clear', value: 'p' });
  assert.equal(platform({ proxy: { host: 'proxy.local' } }).proxy?.port, 3128);
});

test('a config the EMS would not start with is unusable, with the EMS\'s own words', () => {
  assert.match(platform({ ws_servers: [{ host: 'a', port: '443' }] }).unusable ?? '', /Invalid parameter found/);
  assert.match(platform({ ws_servers: [{ port: 443 }] }).unusable ?? '', /host MUST be specified/);
  assert.equal(platform({ ws_servers: [{ host: 'a', port: 443.9 }] }).port, 443);
});

test('a host or path that would break the request line is never sent', () => {
  assert.match(platform({ resource: '/Thingworx/WS\r\nX-Injected: 1' }).unusable ?? '', /resource .* holds a blank or control character/);
  assert.match(platform({ ws_servers: [{ host: 'a.example.com/evil', port: 443 }] }).unusable ?? '', /holds a blank, slash or control character/);
  const [, edge] = plan({ ...PLATFORM, auto_bind: [{ name: 'x', protocol: 'https', path: '/a b' }] });
  assert.match(edge!.unusable ?? '', /auto_bind\[0\] \(x\)\.path/);
});
