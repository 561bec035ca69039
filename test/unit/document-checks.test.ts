// Every syntax, shape and policy code: a config that triggers it and a near miss that must not.
// Where the finding carries a quick fix, applying it must make that finding go away.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_CODES, CODES, type Code } from '../../server/src/service/codes';
import { AES, applyFix, BASE, check, config, GUID } from '../helpers/service';

interface Case {
  code: Code;
  trigger: string;
  nearMiss: string;
  /** Target EMS version of the trigger (and of the near miss unless nearMissVersion says otherwise). */
  version?: string;
  nearMissVersion?: string;
  /** Expected pointer of the finding. */
  pointer?: string;
  /** The document's path, when it is not a config.json (the LSR's config.lua). */
  file?: string;
}

const LUA = '/ems/etc/config.lua';

const lines = (...l: string[]) => l.join('\n');
const head = `"ws_servers": [{ "host": "twx.example.com", "port": 443 }], "appKey": "${GUID}"`;
const https = { ssl: true, certificate: '/opt/ems/certs/http.pem', private_key: '/opt/ems/certs/http-key.pem', passphrase: AES, authenticate: true, user: 'ems', password: AES };

const CASES: Case[] = [
  // Syntax
  { code: 'json-syntax', trigger: `{ "ws_servers": [{ "host": "a", "port": 1 }] "appKey": "${GUID}" }`, nearMiss: config() },
  { code: 'json-comment', trigger: lines('{', '  // the platform', `  ${head}`, '}'), nearMiss: config({ resource: '//not a comment' }) },
  { code: 'json-trailing-comma', trigger: `{ ${head}, }`, nearMiss: config({ resource: '/Thingworx/WS,}' }) },
  { code: 'json-invalid-escape', trigger: `{ ${head}, "certificates": { "cert_chain": "C:\\certs\\ca.pem" } }`, nearMiss: `{ ${head}, "certificates": { "cert_chain": "C:\\\\certs\\\\ca.pem" } }` },
  { code: 'suspicious-escape', trigger: `{ ${head}, "certificates": { "cert_chain": "C:\\\\certs\\new\\\\ca.pem" } }`, nearMiss: `{ ${head}, "resource": "line\\nbreak" }` },
  { code: 'duplicate-key', trigger: `{ ${head}, "resource": "/a", "resource": "/b" }`, nearMiss: `{ ${head}, "resource": "/a" }`, pointer: '/resource' },
  { code: 'top-level-not-object', trigger: '[{ "ws_servers": [] }]', nearMiss: config() },
  // Shape
  { code: 'unknown-property', trigger: config({ resourse: '/Thingworx/WS' }), nearMiss: config({ resource: '/Thingworx/WS' }), pointer: '/resourse' },
  { code: 'non-canonical-case', trigger: `{ "ws_servers": [{ "host": "a", "port": 443 }], "appkey": "${GUID}" }`, nearMiss: config(), pointer: '/appkey' },
  { code: 'wrong-type', trigger: config({ certificates: { validate: 'true' } }), nearMiss: config({ certificates: { validate: true } }), pointer: '/certificates/validate' },
  { code: 'invalid-value', trigger: config({ logger: { level: 'trace' } }), nearMiss: config({ logger: { level: 'TRACE' } }), pointer: '/logger/level' },
  { code: 'undocumented-value', trigger: config({ ws_connection: { encryption: 'tls' } }), nearMiss: config({ ws_connection: { encryption: 'ssl' } }), pointer: '/ws_connection/encryption' },
  { code: 'ignored-server', trigger: config({ ws_servers: [{ host: 'a', port: 443 }, { host: 'b', port: 443 }] }), version: '5.4.0', nearMiss: config({ ws_servers: [{ host: 'a', port: 443 }] }), nearMissVersion: '5.4.0', pointer: '/ws_servers/1' },
  { code: 'missing-required', trigger: JSON.stringify({ ws_servers: BASE.ws_servers }), nearMiss: config() },
  { code: 'missing-companion', trigger: config({ certificates: { client_cert: '/c.pem' } }), nearMiss: config({ certificates: { client_cert: '/c.pem', key_file: '/k.pem' } }), pointer: '/certificates/client_cert' },
  { code: 'whitespace-in-value', trigger: config({ ws_connection: { encryption: 'none ' } }), nearMiss: config({ ws_connection: { encryption: 'ssl' } }), pointer: '/ws_connection/encryption' },
  { code: 'removed-property', trigger: config({ http_server: { ...https, use_default_certificate: false } }), version: '5.4.5', nearMiss: config({ http_server: { ...https, use_default_certificate: false } }), nearMissVersion: '5.4.4', pointer: '/http_server/use_default_certificate' },
  { code: 'unsupported-in-version', trigger: config({ certificates: { http_client_ca_certs: '/ca.pem' } }), version: '5.4.7', nearMiss: config({ certificates: { http_client_ca_certs: '/ca.pem' } }), nearMissVersion: '5.4.8', pointer: '/certificates/http_client_ca_certs' },
  { code: 'no-trusted-ca', trigger: config(), version: '5.3.4', nearMiss: config({ certificates: { cert_chain: ['/opt/ems/ca.pem'] } }), nearMissVersion: '5.3.4', pointer: '' },
  { code: 'no-effect', trigger: config({ certificates: { validate: false, cert_chain: '/ca.pem' } }), nearMiss: config({ certificates: { validate: true, cert_chain: '/ca.pem' } }), pointer: '/certificates/cert_chain' },
  { code: 'inconsistent-values', trigger: config({ file: { idle_timeout: 5000 } }), nearMiss: config({ file: { idle_timeout: 20000 } }), pointer: '/file/idle_timeout' },
  { code: 'localhost-ipv6', trigger: config({ http_server: { ...https, host: 'localhost' } }), nearMiss: config({ http_server: { ...https, host: '127.0.0.1' } }), pointer: '/http_server/host' },
  { code: 'findings-capped', trigger: config(Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`unknown_${i}`, i]))), nearMiss: config(Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`unknown_${i}`, i]))), pointer: '' },
  { code: 'not-an-ems-config', trigger: JSON.stringify({ name: 'my-app', version: '1.0.0' }), nearMiss: config() },
  // Security policy
  { code: 'validation-disabled', trigger: config({ certificates: { validate: false } }), nearMiss: config({ certificates: { validate: true } }), pointer: '/certificates/validate' },
  { code: 'self-signed-allowed', trigger: config({ certificates: { allow_self_signed: true } }), nearMiss: config({ certificates: { allow_self_signed: false } }), pointer: '/certificates/allow_self_signed' },
  { code: 'ws-encryption-disabled', trigger: config({ ws_connection: { encryption: 'none' } }), nearMiss: config({ ws_connection: { encryption: 'ssl' } }), pointer: '/ws_connection/encryption' },
  { code: 'http-server-ssl-disabled', trigger: config({ http_server: { ...https, ssl: false } }), nearMiss: config({ http_server: https }), pointer: '/http_server/ssl' },
  { code: 'http-server-auth-disabled', trigger: config({ http_server: { ...https, authenticate: false } }), nearMiss: config({ http_server: https }), pointer: '/http_server/authenticate' },
  { code: 'hostname-validation-disabled', trigger: config({ certificates: { disable_hostname_validation: true } }), nearMiss: config({ certificates: { disable_hostname_validation: false } }), pointer: '/certificates/disable_hostname_validation' },
  { code: 'fips-unsupported', trigger: config({ fips: { enabled: true } }), version: '5.4.5', nearMiss: config({ fips: { enabled: true } }), nearMissVersion: '5.4.4', pointer: '/fips/enabled' },
  { code: 'plaintext-secret', trigger: config(), version: '5.4.7', nearMiss: config(), nearMissVersion: '5.4.8', pointer: '/appKey' },
  { code: 'encrypted-value-malformed', trigger: config({ appKey: 'AES:AAAA' }), nearMiss: config({ appKey: AES }), pointer: '/appKey' },
  { code: 'weak-cipher-suite', trigger: config({ certificates: { cipher_suite: 'ALL:!aNULL:!eNULL' } }), nearMiss: config({ certificates: { cipher_suite: 'ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!SRP' } }), pointer: '/certificates/cipher_suite' },
  { code: 'lua-syntax', trigger: 'scripts.rap_port = = 8000', nearMiss: 'scripts.rap_port = 8000', file: LUA },
  { code: 'lsr-rap-ssl-disabled', trigger: 'scripts.rap_ssl = false', nearMiss: 'scripts.rap_ssl = true', pointer: '/scripts/rap_ssl', file: LUA },
  { code: 'lsr-self-signed-allowed', trigger: 'scripts.rap_deny_selfsigned = "false"', nearMiss: 'scripts.rap_deny_selfsigned = true', pointer: '/scripts/rap_deny_selfsigned', file: LUA },
  { code: 'lsr-validation-disabled', trigger: 'scripts.rap_validate = false', nearMiss: 'scripts.rap_validate = "yes"', pointer: '/scripts/rap_validate', file: LUA },
  { code: 'lsr-server-ssl-disabled', trigger: 'scripts.script_resource_ssl = "FALSE"', nearMiss: 'scripts.script_resource_ssl = "True"', pointer: '/scripts/script_resource_ssl', file: LUA },
  { code: 'lsr-password-not-decrypted', trigger: 'scripts.rap_password = "AES:XiMSn4CukWcxRvBrzZ2Ijg=="', nearMiss: 'scripts.rap_password = Password("AES:XiMSn4CukWcxRvBrzZ2Ijg==")', pointer: '/scripts/rap_password', file: LUA },
  { code: 'lsr-server-auth-disabled', trigger: 'scripts.script_resource_authenticate = false', nearMiss: 'scripts.script_resource_authenticate = true', pointer: '/scripts/script_resource_authenticate', file: LUA },
];

