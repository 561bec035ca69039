// Untrusted workspaces: a config in a freshly cloned repository is checked at once, so until the workspace is
// trusted nothing outside its folders and the config's EMS home is stat-ed, read or listed — not a certificate
// named outright, not one behind `..` or a symbolic link, not a folder offered by completion — and the
// restricted emsConfig.homeDirectory is ignored. Trusted (the default, the CLI) nothing changes.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { blockingFileSystem, nodeFileSystem } from '../../server/src/node/fileSystem';
import { WatchedStats } from '../../server/src/node/watchedStats';
import { type CheckResult, createEmsService, type FileSystemPort, FsError } from '../../server/src/service';
import { OutsideWorkspace, TrustGates } from '../../server/src/service/document/trust';
import { normalizeSettings } from '../../server/src/service/settings';
import type { Settings } from '../../server/src/service/types';
import { fakeWsems } from '../helpers/emsBinary';
import { NOW, pki } from '../helpers/pki';
import { REPO_ROOT } from '../helpers/repo';
import { config, fixtures, hoverOn, memoryService, settingsWith } from '../helpers/service';

const WORKSPACE = '/ws';
const CONFIG = '/ws/ems/etc/config.json'; // EMS home /ws/ems, inside the workspace folder /ws
const UNTRUSTED: Partial<Settings> = { trust: { trusted: false, folders: [WORKSPACE] } };
const OUTSIDE = /is outside the workspace folders and the EMS home; in an untrusted workspace EMS Config does not read it\. Trust the workspace to check it\./;

const refused = (result: CheckResult) => result.findings.filter((f) => f.code === 'path-not-checkable');
const reference = (result: CheckResult, pointer: string) => result.files.find((f) => f.pointer === pointer)!;

/** /pki outside, the workspace /ws with certificates of its own and an EMS home /ws/ems, and a home /opt/ems outside. */
function layout() {
  const memory = memoryService({
    files: {
      ...fixtures('/pki', ['ca-list.pem', 'server.pem', 'root-ca.pem']),
      ...fixtures('/ws/certs', ['ca-list.pem']),
      ...fixtures('/ws/ems/etc/certs', ['ca-list.pem']),
      ...fixtures('/opt/ems/etc/certs', ['ca-list.pem']),
    },
  });
  const touched = (prefix: string) => [...memory.fs.reads, ...memory.fs.stats, ...memory.fs.listings].filter((p) => p === prefix || p.startsWith(`${prefix}/`));
  return { memory, touched };
}

describe('trust: the package declares limited support', () => {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: unknown; description: string; restrictedConfigurations: string[] } };
    contributes: { configuration: { properties: Record<string, unknown> } };
  };
  const declared = manifest.capabilities.untrustedWorkspaces;

  test('limited, restricting emsConfig.homeDirectory, and saying what is limited', () => {
    assert.equal(declared.supported, 'limited');
    assert.deepEqual(declared.restrictedConfigurations, ['emsConfig.homeDirectory']);
    for (const setting of declared.restrictedConfigurations) assert.ok(setting in manifest.contributes.configuration.properties, setting);
    assert.match(declared.description, /reads no file outside the workspace folders and the EMS home of the config/);
    assert.match(declared.description, /emsConfig\.homeDirectory setting is ignored/);
  });
});

describe('trust: settings', () => {
  test('absent, malformed or trusted: no trust field (trusted)', () => {
    for (const trust of [undefined, 'no', { trusted: true, folders: ['/ws'] }, { trusted: 'false' }, { folders: [] }]) {
      assert.equal(normalizeSettings({ trust }).trust, undefined, JSON.stringify(trust));
    }
  });

  test('untrusted: the folders that are strings, and homeDirectory dropped', () => {
    const settings = normalizeSettings({ homeDirectory: '/elsewhere', trust: { trusted: false, folders: ['/ws', 3, '', null, 'C:\\repo'] } });
    assert.deepEqual(settings.trust, { trusted: false, folders: ['/ws', 'C:\\repo'] });
    assert.equal(settings.homeDirectory, '');
    assert.deepEqual(normalizeSettings({ trust: { trusted: false } }).trust, { trusted: false, folders: [] });
  });
});

