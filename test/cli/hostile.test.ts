// The hostile corpus (scripts/hostile.mjs) through the built CLI, as a user would run it. Every input once
// made the checker hang for minutes (2^31 key-derivation iterations, a 1,000-certificate chain ordered by
// trying every pair, 1 MB of PEM blocks, 5,000 "similar files" searches, quadratic edits on 40,000 keys…)
// or probes a bound beside those. Each must be answered within LIMIT_MS, exit 0 or 1 (never 2+, no stack
// trace), and say what a user should see. Generated once per run into a temp folder; no key is committed.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, test } from 'node:test';
import { MAX_BLOCK_FINDINGS } from '../../server/src/pki/judge';
import { MAX_SIMILAR_SEARCHES } from '../../server/src/service/checks/inputs';
import { MAX_DEPTH } from '../../server/src/service/document/model';
import { CLI, REPO_ROOT } from '../helpers/repo';

/** Per input. The old times were minutes to hours; the slowest input takes under a second here (2 cores). */
const LIMIT_MS = 10_000;
/** The corpus's certificates run 2026-01-01..2036-01-01 (CORPUS_NOW in scripts/hostile.mjs). */
const NOW = '2026-06-01T00:00:00Z';

interface Diagnostic { code: string; severity: string; message: string; pointer: string }
interface Report { files: { path: string; diagnostics: Diagnostic[] }[]; summary: { files: number; errors: number } }
interface Manifest { now: string; inputs: { name: string; config: string; probes: string }[] }

const work = mkdtempSync(path.join(tmpdir(), 'ems-hostile-'));
after(() => rmSync(work, { recursive: true, force: true }));
const generated = performance.now();
execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'hostile.mjs'), work], { stdio: 'ignore' });
const generationMs = performance.now() - generated;
const manifest = JSON.parse(readFileSync(path.join(work, 'manifest.json'), 'utf8')) as Manifest;

function run(args: string[], limitMs = LIMIT_MS) {
  const started = performance.now();
  // The 100,000 duplicate keys make a 46 MB report; SIGKILL, so a hang cannot outlive the bound.
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--now', NOW, ...args], {
    encoding: 'utf8', timeout: limitMs, killSignal: 'SIGKILL', maxBuffer: 512 * 2 ** 20, env: { ...process.env, NO_COLOR: '' },
  });
  return { ms: performance.now() - started, ...result };
}

const codes = (ds: Diagnostic[]) => ds.filter((d) => d.code !== 'relative-path').map((d) => d.code);
const only = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);
const count = (ds: Diagnostic[]) => {
  const counts: Record<string, number> = {};
  for (const d of ds) counts[d.code] = (counts[d.code] ?? 0) + 1;
  return counts;
};

/**
 * All the findings, or, when the service caps a document's findings (findings-capped, last), the ones shown
 * and the number it says it left out: either way, how many there were.
 */
function tally(ds: Diagnostic[]): { shown: Diagnostic[]; total: number } {
  const capped = ds.filter((d) => d.code === 'findings-capped');
  assert.ok(capped.length <= 1, `${capped.length} findings-capped`);
  const shown = ds.filter((d) => d.code !== 'findings-capped');
  if (!capped.length) return { shown, total: shown.length };
  assert.equal(ds.at(-1), capped[0], 'findings-capped comes last');
  const more = /…and ([\d,]+) more findings/.exec(capped[0]!.message);
  assert.ok(more, capped[0]!.message);
  assert.ok(shown.length < 2000, `${shown.length} findings shown`);
  return { shown, total: shown.length + Number(more[1]!.replace(/,/g, '')) };
}

/** `total` findings in all (shown or counted), every one shown of these codes. */
const many = (total: number, ...allowed: string[]) => (ds: Diagnostic[]) => {
  const t = tally(ds);
  assert.equal(t.total, total);
  assert.deepEqual(Object.keys(count(t.shown)).filter((c) => !allowed.includes(c)), []);
  return t.shown;
};

