// Property-based fuzzing of the service (issue #7): random JSON and text, random bytes, configs shaped by
// the schema, real configs mutated every way a person or a tool breaks them, and certificate and key files
// truncated, mutated or replaced by random bytes, read through an in-memory file system that also fails.
// Zero exceptions, and every result well-formed (test/fuzz/wellFormed.ts says what that means).
// A fixed seed here, so `npm test` is repeatable; `npm run fuzz` (test/fuzz/run.ts) runs far more with a
// random one. A failure prints fast-check's shrunk counterexample and the seed and path to replay it.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseTree } from 'jsonc-parser';
import { CONFIG_PATH, filesConfig, PKI_FILES, SEED_TEXTS } from '../fuzz/arbitraries';
import { MemoryFileSystem } from '../helpers/memoryFs';
import { checkCase, PROPERTIES, truncateEverywhere } from '../fuzz/properties';
import { assertWellFormed, lineLengths, pointerSegments, resolves } from '../fuzz/wellFormed';

const SEED = 20260601;
const TRUNCATED = ['01-minimal-5.4.0.json', '07-pitfalls.invalid.json'];

describe('fuzz: the service never throws and its results are well-formed', () => {
  for (const { name, runs, property } of PROPERTIES) {
    test(`${name} (${runs.toLocaleString('en-US')} cases)`, { timeout: 120_000 }, async () => {
      await fc.assert(property, { numRuns: runs, seed: SEED, includeErrorInReport: true, plugins: [fc.timeout(20_000)] });
    });
  }

  test('the smaller seed configs cut at every byte', { timeout: 120_000 }, async () => {
    const cases = await truncateEverywhere(TRUNCATED);
    assert.ok(cases > 1000, `${cases} cases`);
  });

  test('at least 10,000 cases in all', () => {
    const sizes = SEED_TEXTS.filter((s) => TRUNCATED.includes(s.name)).map((s) => Buffer.byteLength(s.text) + 1);
    const total = PROPERTIES.reduce((sum, p) => sum + p.runs, 0) + sizes.reduce((a, b) => a + b, 0);
    assert.ok(total >= 10_000, `${total} cases`);
  });
});

describe('fuzz: the checker itself', () => {
  // The well-formedness rules must reject what they are meant to reject, or every property above passes
  // vacuously.
  test('line lengths count \\r\\n, \\r and \\n as one break each', () => {
    assert.deepEqual(lineLengths('ab\r\ncd\re\nf'), [2, 2, 1, 1]);
    assert.deepEqual(lineLengths(''), [0]);
  });

  test('pointers resolve with keys matched exactly, escapes undone, any of two equal keys', () => {
    const root = parseTree('{"a/b": {"~x": [1, {"k": 2}]}, "d": 1, "d": {"e": 3}, "cut"')!;
    const ok = (pointer: string) => resolves(root, pointerSegments(pointer)!);
    assert.ok(ok(''));
    assert.ok(ok('/a~1b/~0x/1/k'));
    assert.ok(ok('/d/e'), 'the second of two equal keys');
    assert.ok(ok('/cut'), 'a key cut short before its value');
    assert.ok(!ok('/A~1b'), 'case matters');
    assert.ok(!ok('/a~1b/~0x/01'), 'no leading zeros in an index');
    assert.ok(!ok('/a~1b/~0x/2'));
    assert.equal(pointerSegments('a'), undefined);
    assert.equal(pointerSegments('/~2'), undefined);
  });

  test('a malformed result is caught', async () => {
    const result = await checkCase({ text: '{"appkey": 1}' });
    const broken = (change: (f: (typeof result.findings)[number]) => void) => {
      const copy = { ...result, findings: structuredClone(result.findings) };
      change(copy.findings[0]!);
      return () => assertWellFormed('{"appkey": 1}', copy);
    };
    assert.throws(broken((f) => { f.range.end.character = 14; }), /past the end of its line/);
    assert.throws(broken((f) => { f.range.start.line = 1; }), /past the last line/);
    assert.throws(broken((f) => { f.range.start.character = 5; f.range.end.character = 4; }), /starts after it ends/);
    assert.throws(broken((f) => { (f as { code: string }).code = 'made-up'; }), /not in the catalogue/);
    assert.throws(broken((f) => { (f as { severity: string }).severity = 'fatal'; }), /severity/);
    assert.throws(broken((f) => { f.pointer = '/appKey'; }), /does not resolve/);
    assert.throws(broken((f) => { f.pointer = 'appkey'; }), /not an RFC 6901 pointer/);
    assert.throws(broken((f) => { f.data = { fixes: [{ title: 'x', edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 99 } }, newText: '' }] }] }; }), /fix 0 edit 0/);
    assert.doesNotThrow(broken(() => undefined));
  });

  test('the in-memory file system answers like the Node port', async () => {
    const fs = new MemoryFileSystem(new Map([['/a/b.pem', { kind: 'file', bytes: new Uint8Array([1, 2, 3]) }], ['/a/c', { kind: 'directory' }]]));
    assert.deepEqual(await fs.stat('/a/b.pem'), { kind: 'file', size: 3, mtimeMs: 0 });
    assert.deepEqual([...(await fs.readFile('/a/./b.pem', 10))], [1, 2, 3]);
    await assert.rejects(fs.readFile('/a/b.pem', 2), { kind: 'too-large' });
    await assert.rejects(fs.stat('/a/x.pem'), { kind: 'not-found' });
    await assert.rejects(fs.readFile('/a/c', 10), { kind: 'not-regular' });
    assert.deepEqual((await fs.readDirectory('/a')).sort(), ['b.pem', 'c']);
  });

  test('the file fuzz reaches the PKI fixtures and a real judgement', async () => {
    assert.ok(PKI_FILES.some((f) => f.name === 'server.p12') && PKI_FILES.some((f) => f.name === 'server.der'));
    const bytes = (name: string) => PKI_FILES.find((f) => f.name === name)!.bytes;
    const fs = new MemoryFileSystem(new Map([
      ['/ems/etc/certs/a.pem', { kind: 'file', bytes: bytes('ca-list.pem') }],
      ['/ems/etc/certs/b.pem', { kind: 'file', bytes: bytes('server-chain.pem') }],
      ['/ems/etc/certs/c.der', { kind: 'file', bytes: bytes('server-key.der') }],
      ['/ems/etc/certs/d.p12', { kind: 'file', bytes: bytes('server.p12') }],
      ['/ems/etc/certs/e.key', { kind: 'file', bytes: bytes('expired.pem') }],
    ]));
    const text = filesConfig({ caList: 'a.pem', caList2: 'e.key', clientCert: 'b.pem', keyFile: 'c.der', httpCert: 'd.p12', httpKey: 'd.p12', chainAsArray: true }, { key: undefined, http: 'test-passphrase' });
    const result = await checkCase({ text, fs, path: CONFIG_PATH });
    // expired.pem is an expired leaf in two CA lists; a PKCS#12 file is no PEM certificate for http_server; the
    // DER key opens and matches server-chain.pem (no finding).
    assert.deepEqual(result.findings.map((f) => `${f.code} ${f.pointer}`), [
      'cert-expired /certificates/cert_chain/1', 'not-a-ca /certificates/cert_chain/1',
      'cert-expired /certificates/http_client_ca_certs', 'not-a-ca /certificates/http_client_ca_certs',
      // alone in http_client_ca_certs, the expired leaf is no root to chain to (cert_chain has ca-list.pem's root).
      'ca-list-no-root /certificates/http_client_ca_certs',
      'wrong-content-kind /http_server/certificate',
    ]);
    assert.equal(result.files.find((f) => f.pointer === '/certificates/key_file')?.keyMatchesCertificate, true);
  });
});