describe('trust: what an untrusted workspace reads (in memory)', () => {
  test('a certificate outside is not stat-ed or read, and the finding says why', async () => {
    const { memory, touched } = layout();
    const result = await memory.check(config({ certificates: { cert_chain: '/pki/ca-list.pem' } }), UNTRUSTED, CONFIG);
    assert.deepEqual(touched('/pki'), []);
    const [finding, ...more] = refused(result);
    assert.ok(finding, JSON.stringify(result.findings));
    assert.equal(more.length, 0);
    assert.equal(finding.pointer, '/certificates/cert_chain');
    assert.equal(finding.severity, 'information');
    assert.match(finding.message, /^\/pki\/ca-list\.pem /);
    assert.match(finding.message, OUTSIDE);
    assert.equal(reference(result, '/certificates/cert_chain').status, 'outside-workspace');
    // Neither a hover that pretends it was read, nor a link that would open it.
    assert.match(hoverOn(result, '"/pki/ca-list.pem"'), /not read, because the workspace is not trusted/);
    assert.deepEqual(memory.service.links(result), []);
  });

  test('inside the workspace folders and inside the EMS home: read as before', async () => {
    const { memory } = layout();
    const text = config({ certificates: { cert_chain: '/ws/certs/ca-list.pem' }, http_server: { certificate: 'etc/certs/ca-list.pem' } });
    const untrusted = await memory.check(text, UNTRUSTED, CONFIG);
    const trusted = await memory.check(text, {}, CONFIG);
    assert.deepEqual(refused(untrusted), []);
    assert.deepEqual(untrusted.findings, trusted.findings);
    assert.equal(reference(untrusted, '/certificates/cert_chain').status, 'ok');
    assert.equal(reference(untrusted, '/http_server/certificate').status, 'ok');
    assert.ok(memory.fs.reads.includes('/ws/certs/ca-list.pem'));
  });

  test('a config outside the workspace folders: its own EMS home is readable, the workspace too, nothing else', async () => {
    const { memory, touched } = layout();
    const text = config({ certificates: { cert_chain: 'etc/certs/ca-list.pem', http_client_ca_certs: '/ws/certs/ca-list.pem' }, http_server: { certificate: '/pki/server.pem' } });
    const result = await memory.check(text, UNTRUSTED, '/opt/ems/etc/config.json');
    assert.equal(reference(result, '/certificates/cert_chain').status, 'ok');
    assert.equal(reference(result, '/certificates/http_client_ca_certs').status, 'ok');
    assert.deepEqual(refused(result).map((f) => f.pointer), ['/http_server/certificate']);
    assert.deepEqual(touched('/pki'), []);
  });

  test('.. is resolved before deciding, in relative and absolute values', async () => {
    const { memory, touched } = layout();
    const text = config({ certificates: { cert_chain: '../../pki/ca-list.pem', http_client_ca_certs: '/ws/../pki/root-ca.pem' }, http_server: { certificate: '/ws/ems/../certs/ca-list.pem' } });
    const result = await memory.check(text, UNTRUSTED, CONFIG);
    assert.deepEqual(refused(result).map((f) => f.pointer).sort(), ['/certificates/cert_chain', '/certificates/http_client_ca_certs']);
    assert.match(refused(result).find((f) => f.pointer === '/certificates/cert_chain')!.message, /^\/pki\/ca-list\.pem is outside/);
    assert.equal(reference(result, '/http_server/certificate').status, 'ok');
    assert.deepEqual(touched('/pki'), []);
  });

  test('a missing file outside gets no search for similar names there; one inside still does', async () => {
    const { memory, touched } = layout();
    const text = config({ certificates: { cert_chain: '/pki/ca-lst.pem', http_client_ca_certs: '/ws/certs/ca-lst.pem' } });
    const result = await memory.check(text, UNTRUSTED, CONFIG);
    assert.deepEqual(touched('/pki'), []);
    assert.deepEqual(refused(result).map((f) => f.pointer), ['/certificates/cert_chain']);
    const missing = result.findings.find((f) => f.code === 'file-not-found');
    assert.match(missing?.message ?? '', /Similar files there: ca-list\.pem/);
  });

  test('emsConfig.homeDirectory is ignored: relative paths resolve against the home the config\'s location gives', async () => {
    const { memory, touched } = layout();
    const text = config({ certificates: { cert_chain: 'ca-list.pem' } });
    const untrusted = await memory.check(text, { ...UNTRUSTED, homeDirectory: '/pki' }, CONFIG);
    assert.equal(untrusted.home, '/ws/ems');
    assert.equal(untrusted.settings.homeDirectory, '');
    assert.equal(reference(untrusted, '/certificates/cert_chain').resolved, '/ws/ems/ca-list.pem');
    assert.deepEqual(touched('/pki'), []);
    const trusted = await memory.check(text, { homeDirectory: '/pki' }, CONFIG);
    assert.equal(trusted.home, '/pki');
    assert.equal(reference(trusted, '/certificates/cert_chain').status, 'ok');
  });

  test('an untitled config has no home: only the workspace folders are readable', async () => {
    const { memory, touched } = layout();
    const result = await memory.check(config({ certificates: { cert_chain: '/ws/certs/ca-list.pem', http_client_ca_certs: '/pki/ca-list.pem' } }), UNTRUSTED, null);
    assert.equal(reference(result, '/certificates/cert_chain').status, 'ok');
    assert.deepEqual(refused(result).map((f) => f.pointer), ['/certificates/http_client_ca_certs']);
    assert.deepEqual(touched('/pki'), []);
  });

  test('trusted (the default): a certificate outside is read, as it always was', async () => {
    const { memory, touched } = layout();
    const result = await memory.check(config({ certificates: { cert_chain: '/pki/ca-list.pem' } }), {}, CONFIG);
    assert.deepEqual(refused(result), []);
    assert.equal(reference(result, '/certificates/cert_chain').status, 'ok');
    assert.ok(touched('/pki').includes('/pki/ca-list.pem'));
    assert.equal(result.settings.trust, undefined);
  });

  test('the EMS binary in the home is read through the same gate (and is inside it)', async () => {
    const memory = memoryService({ files: { '/ws/ems/wsems': fakeWsems({ build: '5.4.0.114' }) } });
    const result = await memory.check(config(), { ...UNTRUSTED, emsVersionSource: 'default' }, CONFIG);
    assert.deepEqual(result.target, { release: '5.4.0', source: 'binary', binary: '/ws/ems/wsems', build: '5.4.0.114' });
  });

  test('completion lists no folder outside; inside the home it lists as before', async () => {
    const { memory, touched } = layout();
    const at = async (marked: string, settings: Partial<Settings>) => {
      const offset = marked.indexOf('|');
      const result = await memory.check(marked.slice(0, offset) + marked.slice(offset + 1), settings, CONFIG);
      return (await memory.service.complete(result, result.document.model.positionAt(offset))).map((e) => e.label);
    };
    assert.deepEqual(await at('{ "certificates": { "cert_chain": "/pki/|" } }', UNTRUSTED), []);
    assert.deepEqual(await at('{ "certificates": { "cert_chain": "/|" } }', UNTRUSTED), []);
    assert.deepEqual(await at('{ "certificates": { "cert_chain": "../../|" } }', UNTRUSTED), []);
    assert.deepEqual(touched('/pki'), []);
    assert.ok(!memory.fs.listings.includes('/'), memory.fs.listings.join());
    assert.deepEqual(await at('{ "certificates": { "cert_chain": "etc/certs/|" } }', UNTRUSTED), ['ca-list.pem']);
    assert.ok((await at('{ "certificates": { "cert_chain": "/pki/|" } }', {})).includes('ca-list.pem'));
  });

  test('trust granted: findings refused before are not reused (a port that knows of changes), and back', async () => {
    const { memory } = layout();
    const service = createEmsService({ fs: new WatchedStats(memory.fs), now: () => NOW });
    const text = config({ certificates: { cert_chain: '/pki/ca-list.pem' } });
    const checkWith = (settings: Partial<Settings>) => service.check({ text, path: CONFIG, settings: settingsWith(settings) });
    assert.equal(refused(await checkWith(UNTRUSTED)).length, 1);
    assert.equal(reference(await checkWith({}), '/certificates/cert_chain').status, 'ok');
    assert.equal(refused(await checkWith(UNTRUSTED)).length, 1);
  });
});

