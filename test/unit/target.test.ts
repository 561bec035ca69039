// The target release: chosen by the user, else read from the EMS binary in the home (bounded, cached by
// stat), else the default, and said on every check result. Synthetic binaries only (helpers/emsBinary.ts).
import * as assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { blockingFileSystem, nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService, type FileSystemPort } from '../../server/src/service';
import { certificateReport } from '../../server/src/service/features/report';
import { documentStatus } from '../../server/src/service/features/status';
import { normalizeSettings } from '../../server/src/service/settings';
import { BinaryVersions, binaryCandidates, MAX_BINARY_BYTES } from '../../server/src/service/target/binary';
import { VersionScanner } from '../../server/src/service/target/scan';
import { DEFAULT_SETTINGS, type Settings } from '../../server/src/service/types';
import { BANNER, fakeWsems } from '../helpers/emsBinary';
import { NOW } from '../helpers/pki';
import { config, MEMORY_CONFIG, MEMORY_HOME, memoryService } from '../helpers/service';

/** PTC's config.json.minimal of 5.4.0: its use_default_certificate is gone from 5.4.5 (removed-property). */
const MINIMAL = config({ http_server: { use_default_certificate: true, ssl: true, authenticate: false } });
const UNSET: Partial<Settings> = { emsVersionSource: 'default' };
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

function scan(bytes: Uint8Array, chunk = bytes.length): string | undefined {
  const scanner = new VersionScanner();
  for (let at = 0; at < bytes.length; at += chunk) {
    const found = scanner.push(bytes.subarray(at, at + chunk));
    if (found) return found;
  }
  return scanner.end();
}

describe('target: the version in an EMS binary', () => {
  test('the build after the banner, as in 5.3.4 (1,300 bytes later) and 5.4.0 (right after)', () => {
    assert.equal(scan(fakeWsems({ build: '5.3.4.2383' })), '5.3.4.2383');
    assert.equal(scan(fakeWsems({ build: '5.4.0.114', gap: 0 })), '5.4.0.114');
  });

  test('found whatever the chunks: a banner or build split between two is still read', () => {
    const bytes = fakeWsems({ build: '5.4.0.114', before: 5_000, gap: 100 });
    for (const chunk of [1, 7, BANNER.length, BANNER.length + 1, 1000, 4096, 65536]) assert.equal(scan(bytes, chunk), '5.4.0.114', `chunks of ${chunk}`);
  });

  test('nothing without a banner, without a 4-part build, or with the build too far from the banner', () => {
    assert.equal(scan(fakeWsems({ build: '5.4.0.114', banner: false })), undefined, 'a build alone');
    assert.equal(scan(fakeWsems({})), undefined, 'a banner alone');
    assert.equal(scan(fakeWsems({ build: '5.4.0' })), undefined, 'three parts');
    assert.equal(scan(fakeWsems({ build: '5.4.0.114.7' })), undefined, 'five parts');
    assert.equal(scan(fakeWsems({ build: 'v5.4.0.114' })), undefined, 'not NUL-delimited');
    assert.equal(scan(fakeWsems({ build: '5.4.0.114', gap: 10_000 })), undefined, 'too far');
    assert.equal(scan(Buffer.from(`${BANNER}\0`)), undefined, 'the banner at the very end');
  });

  test('a second banner with its build counts when the first has none', () => {
    const bytes = Buffer.concat([fakeWsems({ gap: 5_000, after: 0 }), fakeWsems({ build: '5.4.8.1', seed: 2 })]);
    assert.equal(scan(bytes, 4096), '5.4.8.1');
  });
});