describe('fuzz: failures found, reduced to their smallest input', () => {
  // Each was found by the properties above (or `npm run fuzz`) and fails until the server code is fixed.

  for (const [what, text] of [
    ['inconsistent-values at /ws_connection/max_frame_size', '{"WS_CONNECTION": {"max_frame_size": 1}}'],
    ['inconsistent-values at /file/idle_timeout', '{"File": {"idle_timeout": 1}}'],
    ['no-effect at /http_server/certificate', '{"HTTP_SERVER": {"ssl": false, "certificate": "/x.pem"}}'],
    ['no-effect at /ws_connection/encryption', '{"Ws_Connection": {"encryption": "none"}, "fips": {"enabled": true}}'],
  ]) {
    test(`a pointer spells a group as the document does, not as the schema does (relations.ts): ${what}`, async () => {
      await checkCase({ text: text! });
    });
  }

  test('a backslash before \\r\\n: no range ends between \\r and \\n (positionAt)', async () => {
    // '"\\\r\n"': json-syntax, json-invalid-escape and top-level-not-object end at line 0 character 3 of a
    // line 2 characters long.
    await checkCase({ text: '"\\\r\n"' });
  });

  test('a certificate whose notBefore is not a valid UTCTime does not make check() reject (judge.ts)', async () => {
    // intermediate-ca.pem with the first digit of its notBefore ("250101000000Z") changed to ':'. Node's
    // X509Certificate still reads it, forge's utcTimeToDate gives an Invalid Date, and validity() calls
    // toISOString on it: RangeError: Invalid time value.
    const pem = Buffer.from(PKI_FILES.find((f) => f.name === 'intermediate-ca.pem')!.bytes).toString('latin1');
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
    const at = der.indexOf(Buffer.from('250101000000Z', 'latin1'));
    assert.ok(at > 0, 'the fixture notBefore');
    der[at] = 0x3a;
    const broken = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
    const fs = new MemoryFileSystem(new Map([['/ems/etc/certs/ca.pem', { kind: 'file', bytes: new Uint8Array(Buffer.from(broken)) }]]));
    await checkCase({ text: JSON.stringify({ ws_servers: [{ host: 'h', port: 443 }], appKey: 'AES:wPUJ0SYov0r6yH+BDMbeMA==', certificates: { cert_chain: '/ems/etc/certs/ca.pem' } }), fs, path: CONFIG_PATH });
  });
});
