// Files and Contents codes: real certificates and keys (test/fixtures/make-pki.mjs) named by real configs,
// each code with a case that triggers it and a near miss that must not. Hostile paths never hang.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CODES, type Code } from '../../server/src/service/codes';
import { blockingFileSystem, nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { FsError, type FileSystemPort } from '../../server/src/service/ports';
import type { Finding, Settings } from '../../server/src/service/types';
import { NOW, PASSPHRASE, PKI_DIR, pki } from '../helpers/pki';
import { AES, applyFix, BASE, hoverOn, SETTINGS, settingsWith } from '../helpers/service';

// An EMS home with a few certificates beside etc/config.json, for relative paths and similar-name hints. On
// disk, not in memory: these checks go through the Node ports, with what only a disk has (a FIFO, /dev/zero,
// a 40 MB sparse file, symbolic links and their loops, mtimes that change).
const home = mkdtempSync(path.join(tmpdir(), 'ems-home-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(path.join(home, 'etc', 'certs'), { recursive: true });
for (const name of ['ca-list.pem', 'server.pem', 'server-key.pem']) copyFileSync(pki(name), path.join(home, 'etc', 'certs', name));
const configPath = path.join(home, 'etc', 'config.json');

async function check(groups: Record<string, unknown>, settings: Partial<Settings> = {}, fs: FileSystemPort = nodeFileSystem) {
  const text = JSON.stringify({ ...BASE, ...groups }, null, 2);
  const service = createEmsService({ fs, now: () => NOW });
  const result = await service.check({ text, path: configPath, settings: settingsWith(settings) });
  return { text, ...result };
}

const loud = (findings: Finding[]) => findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.code} ${f.pointer}: ${f.message}`);

interface Case {
  code: Code;
  trigger: Record<string, unknown>;
  nearMiss: Record<string, unknown>;
  settings?: Partial<Settings>;
  nearMissSettings?: Partial<Settings>;
  pointer: string;
  /** Words the message must hold: the file and the certificate it speaks of. */
  mentions?: RegExp;
}

const certs = (group: Record<string, unknown>) => ({ certificates: group });
const identity = (cert: string, key: string, passphrase?: string) => certs({ client_cert: pki(cert), key_file: pki(key), ...(passphrase ? { key_passphrase: passphrase } : {}) });
const http = (group: Record<string, unknown>) => ({ http_server: { host: '127.0.0.1', ssl: true, authenticate: true, user: 'ems', password: AES, ...group } });

const fifo = path.join(home, 'fifo.pem');
spawnSync('mkfifo', [fifo]);
const big = path.join(home, 'big.pem');
writeFileSync(big, '');
truncateSync(big, 40 * 1024 * 1024);
const empty = path.join(home, 'empty.pem');
writeFileSync(empty, '');
const loop = path.join(home, 'loop.pem');
symlinkSync(loop, loop);

const CASES: Case[] = [
  // Files
  { code: 'relative-path', trigger: certs({ cert_chain: 'etc/certs/ca-list.pem' }), nearMiss: certs({ cert_chain: path.join(home, 'etc/certs/ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /etc\/certs\/ca-list\.pem/ },
  { code: 'path-not-checkable', trigger: certs({ cert_chain: 'C:/microserver/certs/ca.pem' }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /Windows/ },
  { code: 'file-not-found', trigger: certs({ cert_chain: path.join(home, 'etc/certs/ca-lst.pem') }), nearMiss: certs({ cert_chain: path.join(home, 'etc/certs/ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /ca-list\.pem/ },
  { code: 'file-unreadable', trigger: certs({ cert_chain: loop }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /loop/ },
  { code: 'not-a-regular-file', trigger: certs({ cert_chain: PKI_DIR }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /folder/ },
  { code: 'file-too-large', trigger: certs({ cert_chain: big }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /41,943,040 bytes/ },
  { code: 'file-empty', trigger: certs({ cert_chain: empty }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /empty\.pem is empty/ },
  // Contents
  { code: 'unrecognized-content', trigger: certs({ cert_chain: pki('garbage.bin') }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /garbage\.bin/ },
  { code: 'wrong-content-kind', trigger: certs({ cert_chain: pki('server-key.pem') }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /server-key\.pem/ },
  { code: 'private-key-exposed', trigger: certs({ cert_chain: pki('ca-list-with-key.pem') }), nearMiss: certs({ cert_chain: pki('ca-list.pem') }), pointer: '/certificates/cert_chain', mentions: /ca-list-with-key\.pem/ },
  { code: 'der-encoded', trigger: identity('server.der', 'server-key.pem'), nearMiss: identity('server.pem', 'server-key.pem'), pointer: '/certificates/client_cert', mentions: /server\.der/ },
  { code: 'cert-expired', trigger: certs({ cert_chain: [pki('ca-list.pem'), pki('expired.pem')] }), nearMiss: certs({ cert_chain: [pki('ca-list.pem')] }), pointer: '/certificates/cert_chain/1', mentions: /expired\.pem.*2026-03-01/ },
  { code: 'cert-time-format', trigger: http({ certificate: pki('time-offset.pem') }), nearMiss: http({ certificate: pki('server.pem') }), pointer: '/http_server/certificate', mentions: /notBefore written as "260101010000\+0100".*error 13/ },
  { code: 'cert-not-yet-valid', trigger: http({ certificate: pki('not-yet-valid.pem') }), nearMiss: http({ certificate: pki('server.pem') }), pointer: '/http_server/certificate', mentions: /not-yet-valid\.pem.*2026-09-01/ },
  { code: 'cert-expiring-soon', trigger: http({ certificate: pki('expiring-soon.pem') }), nearMiss: http({ certificate: pki('expiring-soon.pem') }), nearMissSettings: { expiryWarningDays: 10 }, pointer: '/http_server/certificate', mentions: /2026-06-15/ },
  // SHA-1: a warning up to 5.4.10 (OpenSSL 1.x accepts it), an error from 5.5.0 (OpenSSL 3): test/unit/openssl-release.test.ts.
  { code: 'weak-signature', trigger: http({ certificate: pki('sha1.pem') }), nearMiss: http({ certificate: pki('server.pem') }), settings: { emsVersion: '5.4.10' }, pointer: '/http_server/certificate', mentions: /sha1\.pem/ },
  { code: 'signature-not-listed', trigger: http({ certificate: pki('sha384.pem') }), nearMiss: http({ certificate: pki('server.pem') }), pointer: '/http_server/certificate', mentions: /sha384\.pem/ },
  { code: 'weak-key', trigger: http({ certificate: pki('rsa1024.pem') }), nearMiss: http({ certificate: pki('server.pem') }), pointer: '/http_server/certificate', mentions: /1024/ },
  { code: 'not-a-ca', trigger: certs({ http_client_ca_certs: pki('ca-list-with-leaf.pem') }), nearMiss: certs({ http_client_ca_certs: pki('ca-list.pem') }), pointer: '/certificates/http_client_ca_certs', mentions: /ca-list-with-leaf\.pem/ },
  { code: 'ca-list-no-root', trigger: certs({ cert_chain: [pki('intermediate-ca.pem')] }), nearMiss: certs({ cert_chain: [pki('intermediate-ca.pem'), pki('root-ca.pem')] }), pointer: '/certificates/cert_chain/0', mentions: /cert_chain holds no root/ },
  { code: 'key-algorithm-unsupported', trigger: identity('server.pem', 'server-key-encrypted-pbes1.pem', PASSPHRASE), nearMiss: identity('server.pem', 'server-key-encrypted.pem', PASSPHRASE), pointer: '/certificates/key_file', mentions: /pbeWithMD5AndDES-CBC/ },
  { code: 'chain-order', trigger: http({ certificate: pki('server-chain-reversed.pem') }), nearMiss: http({ certificate: pki('server-chain.pem') }), pointer: '/http_server/certificate', mentions: /server-chain-reversed\.pem/ },
  { code: 'key-mismatch', trigger: identity('server.pem', 'other-key.pem'), nearMiss: identity('server.pem', 'server-key.pem'), pointer: '/certificates/key_file', mentions: /other-key\.pem.*server\.pem/ },
  { code: 'key-encrypted-no-passphrase', trigger: identity('server.pem', 'server-key-encrypted.pem'), nearMiss: identity('server.pem', 'server-key-encrypted.pem', PASSPHRASE), pointer: '/certificates/key_file', mentions: /server-key-encrypted\.pem/ },
  { code: 'chain-incomplete', trigger: identity('server.pem', 'server-key.pem'), nearMiss: identity('server-chain.pem', 'server-key.pem'), pointer: '/certificates/client_cert', mentions: /server\.pem holds only "EMS Config Test Server", issued by "EMS Config Test Intermediate CA"/ },
  { code: 'ec-explicit-parameters', trigger: certs({ cert_chain: pki('ec-explicit-ca.pem') }), nearMiss: certs({ cert_chain: pki('ec-p256-ca.pem') }), settings: { emsVersion: '5.4.10' }, pointer: '/certificates/cert_chain', mentions: /EC Explicit CA.*error 94.*OpenSSL 1\.1\.1j/ },
  { code: 'key-passphrase-wrong', trigger: identity('server.pem', 'server-key-rsa-encrypted.pem', 'not-the-passphrase'), nearMiss: identity('server.pem', 'server-key-rsa-encrypted.pem', PASSPHRASE), pointer: '/certificates/key_file', mentions: /server-key-rsa-encrypted\.pem/ },
  { code: 'key-not-tried', trigger: identity('server.pem', 'server-key-encrypted-huge-kdf.der', PASSPHRASE), nearMiss: identity('server.pem', 'server-key-encrypted.pem', PASSPHRASE), pointer: '/certificates/key_file', mentions: /server-key-encrypted-huge-kdf\.der.*PBKDF2 asks for 2,147,483,647/ },
  { code: 'key-unencrypted', trigger: http({ certificate: pki('server.pem'), private_key: pki('server-key.pem') }), nearMiss: http({ certificate: pki('server.pem'), private_key: pki('server-key-encrypted.pem'), passphrase: PASSPHRASE }), pointer: '/http_server/private_key', mentions: /server-key\.pem/ },
  { code: 'release-openssl-unsupported', trigger: identity('ed25519-server.pem', 'ed25519-server-key.pem'), settings: { emsVersion: '5.4.6' }, nearMiss: identity('ed25519-server.pem', 'ed25519-server-key.pem'), nearMissSettings: { emsVersion: '5.4.7' }, pointer: '/certificates/client_cert', mentions: /Ed25519 keys, which OpenSSL has only since 1\.1\.1; EMS 5\.4\.6 bundles OpenSSL 1\.0\.2r/ },
  { code: 'passphrase-unverifiable', trigger: identity('server.pem', 'server-key-encrypted.pem', AES), nearMiss: identity('server.pem', 'server-key-encrypted.pem', PASSPHRASE), pointer: '/certificates/key_file', mentions: /AES/ },
];

describe('every Files and Contents code', () => {
  test('has a case here', () => {
    const covered = new Set(CASES.map((c) => c.code));
    // check-incomplete comes from the language server's deadline, not from a check: test/lsp/checkWorker.test.ts.
    const fileCodes = Object.entries(CODES).filter(([code, info]) => (info.category === 'files' || info.category === 'contents') && code !== 'check-incomplete').map(([code]) => code);
    assert.deepEqual(fileCodes.filter((code) => !covered.has(code as Code)), []);
  });

  for (const c of CASES) {
    test(`${c.code}: triggered on the value that names the file`, { timeout: 5000 }, async () => {
      const { findings } = await check(c.trigger, c.settings);
      const finding = findings.find((f) => f.code === c.code);
      assert.ok(finding, `no ${c.code}; got ${findings.map((f) => f.code).join(', ')}`);
      assert.equal(finding.pointer, c.pointer);
      assert.equal(finding.severity, CODES[c.code].severity);
      if (c.mentions) assert.match(finding.message, c.mentions);
    });

    test(`${c.code}: near miss stays quiet`, { timeout: 5000 }, async () => {
      const { findings } = await check(c.nearMiss, c.nearMissSettings ?? c.settings);
      assert.deepEqual(findings.filter((f) => f.code === c.code).map((f) => f.message), []);
    });
  }
});

describe('clean configurations', () => {
  test('a production-like RSA config: no error, no warning', async () => {
    const { findings } = await check({
      ...identity('server-chain.pem', 'server-key-encrypted.pem', PASSPHRASE),
      certificates: { validate: true, cert_chain: pki('ca-list.pem'), http_client_ca_certs: pki('root-ca.pem'), client_cert: pki('server-chain.pem'), key_file: pki('server-key-encrypted.pem'), key_passphrase: PASSPHRASE },
      ...http({ certificate: pki('server-chain.pem'), private_key: pki('server-key-rsa-encrypted.pem'), passphrase: PASSPHRASE }),
    });
    assert.deepEqual(loud(findings), []);
  });

  test('a clean EC config: no error, no warning', async () => {
    const { findings, files } = await check({
      certificates: { cert_chain: pki('ec-p256-ca.pem'), client_cert: pki('ec-p256-server.pem'), key_file: pki('ec-p256-server-key.pem') },
    });
    assert.deepEqual(loud(findings), []);
    assert.equal(files.find((f) => f.pointer === '/certificates/key_file')?.keyMatchesCertificate, true);
  });

  test('a PKCS#12 key file on EMS 5.4.0, whose binary has no PKCS#12 function: wrong-content-kind, an error', async () => {
    const on540 = (await check(identity('server-chain.pem', 'server.p12', PASSPHRASE), { emsVersion: '5.4.0' })).findings.filter((f) => f.code === 'wrong-content-kind');
    assert.deepEqual(on540.map((f) => [f.pointer, f.severity]), [['/certificates/key_file', 'error']]);
    assert.match(on540[0]!.message, /EMS 5\.4\.0 cannot load one: it reads the key with SSL_CTX_use_PrivateKey_file/);
    assert.deepEqual((await check(identity('server-chain.pem', 'server.p12', PASSPHRASE), { emsVersion: '5.4.7' })).findings.filter((f) => f.code === 'wrong-content-kind'), []);
  });

  test('PKCS#12 key file opened with key_passphrase, and matched to its certificate', async () => {
    const { findings, files } = await check(identity('server-chain.pem', 'server.p12', PASSPHRASE));
    assert.deepEqual(loud(findings), []);
    assert.equal(files.find((f) => f.pointer === '/certificates/key_file')?.keyMatchesCertificate, true);
  });
});

describe('key matching across algorithms', () => {
  for (const [cert, key, other] of [['server.pem', 'server-key-rsa.pem', 'other-key.pem'], ['ec-p384-server.pem', 'ec-p384-server-key-sec1.pem', 'ec-p256-other-key.pem'], ['ed25519-server.pem', 'ed25519-server-key.pem', 'ed25519-other-key.pem']]) {
    test(`${cert}: its own key matches, another does not`, async () => {
      assert.ok(!(await check(identity(cert!, key!))).findings.some((f) => f.code === 'key-mismatch'));
      assert.ok((await check(identity(cert!, other!))).findings.some((f) => f.code === 'key-mismatch'));
    });
  }

  test('http_server.private_key is matched with http_server.certificate', async () => {
    const { findings } = await check(http({ certificate: pki('server.pem'), private_key: pki('ed25519-server-key.pem'), passphrase: PASSPHRASE }));
    assert.match(findings.find((f) => f.code === 'key-mismatch')?.message ?? '', /ed25519-server-key\.pem.*server\.pem/);
  });
});

describe('version-aware and relative paths', () => {
  test('key-unencrypted is an error for 5.4.0, which refuses such a key', async () => {
    const group = http({ certificate: pki('server.pem'), private_key: pki('server-key.pem') });
    assert.equal((await check(group, { emsVersion: '5.4.0' })).findings.find((f) => f.code === 'key-unencrypted')?.severity, 'error');
    assert.equal((await check(group, { emsVersion: '5.4.8' })).findings.find((f) => f.code === 'key-unencrypted')?.severity, 'warning');
  });

  test('a relative path is resolved against the EMS home, and the home setting moves it', async () => {
    const { findings, home: used } = await check(certs({ cert_chain: 'certs/ca-list.pem' }), { homeDirectory: path.join(home, 'etc') });
    assert.equal(used, path.join(home, 'etc'));
    assert.ok(!findings.some((f) => f.code === 'file-not-found'));
    const relative = findings.find((f) => f.code === 'relative-path')!;
    assert.equal(relative.data?.['resolved'], path.join(home, 'etc', 'certs', 'ca-list.pem'));
    const missing = await check(certs({ cert_chain: 'certs/ca-list.pem' }));
    assert.ok(missing.findings.some((f) => f.code === 'file-not-found'), 'default home is the parent of etc/');
  });

  test('file-not-found offers the similar files, and the fix makes the finding go away', async () => {
    const { text, findings } = await check(certs({ cert_chain: path.join(home, 'etc/certs/ca_list.pem') }));
    const finding = findings.find((f) => f.code === 'file-not-found')!;
    assert.deepEqual(finding.data?.['similar'], ['ca-list.pem']);
    const fixed = JSON.parse(applyFix(text, finding)) as Record<string, Record<string, unknown>>;
    const after = await check({ certificates: fixed['certificates']! });
    assert.ok(!after.findings.some((f) => f.code === 'file-not-found'));
  });
});

// Both Node ports: the language server's (promises) and the CLI's (blocking calls on worker threads).
for (const [port, fs] of [['promises', nodeFileSystem], ['blocking', blockingFileSystem]] as const) {
  describe(`hostile paths are answered, never waited on (${port} port)`, () => {
    for (const [name, value, code] of [['a FIFO', fifo, 'not-a-regular-file'], ['/dev/zero', '/dev/zero', 'not-a-regular-file'], ['a 40 MB file', big, 'file-too-large'], ['a folder', home, 'not-a-regular-file'], ['a symlink loop', loop, 'file-unreadable']] as const) {
      test(`${name} → ${code}`, { timeout: 1000 }, async () => {
        const { findings } = await check(certs({ cert_chain: value }), {}, fs);
        assert.deepEqual(findings.filter((f) => f.pointer === '/certificates/cert_chain').map((f) => f.code), [code]);
      });
    }

    test('an unreadable file → file-unreadable (permission)', { timeout: 1000 }, async () => {
      const denying: FileSystemPort = { ...fs, readFile: async () => { throw new FsError('permission', 'permission denied'); } };
      const { findings } = await check(certs({ cert_chain: pki('ca-list.pem') }), {}, denying);
      assert.match(findings.find((f) => f.code === 'file-unreadable')?.message ?? '', /permission denied/);
    });

    test('a file replaced by a FIFO between stat and read is not read', { timeout: 1000 }, async () => {
      const racing: FileSystemPort = { ...fs, stat: async () => ({ kind: 'file', size: 100, mtimeMs: 1 }) };
      const { findings } = await check(certs({ cert_chain: fifo }), {}, racing);
      assert.deepEqual(findings.filter((f) => f.pointer === '/certificates/cert_chain').map((f) => f.code), ['not-a-regular-file']);
    });

    test('a clean identity reads the same as through the other port', async () => {
      const { findings, files } = await check(certs({ validate: true, cert_chain: pki('ca-list.pem'), http_client_ca_certs: pki('root-ca.pem'), client_cert: pki('server-chain.pem'), key_file: pki('server-key-encrypted.pem'), key_passphrase: PASSPHRASE }), {}, fs);
      assert.deepEqual(loud(findings), []);
      assert.equal(files.find((f) => f.pointer === '/certificates/key_file')?.keyMatchesCertificate, true);
    });
  });
}

describe('symbolic links', () => {
  test('a link is judged as the file it leads to, and says where that is', async () => {
    const link = path.join(home, 'current-ca.pem');
    symlinkSync(pki('ca-list.pem'), link);
    const result = await check(certs({ cert_chain: link }));
    const reference = result.files.find((f) => f.pointer === '/certificates/cert_chain');
    assert.equal(reference?.linksTo, pki('ca-list.pem'));
    assert.equal(reference?.parsed?.certificates.length, 2);
    assert.match(hoverOn(result, 'current-ca.pem'), /symbolic link to `[^`]*ca-list\.pem`/);
  });
});

