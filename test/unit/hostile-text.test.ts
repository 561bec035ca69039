// Any text yields findings, never an exception or a hang: binary, huge, deeply nested, not UTF-8, not EMS.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeConfig } from '../../server/src/service/document/decode';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { check, config, SETTINGS } from '../helpers/service';

describe('hostile text', () => {
  test('random binary gives syntax findings, bounded in number', async () => {
    let seed = 42;
    const bytes = Buffer.from(Array.from({ length: 64 * 1024 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16 & 0xff));
    const findings = await check(bytes.toString('latin1'));
    assert.ok(findings.length > 0 && findings.length <= 102, `${findings.length} findings`);
    assert.ok(findings.every((f) => f.code === 'json-syntax' || f.code === 'json-comment' || f.code === 'json-trailing-comma' || f.code.includes('escape') || f.code === 'top-level-not-object'));
  });

  test('a 10 MB config is checked', async () => {
    const entries = Array.from({ length: 70000 }, (_, i) => ({ name: `Thing${i}`, host: '127.0.0.1', port: 8001, path: '/', protocol: 'http', gateway: false }));
    const text = config({ auto_bind: entries });
    assert.ok(text.length > 10_000_000, `${text.length} chars`);
    assert.deepEqual(await check(text), []);
  });

  test('10,000 levels of nesting: one finding, no stack overflow', async () => {
    const text = '['.repeat(10_000) + ']'.repeat(10_000);
    const findings = await check(text);
    assert.deepEqual(findings.map((f) => f.code), ['json-syntax']);
    assert.match(findings[0]!.message, /Nested deeper than 1000 levels/);
  });

  test('nesting the EMS accepts is still parsed', async () => {
    const deep = '{"a":'.repeat(900) + '1' + '}'.repeat(900);
    const findings = await check(config({ file: { virtual_dirs: [] } }).replace('"virtual_dirs": []', `"virtual_dirs": [${deep}]`));
    assert.ok(!findings.some((f) => f.code === 'json-syntax'));
  });

  test('bytes that are not UTF-8 are reported where they stand', async () => {
    const bytes = Buffer.concat([Buffer.from(config().slice(0, -2)), Buffer.from(', "resource": "/Thing'), Buffer.from([0xff, 0xfe]), Buffer.from('worx"\n}')]);
    const { text, invalidUtf8At } = decodeConfig(bytes);
    assert.ok(invalidUtf8At !== undefined);
    const result = await createEmsService({ fs: nodeFileSystem, now: () => new Date(0) }).check({ text, invalidUtf8At, settings: SETTINGS });
    const finding = result.findings.find((f) => f.code === 'json-syntax');
    assert.match(finding?.message ?? '', /not valid UTF-8/);
    assert.equal(finding?.range.start.line, text.slice(0, invalidUtf8At).split('\n').length - 1);
  });

  test('a byte-order mark is an error the EMS would hit, and the rest is still checked', async () => {
    const findings = await check('\uFEFF' + config({ certificates: { validate: false } }));
    assert.deepEqual(findings.map((f) => f.code), ['json-syntax', 'validation-disabled']);
  });

  test('JSON that is not an EMS config: one hint, not a wall of missing-required', async () => {
    const findings = await check(JSON.stringify({ compilerOptions: { strict: true }, include: ['src'] }));
    assert.deepEqual(findings.map((f) => `${f.severity} ${f.code}`), ['hint not-an-ems-config']);
  });

  test('empty and blank documents', async () => {
    assert.deepEqual((await check('')).map((f) => f.code), ['json-syntax']);
    assert.match((await check('  \n '))[0]!.message, /empty/);
  });

  test('every range lies inside the document', async () => {
    const text = '{ "ws_servers": [ { "host": "x", "port": "443" } ], "appkey": 5, "certificates": { "cert_chain": [ "C:\\x" , ], } ';
    const lineCount = text.split('\n').length;
    for (const f of await check(text)) {
      assert.ok(f.range.start.line < lineCount && f.range.end.line < lineCount, JSON.stringify(f));
      assert.ok(f.range.end.character <= text.length);
    }
  });
});
