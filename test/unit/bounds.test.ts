// Hostile configs get the findings a plain one would, with work that grows with the input, not its square;
// and keys that happen to name Object's own members are keys like any other.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { MAX_KEPT_NAMES } from '../../server/src/pki/certificate';
import { MAX_PEM_BLOCKS } from '../../server/src/pki/decode';
import { kdfRefusal } from '../../server/src/pki/kdf';
import { MAX_SIMILAR_SEARCHES } from '../../server/src/service/checks/inputs';
import { MAX_CHAIN_TO_ORDER } from '../../server/src/pki/chain';
import { MAX_BLOCK_FINDINGS } from '../../server/src/pki/judge';
import forge from 'node-forge';
import { judge, parsePki } from '../../server/src/pki';
import { NOW, PASSPHRASE, PKI_DIR } from '../helpers/pki';
import { createEmsService, type FileSystemPort, FsError } from '../../server/src/service';
import { BASE, check, config, hoverOn, memoryService, SETTINGS } from '../helpers/service';

/** A self-signed EC certificate with these subjectAltNames, made by the openssl command (throw-away key). */
function certificateWithNames(names: readonly string[]): Uint8Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'ems-sans-'));
  try {
    const conf = path.join(dir, 'req.conf');
    writeFileSync(conf, `[req]\ndistinguished_name=dn\nx509_extensions=ext\nprompt=no\n[dn]\nCN=many-names\n[ext]\nsubjectAltName=@alt\n[alt]\n${names.map((n, i) => `DNS.${i + 1}=${n}`).join('\n')}\n`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'),
      '-out', path.join(dir, 'cert.pem'), '-days', '30', '-config', conf], { stdio: 'ignore' });
    return readFileSync(path.join(dir, 'cert.pem'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bounded work and own keys', () => {
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    test(`"${key}" is an unknown key, not Object's`, async () => {
      const text = `{"ws_servers":[{"host":"twx.example.com","port":443}],"appKey":"${BASE.appKey}","${key}":1}`;
      const findings = await check(text);
      assert.deepEqual(findings.map((f) => f.code), ['unknown-property']);
      const { check: checkInMemory } = memoryService();
      const hover = hoverOn(await checkInMemory(text), `"${key}"`);
      assert.doesNotMatch(hover, /any value/);
    });
  }

  test('10,000 unknown keys: each checked, the first 999 shown with their fixes, the rest counted', async () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `"custom_${i}":${i}`);
    const text = `{"ws_servers":[{"host":"twx.example.com","port":443}],"appKey":"${BASE.appKey}","resourse":"/Thingworx/WS",${keys.join(',')}}`;
    const findings = await check(text);
    assert.equal(findings.filter((f) => f.code === 'unknown-property').length, 999);
    assert.match(findings.at(-1)!.message, /…and 9,002 more findings/);
    const typo = findings.find((f) => f.pointer === '/resourse')!;
    assert.deepEqual(typo.data?.fixes?.map((fix) => fix.title), ['Change to "resource"', 'Remove "resourse"']);
  });

  test('the removal of the last of many keys takes the comma before it', async () => {
    const keys = Array.from({ length: 900 }, (_, i) => `"custom_${i}":${i}`);
    const text = `{"ws_servers":[{"host":"twx.example.com","port":443}],"appKey":"${BASE.appKey}",${keys.join(',')}}`;
    const last = (await check(text)).find((f) => f.pointer === '/custom_899')!;
    const removal = last.data!.fixes!.at(-1)!.edits[0]!;
    assert.equal(removal.range.start.character, text.indexOf('"custom_899"') - 1);
  });

  test('a certificate with 20,000 subjectAltNames: counted in one pass, the first kept, the rest said as a number', async () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `host-${i}.example.com`);
    const bytes = certificateWithNames(names);
    const [info] = parsePki(bytes).certificates;
    assert.equal(info!.subjectAltNameCount, 20_000);
    assert.deepEqual(info!.subjectAltNames, names.slice(0, MAX_KEPT_NAMES).map((n) => `DNS:${n}`));
    const { check: checkInMemory } = memoryService({ files: { '/ems/etc/many.pem': bytes } });
    const hover = hoverOn(await checkInMemory(config({ certificates: { http_client_ca_certs: '/ems/etc/many.pem' } })), '"/ems/etc/many.pem"');
    assert.match(hover, /DNS:host-0\.example\.com.* and 19992 more/);
  });

  /** The fixture's bytes with the INTEGER at `at` (indexes from the outer SEQUENCE down) set to `value`. */
  function withInteger(der: Uint8Array, at: readonly number[], value: number): Uint8Array {
    const root = forge.asn1.fromDer(Buffer.from(der).toString('binary'));
    let node = root;
    for (const i of at) node = (node.value as forge.asn1.Asn1[])[i]!;
    assert.equal(node.type, forge.asn1.Type.INTEGER);
    node.value = forge.asn1.integerToDer(value).getBytes();
    return Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary');
  }
  const pemBody = (name: string) => Buffer.from(readFileSync(path.join(PKI_DIR, name), 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const keyConfig = (key: string, passphrase?: string) => config({ certificates: { client_cert: '/pki/server.pem', key_file: key, ...(passphrase ? { key_passphrase: passphrase } : {}) } });

  for (const [what, at, value] of [['PBKDF2 iterations 2^31 − 1', [0, 1, 0, 1, 1], 2 ** 31 - 1], ['PBKDF2 iterations 1,000,001', [0, 1, 0, 1, 1], 1_000_001]] as const) {
    test(`an encrypted PKCS#8 key with ${what}: key-not-tried, at once, naming the figure`, async () => {
      const hostile = withInteger(pemBody('server-key-encrypted.pem'), at, value);
      const { check: checkInMemory } = memoryService({ files: { '/pki/server.pem': 'server.pem', '/pki/hostile.der': hostile } });
      const findings = (await checkInMemory(keyConfig('/pki/hostile.der', PASSPHRASE))).findings;
      const finding = findings.find((f) => f.code === 'key-not-tried');
      assert.ok(finding, JSON.stringify(findings.map((f) => f.code)));
      assert.match(finding.message, new RegExp(`PBKDF2 asks for ${value.toLocaleString('en-US')}.*bound is 1,000,000`));
      assert.ok(!findings.some((f) => f.code === 'key-passphrase-wrong'));
    });
  }

  test('the same key at its own 2,048 iterations, OpenSSL\'s default, is tried', async () => {
    const { check: checkInMemory } = memoryService({ files: { '/pki/server.pem': 'server.pem', '/pki/own.der': pemBody('server-key-encrypted.pem') } });
    const findings = (await checkInMemory(keyConfig('/pki/own.der', PASSPHRASE))).findings;
    assert.ok(!findings.some((f) => f.code === 'key-not-tried' || f.code === 'key-passphrase-wrong'), JSON.stringify(findings.map((f) => f.code)));
  });

  test('a PKCS#12 file whose MAC asks for 2^31 − 1 iterations: key-not-tried, even with no passphrase set', async () => {
    const p12 = readFileSync(path.join(PKI_DIR, 'server.p12'));
    const hostile = withInteger(p12, [2, 2], 2 ** 31 - 1);
    const { check: checkInMemory } = memoryService({ files: { '/pki/server.pem': 'server.pem', '/pki/hostile.p12': hostile } });
    const findings = (await checkInMemory(keyConfig('/pki/hostile.p12'))).findings;
    const finding = findings.find((f) => f.code === 'key-not-tried');
    assert.ok(finding, JSON.stringify(findings.map((f) => f.code)));
    assert.match(finding.message, /the PKCS#12 MAC asks for 2,147,483,647.*bound is 1,000,000/);
  });

  test('an identity chain longer than any real one is judged pair by pair but not put in order', () => {
    const chain = readFileSync(path.join(PKI_DIR, 'server-chain-reversed.pem'), 'utf8');
    const long = parsePki(Buffer.from(chain.repeat(MAX_CHAIN_TO_ORDER)));
    assert.equal(long.certificates.length, 2 * MAX_CHAIN_TO_ORDER);
    const [finding] = judge(long, 'identity-chain', { label: 'long.pem', now: NOW, expiryWarningDays: 30 }).filter((f) => f.code === 'chain-order');
    assert.match(finding!.message, /holds 20 certificates, more than any real chain.*no order is worked out/);
    const short = judge(parsePki(Buffer.from(chain)), 'identity-chain', { label: 'short.pem', now: NOW, expiryWarningDays: 30 }).find((f) => f.code === 'chain-order');
    assert.match(short!.message, /would be right/);
  });

  for (const [what, block] of [['unterminated', '-----BEGIN CERTIFICATE-----\n'], ['tiny', '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n']] as const) {
    test(`1 MB of ${what} PEM blocks: the first ${MAX_PEM_BLOCKS} read, ${MAX_BLOCK_FINDINGS} findings and one that counts the rest`, () => {
      const text = block.repeat(Math.floor(1_000_000 / block.length));
      const parsed = parsePki(Buffer.from(text));
      assert.equal(parsed.problems.length, MAX_PEM_BLOCKS + 1);
      assert.equal(parsed.problems[1]!.line, 1 + block.split('\n').length - 1, 'lines counted as the scan moves on');
      const findings = judge(parsed, 'ca-list', { label: 'junk.pem', now: NOW, expiryWarningDays: 30 });
      assert.equal(findings.length, MAX_BLOCK_FINDINGS + 1);
      assert.match(findings.at(-1)!.message, new RegExp(`and ${(MAX_PEM_BLOCKS + 1 - MAX_BLOCK_FINDINGS).toLocaleString('en-US')} more PEM blocks`));
      assert.match(parsed.problems.at(-1)!.reason, /more than 2,000 PEM blocks/);
    });
  }

  test('many missing files in one folder: the folder is listed once, the first ones get "similar files", the rest the plain finding', async () => {
    const memory = memoryService({ files: { '/certs/ca-list.pem': 'ca-list.pem' } });
    let listings = 0;
    const list = memory.fs.readDirectory.bind(memory.fs);
    memory.fs.readDirectory = (folder) => { listings++; return list(folder); };
    const chain = Array.from({ length: MAX_SIMILAR_SEARCHES + 10 }, (_, i) => `/certs/ca-lst${i}.pem`);
    const findings = (await memory.check(config({ certificates: { cert_chain: chain } }))).findings.filter((f) => f.code === 'file-not-found');
    assert.equal(findings.length, chain.length);
    assert.equal(listings, 1);
    assert.equal(findings.filter((f) => f.message.includes('Similar files there: ca-list.pem')).length, MAX_SIMILAR_SEARCHES);
  });

  test('hovers and the report carry no bidirectional override from the document or a file', async () => {
    const memory = memoryService({ files: { '/ems/etc/ca\u202egpj.pem': 'ca-list.pem' } });
    const result = await memory.check(config({ certificates: { cert_chain: ['/ems/etc/ca\u202egpj.pem'] } }));
    const hover = hoverOn(result, '"/ems/etc/ca');
    assert.match(hover, /cagpj\.pem/);
    assert.doesNotMatch(hover + memory.service.report(result, 'etc/config.json'), /[\u202a-\u202e\u2066-\u2069]/);
  });

  test('win32: UNC, WebDAV and device paths, and a home on another machine, are never stat-ed, read or listed', async () => {
    const touched: string[] = [];
    const port: FileSystemPort = {
      platform: 'win32',
      stat: async (p) => { touched.push(p); throw new FsError('not-found', 'no such file'); },
      readFile: async (p) => { touched.push(p); throw new FsError('not-found', 'no such file'); },
      readDirectory: async (p) => { touched.push(p); return []; },
      realpath: async (p) => { touched.push(p); return p; },
    };
    const service = createEmsService({ fs: port, now: () => NOW });
    const remote = ['\\\\evil\\share\\ca.pem', '//evil/share/ca.pem', '\\\\?\\UNC\\evil\\share\\ca.pem', '\\\\.\\pipe\\ca', '\\\\evil@SSL\\DavWWWRoot\\ca.pem'];
    const result = await service.check({ text: config({ certificates: { cert_chain: remote } }), settings: SETTINGS });
    assert.deepEqual(touched, []);
    assert.equal(result.findings.filter((f) => f.code === 'path-not-checkable' && /another machine/.test(f.message)).length, remote.length);

    const viaHome = await service.check({ text: config({ certificates: { cert_chain: 'certs\\ca.pem' } }), settings: { ...SETTINGS, homeDirectory: '\\\\evil\\share' } });
    assert.deepEqual(touched, []);
    assert.ok(viaHome.findings.some((f) => f.code === 'path-not-checkable' && f.message.startsWith('\\\\evil\\share\\certs\\ca.pem is on another machine')));

    // A local drive is looked at as before.
    await service.check({ text: config({ certificates: { cert_chain: 'C:\\certs\\ca.pem' } }), settings: SETTINGS });
    assert.deepEqual(touched.slice(0, 1), ['C:\\certs\\ca.pem']);
  });

  test('key-derivation parameters: a structure nested past 64 levels is refused without recursing through it; padded integers read by value', () => {
    let deep = Buffer.from([0x05, 0x00]); // NULL, inside 200 SEQUENCEs
    for (let i = 0; i < 200; i++) deep = Buffer.concat([Buffer.from([0x30, 0x82, deep.length >> 8, deep.length & 0xff]), deep]);
    assert.match(kdfRefusal(deep, false)?.what ?? '', /nesting depth/);
    // 2,048 iterations written with leading zero bytes (not minimal DER, still 2,048) is no refusal.
    const own = pemBody('server-key-encrypted.pem');
    const root = forge.asn1.fromDer(own.toString('binary'));
    const params = ((((root.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[1]!;
    (params.value as forge.asn1.Asn1[])[1]!.value = '\u0000'.repeat(8) + '\u0008\u0000';
    assert.equal(kdfRefusal(Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary'), false), undefined);
  });

  test('key-derivation parameters behind a trailing byte are still read: OpenSSL decodes the key and ignores it', () => {
    // Found by npm run fuzz: a strict parse failed, so no bound applied, and OpenSSL derived 2^31 - 1 iterations.
    const huge = readFileSync(path.join(PKI_DIR, 'server-key-encrypted-huge-kdf.der'));
    assert.equal(kdfRefusal(Buffer.concat([huge, Buffer.from([0])]), false)?.asked, 2 ** 31 - 1);
  });
});

describe('findings per document', () => {
  test('at most 1,000: the first 999, then one that counts the rest', async () => {
    const text = config(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`unknown_${i}`, i])));
    const findings = await check(text);
    assert.equal(findings.length, 1000);
    assert.equal(findings.filter((f) => f.code === 'unknown-property').length, 999);
    assert.equal(findings.at(-1)?.code, 'findings-capped');
    assert.match(findings.at(-1)!.message, /…and 4,001 more findings/);
  });
});