/** The key was looked at, not unlocked: one key-not-tried naming the figure, and no verdict on the passphrase. */
const keyNotTried = (figure: RegExp) => (ds: Diagnostic[]) => {
  const [finding, ...more] = only(ds, 'key-not-tried');
  assert.ok(finding && !more.length, JSON.stringify(count(ds)));
  assert.equal(finding.pointer, '/certificates/key_file');
  assert.match(finding.message, figure);
  assert.deepEqual(codes(ds), ['key-not-tried']);
};

/** A CA list of 1 MB of blocks that cannot be read: MAX_BLOCK_FINDINGS of them listed, and one that counts the rest. */
const unreadableBlocks = (ds: Diagnostic[]) => {
  const blocks = only(ds, 'unrecognized-content');
  assert.equal(blocks.length, MAX_BLOCK_FINDINGS + 1);
  assert.match(blocks.at(-1)!.message, /… and [\d,]+ more PEM blocks that cannot be read/);
  assert.deepEqual(new Set(codes(ds)), new Set(['unrecognized-content']));
};

const tooDeep = (ds: Diagnostic[]) => {
  assert.deepEqual(codes(ds), ['json-syntax']);
  assert.match(ds[0]!.message, new RegExp(`^Nested deeper than ${MAX_DEPTH} levels`));
};