describe('trust: the gate itself', () => {
  test('Windows paths: drive letters and case as Windows compares them, other drives outside', async () => {
    const files = new Set(['c:\\repo\\certs\\ca.pem', 'd:\\certs\\ca.pem', 'c:\\x.pem']);
    const port: FileSystemPort = {
      platform: 'win32',
      stat: async (file) => {
        if (!files.has(file.toLowerCase())) throw new FsError('not-found', 'no such file');
        return { kind: 'file', size: 1, mtimeMs: 0 };
      },
      readFile: async () => new Uint8Array(),
      readDirectory: async () => [],
    };
    const gated = new TrustGates(port).portFor(settingsWith({ trust: { trusted: false, folders: ['C:\\Repo'] } }), undefined);
    assert.equal((await gated.stat('c:\\repo\\certs\\ca.pem')).kind, 'file');
    assert.equal((await gated.stat('C:/Repo/certs/ca.pem')).kind, 'file');
    for (const outside of ['D:\\certs\\ca.pem', 'C:\\Repo\\..\\x.pem', 'C:\\Repository\\ca.pem', 'certs\\ca.pem']) {
      await assert.rejects(gated.stat(outside), OutsideWorkspace, outside);
    }
  });

  test('kept while the port reports no change, as stats are; resolved again after one', async () => {
    const { memory } = layout();
    let generation = 0;
    let target = '/ws/certs/ca-list.pem';
    const port: FileSystemPort = Object.assign(Object.create(memory.fs) as FileSystemPort, {
      realpath: async (file: string) => (file === '/ws/certs/link.pem' ? target : file),
      generation: () => generation,
    });
    const gates = new TrustGates(port);
    const settings = settingsWith({ trust: { trusted: false, folders: [WORKSPACE] } });
    assert.equal(gates.portFor(settings, undefined), gates.portFor(settings, undefined));
    assert.equal((await gates.portFor(settings, undefined).stat('/ws/certs/link.pem')).kind, 'file');
    target = '/pki/ca-list.pem'; // the link retargeted; a watcher would report it
    generation++;
    await assert.rejects(gates.portFor(settings, undefined).stat('/ws/certs/link.pem'), (e: unknown) => e instanceof OutsideWorkspace && e.leadsTo === '/pki/ca-list.pem');
    assert.equal(gates.portFor(settingsWith({}), undefined), port, 'trusted: the port itself');
  });
});

