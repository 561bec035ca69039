// The samples shaped like PTC's own (test/fixtures/samples, copied from ../shared/samples) give the
// findings their README predicts, for the EMS versions it names.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Finding, Settings } from '../../server/src/service/types';
import { REPO_ROOT } from '../helpers/repo';
import { check as checkWith } from '../helpers/service';

// The samples name files that exist on no machine (the README says so): their file findings are tested
// with real files elsewhere, so here file-not-found is off.
const check = (text: string, settings: Partial<Settings>) => checkWith(text, { ...settings, severity: { 'file-not-found': 'off' } });
const sample = (name: string) => readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'samples', name), 'utf8');
const loud = (findings: Finding[]) => findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.code} ${f.pointer}`);
const all = (findings: Finding[]) => findings.map((f) => `${f.code} ${f.pointer}`);

function includesAll(actual: string[], expected: string[]): void {
  const missing = expected.filter((e) => !actual.includes(e));
  assert.deepEqual(missing, [], `missing findings; got:\n${actual.join('\n')}`);
}

describe('01-minimal-5.4.0', () => {
  test('for 5.4.0 only the disabled authentication is worth a warning', async () => {
    assert.deepEqual(loud(await check(sample('01-minimal-5.4.0.json'), { emsVersion: '5.4.0' })), ['http-server-auth-disabled /http_server/authenticate']);
  });
  test('for 5.4.5 the default certificate is gone and ssl needs certificate + private_key', async () => {
    const findings = await check(sample('01-minimal-5.4.0.json'), { emsVersion: '5.4.5' });
    assert.deepEqual(loud(findings), [
      'removed-property /http_server/use_default_certificate',
      'missing-companion /http_server/ssl',
      'http-server-auth-disabled /http_server/authenticate',
    ]);
    assert.equal(findings.find((f) => f.code === 'missing-companion')?.severity, 'error');
  });
});

describe('02-complete-5.4.0', () => {
  test('clean for 5.4.0', async () => {
    assert.deepEqual(loud(await check(sample('02-complete-5.4.0.json'), { emsVersion: '5.4.0' })), []);
  });
  test('for 5.5.0: duty-cycle keys moved and use_default_certificate removed', async () => {
    assert.deepEqual(loud(await check(sample('02-complete-5.4.0.json'), { emsVersion: '5.5.0' })), [
      'removed-property /http_server/use_default_certificate',
      'removed-property /ws_connection/connect_period',
      'removed-property /ws_connection/duty_cycle',
    ]);
  });
});

describe('03-secure-full-certificates-5.4.8', () => {
  test('the everything-secure baseline: no finding at all for 5.4.8 and 5.5.0', async () => {
    assert.deepEqual(all(await check(sample('03-secure-full-certificates-5.4.8.json'), { emsVersion: '5.4.8' })), []);
    assert.deepEqual(all(await check(sample('03-secure-full-certificates-5.4.8.json'), { emsVersion: '5.5.0' })), []);
  });
  test('with fips.enabled true and target 5.5.0: FIPS not supported', async () => {
    const text = sample('03-secure-full-certificates-5.4.8.json').replace('"enabled": false', '"enabled": true');
    assert.deepEqual(loud(await check(text, { emsVersion: '5.5.0' })), ['fips-unsupported /fips/enabled']);
  });
});

describe('04-dev-insecure', () => {
  test('raises every insecure-config warning, localhost and the clear-text appKey', async () => {
    const findings = await check(sample('04-dev-insecure.json'), { emsVersion: '5.4.7' });
    includesAll(all(findings), [
      'ws-encryption-disabled /ws_connection/encryption',
      'http-server-ssl-disabled /http_server/ssl',
      'http-server-auth-disabled /http_server/authenticate',
      'validation-disabled /certificates/validate',
      // validate is false: allow_self_signed changes nothing, and says so instead of a second warning.
      'no-effect /certificates/allow_self_signed',
      'no-effect /certificates/disable_hostname_validation',
      'localhost-ipv6 /http_server/host',
      'plaintext-secret /appKey',
      'relative-path /logger/publish_directory',
      'relative-path /file/virtual_dirs/0/in',
      'relative-path /file/virtual_dirs/1/out',
    ]);
    assert.ok(!findings.some((f) => f.severity === 'error'), all(findings).join('\n'));
  });
});

describe('05-mutual-tls-fips-5.4.0', () => {
  test('clean for 5.4.0: doubled backslashes, an array cert_chain, the key pair, FIPS with ssl', async () => {
    assert.deepEqual(loud(await check(sample('05-mutual-tls-fips-5.4.0.json'), { emsVersion: '5.4.0' })), []);
  });
  test('for 5.5.0: FIPS unsupported', async () => {
    includesAll(loud(await check(sample('05-mutual-tls-fips-5.4.0.json'), { emsVersion: '5.5.0' })), ['fips-unsupported /fips/enabled']);
  });
});

describe('06-legacy-5.4.6-appkey-lowercase', () => {
  test('appkey spelling, the removed default certificate and three insecure settings (hostname validation is moot with validate false)', async () => {
    const findings = await check(sample('06-legacy-5.4.6-appkey-lowercase.json'), { emsVersion: '5.4.6' });
    assert.equal(findings.find((f) => f.code === 'non-canonical-case')?.data?.['canonical'], 'appKey');
    assert.deepEqual(loud(findings), [
      'removed-property /http_server/use_default_certificate',
      'http-server-ssl-disabled /http_server/ssl',
      'http-server-auth-disabled /http_server/authenticate',
      'validation-disabled /certificates/validate',
    ]);
    assert.ok(!findings.some((f) => f.code === 'missing-required'), 'appkey counts as appKey');
  });
});

describe('07-pitfalls.invalid', () => {
  test('every pitfall the README lists', async () => {
    const findings = await check(sample('07-pitfalls.invalid.json'), { emsVersion: '5.5.0' });
    includesAll(findings.map((f) => f.code), ['json-comment', 'json-trailing-comma', 'json-invalid-escape']);
    // One finding per string: "C:\certs\new" names its bad escape and its line break together.
    assert.ok(findings.some((f) => f.code === 'json-invalid-escape' && /into a line break/.test(f.message)), 'the \\n in a path is named');
    includesAll(all(findings), [
      'missing-required /ws_servers/0',
      'encrypted-value-malformed /appKey',
      // "ssl " is not a documented value, but the EMS uses TLS for it: information, not an error.
      'undocumented-value /ws_connection/encryption',
      'wrong-type /certificates/allow_self_signed',
      'whitespace-in-value /certificates/cert_chain',
      'unknown-property /certificates/client_key',
      'unknown-property /certificates/http_client_ca_certs_',
      'wrong-type /certificates/fingerprint_allowlist',
      'wrong-type /certificates/validation_criteria',
      'unknown-property /auto-bind',
      'missing-companion /http_server/authenticate',
      'missing-companion /certificates/client_cert',
      'removed-property /http_server/use_default_certificate',
      'validation-disabled /certificates/validate',
      'localhost-ipv6 /http_server/host',
      'inconsistent-values /file/idle_timeout',
      'fips-unsupported /fips/enabled',
    ]);
    const byPointer = (p: string) => findings.find((f) => f.code === 'unknown-property' && f.pointer === p)?.data?.['suggestion'];
    assert.equal(byPointer('/auto-bind'), 'auto_bind');
    assert.equal(byPointer('/certificates/client_key'), 'key_file');
    assert.equal(byPointer('/certificates/http_client_ca_certs_'), 'http_client_ca_certs');
    const companions = findings.filter((f) => f.code === 'missing-companion').flatMap((f) => f.data?.['missing'] as string[]);
    includesAll(companions, ['certificate', 'user', 'password', 'key_file']);
  });
});
