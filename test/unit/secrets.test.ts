// Secrets never leave the document (issue #7): configs full of passwords, passphrases, appKeys and AES:
// values, naming private keys in every format, are rendered every way the product renders anything — every
// finding (message and data), every hover at every position, the CLI's text, JSON and SARIF, and everything
// the language server writes while its trace is verbose (diagnostics, hovers, completions, code actions,
// outline, links, status, report, log and trace notifications). None of the secret values, no
// "PRIVATE KEY" and no line of the keys' bytes may appear in any of it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { hover } from '../../server/src/service/features/hover';
import { RawServer } from '../helpers/rawLsp';
import { NOW, PASSPHRASE, PKI_DIR } from '../helpers/pki';
import { CLI } from '../helpers/repo';
import { settingsWith } from '../helpers/service';

const work = mkdtempSync(path.join(tmpdir(), 'ems-secrets-'));
after(() => rmSync(work, { recursive: true, force: true }));

// ─── The secrets ────────────────────────────────────────────────────────────────────────────────────────────
// Distinct values, none of them a word the product might print for another reason. No quotes or backslashes:
// they would be escaped in JSON output and slip past a plain search.

const S = {
  appKey: 'c0ffee00-5ec2-4e7a-9d1b-badc0ffee123',
  appKeyMalformed: 'Not-A-Guid-AppKey-5ecret',
  httpPassword: 'Http-Pa55word-Plain',
  httpPasswordSpaced: ' Spaced-Pa55word-Http ',
  proxyPassword: 'Proxy-Pa55word-Plain',
  bindPassword: 'Lua-Bind-Pa55word',
  bindPassword2: 'Lua-Bind-Second-Pa55',
  wrongPassphrase: 'Wrong-Key-Pa55phrase',
  passphrase: PASSPHRASE,
  duplicatePassword: 'Duplicate-Pa55word-Second',
  caseVariantPassword: 'Case-Variant-Pa55word',
  unknownKeySecret: 'Typo-Key-Pa55word',
  aesHttp: 'AES:q7Bd1zX9kLmN0pQrStUvWw==',
  aesProxy: 'AES:ZmFrZS1wcm94eS1zZWNyZXQxMjM0NTY3OA==',
  aesBind: 'AES:YmluZC1wYXNzd29yZC1hZXMtMTIzNDU2Nzg=',
  aesAppKey: 'AES:O/V1gZmxCFmwZZ//WgZ1rrfEi/Z36AvYNF2BSLR3m0Wvk0q3ExxaH/KIUEgFhuE4',
  aesMalformed: 'AES:Not-Base64-At-All-5ecret!',
  aesShort: 'AES:c2hvcnQ=',
  numericPassword: 987654321987,
};
const SECRET_TEXTS = Object.values(S).map(String);

// ─── Key files ──────────────────────────────────────────────────────────────────────────────────────────────

const certs = path.join(work, 'certs');
mkdirSync(certs);
const KEY_FILES = ['server-key.pem', 'server-key-encrypted.pem', 'server-key-rsa.pem', 'server-key-rsa-encrypted.pem', 'server-key.der', 'ec-p256-server-key.pem',
  'ec-p256-server-key-sec1-encrypted.pem', 'ed25519-server-key.pem', 'server.p12', 'server-bundle.pem', 'ca-list-with-key.pem', 'other-key.pem'];
const OTHER_FILES = ['server.pem', 'server-chain.pem', 'ca-list.pem', 'ec-p256-server.pem'];
for (const name of [...KEY_FILES, ...OTHER_FILES]) copyFileSync(path.join(PKI_DIR, name), path.join(certs, name));
const file = (name: string) => path.join(certs, name);

/** Every line of every private key's bytes, as Base64 (PEM bodies, and the binary files encoded as PEM would be). */
const KEY_LINES = (() => {
  const lines = new Set<string>();
  for (const name of KEY_FILES) {
    const bytes = readFileSync(file(name));
    const text = bytes.toString('latin1');
    const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g)];
    for (const [, , body] of blocks) for (const line of body!.split(/\r?\n/)) if (line.length >= 16 && !line.includes(':')) lines.add(line);
    if (!text.includes('-----BEGIN')) for (const line of bytes.toString('base64').match(/.{1,64}/g)!) if (line.length >= 16) lines.add(line);
  }
  return [...lines];
})();

/** The hex of each key file's bytes, 16 bytes at a time: a key dumped as hex would show one of these. */
const KEY_HEX = KEY_FILES.flatMap((name) => readFileSync(file(name)).toString('hex').match(/.{32}/g) ?? []);

