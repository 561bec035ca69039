// The rules that a real EMS 5.3.4 corrected (../shared/reference/ems-observed.md, test/ems/): each as the user
// meets it — the finding, its severity and what its message says the EMS will do.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { applyFix, check, config, GUID, hoverOn, settingsWith } from '../helpers/service';
import { NOW } from '../helpers/pki';

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
const at = (findings: Awaited<ReturnType<typeof check>>, code: string, pointer?: string) =>
  findings.filter((f) => f.code === code && (pointer === undefined || f.pointer === pointer));
const head = `"ws_servers": [{ "host": "twx.example.com", "port": 443 }], "appKey": "${GUID}"`;

describe('ws_connection.encryption: compared ignoring case, every value but none means TLS', () => {
  for (const value of ['NONE', 'None']) {
    test(`"${value}" is a plain connection: ws-encryption-disabled, not invalid-value`, async () => {
      const findings = await check(config({ ws_connection: { encryption: value } }));
      assert.equal(at(findings, 'ws-encryption-disabled', '/ws_connection/encryption').length, 1);
      assert.deepEqual(at(findings, 'invalid-value'), []);
      assert.match(at(findings, 'ws-encryption-disabled')[0]!.message, /ignoring case/);
    });
  }
  for (const value of ['tls', 'SSL', '']) {
    test(`"${value}" is no error: information that the EMS uses TLS`, async () => {
      const findings = await check(config({ ws_connection: { encryption: value } }));
      assert.ok(!findings.some((f) => f.severity === 'error' || f.code === 'ws-encryption-disabled'), JSON.stringify(findings));
      const [finding] = at(findings, 'undocumented-value', '/ws_connection/encryption');
      assert.equal(finding?.severity, 'information');
      assert.match(finding!.message, /uses TLS/);
      assert.match(applyFix(config({ ws_connection: { encryption: value } }), finding!), /"encryption": "ssl"/);
    });
  }
  test('"none " keeps its warning, and says the consequence: TLS, not plain', async () => {
    const [finding] = at(await check(config({ ws_connection: { encryption: 'none ' } })), 'whitespace-in-value');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding!.message, /uses TLS, not a plain connection/);
  });
  test('the start-up line is quoted for 5.4.0 and later only: 5.3.4 does not print it', async () => {
    const text = config({ ws_connection: { encryption: 'none' } });
    const message = async (emsVersion: string) => at(await check(text, { emsVersion }), 'ws-encryption-disabled')[0]!.message;
    assert.match(await message('5.4.0'), /logs "Encryption is disabled on Web Socket connection\."/);
    assert.doesNotMatch(await message('5.3.4'), /logs/);
  });
});

describe('certificates.deny_self_signed: read by the EMS', () => {
  test('false with validation on is a downgrade like allow_self_signed: true, not an unknown key', async () => {
    const findings = await check(config({ certificates: { deny_self_signed: false } }), { emsVersion: '5.3.4' });
    assert.deepEqual(at(findings, 'unknown-property'), []);
    const [finding] = at(findings, 'self-signed-allowed', '/certificates/deny_self_signed');
    assert.equal(finding?.severity, 'warning');
    assert.match(applyFix(config({ certificates: { deny_self_signed: false } }), finding!), /"deny_self_signed": true/);
  });
  test('with validate false it changes nothing, and says so once', async () => {
    const findings = await check(config({ certificates: { validate: false, deny_self_signed: false } }));
    assert.deepEqual(at(findings, 'self-signed-allowed'), []);
    assert.equal(at(findings, 'no-effect', '/certificates/deny_self_signed').length, 1);
  });
  test('true is quiet', async () => {
    assert.deepEqual((await check(config({ certificates: { deny_self_signed: true } }))).map((f) => f.code), []);
  });
});