describe('every syntax, shape and policy code', () => {
  test('has a case here', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const textCodes = ALL_CODES.filter((code) => ['syntax', 'shape', 'policy'].includes(CODES[code].category));
    assert.deepEqual(textCodes.filter((code) => !covered.has(code)), []);
  });

  for (const c of CASES) {
    test(`${c.code}: triggered, with its default severity${c.pointer ? ' and pointer' : ''}`, async () => {
      const findings = (await check(c.trigger, { emsVersion: c.version ?? '5.5.0' }, c.file)).filter((f) => f.code === c.code);
      assert.ok(findings.length > 0, `no ${c.code} in ${c.trigger}`);
      assert.equal(findings[0]!.severity, CODES[c.code].severity);
      if (c.pointer) assert.equal(findings[0]!.pointer, c.pointer);
    });

    test(`${c.code}: near miss stays quiet`, async () => {
      const findings = await check(c.nearMiss, { emsVersion: c.nearMissVersion ?? c.version ?? '5.5.0' }, c.file);
      assert.deepEqual(findings.filter((f) => f.code === c.code).map((f) => f.message), []);
    });

    test(`${c.code}: its quick fix, where it has one, removes the finding`, async (t) => {
      const settings = { emsVersion: c.version ?? '5.5.0' };
      const finding = (await check(c.trigger, settings, c.file)).find((f) => f.code === c.code && f.data?.fixes?.length);
      if (!finding) {
        assert.ok(!['json-comment', 'json-trailing-comma', 'unknown-property', 'wrong-type', 'missing-companion', 'whitespace-in-value', 'removed-property', 'validation-disabled'].includes(c.code),
          `${c.code} must offer a fix`);
        t.diagnostic('no fix for this code');
        return;
      }
      const fixed = applyFix(c.trigger, finding);
      const after = await check(fixed, settings, c.file);
      assert.deepEqual(after.filter((f) => f.code === c.code && f.pointer === finding.pointer).map((f) => f.message), [], fixed);
      assert.ok(!after.some((f) => f.code === 'json-syntax' || f.code === 'lua-syntax'), `the fix broke the file:\n${fixed}`);
    });
  }
});