describe('target: where the release comes from', () => {
  test('a chosen release is kept, and no binary is looked at', async () => {
    const memory = memoryService({ files: { [`${MEMORY_HOME}/wsems`]: fakeWsems({ build: '5.4.0.114' }) } });
    const result = await memory.check(MINIMAL, { emsVersion: '5.5.0' });
    assert.deepEqual(result.target, { release: '5.5.0', source: 'setting' });
    assert.ok(codes(result.findings).includes('removed-property'));
    assert.ok(!memory.fs.reads.some((file) => file.includes('wsems')), memory.fs.reads.join('\n'));
    assert.ok(!result.dependencies.files.some((file) => file.includes('wsems')));
  });

  test('unset: the release of the wsems in the home, so PTC\'s 5.4.0 minimal config is read as 5.4.0', async () => {
    const memory = memoryService({ files: { [`${MEMORY_HOME}/wsems`]: fakeWsems({ build: '5.4.0.114' }) } });
    const result = await memory.check(MINIMAL, UNSET);
    assert.deepEqual(result.target, { release: '5.4.0', source: 'binary', binary: `${MEMORY_HOME}/wsems`, build: '5.4.0.114' });
    assert.ok(!codes(result.findings).includes('removed-property'), codes(result.findings).join());
    assert.ok(result.dependencies.files.includes(`${MEMORY_HOME}/wsems`), 'the binary is watched');
  });

  test('wsems.exe too; without either, the default, and both paths are watched for one to appear', async () => {
    const memory = memoryService({ files: { [`${MEMORY_HOME}/wsems.exe`]: fakeWsems({ build: '5.3.4.2383' }) } });
    assert.equal((await memory.check(MINIMAL, UNSET)).target.binary, `${MEMORY_HOME}/wsems.exe`);
    const none = memoryService({ files: { [`${MEMORY_HOME}/wsems`]: fakeWsems({}) } });
    const result = await none.check(MINIMAL, UNSET);
    assert.deepEqual(result.target, { release: DEFAULT_SETTINGS.emsVersion, source: 'default' });
    assert.ok(codes(result.findings).includes('removed-property'));
    for (const name of ['wsems', 'wsems.exe']) assert.ok(result.dependencies.files.includes(`${MEMORY_HOME}/${name}`), name);
  });

  test('where PTC puts the binary: beside etc/, on Windows as on Linux; never on another machine', () => {
    assert.deepEqual(binaryCandidates('/opt/thingworx/microserver', 'posix'), ['/opt/thingworx/microserver/wsems', '/opt/thingworx/microserver/wsems.exe']);
    assert.deepEqual(binaryCandidates('C:\\microserver', 'win32'), ['C:\\microserver\\wsems', 'C:\\microserver\\wsems.exe']);
    assert.deepEqual(binaryCandidates('\\\\fileserver\\ems', 'win32'), []);
    assert.deepEqual(binaryCandidates('ems', 'posix'), []);
    assert.deepEqual(binaryCandidates(undefined, 'posix'), []);
  });

  test('settings: an unset or bad release is the default, a given one is chosen, a normalized one stays what it was', () => {
    assert.equal(normalizeSettings({}).emsVersionSource, 'default');
    assert.equal(normalizeSettings({ emsVersion: 'latest' }).emsVersionSource, 'default');
    assert.equal(normalizeSettings({ emsVersion: '5.4.0' }).emsVersionSource, 'setting');
    assert.equal(normalizeSettings({ emsVersion: '5.4.0', emsVersionSource: 'flag' }).emsVersionSource, 'flag');
    assert.deepEqual(normalizeSettings(normalizeSettings(undefined)), DEFAULT_SETTINGS);
  });

  test('no binary is looked for without a home, or in a home that is not an absolute path', async () => {
    const memory = memoryService({ files: { [`${MEMORY_HOME}/wsems`]: fakeWsems({ build: '5.4.0.114' }) } });
    const untitled = await memory.check(MINIMAL, UNSET, null);
    assert.deepEqual(untitled.target, { release: DEFAULT_SETTINGS.emsVersion, source: 'default' });
    // An untitled document with a relative home: relative to nothing this process should guess.
    const relative = await memory.check(MINIMAL, { ...UNSET, homeDirectory: 'ems' }, null);
    assert.equal(relative.target.source, 'default');
    assert.ok(!relative.dependencies.files.some((file) => file.includes('wsems')));
  });

  test('read once while its size and mtime stay; a replaced binary is read again', async () => {
    const memory = memoryService({ files: { [`${MEMORY_HOME}/wsems`]: fakeWsems({ build: '5.4.0.114' }) } });
    await memory.check(MINIMAL, UNSET);
    await memory.check(MINIMAL, UNSET);
    assert.equal(memory.fs.reads.filter((file) => file.endsWith('wsems')).length, 1);
    memory.put({ [`${MEMORY_HOME}/wsems`]: fakeWsems({ build: '5.4.8.77' }) });
    assert.equal((await memory.check(MINIMAL, UNSET)).target.release, '5.4.8');
  });

  test('a binary that cannot be read, is not a file or is past the bound: no version, no crash, not read', async () => {
    const files = {
      '/a/wsems': { kind: 'file' as const, bytes: fakeWsems({ build: '5.4.0.114' }), fault: { at: 'read' as const, error: 'permission' as const } },
      '/b/wsems': { kind: 'directory' as const },
      '/c/wsems': { kind: 'other' as const },
      '/d/wsems': { kind: 'file' as const, bytes: fakeWsems({ build: '5.4.0.114' }), size: MAX_BINARY_BYTES + 1 },
      '/e/wsems': { kind: 'file' as const, bytes: fakeWsems({ build: '5.4.0.114' }), fault: { at: 'read' as const, error: 'non-error' as const } },
    };
    const memory = memoryService({ files });
    for (const home of Object.keys(files).map((file) => path.posix.dirname(file))) {
      const result = await memory.check(MINIMAL, UNSET, `${home}/etc/config.json`);
      assert.equal(result.target.source, 'default', home);
    }
    assert.ok(!memory.fs.reads.includes('/d/wsems'), 'a file past the bound is not read');
  });

  test('the status and the certificate report say the release and where it came from', async () => {
    const memory = memoryService({ files: { [`${MEMORY_HOME}/wsems`]: fakeWsems({ build: '5.4.0.114' }) } });
    const result = await memory.check(MINIMAL, UNSET);
    const status = documentStatus(result);
    assert.equal(status.emsVersion, '5.4.0');
    assert.deepEqual(status.target, result.target);
    assert.match(certificateReport(result, 'etc/config.json'), /- \*\*Target EMS release:\*\* 5\.4\.0 — read from `\/ems\/wsems` \(version 5\.4\.0\.114\)/);
    const fallback = certificateReport(await memory.check(MINIMAL, UNSET, '/other/etc/config.json'), 'etc/config.json');
    assert.match(fallback, /- \*\*Target EMS release:\*\* 5\.5\.0 — the default, the newest known release/);
    assert.match(certificateReport(await memory.check(MINIMAL, { emsVersion: '5.4.8' }), MEMORY_CONFIG), /- \*\*Target EMS release:\*\* 5\.4\.8 — chosen with the setting `emsConfig\.emsVersion`/);
  });
});

