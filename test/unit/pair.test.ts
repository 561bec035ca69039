// config.json and the LSR's config.lua beside it (issue #16, the cross-file rules): every pair that must agree,
// with a pair that breaks it and one that keeps it, each finding on the file where it is fixed and pointing at
// the other file's value; the other file is watched.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFix, fixtures, MEMORY_PKI, memoryPki, memoryService } from '../helpers/service';
import { PASSPHRASE } from '../helpers/pki';
import type { Finding } from '../../server/src/service/types';

const JSON_PATH = '/ems/etc/config.json';
const LUA_PATH = '/ems/etc/config.lua';

interface Pair { json?: Record<string, unknown>; lua?: Record<string, unknown>; top?: Record<string, unknown>; version?: string }

const HTTP = { host: '127.0.0.1', port: 8000, ssl: true, certificate: memoryPki('server-chain.pem'), private_key: memoryPki('server-key-encrypted.pem'), passphrase: PASSPHRASE, authenticate: true, user: 'ems', password: 'secret' };
const RAP = {
  rap_host: '127.0.0.1', rap_port: 8000, rap_ssl: true, rap_cert_file: memoryPki('root-ca.pem'), rap_validate: true, rap_deny_selfsigned: true,
  rap_server_authenticate: true, rap_userid: 'ems', rap_password: 'secret', script_resource_ssl: false, script_resource_authenticate: false,
};

function lua(settings: Record<string, unknown>): string {
  return Object.entries(settings).map(([key, value]) => `scripts.${key} = ${JSON.stringify(value)}`).join('\n');
}

/** The findings of both files, of the pair codes only, as [file, code, pointer, related file]. */
async function pair({ json = {}, lua: luaSettings = {}, top = {}, version = '5.4.0' }: Pair): Promise<[string, string, string, string | undefined][]> {
  const { check, put } = memoryService({ files: fixtures(MEMORY_PKI) });
  const jsonText = JSON.stringify({ ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: 'k', http_server: { ...HTTP, ...json }, ...top });
  const luaText = lua({ ...RAP, ...luaSettings });
  put({ [JSON_PATH]: new TextEncoder().encode(jsonText), [LUA_PATH]: new TextEncoder().encode(luaText) });
  const pick = (file: string, findings: Finding[]) => findings.filter((f) => f.code.startsWith('lsr-') && f.data?.related)
    .map((f): [string, string, string, string | undefined] => [file, f.code, f.pointer, f.data?.related?.[0]?.path]);
  return [...pick('json', (await check(jsonText, { emsVersion: version }, JSON_PATH)).findings), ...pick('lua', (await check(luaText, { emsVersion: version }, LUA_PATH)).findings)];
}