describe('release gates re-derived from the binaries', () => {
  test('connect_on_demand is read by 5.3.4', async () => {
    const findings = await check(config({ ws_connection: { connect_on_demand: true } }), { emsVersion: '5.3.4' });
    assert.deepEqual(findings.filter((f) => f.pointer.startsWith('/ws_connection')).map((f) => f.code), []);
  });
  for (const [group, key] of [['http_server', 'ports_to_try'], ['http_server', 'max_clients'], ['http_server', 'use_default_certificate'], ['http_server', 'private_key']] as const) {
    test(`${group}.${key}: 5.3.4 never looks it up`, async () => {
      const findings = await check(config({ [group]: { [key]: key === 'private_key' ? '/k.pem' : 1 } }), { emsVersion: '5.3.4' });
      assert.equal(at(findings, 'unsupported-in-version', `/${group}/${key}`).length, 1, JSON.stringify(findings));
    });
  }
  test('fips group: 5.3.4 never looks it up', async () => {
    assert.equal(at(await check(config({ fips: { enabled: false } }), { emsVersion: '5.3.4' }), 'unsupported-in-version', '/fips').length, 1);
  });
  for (const [group, key, value] of [['certificates', 'disable_hostname_validation', true], ['certificates', 'cipher_suite', 'ALL'], ['http_server', 'enable_csrf_tokens', true],
    ['ws_connection', 'compression', true], ['ws_connection', 'binary_mode', true], ['tunnel', 'max_concurrent', 4]] as const) {
    test(`${group}.${key}: not in the 5.4.0 binary, so 5.4.0 is told it has no effect, and no policy finding`, async () => {
      const findings = await check(config({ [group]: { [key]: value } }), { emsVersion: '5.4.0' });
      const [finding] = at(findings, 'unsupported-in-version', `/${group}/${key}`);
      assert.equal(finding?.severity, 'information');
      assert.match(finding!.message, /neither the 5\.3\.4 nor the 5\.4\.0 binary/);
      assert.deepEqual(findings.filter((f) => f.code !== 'unsupported-in-version' && f.code !== 'plaintext-secret').map((f) => f.code), []);
    });
  }
  test('disable_hostname_validation: true still warns for releases after 5.4.0', async () => {
    assert.equal(at(await check(config({ certificates: { disable_hostname_validation: true } }), { emsVersion: '5.4.6' }), 'hostname-validation-disabled').length, 1);
  });
  test('message_chunk_size above max_frame_size: nothing about the pair (no binary reads max_frame_size)', async () => {
    const findings = await check(config({ ws_connection: { message_chunk_size: 65536, max_frame_size: 8192 } }), { emsVersion: '5.5.0' });
    assert.deepEqual(findings.map((f) => f.code), []);
  });
});

describe('TLS with validation on and no cert_chain', () => {
  test('5.3.4 refuses every platform certificate: an error that says so', async () => {
    const [finding] = at(await check(config(), { emsVersion: '5.3.4' }), 'no-trusted-ca');
    assert.equal(finding?.severity, 'error');
    assert.match(finding!.message, /refuses every platform certificate/);
  });
  test('not when self-signed certificates are allowed (they are accepted), nor without TLS, nor for 5.4.0 (not observed)', async () => {
    for (const [groups, emsVersion] of [[{ certificates: { allow_self_signed: true } }, '5.3.4'], [{ certificates: { deny_self_signed: false } }, '5.3.4'],
      [{ ws_connection: { encryption: 'none' } }, '5.3.4'], [{ certificates: { cert_chain: ['/ca.pem'] } }, '5.3.4'], [{}, '5.4.0']] as const) {
      assert.deepEqual(at(await check(config(groups), { emsVersion }), 'no-trusted-ca'), [], JSON.stringify(groups));
    }
  });
});