describe('trust: symbolic links on disk, through both Node ports', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ems-trust-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const ws = path.join(root, 'ws');
  const outside = path.join(root, 'outside');
  for (const folder of [path.join(ws, 'etc'), path.join(ws, 'certs'), outside]) mkdirSync(folder, { recursive: true });
  copyFileSync(pki('ca-list.pem'), path.join(ws, 'certs', 'ca-list.pem'));
  copyFileSync(pki('ca-list.pem'), path.join(outside, 'ca-list.pem'));
  writeFileSync(path.join(outside, 'wsems'), fakeWsems({ build: '5.4.0.114' }));
  symlinkSync(path.join(outside, 'ca-list.pem'), path.join(ws, 'certs', 'link.pem')); // a file inside leading out
  symlinkSync(outside, path.join(ws, 'away')); // a folder inside leading out
  symlinkSync(path.join(outside, 'wsems'), path.join(ws, 'wsems')); // the home's binary leading out
  symlinkSync(ws, path.join(root, 'ws-link')); // the workspace folder, named through a link
  const configPath = path.join(ws, 'etc', 'config.json');
  const text = config({
    certificates: { cert_chain: path.join(ws, 'certs', 'ca-list.pem'), http_client_ca_certs: path.join(ws, 'certs', 'link.pem') },
    http_server: { certificate: 'away/ca-list.pem', private_key: 'away/missing.pem' },
  });

  for (const [name, port] of [['promises', nodeFileSystem], ['blocking', blockingFileSystem]] as const) {
    /** The port, recording every path it stats, reads or lists (the gate passes it resolved paths). */
    const recording = () => {
      const touched: string[] = [];
      const fs: FileSystemPort = {
        platform: port.platform,
        stat: (file) => (touched.push(file), port.stat(file)),
        readFile: (file, max) => (touched.push(file), port.readFile(file, max)),
        readChunks: (file, max, take) => (touched.push(file), port.readChunks!(file, max, take)),
        readDirectory: (folder) => (touched.push(folder), port.readDirectory(folder)),
        realpath: (file) => port.realpath!(file),
      };
      return { fs, touched, service: createEmsService({ fs, now: () => NOW }) };
    };
    const untrusted = settingsWith({ trust: { trusted: false, folders: [ws] }, emsVersionSource: 'default' });

    test(`${name}: a link inside that leads out is not followed, for files, folders and the EMS binary`, async () => {
      const { service, touched } = recording();
      const result = await service.check({ text, path: configPath, settings: untrusted });
      assert.deepEqual(touched.filter((p) => p.startsWith(outside)), []);
      assert.equal(reference(result, '/certificates/cert_chain').status, 'ok');
      const messages = new Map(refused(result).map((f) => [f.pointer, f.message]));
      assert.deepEqual([...messages.keys()].sort(), ['/certificates/http_client_ca_certs', '/http_server/certificate', '/http_server/private_key']);
      assert.match(messages.get('/certificates/http_client_ca_certs')!, new RegExp(`link\\.pem leads to ${escape(path.join(outside, 'ca-list.pem'))}, which is outside the workspace folders`));
      assert.match(messages.get('/http_server/private_key')!, new RegExp(`leads to ${escape(path.join(outside, 'missing.pem'))}`), 'a missing file behind a link is outside too');
      assert.equal(result.target.source, 'default', 'the binary behind the link is not read');
    });

    test(`${name}: trusted, the links are followed as before`, async () => {
      const { service } = recording();
      const result = await service.check({ text, path: configPath, settings: settingsWith({}) });
      assert.deepEqual(refused(result), []);
      assert.equal(reference(result, '/certificates/http_client_ca_certs').linksTo, path.join(outside, 'ca-list.pem'));
      const unset = await service.check({ text: config(), path: configPath, settings: settingsWith({ emsVersionSource: 'default' }) });
      assert.equal(unset.target.source, 'binary');
    });

    test(`${name}: a workspace folder named through a link still admits what lies in it`, async () => {
      const { service } = recording();
      const settings = settingsWith({ trust: { trusted: false, folders: [path.join(root, 'ws-link')] } });
      const named = config({ certificates: { cert_chain: path.join(ws, 'certs', 'ca-list.pem'), http_client_ca_certs: path.join(root, 'ws-link', 'certs', 'ca-list.pem') },
        http_server: { certificate: path.join(outside, 'ca-list.pem') } });
      const result = await service.check({ text: named, settings }); // untitled: no home, the folder alone
      assert.equal(reference(result, '/certificates/cert_chain').status, 'ok');
      assert.equal(reference(result, '/certificates/http_client_ca_certs').status, 'ok');
      assert.deepEqual(refused(result).map((f) => f.pointer), ['/http_server/certificate']);
    });
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
