// The LSR's config.lua (issue #16): parsed by luaparse and never run, each scripts.* value read as the LSR's
// binary reads it (docs/lsr-config.md), its security switches with the binary's own defaults, near misses of
// known keys, and its certificate and key files judged by the same code as config.json's.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFix, fixtures, MEMORY_PKI, memoryPki, memoryService } from '../helpers/service';
import { PASSPHRASE } from '../helpers/pki';
import type { Finding } from '../../server/src/service/types';

const { check } = memoryService({ files: fixtures(MEMORY_PKI) });
const LUA = '/ems/etc/config.lua';
/** A config.lua with every switch on, as PTC's "high security" set-up has it. */
const SECURE = [
  'scripts.rap_host = "127.0.0.1"', 'scripts.rap_port = 8000', 'scripts.rap_ssl = true', 'scripts.rap_deny_selfsigned = true',
  'scripts.rap_validate = true', 'scripts.script_resource_ssl = true', 'scripts.script_resource_authenticate = true',
];

async function findings(lines: readonly string[], release = '5.4.0'): Promise<Finding[]> {
  return (await check(lines.join('\n'), { emsVersion: release }, LUA)).findings;
}
const codes = async (lines: readonly string[], release?: string) => (await findings(lines, release)).map((f) => f.code);

test('an AES: password the LSR does not decrypt there: a hint to wrap it in Password(…), whose fix is read as decrypted', async () => {
  const aes = 'AES:XiMSn4CukWcxRvBrzZ2Ijg==';
  const hinted = async (line: string, release?: string) => (await findings([...SECURE, line], release)).filter((f) => f.code === 'lsr-password-not-decrypted');
  const [rap] = await hinted(`scripts.rap_password = '${aes}'`);
  assert.equal(rap?.severity, 'information');
  assert.ok(!rap!.message.includes(aes), 'the message does not repeat the secret');
  const fixed = applyFix([...SECURE, `scripts.rap_password = '${aes}'`].join('\n'), rap!);
  assert.ok(fixed.endsWith(`scripts.rap_password = Password('${aes}')`), fixed);
  assert.deepEqual(await hinted(`scripts.rap_password = Password('${aes}')`), []);
  assert.deepEqual(await hinted('scripts.rap_password = "pword123"'), [], 'a clear-text password is sent as written and works');
  // script_resource_password is decrypted by the 5.4.0 binary itself, not by 5.3.4's.
  assert.equal((await hinted(`scripts.script_resource_password = "${aes}"`, '5.3.4')).length, 1);
  assert.deepEqual(await hinted(`scripts.script_resource_password = "${aes}"`, '5.4.0'), []);
});

test('a secure config.lua has no findings; PTC-shaped comments, Password() and `a or b` are read as the LSR reads them', async () => {
  assert.deepEqual(await findings([...SECURE, '-- a comment', 'scripts.rap_password = Password("AES:abcd")', 'scripts.log_audit_target = "file://" or "http://"']), []);
});

test('a Lua syntax error is lua-syntax at its place; nesting beyond 200 levels is refused before the parser', async () => {
  const [syntax] = await findings(['scripts.rap_host = "a"', 'scripts.rap_port = = 8000']);
  assert.equal(syntax?.code, 'lua-syntax');
  assert.equal(syntax?.range.start.line, 1);
  assert.match(syntax?.message ?? '', /^Lua syntax error: .*The LSR cannot load this file\.$/);
  const deep = await findings([`scripts.x = ${'{'.repeat(300)}${'}'.repeat(300)}`]);
  assert.deepEqual(deep.map((f) => f.code), ['lua-syntax']);
  assert.match(deep[0]!.message, /deeper than 200 levels/);
});

test('the last assignment counts, as Lua runs the file; the earlier one is flagged', async () => {
  const result = await findings([...SECURE, 'scripts.rap_ssl = false']);
  assert.deepEqual(result.map((f) => [f.code, f.range.start.line]), [['duplicate-key', 2], ['lsr-rap-ssl-disabled', 7]]);
  // The table form counts too.
  assert.deepEqual(await codes(['scripts = { rap_ssl = true, rap_deny_selfsigned = true, rap_validate = true, script_resource_ssl = true, script_resource_authenticate = true }']), []);
});