describe('ws_servers: from 5.4.0 only the first entry', () => {
  const two = config({ ws_servers: [{ host: 'twx.example.com', port: 443 }, { host: 'fallback.example.com', port: 443 }] });
  test('the second entry gets ignored-server, with a fix that removes it', async () => {
    const [finding] = at(await check(two, { emsVersion: '5.4.0' }), 'ignored-server', '/ws_servers/1');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding!.message, /never tried, so it is no fallback/);
    assert.deepEqual(JSON.parse(applyFix(two, finding!)).ws_servers, [{ host: 'twx.example.com', port: 443 }]);
  });
  test('5.3.4 uses the last entry (observed): the first gets ignored-server there', async () => {
    const findings = at(await check(two, { emsVersion: '5.3.4' }), 'ignored-server');
    assert.deepEqual(findings.map((f) => f.pointer), ['/ws_servers/0']);
    assert.match(findings[0]!.message, /uses only the last ws_servers entry \(observed on 5\.3\.4\)/);
  });
  test('5.3.4 connects to another port from 32768 up (observed): an error; 5.4.0 is not told', async () => {
    const text = config({ ws_servers: [{ host: 'twx.example.com', port: 40443 }] });
    const [finding] = at(await check(text, { emsVersion: '5.3.4' }), 'invalid-value', '/ws_servers/0/port');
    assert.equal(finding?.severity, 'error');
    assert.match(finding!.message, /40443 became 36812/);
    assert.deepEqual(at(await check(text, { emsVersion: '5.4.0' }), 'invalid-value'), []);
    assert.deepEqual(at(await check(config(), { emsVersion: '5.3.4' }), 'invalid-value'), []);
  });
});

