// The built `ems-config` command, run as a CI pipeline would: formats, exit codes, folder search.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { NOW, PKI_DIR } from '../helpers/pki';
import { fakeWsems } from '../helpers/emsBinary';
import { CLI } from '../helpers/repo';
import { config } from '../helpers/service';

const work = mkdtempSync(path.join(tmpdir(), 'ems-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An EMS home: <home>/etc/config.json. */
function home(name: string, text: string): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'etc'), { recursive: true });
  writeFileSync(path.join(dir, 'etc', 'config.json'), text);
  return dir;
}

const clean = home('clean', config());
const insecure = home('insecure', config({ certificates: { validate: false } }));
const broken = home('broken', '{ "ws_servers": [], // comment\n "appKey": "x", }');

describe('ems-config check', () => {
  test('text: compiler-style lines and a summary; exit 0 without errors', () => {
    const { code, stdout } = run('check', path.join(insecure, 'etc', 'config.json'));
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, new RegExp(`^${path.join(insecure, 'etc', 'config.json').replace(/[.]/g, '\\.')}:\\d+:\\d+ warning validation-disabled `));
    assert.equal(lines.at(-1), '1 file checked: 0 errors, 1 warning, 0 information, 0 hints');
    assert.ok(!stdout.includes('\x1b['), 'no colour when not on a terminal');
  });

  test('exit 1 when a finding is an error', () => {
    const { code, stdout } = run('check', path.join(broken, 'etc', 'config.json'));
    assert.equal(code, 1);
    assert.match(stdout, /error json-comment/);
    assert.match(stdout, /error json-trailing-comma/);
  });

  test('--severity turns an error off, and the exit status follows', () => {
    const result = run('check', '--severity', 'json-comment=off', '--severity', 'json-trailing-comma=warning', '--severity', 'invalid-value=off', path.join(broken, 'etc', 'config.json'));
    assert.doesNotMatch(result.stdout, /json-comment/);
    assert.match(result.stdout, /warning json-trailing-comma/);
    assert.equal(result.code, 0, result.stdout);
  });

  test('--format json: the contract shape with pointers and 0-based ranges', () => {
    const { code, stdout } = run('check', '--format', 'json', path.join(insecure, 'etc', 'config.json'));
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.version, 1);
    assert.deepEqual(report.summary, { files: 1, errors: 0, warnings: 1, information: 0, hints: 0 });
    assert.equal(report.files[0].path, path.join(insecure, 'etc', 'config.json'));
    assert.equal(report.files[0].home, insecure);
    const [d] = report.files[0].diagnostics;
    assert.deepEqual(Object.keys(d), ['code', 'severity', 'message', 'pointer', 'range']);
    assert.equal(d.pointer, '/certificates/validate');
    const line = config({ certificates: { validate: false } }).split('\n').findIndex((l) => l.includes('"validate"'));
    assert.equal(d.range.start.line, line);
  });

  test('--format sarif: SARIF 2.1.0, one rule per code, results with 1-based regions', () => {
    const { stdout } = run('check', '--format', 'sarif', path.join(insecure, 'etc', 'config.json'));
    const sarif = JSON.parse(stdout);
    assert.equal(sarif.version, '2.1.0');
    const { rules } = sarif.runs[0].tool.driver;
    assert.equal(new Set(rules.map((r: { id: string }) => r.id)).size, rules.length);
    assert.ok(rules.some((r: { id: string }) => r.id === 'key-mismatch'));
    const [result] = sarif.runs[0].results;
    assert.equal(result.ruleId, 'validation-disabled');
    assert.equal(rules[result.ruleIndex].id, 'validation-disabled');
    assert.equal(result.level, 'warning');
    assert.match(result.locations[0].physicalLocation.artifactLocation.uri, /^file:\/\/.*\/insecure\/etc\/config\.json$/);
    assert.ok(result.locations[0].physicalLocation.region.startLine >= 1);
  });

  test('a folder is searched for **/etc/config.json', () => {
    const { code, stdout } = run('check', '--format', 'json', work);
    const paths = JSON.parse(stdout).files.map((f: { path: string }) => path.relative(work, f.path));
    assert.deepEqual(paths, ['broken/etc/config.json', 'clean/etc/config.json', 'insecure/etc/config.json']);
    assert.equal(code, 1);
  });

  test('a fleet is shared among processes (--jobs), reported in path order, every config counted', () => {
    const fleet = path.join(work, 'fleet');
    for (let i = 0; i < 200; i++) {
      const dir = path.join(fleet, `dev-${String(i).padStart(3, '0')}`, 'etc');
      mkdirSync(dir, { recursive: true });
      const certificates = { cert_chain: path.join(PKI_DIR, 'ca-list.pem'), ...(i % 3 ? {} : { validate: false }) };
      writeFileSync(path.join(dir, 'config.json'), config({ certificates }));
    }
    const alone = run('check', '--format', 'json', '--now', NOW.toISOString(), '--jobs', '1', fleet);
    const shared = run('check', '--format', 'json', '--now', NOW.toISOString(), '--jobs', '3', fleet);
    assert.equal(shared.code, 0);
    assert.equal(shared.stdout, alone.stdout);
    assert.equal(shared.stderr, '');
    const report = JSON.parse(shared.stdout);
    assert.deepEqual(report.summary, { files: 200, errors: 0, warnings: 67, information: 67, hints: 0 });
    const names = report.files.map((f: { path: string }) => path.relative(fleet, f.path));
    assert.deepEqual(names, [...names].sort());
    report.files.forEach((f: { diagnostics: unknown[] }, i: number) => assert.equal(f.diagnostics.length, i % 3 ? 0 : 2, names[i]));
  });

  test('--ems-version changes the version findings', () => {
    const legacy = home('legacy', config({ http_server: { use_default_certificate: false, ssl: false } }));
    const file = path.join(legacy, 'etc', 'config.json');
    assert.doesNotMatch(run('check', '--ems-version', '5.4.4', file).stdout, /removed-property/);
    assert.match(run('check', '--ems-version', '5.4.5', file).stdout, /removed-property/);
  });

  test('--now and --expiry-warning-days judge certificates at the given instant', () => {
    const dated = home('dated', config({ http_server: { ssl: true, authenticate: false, certificate: path.join(PKI_DIR, 'expiring-soon.pem') } }));
    const file = path.join(dated, 'etc', 'config.json');
    assert.match(run('check', '--now', '2026-06-01T00:00:00Z', file).stdout, /warning cert-expiring-soon .*2026-06-15 \(in 14 days\)/);
    assert.doesNotMatch(run('check', '--now', '2026-06-01T00:00:00Z', '--expiry-warning-days', '10', file).stdout, /cert-expiring-soon/);
    const expired = run('check', '--now', '2026-07-01T00:00:00Z', file);
    assert.match(expired.stdout, /error cert-expired /);
    assert.equal(expired.code, 1);
  });

  test('a path that cannot be read: exit 2, the others still reported', () => {
    const { code, stdout, stderr } = run('check', path.join(work, 'missing.json'), path.join(clean, 'etc', 'config.json'));
    assert.equal(code, 2);
    assert.match(stderr, /missing\.json: no such file or folder/);
    assert.match(stdout, /1 file checked/);
  });

  test('paths that cannot be read as a config: exit 2 with the reason', () => {
    const loop = path.join(work, 'loop.json');
    symlinkSync(loop, loop);
    const fifo = path.join(work, 'fifo.json');
    spawnSync('mkfifo', [fifo]);
    const { code, stderr } = run('check', loop, fifo, path.join(work, 'missing.json', 'config.json'));
    assert.equal(code, 2);
    assert.match(stderr, /loop\.json: symbolic link loop/);
    assert.match(stderr, /fifo\.json: not a regular file/);
    assert.match(stderr, /missing\.json\/config\.json: no such file or folder/);
  });

  test('a folder without any etc/config.json: exit 2', () => {
    const empty = path.join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    const { code, stderr } = run('check', empty);
    assert.equal(code, 2);
    assert.match(stderr, /no etc\/config\.json/);
  });

  test('bad usage: exit 2 with a reason', () => {
    for (const args of [['check'], ['lint', 'x'], ['check', '--format', 'xml', 'x'], ['check', '--severity', 'nope=off', 'x'], ['check', '--ems-version', 'latest', 'x'], ['check', '--now', 'yesterday', 'x'], ['check', '--frobnicate', 'x'], ['check', '--jobs', '0', 'x'], ['check', '--jobs', 'all', 'x']]) {
      const { code, stderr } = run(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /^ems-config: /, args.join(' '));
    }
  });

  test('--help documents every flag', () => {
    const { code, stdout } = run('--help');
    assert.equal(code, 0);
    for (const flag of ['--home', '--ems-version', '--now', '--expiry-warning-days', '--severity', '--format', '--jobs']) assert.ok(stdout.includes(flag), flag);
  });

  describe('the target release, said in every format', () => {
    // PTC's config.json.minimal of 5.4.0: use_default_certificate is gone from 5.4.5 (removed-property).
    const minimal = config({ http_server: { use_default_certificate: true, ssl: true, authenticate: false } });
    // Apart from `work`, whose folder search another test counts.
    const homes = mkdtempSync(path.join(tmpdir(), 'ems-cli-target-'));
    after(() => rmSync(homes, { recursive: true, force: true }));
    const homeIn = (name: string) => {
      mkdirSync(path.join(homes, name, 'etc'), { recursive: true });
      writeFileSync(path.join(homes, name, 'etc', 'config.json'), minimal);
      return path.join(homes, name);
    };
    const withBinary = homeIn('with-wsems');
    writeFileSync(path.join(withBinary, 'wsems'), fakeWsems({ build: '5.4.0.114' }));
    const withoutBinary = homeIn('without-wsems');
    const file = (dir: string) => path.join(dir, 'etc', 'config.json');
    const json = (...args: string[]) => JSON.parse(run('check', '--format', 'json', ...args).stdout) as { files: { path: string; target: unknown }[] };

    test('the wsems in the home: its release is used and said', () => {
      const { stdout } = run('check', file(withBinary));
      assert.doesNotMatch(stdout, /removed-property/, 'use_default_certificate is still read by 5.4.0');
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines.at(-2), `Checked as EMS 5.4.0, read from ${path.join(withBinary, 'wsems')} (version 5.4.0.114)`);
      assert.deepEqual(json(file(withBinary)).files[0]!.target, { release: '5.4.0', source: 'binary', binary: path.join(withBinary, 'wsems'), build: '5.4.0.114' });
    });

    test('--ems-version overrides the binary', () => {
      const { stdout } = run('check', '--ems-version', '5.5.0', file(withBinary));
      assert.match(stdout, /warning removed-property/);
      assert.equal(stdout.trimEnd().split('\n').at(-2), 'Checked as EMS 5.5.0, chosen with --ems-version');
      assert.deepEqual(json('--ems-version', '5.5.0', file(withBinary)).files[0]!.target, { release: '5.5.0', source: 'flag' });
    });

    test('no binary: the default, said as the default', () => {
      const { stdout } = run('check', file(withoutBinary));
      assert.match(stdout, /warning removed-property/);
      assert.match(stdout.trimEnd().split('\n').at(-2)!, /^Checked as EMS 5\.5\.0, the default, the newest known release: no wsems binary in the EMS home says which \(--ems-version chooses\)$/);
      assert.deepEqual(json(file(withoutBinary)).files[0]!.target, { release: '5.5.0', source: 'default' });
    });

    test('several files: one clause per release and source, with its count', () => {
      const { stdout } = run('check', file(withBinary), file(withoutBinary));
      assert.match(stdout, /^Checked as EMS 5\.4\.0 \(1 file\), read from .*wsems \(version 5\.4\.0\.114\); as EMS 5\.5\.0 \(1 file\), the default/m);
    });
  });

  test('text output is terminal-safe: controls and bidi overrides from the file are written out, never sent', () => {
    // A key that would clear the screen and print a fake summary, one that writes the clipboard (OSC 52), one reversed.
    const hostile = home('hostile', config({ '\u001b[2J\u001b[1;1H1 file checked: 0 errors': 1, '\u001b]52;c;ZXZpbA==\u0007': 2, 'a\u202ekey': 3 }));
    const { stdout } = run('check', path.join(hostile, 'etc', 'config.json'));
    assert.doesNotMatch(stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no control or bidi character reaches the terminal');
    assert.match(stdout, /\\u\{1b\}\[2J/);
    assert.match(stdout, /\\u\{202e\}/);
    // No forged line: findings of this file, then the target release and the one real summary.
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines.slice(0, -2)) assert.ok(line.startsWith(`${path.join(hostile, 'etc', 'config.json')}:`), line);
    assert.match(lines.at(-2)!, /^Checked as EMS /);
    assert.match(lines.at(-1)!, /^1 file checked: /);
    assert.equal(lines.filter((line) => line.includes('file checked')).length, 2, 'the key (written out) and the summary');
  });
});