describe('instances whose severity differs from the default', () => {
  test('a key absent from the 5.3.4 and 5.4.0 binaries is information for those targets, and nothing later', async () => {
    const text = config({ ws_connection: { max_frame_size: 8192 } });
    const finding = (await check(text, { emsVersion: '5.4.0' })).find((f) => f.code === 'unsupported-in-version');
    assert.equal(finding?.severity, 'information');
    assert.equal(finding?.pointer, '/ws_connection/max_frame_size');
    assert.ok(!(await check(text, { emsVersion: '5.4.3' })).some((f) => f.code === 'unsupported-in-version'));
  });

  test('cert_chain as a string before 5.4.0 is an error, and its fix wraps it in an array', async () => {
    const text = config({ certificates: { cert_chain: '/ca.pem' } });
    const finding = (await check(text, { emsVersion: '5.3.4', severity: { 'file-not-found': 'off' } })).find((f) => f.code === 'unsupported-in-version');
    assert.equal(finding?.severity, 'error');
    assert.match(applyFix(text, finding!), /"cert_chain": \["\/ca\.pem"\]/);
  });
});

describe('no-effect beyond validate: false', () => {
  test('http_server files while ssl is false; encryption "none" while FIPS is on', async () => {
    const pointers = async (groups: Record<string, unknown>) =>
      (await check(config(groups), { emsVersion: '5.4.0', severity: { 'file-not-found': 'off' } })).filter((f) => f.code === 'no-effect').map((f) => f.pointer);
    assert.deepEqual(await pointers({ http_server: { ssl: false, authenticate: false, certificate: '/c.pem', private_key: '/k.pem', passphrase: AES } }),
      ['/http_server/certificate', '/http_server/private_key', '/http_server/passphrase']);
    assert.deepEqual(await pointers({ http_server: { ssl: true, authenticate: false, certificate: '/c.pem', private_key: '/k.pem', passphrase: AES } }), []);
    assert.deepEqual(await pointers({ fips: { enabled: true }, ws_connection: { encryption: 'none' } }), ['/ws_connection/encryption']);
    assert.deepEqual(await pointers({ fips: { enabled: false }, ws_connection: { encryption: 'none' } }), []);
  });
});

describe('severity overrides', () => {
  test('a level replaces the default severity', async () => {
    const findings = await check(config({ certificates: { validate: false } }), { severity: { 'validation-disabled': 'error' } });
    assert.equal(findings.find((f) => f.code === 'validation-disabled')?.severity, 'error');
  });

  test('off hides the code and nothing else', async () => {
    const findings = await check(config({ certificates: { allow_self_signed: true }, ws_connection: { encryption: 'none' } }), { severity: { 'ws-encryption-disabled': 'off' } });
    assert.deepEqual(findings.map((f) => f.code), ['self-signed-allowed']);
  });

  test('an unknown code or level is ignored, not a crash', async () => {
    const findings = await check(config({ certificates: { validate: false } }), { severity: { 'no-such-code': 'off', 'validation-disabled': 'loud' } as never });
    assert.equal(findings.find((f) => f.code === 'validation-disabled')?.severity, 'warning');
  });
});