test('booleans as the binary reads them: only true or "true" is true; a missing rap_ssl or rap_deny_selfsigned is false', async () => {
  const loose = await findings(SECURE.map((line) => line.replace('rap_ssl = true', 'rap_ssl = "TRUE"')));
  assert.deepEqual(loose.map((f) => f.code), ['invalid-value']);
  assert.match(loose[0]!.message, /only true or the exact string "true" as true, so this counts as false/);
  const missing = await codes(SECURE.filter((line) => !/rap_ssl|rap_deny/.test(line)));
  assert.deepEqual(missing.sort(), ['lsr-rap-ssl-disabled', 'lsr-self-signed-allowed']);
  assert.deepEqual(await codes(SECURE.map((line) => line.replace('rap_validate = true', 'rap_validate = "false"'))), ['lsr-validation-disabled']);
});

test('5.4.0 stops on a script_resource_ssl that is not true or false; 5.3.4 reads neither rap_validate nor script_resource_authenticate', async () => {
  const bad = await findings(SECURE.map((line) => line.replace('script_resource_ssl = true', 'script_resource_ssl = "yes"')));
  assert.deepEqual(bad.map((f) => [f.code, f.severity]), [['invalid-value', 'error']]);
  assert.match(bad[0]!.message, /Insecure configuration\. Shutting down LSR\./);
  assert.deepEqual(await codes(SECURE.filter((line) => !line.includes('script_resource_ssl'))), ['missing-required']);
  const old = await findings(SECURE, '5.3.4');
  assert.deepEqual(old.map((f) => f.code), ['unsupported-in-version', 'unsupported-in-version']);
  assert.match(old[0]!.message, /does not read scripts\.rap_validate: it is read from 5\.4\.0 on/);
});

test('a near miss of a known key, and its case (Lua keys are case-sensitive), with a rename fix; other keys reach the scripts and are let be', async () => {
  const [typo] = await findings([...SECURE, 'scripts.rap_hots = "x"']);
  assert.equal(typo?.code, 'unknown-property');
  assert.match(typo?.message ?? '', /did you mean scripts\.rap_host\?/);
  assert.deepEqual(typo?.data?.fixes?.[0]?.edits.map((e) => e.newText), ['rap_host']);
  const [cased] = await findings([...SECURE, 'scripts.RAP_PORT = 8000']);
  assert.match(cased?.message ?? '', /Lua keys are case-sensitive and the LSR reads scripts\.rap_port/);
  assert.deepEqual(await codes([...SECURE, 'scripts.my_plant_id = "line 4"']), []);
});

test('script tables: numbers through tonumber fall back to the default; a script without a template is PTC\'s own sample', async () => {
  const result = await findings([...SECURE, 'scripts.sample = { file = "sample.lua" }', 'scripts.Pump = { file = "thing.lua", template = "pump", scanRate = "fast" }']);
  assert.deepEqual(result.map((f) => [f.code, f.severity, f.pointer]), [['wrong-type', 'warning', '/scripts/Pump/scanRate']]);
  assert.match(result[0]!.message, /tonumber cannot read it, so the script uses its default \(60000\)/);
});