describe('target: the bounded read on disk', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ems-binary-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ports: [string, FileSystemPort][] = [['promises', nodeFileSystem], ['blocking', blockingFileSystem]];

  for (const [name, fs] of ports) {
    test(`${name}: a real file in chunks, stopped at the first match`, async () => {
      const file = path.join(dir, `found-${name}`);
      writeFileSync(file, Buffer.concat([fakeWsems({ build: '5.4.0.114' }), Buffer.alloc(2_000_000)]));
      let read = 0;
      await fs.readChunks!(file, MAX_BINARY_BYTES, (chunk) => { read += chunk.length; return read > 100_000; });
      assert.ok(read < 1_000_000, `read ${read} bytes`);
      assert.equal(await new BinaryVersions().build(fs, file), '5.4.0.114');
    });

    test(`${name}: never past the bound, however large the file`, async () => {
      // A sparse file: 64 MiB that cost nothing on disk, the strings after the bound.
      const file = path.join(dir, `huge-${name}`);
      writeFileSync(file, '');
      truncateSync(file, 64 * 1024 * 1024);
      const fd = openSync(file, 'r+');
      writeSync(fd, fakeWsems({ build: '5.4.0.114' }), 0, undefined, MAX_BINARY_BYTES + 10);
      closeSync(fd);
      let read = 0;
      await fs.readChunks!(file, MAX_BINARY_BYTES, (chunk) => { read += chunk.length; return false; });
      assert.equal(read, MAX_BINARY_BYTES);
      const started = Date.now();
      assert.equal(await new BinaryVersions().build(fs, file), undefined, 'past the bound: not a binary');
      assert.ok(Date.now() - started < 1000, 'refused by its size, not read');
    });

    test(`${name}: a folder, a device or a missing path: no version, no hang`, async () => {
      const versions = new BinaryVersions();
      for (const file of [dir, '/dev/zero', path.join(dir, 'missing')]) assert.equal(await versions.build(fs, file), undefined, file);
      await assert.rejects(fs.readChunks!('/dev/zero', 10, () => false), { kind: 'not-regular' });
    });
  }

  test('a home on disk with a wsems: the service checks as its release', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, 'etc'), { recursive: true });
    writeFileSync(path.join(home, 'wsems'), fakeWsems({ build: '5.3.4.2383' }));
    const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
    const result = await service.check({ text: MINIMAL, path: path.join(home, 'etc', 'config.json'), settings: DEFAULT_SETTINGS });
    assert.deepEqual(result.target, { release: '5.3.4', source: 'binary', binary: path.join(home, 'wsems'), build: '5.3.4.2383' });
  });
});