/** What of the secrets, PEM labels and key lines shows in the text: [] when nothing does. */
function leaksIn(text: string): string[] {
  const leaks: string[] = [];
  for (const secret of SECRET_TEXTS) if (text.includes(secret.trim())) leaks.push(`secret ${JSON.stringify(secret)}`);
  if (text.includes('PRIVATE KEY')) leaks.push('"PRIVATE KEY"');
  const line = KEY_LINES.find((l) => text.includes(l));
  if (line) leaks.push(`key bytes ${line.slice(0, 16)}…`);
  const lower = text.toLowerCase();
  const hex = KEY_HEX.find((h) => lower.includes(h));
  if (hex) leaks.push(`key bytes in hex ${hex}`);
  return leaks;
}

/** Collects leaks by where they showed, so that one failure lists every channel at once. */
class LeakReport {
  private readonly found = new Map<string, Set<string>>();
  private readonly samples = new Map<string, string>();

  check(text: string, where: string): void {
    const leaks = leaksIn(text);
    if (!leaks.length) return;
    const seen = this.found.get(where) ?? new Set();
    leaks.forEach((l) => seen.add(l));
    this.found.set(where, seen);
    if (!this.samples.has(where)) {
      const at = Math.max(0, ...SECRET_TEXTS.map((s) => text.indexOf(s.trim())), text.indexOf('PRIVATE KEY'));
      this.samples.set(where, text.slice(Math.max(0, at - 160), at + 80));
    }
  }

  assertNone(): void {
    if (!this.found.size) return;
    assert.fail([...this.found].map(([where, leaks]) => `${where} shows ${[...leaks].join(', ')}\n    e.g. …${this.samples.get(where)}…`).join('\n'));
  }
}

function assertNoSecrets(text: string, where: string): void {
  const report = new LeakReport();
  report.check(text, where);
  report.assertNone();
}

// ─── The configs ────────────────────────────────────────────────────────────────────────────────────────────

const ws = [{ host: 'twx.example.com', port: 443 }];

/** Clear text everywhere; keys that open, keys that do not, and keys where certificates belong. */
const plain = {
  ws_servers: ws,
  appKey: S.appKey,
  http_server: { host: '127.0.0.1', port: 8000, ssl: true, certificate: file('server.pem'), private_key: file('server-key-encrypted.pem'), passphrase: S.passphrase, authenticate: true, user: 'ems', password: S.httpPassword },
  proxy: { host: 'proxy.example.com', port: 3128, user: 'proxy', password: S.proxyPassword },
  certificates: {
    validate: true, cert_chain: [file('ca-list-with-key.pem'), file('server-bundle.pem')], client_cert: file('server-chain.pem'),
    key_file: file('server-key-rsa-encrypted.pem'), key_passphrase: S.wrongPassphrase, http_client_ca_certs: file('server-key.pem'),
  },
  auto_bind: [
    { name: 'Thing1', host: '127.0.0.1', port: 8001, path: '/', protocol: 'https', user: 'lua', password: S.bindPassword, gateway: false },
    { name: 'Thing2', host: '127.0.0.1', port: 8002, path: '/', protocol: 'http', user: 'lua', password: S.bindPassword2, gateway: false },
  ],
};

/** AES: values, well-formed and not; keys in every other format, opened or locked. */
const encrypted = {
  ws_servers: ws,
  appKey: S.aesAppKey,
  http_server: { host: '127.0.0.1', port: 8000, ssl: true, certificate: file('ec-p256-server.pem'), private_key: file('ec-p256-server-key-sec1-encrypted.pem'), passphrase: S.aesHttp, authenticate: true, user: 'ems', password: S.aesMalformed },
  proxy: { host: 'proxy.example.com', port: 3128, user: 'proxy', password: S.aesProxy },
  certificates: {
    validate: true, cert_chain: file('server.p12'), client_cert: file('server.p12'), key_file: file('server.p12'), key_passphrase: S.aesShort,
    http_client_ca_certs: [file('ed25519-server-key.pem'), file('server-key.der')],
  },
  auto_bind: [{ name: 'Thing1', host: '127.0.0.1', port: 8001, path: '/', protocol: 'https', user: 'lua', password: S.aesBind, gateway: false }],
};