describe('single-backslash Windows paths: the EMS loads the file and mangles only that string', () => {
  const text = `{ ${head}, "certificates": { "cert_chain": ["C:\\certs\\ca.pem"] }, "logger": { "publish_directory": "C:\\ThingWorx\\EMS\\logs" } }`;
  test('one finding per string, showing the value the EMS reads, and no "cannot load"', async () => {
    const findings = at(await check(text, { severity: { 'path-not-checkable': 'off', 'relative-path': 'off', 'file-not-found': 'off' } }), 'json-invalid-escape');
    assert.equal(findings.length, 2);
    assert.match(findings[0]!.message, /still loads the file.*reads "C:certsca\.pem"/);
    assert.match(findings[1]!.message, /reads "C:ThingWorxEMSlogs"/);
    for (const f of findings) assert.doesNotMatch(f.message, /cannot load|falls back|\.booted/);
  });
  test('a control escape in such a string is named with it, not reported apart', async () => {
    const findings = await check(`{ ${head}, "certificates": { "cert_chain": ["C:\\certs\\new\\ca.pem"] } }`, { severity: { 'file-not-found': 'off', 'path-not-checkable': 'off', 'relative-path': 'off' } });
    assert.deepEqual(findings.map((f) => f.code), ['json-invalid-escape']);
    assert.match(findings[0]!.message, /"\\n" into a line break.*reads "C:certs<LF>ewca\.pem"/);
  });
  test('a secret with a bad escape is reported without its text', async () => {
    const [finding] = at(await check(`{ "ws_servers": [{ "host": "a", "port": 443 }], "appKey": "s3cr\\et-value" }`), 'json-invalid-escape');
    assert.ok(finding);
    assert.doesNotMatch(finding.message, /s3cr|value"/);
  });
  test('the hover shows the value the EMS reads', async () => {
    const result = await service.check({ text, settings: settingsWith(), path: '/opt/ems/etc/config.json' });
    const hover = hoverOn(result, '"C:\\ThingWorx');
    assert.match(hover, /C:ThingWorxEMSlogs/);
    assert.doesNotMatch(hover, /C:hingWorx/);
  });
});

describe('a file the EMS cannot parse', () => {
  const broken = `{\n  ${head},\n  "logger": { "level": "WARN", },\n  // a comment\n  "resource": "/Thingworx/WS",\n}`;
  test('says what the EMS does once, on the first syntax finding, and not "silently"', async () => {
    const findings = (await check(broken)).filter((f) => f.code.startsWith('json-'));
    assert.equal(findings.length, 3);
    assert.equal(findings.filter((f) => /Error parsing JSON\./.test(f.message)).length, 1);
    assert.match(findings[0]!.message, /config\.json\.booted.*exits/);
    for (const f of findings) assert.doesNotMatch(f.message, /silently/);
  });
  test('a typographic quote is named as such, once for its line, with a fix for the line', async () => {
    const text = `{\n  ${head},\n  "resource": \u201d/Thingworx/WS\u201d\n}`;
    const findings = (await check(text)).filter((f) => f.code === 'json-syntax');
    assert.equal(findings.length, 1, JSON.stringify(findings));
    assert.match(findings[0]!.message, /typographic quote \(\u201d\)/);
    assert.doesNotMatch(findings[0]!.message, /Unterminated/);
    assert.equal(JSON.parse(applyFix(text, findings[0]!)).resource, '/Thingworx/WS');
  });
  test('stray text on a line is one finding, however many tokens it has', async () => {
    const text = `{\n  ${head},\n  "resource": /Thingworx/WS is the path\n}`;
    const lines = (await check(text)).filter((f) => f.code === 'json-syntax').map((f) => f.range.start.line);
    assert.deepEqual(lines, [2]);
  });
});

describe('no invented findings after a syntax error', () => {
  test('an object the parser had to recover gets no shape, relation, policy or file finding', async () => {
    // A missing comma in the http_server group: the parser skips text and would report keys that are there.
    const text = `{\n  ${head},\n  "http_server": {\n    "ssl": true\n    "certificate": "/opt/ems/http.pem",\n    "private_key": "/opt/ems/http-key.pem",\n    "passphrase": "x"\n  },\n  "certificates": { "validate": false }\n}`;
    const findings = await check(text, { severity: { 'plaintext-secret': 'off' } });
    const inside = findings.filter((f) => f.pointer.startsWith('/http_server'));
    assert.deepEqual(inside.map((f) => f.code), []);
    assert.equal(findings.filter((f) => f.code === 'json-syntax').length, 1);
    assert.equal(at(findings, 'validation-disabled').length, 1, 'the intact group is still checked');
  });
});

describe('severity means what the EMS does', () => {
  test('logger.buffer_size below 128: the EMS warns and runs on, so a warning', async () => {
    const [finding] = at(await check(config({ logger: { buffer_size: 64 } })), 'invalid-value');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding!.message, /runs on/);
  });
  test('http_server.port 0: the EMS exits at start — an error that says so', async () => {
    const [finding] = at(await check(config({ http_server: { port: 0 } })), 'invalid-value', '/http_server/port');
    assert.equal(finding?.severity, 'error');
    assert.match(finding!.message, /exits at start/);
  });
  test('a negative msg_timeout: EMS 5.3.4 crashes, and the message says so', async () => {
    const [finding] = at(await check(config({ ws_connection: { msg_timeout: -5 } })), 'invalid-value');
    assert.equal(finding?.severity, 'error');
    assert.match(finding!.message, /crashes/);
  });
  test('an auto_bind entry without name: the EMS logs an error for it and runs on, so a warning', async () => {
    const [finding] = at(await check(config({ auto_bind: [{ gateway: false }] })), 'missing-required', '/auto_bind/0');
    assert.equal(finding?.severity, 'warning');
    assert.match(finding!.message, /runs on/);
  });
});

describe('a "true" or "false" string: the EMS ignores it and keeps the default', () => {
  test('validate: "false" leaves validation on', async () => {
    const [finding] = at(await check(config({ certificates: { validate: 'false' } })), 'wrong-type');
    assert.equal(finding?.severity, 'error');
    assert.match(finding!.message, /ignores it and keeps its default, true \(certificate validation stays on\)/);
  });
  test('allow_self_signed: "true" refuses self-signed certificates, the opposite of what it says', async () => {
    const [finding] = at(await check(config({ certificates: { allow_self_signed: 'true' } })), 'wrong-type');
    assert.match(finding!.message, /keeps its default, false \(a self-signed certificate is refused\)/);
  });
});