/** What a user should see for each input, by name; the exit status follows from the findings' severities. */
const EXPECTED: Record<string, { exit: 0 | 1; check: (ds: Diagnostic[]) => void }> = {
  'pkcs8-pbkdf2-iterations': { exit: 0, check: keyNotTried(/PBKDF2 asks for 2,147,483,647.*bound is 1,000,000/) },
  'pkcs8-scrypt-p': { exit: 0, check: keyNotTried(/scrypt \(N·r·p\) asks for 536,870,912.*bound is 1,048,576/) },
  // Found by `npm run fuzz` (a fixture key with a byte inserted): the bound reads the DER strictly, OpenSSL does not.
  'pkcs8-pbkdf2-trailing-byte': { exit: 0, check: keyNotTried(/PBKDF2 asks for 2,147,483,647/) },
  'pkcs8-scrypt-trailing-byte': { exit: 0, check: keyNotTried(/scrypt \(N·r·p\) asks for 536,870,912/) },
  'pkcs8-scrypt-n': { exit: 0, check: keyNotTried(/scrypt \(N·r·p\) asks for 8,388,608/) },
  'pkcs12-mac-iterations': { exit: 0, check: keyNotTried(/the PKCS#12 MAC asks for 2,147,483,647.*bound is 1,000,000/) },
  'pkcs12-bag-iterations': { exit: 0, check: keyNotTried(/PBKDF2 asks for 2,147,483,647.*bound is 1,000,000/) },
  // Read, judged and matched with its key: nothing to say about 60,000 names.
  'san-60000': { exit: 0, check: (ds) => assert.deepEqual(codes(ds), []) },
  'chain-1000': {
    exit: 1,
    check: (ds) => {
      assert.deepEqual(codes(ds), ['chain-order']);
      assert.match(ds.find((d) => d.code === 'chain-order')!.message, /is not signed by certificate 2.*holds 1,?000 certificates, more than any real chain.*no order is worked out/);
    },
  },
  // 2,000 valid CAs, every one read (the PEM block bound is 2,000): no finding.
  'ca-list-2000': { exit: 0, check: (ds) => assert.deepEqual(codes(ds), []) },
  'pem-tiny-1mb': { exit: 1, check: unreadableBlocks },
  'pem-unterminated-1mb': { exit: 1, check: unreadableBlocks },
  'unknown-keys-10000': { exit: 0, check: many(10_000, 'unknown-property') },
  'unknown-keys-40000': { exit: 0, check: many(40_000, 'unknown-property') },
  'missing-paths-5000': {
    exit: 1,
    check: (ds) => {
      // Each path: relative-path and file-not-found.
      const missing = only(many(10_000, 'relative-path', 'file-not-found')(ds), 'file-not-found');
      assert.ok(missing.length > MAX_SIMILAR_SEARCHES);
      // The folder is listed once; the first searches name similar files, the rest get the plain finding.
      assert.equal(missing.filter((d) => d.message.includes('Similar files there: ca-list.pem')).length, MAX_SIMILAR_SEARCHES);
    },
  },
  'nested-arrays-5000': { exit: 1, check: tooDeep },
  'nested-arrays-20000': { exit: 1, check: tooDeep },
  'nested-objects-20000': { exit: 1, check: tooDeep },
  // A clean config of 1 MiB on one line.
  'single-line-1mib': { exit: 0, check: (ds) => assert.deepEqual(codes(ds), []) },
  'duplicate-keys-100000': {
    exit: 0,
    check: (ds) => assert.ok(many(100_000, 'duplicate-key')(ds).every((d) => d.pointer === '/ws_servers/0/port')),
  },
  'long-key-1mb': { exit: 0, check: (ds) => assert.deepEqual(codes(ds), ['unknown-property']) },
  'long-path-1mb': { exit: 1, check: (ds) => assert.deepEqual(codes(ds), ['file-unreadable']) },
  'comments-100000': {
    exit: 1,
    check: (ds) => {
      // Syntax findings are capped (100 a file): not 100,000 of them.
      const comments = only(ds, 'json-comment').length;
      assert.ok(comments >= 1 && comments <= 101, `${comments} json-comment findings`);
      assert.deepEqual(new Set(codes(ds)), new Set(['json-comment']));
    },
  },
  'bad-escapes-100000': {
    exit: 1,
    check: (ds) => {
      const [escape, ...more] = only(ds, 'json-invalid-escape');
      assert.ok(escape && more.length <= 100, JSON.stringify(count(ds)));
      assert.ok(escape.message.length < 1000, `a message of ${escape.message.length} characters`);
    },
  },
};

describe('the hostile corpus through the CLI, each input in bounded time', () => {
  test('the corpus is generated in seconds, and every input has its expectation here', () => {
    assert.ok(generationMs < 20_000, `generated in ${generationMs.toFixed(0)} ms`);
    assert.equal(manifest.now, NOW);
    assert.deepEqual(manifest.inputs.map((i) => i.name).sort(), Object.keys(EXPECTED).sort());
  });

  for (const input of manifest.inputs) {
    test(`${input.name}: ${input.probes}`, () => {
      const config = path.join(work, input.config);
      const result = run([config]);
      assert.equal(result.error, undefined, `${input.name}: ${result.error?.message} after ${result.ms.toFixed(0)} ms (bound ${LIMIT_MS} ms)`);
      assert.ok(result.ms < LIMIT_MS, `${result.ms.toFixed(0)} ms`);
      assert.equal(result.stderr, '', 'nothing on stderr (no stack trace)');
      const expected = EXPECTED[input.name]!;
      assert.equal(result.status, expected.exit, `exit ${result.status} (signal ${result.signal})`);
      const report = JSON.parse(result.stdout) as Report;
      assert.equal(report.files.length, 1);
      assert.equal(report.files[0]!.path, config);
      expected.check(report.files[0]!.diagnostics);
    });
  }

  // One process (--jobs 1): a child of the pool busy in a derivation would outlive a SIGKILL of its parent.
  test('the whole corpus in one run (folder search, one process): every config reported, in bounded time', () => {
    const result = run(['--jobs', '1', work], 2 * LIMIT_MS);
    assert.equal(result.error, undefined, `${result.error?.message} after ${result.ms.toFixed(0)} ms`);
    assert.equal(result.stderr, '');
    assert.equal(result.status, 1);
    const report = JSON.parse(result.stdout) as Report;
    assert.deepEqual(report.files.map((f) => path.relative(work, f.path).split(path.sep).join('/')).sort(), manifest.inputs.map((i) => i.config).sort());
    assert.equal(report.summary.files, manifest.inputs.length);
  });
});