/** Secrets in the wrong shapes: the findings about them are where a value is most tempting to quote. */
const misshapen = `{
  "ws_servers": [{ "host": "twx.example.com", "port": 443 }],
  "appKey": "${S.appKeyMalformed}",
  "http_server": {
    "ssl": true, "certificate": "${file('server.pem')}", "private_key": "${file('server-key-encrypted.pem')}",
    "passphrase": "", "authenticate": true, "user": "ems",
    "password": "${S.httpPasswordSpaced}",
    "PassWord": "${S.duplicatePassword}",
    "passwd": "${S.unknownKeySecret}"
  },
  "proxy": { "host": "proxy.example.com", "port": 3128, "password": ${S.numericPassword} },
  "certificates": { "key_file": "${file('server-key-rsa.pem')}", "client_cert": "${file('ec-p256-server.pem')}", "key_passphrase": "${S.passphrase}" },
  "auto_bind": [{ "name": "T", "password": ["${S.bindPassword}"] }, { "name": "U", "PassWord": "${S.caseVariantPassword}" }]
}
`;

const CONFIGS: Record<string, string> = {
  plain: JSON.stringify(plain, null, 2),
  encrypted: JSON.stringify(encrypted, null, 2),
  misshapen,
};
const VERSIONS = ['5.3.4', '5.4.0', '5.4.7', '5.4.8', '5.5.0'];

/** Each config in an EMS home of its own, as the CLI and the server read it from disk. */
const homes = Object.fromEntries(Object.entries(CONFIGS).map(([name, text]) => {
  const home = path.join(work, name);
  mkdirSync(path.join(home, 'etc'), { recursive: true });
  writeFileSync(path.join(home, 'etc', 'config.json'), text);
  return [name, home];
}));

test('the leak search finds what it looks for', () => {
  assert.deepEqual(leaksIn('nothing to see'), []);
  assert.deepEqual(leaksIn(`x ${S.proxyPassword} y`), [`secret ${JSON.stringify(S.proxyPassword)}`]);
  assert.deepEqual(leaksIn('-----BEGIN PRIVATE KEY-----'), ['"PRIVATE KEY"']);
  assert.equal(leaksIn(`data ${KEY_LINES[7]} data`).length, 1);
  const der = readFileSync(file('server-key.der'));
  assert.equal(leaksIn(der.subarray(64, 112).toString('hex').toUpperCase()).length, 1, 'hex, any case');
});

test('the configs hold every secret, and the checks reach the keys', async () => {
  const all = Object.values(CONFIGS).join('\n');
  for (const secret of SECRET_TEXTS) assert.ok(all.includes(secret), secret);
  assert.ok(KEY_LINES.length > 100, `${KEY_LINES.length} key lines`);
  const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
  const codes = new Set<string>();
  for (const [name, text] of Object.entries(CONFIGS)) {
    for (const emsVersion of VERSIONS) {
      const result = await service.check({ text, path: path.join(homes[name]!, 'etc', 'config.json'), settings: settingsWith({ emsVersion }) });
      for (const f of result.findings) codes.add(f.code);
    }
  }
  // The findings most tempted to quote a value: all of them were produced, so all of them were checked.
  for (const code of ['plaintext-secret', 'encrypted-value-malformed', 'invalid-value', 'wrong-type', 'duplicate-key', 'non-canonical-case',
    'unknown-property', 'key-passphrase-wrong', 'key-encrypted-no-passphrase', 'passphrase-unverifiable', 'private-key-exposed', 'wrong-content-kind', 'key-mismatch']) {
    assert.ok(codes.has(code), `no ${code} among ${[...codes].join(' ')}`);
  }
});

describe('secrets stay out of everything the service renders', () => {
  const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
  for (const [name, text] of Object.entries(CONFIGS)) {
    test(`${name}: every finding (message and data), every file fact, every hover at every position`, async () => {
      const report = new LeakReport();
      for (const emsVersion of VERSIONS) {
        const result = await service.check({ text, path: path.join(homes[name]!, 'etc', 'config.json'), settings: settingsWith({ emsVersion }) });
        for (const finding of result.findings) {
          report.check(finding.message, `the message of ${finding.code} at ${finding.pointer}`);
          report.check(JSON.stringify(finding.data ?? {}), `the data of ${finding.code} at ${finding.pointer}`);
        }
        report.check(JSON.stringify(result.files), 'the file facts');
        const lines = text.split('\n');
        for (const [line, content] of lines.entries()) {
          for (let character = 0; character <= content.length; character++) {
            const answer = hover(result, { line, character });
            if (answer) report.check(answer.contents, `the hover on line ${line + 1}`);
          }
        }
      }
      report.assertNone();
    });
  }
});