test('a pair that agrees: no finding on either side, and each file watches the other', async () => {
  assert.deepEqual(await pair({}), []);
  const { check } = memoryService({ files: fixtures(MEMORY_PKI) });
  const alone = await check(JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k' }), { emsVersion: '5.4.0' }, JSON_PATH);
  assert.ok(alone.dependencies.files.includes(LUA_PATH), 'a config.lua created later re-checks config.json');
});

test('TLS, port, authentication and user must agree: flagged on both sides, each pointing at the other', async () => {
  assert.deepEqual(await pair({ lua: { rap_ssl: false } }), [['json', 'lsr-ems-mismatch', '/http_server/ssl', LUA_PATH], ['lua', 'lsr-ems-mismatch', '/scripts/rap_ssl', JSON_PATH]]);
  assert.deepEqual(await pair({ lua: { rap_ssl: 'TRUE' } }), [['json', 'lsr-ems-mismatch', '/http_server/ssl', LUA_PATH], ['lua', 'lsr-ems-mismatch', '/scripts/rap_ssl', JSON_PATH]], '"TRUE" is false to the LSR');
  assert.deepEqual((await pair({ json: { port: 8080 } })).map((f) => f.slice(0, 3)), [['json', 'lsr-ems-mismatch', '/http_server/port'], ['lua', 'lsr-ems-mismatch', '/scripts/rap_port']]);
  assert.deepEqual((await pair({ lua: { rap_server_authenticate: false } })).map((f) => f[2]), ['/http_server/authenticate', '/scripts/rap_server_authenticate']);
  assert.deepEqual((await pair({ lua: { rap_userid: 'lsr' } })).map((f) => f[2]), ['/http_server/user', '/scripts/rap_userid']);
  assert.deepEqual(await pair({ json: { authenticate: false }, lua: { rap_server_authenticate: true } }), [], 'credentials the EMS does not ask for do no harm');
});

test('localhost against 127.0.0.1 is a hint of ::1; another host is a mismatch', async () => {
  assert.deepEqual((await pair({ json: { host: 'localhost' } })).map((f) => f[1]), ['lsr-ems-host-loopback', 'lsr-ems-host-loopback']);
  assert.deepEqual((await pair({ lua: { rap_host: '10.0.0.5' } })).map((f) => f[1]), ['lsr-ems-mismatch', 'lsr-ems-mismatch']);
  assert.deepEqual(await pair({ json: { host: '0.0.0.0' } }), [], 'an EMS listening everywhere is reached at 127.0.0.1');
});

test('trust: rap_cert_file must hold the CA of http_server.certificate (by signature); a self-signed one needs rap_deny_selfsigned false', async () => {
  assert.deepEqual(await pair({ lua: { rap_cert_file: memoryPki('client-ca.pem') } }), [['lua', 'lsr-ca-missing', '/scripts/rap_cert_file', JSON_PATH]]);
  assert.deepEqual(await pair({ lua: { rap_cert_file: memoryPki('ca-list.pem') } }), [], 'a CA list holding the root');
  assert.deepEqual(await pair({ lua: { rap_cert_file: memoryPki('client-ca.pem'), rap_validate: false } }), [], 'validation off: rap_validate has its own finding');
  const selfSigned = { certificate: memoryPki('self-signed.pem'), private_key: memoryPki('self-signed-key.pem') };
  assert.deepEqual(await pair({ json: selfSigned }), [['lua', 'lsr-self-signed-refused', '/scripts/rap_deny_selfsigned', JSON_PATH]]);
  assert.deepEqual(await pair({ json: selfSigned, lua: { rap_deny_selfsigned: false } }), []);
});

/** The LSR's own server over TLS, with a chain issued under root-ca.pem. */
const LSR_TLS = { script_resource_ssl: true, script_resource_certificate_chain: memoryPki('server-chain.pem'), script_resource_private_key: memoryPki('server-key-encrypted.pem'), script_resource_passphrase: PASSPHRASE };

test('an auto_bind entry at the LSR\'s own server must use the protocol it serves', async () => {
  const bind = (entry: Record<string, unknown>) => ({ auto_bind: [{ name: 'Pump', ...entry }] });
  assert.deepEqual(await pair({ lua: LSR_TLS, top: bind({}) }), [['json', 'lsr-auto-bind-mismatch', '/auto_bind/0', LUA_PATH], ['lua', 'lsr-auto-bind-mismatch', '/scripts/script_resource_ssl', JSON_PATH]],
    'localhost:8001 over http (the defaults on both sides) against an https server');
  assert.deepEqual((await pair({ lua: { ...LSR_TLS, script_resource_host: '0.0.0.0' }, top: bind({ host: '127.0.0.1', port: 8001, protocol: 'http' }) })).map((f) => f[2]), ['/auto_bind/0/protocol', '/scripts/script_resource_ssl'],
    'the LSR registers 0.0.0.0 as 127.0.0.1');
  assert.deepEqual((await pair({ top: bind({ protocol: 'https' }) })).map((f) => f[2]), ['/auto_bind/0/protocol', '/scripts/script_resource_ssl'], 'https against a plain LSR');
  assert.deepEqual(await pair({ lua: LSR_TLS, top: bind({ port: 8002 }) }), [], 'another port: another Thing\'s server');
  assert.deepEqual(await pair({ lua: LSR_TLS, top: bind({ host: '10.0.0.7' }) }), [], 'another host');
  assert.deepEqual(await pair({ top: bind({ protocol: 'http' }) }), [], 'plain on both sides');
  assert.deepEqual(await pair({ lua: { ...LSR_TLS, script_resource_ssl: 'yes' }, top: bind({}) }), [], 'a value that stops the LSR has its own finding');
});

test('auto_bind fixes only turn https on, on config.json', async () => {
  const { check, put } = memoryService({ files: fixtures(MEMORY_PKI) });
  const fixesOf = async (entry: Record<string, unknown>, luaSettings: Record<string, unknown>) => {
    const jsonText = JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', auto_bind: [{ name: 'Pump', ...entry }] });
    put({ [LUA_PATH]: new TextEncoder().encode(lua({ ...RAP, ...luaSettings })) });
    const found = (await check(jsonText, { emsVersion: '5.4.0' }, JSON_PATH)).findings.filter((f) => f.code === 'lsr-auto-bind-mismatch');
    return found.map((f) => (f.data?.fixes ?? []).map((fix) => applyFix(jsonText, { ...f, data: { ...f.data, fixes: [fix] } })));
  };
  assert.deepEqual(await fixesOf({ protocol: 'http' }, LSR_TLS), [[JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', auto_bind: [{ name: 'Pump', protocol: 'https' }] })]]);
  assert.deepEqual(await fixesOf({ protocol: 'https' }, {}), [[]], 'never back to plain http');
});

test('over https the EMS must trust the LSR\'s certificate: its edge CA list holds the chain\'s CA (by signature)', async () => {
  const trusting = (list: string) => ({ certificates: { cert_chain: [memoryPki(list)] } });
  assert.deepEqual(await pair({ lua: LSR_TLS, top: trusting('client-ca.pem') }), [['json', 'lsr-callback-ca-missing', '/certificates/cert_chain', LUA_PATH]]);
  assert.deepEqual(await pair({ lua: LSR_TLS, top: trusting('root-ca.pem') }), [], 'the root of the LSR\'s chain');
  assert.deepEqual(await pair({ lua: { ...LSR_TLS, script_resource_ssl: false }, top: trusting('client-ca.pem') }), [], 'no callback over https');
  assert.deepEqual(await pair({ lua: { ...LSR_TLS, script_resource_use_default_certificate: true }, top: trusting('client-ca.pem') }), [], 'the LSR\'s built-in certificate is not its chain');
  assert.deepEqual(await pair({ lua: LSR_TLS, top: { certificates: { validate: false, cert_chain: [memoryPki('client-ca.pem')] } } }), [], 'validation off has its own finding');
  assert.deepEqual(await pair({ lua: LSR_TLS }), [], 'no CA list at all: not said here');
  // From 5.4.8 the edge list is http_client_ca_certs when written; 5.4.0 does not read it and uses cert_chain.
  const split = { certificates: { cert_chain: [memoryPki('root-ca.pem')], http_client_ca_certs: memoryPki('client-ca.pem') } };
  assert.deepEqual(await pair({ lua: LSR_TLS, top: split, version: '5.4.8' }), [['json', 'lsr-callback-ca-missing', '/certificates/http_client_ca_certs', LUA_PATH]]);
  assert.deepEqual(await pair({ lua: LSR_TLS, top: split }), []);
});

test('the EMS and the LSR must not publish logs to one folder', async () => {
  const shared = await pair({ json: {}, lua: { log_publish_directory: '/var/log/tw' } });
  assert.deepEqual(shared, []);
  const { check, put } = memoryService({ files: fixtures(MEMORY_PKI) });
  const jsonText = JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', logger: { publish_directory: '/var/log/tw' } });
  put({ [LUA_PATH]: new TextEncoder().encode('scripts.log_publish_directory = "/var/log/tw"') });
  const found = (await check(jsonText, { emsVersion: '5.4.0' }, JSON_PATH)).findings.filter((f) => f.code === 'lsr-log-directory-shared');
  assert.deepEqual(found.map((f) => [f.pointer, f.data?.related?.[0]?.path, f.data?.related?.[0]?.range.start.line]), [['/logger/publish_directory', LUA_PATH, 0]]);
});

test('quick fixes make this side agree with the other, never turning TLS or authentication off', async () => {
  const { check, put } = memoryService({ files: fixtures(MEMORY_PKI) });
  const jsonText = JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'k', http_server: { ...HTTP, port: 8080 } });
  put({ [JSON_PATH]: new TextEncoder().encode(jsonText) });
  // rap_ssl missing, rap_port 8000: the fixes add rap_ssl = true and write 8080.
  const luaText = lua({ ...RAP, rap_ssl: undefined }).split('\n').filter((line) => !line.includes('rap_ssl')).join('\n');
  put({ [LUA_PATH]: new TextEncoder().encode(luaText) });
  let text = luaText;
  for (let round = 0; round < 3; round++) {
    const found = (await check(text, { emsVersion: '5.4.0' }, LUA_PATH)).findings.find((f) => f.code === 'lsr-ems-mismatch' && f.data?.fixes?.length);
    if (!found) break;
    text = applyFix(text, found);
  }
  assert.match(text, /scripts\.rap_ssl = true\n$/);
  assert.match(text, /scripts\.rap_port = 8080/);
  assert.deepEqual((await check(text, { emsVersion: '5.4.0' }, LUA_PATH)).findings.filter((f) => f.code === 'lsr-ems-mismatch'), []);
  // On config.json, an http_server.ssl true against a plain LSR gets no fix: that would turn TLS off.
  put({ [LUA_PATH]: new TextEncoder().encode(lua({ ...RAP, rap_ssl: false })) });
  const onJson = (await check(jsonText, { emsVersion: '5.4.0' }, JSON_PATH)).findings.filter((f) => f.code === 'lsr-ems-mismatch');
  assert.deepEqual(onJson.map((f) => [f.pointer, f.data?.fixes?.map((x) => x.edits[0]!.newText) ?? []]), [['/http_server/port', ['8000']], ['/http_server/ssl', []]]);
});