test('certificate and key files are judged as config.json\'s: the CA list, the LSR server\'s chain and its encrypted key', async () => {
  const files = [
    `scripts.rap_cert_file = "${memoryPki('root-ca.pem')}"`,
    `scripts.script_resource_certificate_chain = "${memoryPki('server-chain.pem')}"`,
    `scripts.script_resource_private_key = "${memoryPki('server-key-encrypted.pem')}"`,
    `scripts.script_resource_passphrase = "${PASSPHRASE}"`,
  ];
  const clean = await check([...SECURE, ...files].join('\n'), { emsVersion: '5.4.0' }, LUA);
  assert.deepEqual(clean.findings, []);
  assert.equal(clean.files.find((f) => f.pointer === '/scripts/script_resource_private_key')?.keyMatchesCertificate, true);
  const wrong = await findings([...SECURE, ...files.map((line) => line.replace('root-ca.pem', 'expired.pem').replace('server-key-encrypted.pem', 'other-key.pem'))]);
  assert.deepEqual(wrong.map((f) => f.code).sort(), ['ca-list-no-root', 'cert-expired', 'key-mismatch', 'not-a-ca']);
  assert.match(wrong.find((f) => f.code === 'ca-list-no-root')!.message, /the EMS's certificate cannot chain up to it/);
  const missing = await findings([...SECURE, 'scripts.rap_cert_file = "/nowhere/ca.pem"']);
  assert.match(missing[0]!.message, /does not exist; the LSR will fail to load this CA list/);
});

test('hostile config.lua: nesting past the parser\'s stack, long chains and binary bytes end in a finding, never a throw', async () => {
  const cases: [string, string, string[]][] = [
    ['blocks 50,000 deep', 'do '.repeat(50_000) + 'end '.repeat(50_000), ['lua-syntax']],
    ['`..` 50,000 long', `scripts.x = ${Array(50_000).fill('"a"').join(' .. ')}`, ['lua-syntax']],
    ['`or` 50,000 long: parsed, not evaluated', `scripts.rap_ssl = ${Array(50_000).fill('nil').join(' or ')} or true\n${SECURE.slice(3).join('\n')}`, []],
    ['binary bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256)).toString('latin1'), ['lua-syntax']],
  ];
  for (const [name, text, expected] of cases) {
    const result = await check(text, { emsVersion: '5.4.0' }, LUA);
    assert.deepEqual(result.findings.map((f) => f.code).filter((code) => code !== 'lsr-rap-ssl-disabled'), expected, name);
  }
});

test('hovers: a key says how the LSR reads it and its binary default; a file value shows what the file holds; nothing echoes a secret', async () => {
  const { service, check: checkIn } = memoryService({ files: fixtures(MEMORY_PKI) });
  const text = [...SECURE, `scripts.rap_cert_file = "${memoryPki('root-ca.pem')}"`, 'scripts.rap_password = "s3cret"'].join('\n');
  const result = await checkIn(text, { emsVersion: '5.4.0' }, LUA);
  const at = (line: number, character: number) => service.hover(result, { line, character })?.contents ?? '';
  assert.match(at(2, 10), /^`scripts\.rap_ssl` — Connect to the EMS over HTTPS\./);
  assert.match(at(2, 10), /Read as: true, or the exact string "true"; anything else is false\. When not set: `false`\./);
  assert.match(at(4, 10), /Read by the LSR from 5\.4\.0/);
  assert.match(at(7, 30), /EMS Config Test Root CA/);
  assert.doesNotMatch(at(8, 26), /s3cret/);
});

test('completion: after `scripts.` the settings the release reads; after `= ` of a boolean, true and false', async () => {
  const { service, check: checkIn } = memoryService();
  const text = 'scripts.rap_ssl = true\nscripts.rap_v\nscripts.rap_deny_selfsigned = f';
  const labels = async (release: string, line: number, character: number) =>
    (await service.complete(await checkIn(text, { emsVersion: release }, LUA), { line, character })).map((entry) => entry.label);
  const keys = await labels('5.4.0', 1, 13);
  assert.ok(keys.includes('rap_validate') && keys.includes('script_resource_certificate_chain'), keys.join());
  assert.ok(!(await labels('5.3.4', 1, 13)).includes('rap_validate'), '5.3.4 does not read it');
  const entry = (await service.complete(await checkIn(text, { emsVersion: '5.4.0' }, LUA), { line: 1, character: 13 })).find((e) => e.label === 'rap_validate')!;
  assert.deepEqual([entry.range.start.character, entry.range.end.character, entry.detail], [8, 13, 'on unless false or the string "false"']);
  assert.deepEqual(await labels('5.4.0', 2, 31), ['true', 'false']);
});