describe('secrets stay out of the command line\'s output', () => {
  for (const format of ['text', 'json', 'sarif']) {
    test(`--format ${format}`, () => {
      for (const emsVersion of ['5.4.7', '5.5.0']) {
        const result = spawnSync(process.execPath, [CLI, 'check', '--format', format, '--ems-version', emsVersion, '--now', NOW.toISOString(), work],
          { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        assert.ok(result.status === 0 || result.status === 1, `exit ${result.status}: ${result.stderr}`);
        assert.match(result.stdout, /plaintext-secret|encrypted-value-malformed/);
        assertNoSecrets(result.stdout, `${format} stdout (${emsVersion})`);
        assertNoSecrets(result.stderr, `${format} stderr (${emsVersion})`);
      }
    });
  }
});

describe('secrets stay out of everything the language server writes, trace verbose', () => {
  test('diagnostics, hovers, completions, code actions, outline, links, status, report, logs and traces', { timeout: 120_000 }, async () => {
    const server = new RawServer();
    try {
      await server.initialize({ trace: 'verbose', initializationOptions: { settings: { emsVersion: '5.4.7' } } });
      server.notify('$/setTrace', { value: 'verbose' });
      let version = 0;
      for (const [name, text] of Object.entries(CONFIGS)) {
        const uri = pathToFileURL(path.join(homes[name]!, 'etc', 'config.json')).href;
        server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'ems-config', version: ++version, text } });
        const { diagnostics } = await server.diagnostics(uri, (p) => p.version === version);
        assert.ok(diagnostics.length > 0);
        const lines = text.split('\n');
        const requests: Promise<unknown>[] = [];
        for (const [line, content] of lines.entries()) {
          // Every position of the lines that hold a secret or name a key file; the start of every other line.
          const interesting = SECRET_TEXTS.some((s) => content.includes(s.trim())) || content.includes(certs);
          for (let character = 0; character <= (interesting ? content.length : 0); character++) {
            requests.push(server.request('textDocument/hover', { textDocument: { uri }, position: { line, character } }, 30_000));
            if (interesting && character % 3 === 0) requests.push(server.request('textDocument/completion', { textDocument: { uri }, position: { line, character } }, 30_000));
          }
        }
        for (const diagnostic of diagnostics) {
          requests.push(server.request('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } }, 30_000));
        }
        for (const method of ['textDocument/documentSymbol', 'textDocument/documentLink', 'textDocument/foldingRange']) requests.push(server.request(method, { textDocument: { uri } }, 30_000));
        requests.push(server.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }, 30_000));
        requests.push(server.request('emsConfig/status', { uri }, 30_000), server.request('emsConfig/report', { uri }, 30_000));
        await Promise.all(requests);
      }
      // Hostile notifications that carry secrets make the server log errors: the log must not quote them.
      const secretText = CONFIGS['plain']!;
      server.notify('textDocument/didOpen', { textDocument: { uri: 5, languageId: 'ems-config', version: 'x', text: secretText } });
      server.notify('textDocument/didOpen', { textDocument: { uri: 'file:///secrets/etc/config.json', languageId: 'ems-config', version: 1, text: secretText } });
      server.notify('textDocument/didChange', { textDocument: { uri: 'file:///secrets/etc/config.json', version: 2 }, contentChanges: [{ range: S.httpPassword, text: secretText }] });
      server.notify('textDocument/didChange', { textDocument: { uri: 'file:///secrets/etc/config.json', version: 3 }, contentChanges: S.proxyPassword });
      server.notify('workspace/didChangeConfiguration', { settings: { emsConfig: { emsVersion: S.bindPassword, severity: { [S.appKey]: S.httpPassword } } } });
      // Settings change: everything is checked again (and logged, if anything is).
      server.notify('workspace/didChangeConfiguration', { settings: { emsConfig: { emsVersion: '5.5.0' } } });
      await server.diagnostics(pathToFileURL(path.join(homes['plain']!, 'etc', 'config.json')).href, (p) => !p.diagnostics.some((d) => d.code === 'plaintext-secret'));
      await server.ping();
      const hovers = server.messages.filter((m) => m.result && typeof m.result === 'object' && 'contents' in (m.result as object));
      assert.ok(hovers.length > 50, `${hovers.length} hovers`);
      const report = new LeakReport();
      for (const message of server.messages) {
        const answers = message.id !== undefined && message.id !== null ? server.methods.get(message.id) : undefined;
        report.check(JSON.stringify(message), message.method ?? `the response to ${answers ?? `request ${message.id}`}`);
      }
      report.check(server.stderr, 'stderr');
      report.check(server.stray, 'stdout outside messages');
      report.assertNone();
    } finally {
      await server.close();
    }
  });
});