describe('fresh but cheap', () => {
  test('a file is parsed once while its size and mtime stay, and again when it changes', async () => {
    let reads = 0;
    const counting: FileSystemPort = { ...nodeFileSystem, readFile: (p, max) => { reads++; return nodeFileSystem.readFile(p, max); } };
    const file = path.join(home, 'rotating.pem');
    copyFileSync(pki('server.pem'), file);
    const service = createEmsService({ fs: counting, now: () => NOW });
    const text = JSON.stringify({ ...BASE, http_server: http({ certificate: file }).http_server });
    const request = { text, path: configPath, settings: SETTINGS };
    await service.check(request);
    await service.check(request);
    assert.equal(reads, 1);
    copyFileSync(pki('expired.pem'), file);
    const after = await service.check(request);
    assert.equal(reads, 2);
    assert.ok(after.findings.some((f) => f.code === 'cert-expired'));
  });

  test('copies of one file are parsed once, and each copy keeps its own passphrase verdict', async () => {
    const copy = (from: string, name: string) => { copyFileSync(pki(from), path.join(home, name)); return path.join(home, name); };
    const { findings, files } = await check({
      certificates: { client_cert: copy('server.pem', 'cert-a.pem'), key_file: copy('server-key-encrypted.pem', 'key-a.pem'), key_passphrase: PASSPHRASE },
      ...http({ certificate: copy('server.pem', 'cert-b.pem'), private_key: copy('server-key-encrypted.pem', 'key-b.pem'), passphrase: 'Wr0ng-Secret-Phrase' }),
    });
    const parsed = (pointer: string) => files.find((f) => f.pointer === pointer)?.parsed;
    assert.ok(parsed('/certificates/client_cert') && parsed('/certificates/client_cert') === parsed('/http_server/certificate'), 'one parse for both copies');
    assert.equal(files.find((f) => f.pointer === '/certificates/key_file')?.keyMatchesCertificate, true);
    assert.deepEqual(findings.filter((f) => f.code === 'key-passphrase-wrong').map((f) => f.pointer), ['/http_server/private_key']);
  });
});

describe('secrets', () => {
  test('no finding or file fact holds the passphrase or key material', async () => {
    const result = await check({ ...identity('server.pem', 'server-key-rsa-encrypted.pem', 'Wr0ng-Secret-Phrase'), ...http({ certificate: pki('server.pem'), private_key: pki('server-key-encrypted.pem'), passphrase: PASSPHRASE }) });
    const shown = JSON.stringify({ findings: result.findings, files: result.files });
    for (const secret of ['Wr0ng-Secret-Phrase', PASSPHRASE, 'PRIVATE KEY', AES]) assert.ok(!shown.includes(secret), secret);
  });
});
