// Completion as a user meets it: a cursor (`|`) in a config being typed, the entries offered, and the text
// after choosing one. File entries come from an EMS home (in memory) with the test certificates placed in it.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { complete, type CompletionEntry } from '../../server/src/service/features/complete';
import { PkiCache } from '../../server/src/service/cache/pki';
import type { Settings } from '../../server/src/service/types';
import { fixtures, MEMORY_CONFIG, MEMORY_HOME, memoryService } from '../helpers/service';

// /ems/etc/config.json; in /ems/etc/certs the test certificates and keys, an empty folder, a text file and a file too large.
const home = MEMORY_HOME;
const certs = path.posix.join(home, 'etc', 'certs');
const memory = memoryService({
  files: {
    ...fixtures(certs, ['root-ca.pem', 'ca-list.pem', 'server-chain.pem', 'server.pem', 'server-key.pem', 'server-key-encrypted.pem', 'server.p12', 'expired.pem']),
    [path.posix.join(certs, 'old')]: { kind: 'directory' },
    [path.posix.join(certs, 'notes.txt')]: Buffer.from('not a certificate\n'),
    [path.posix.join(certs, 'huge.pem')]: new Uint8Array(2 * 1024 * 1024),
  },
});
const configPath = MEMORY_CONFIG;
const ports = { fs: memory.fs, cache: new PkiCache() };

interface Completion {
  text: string;
  entries: CompletionEntry[];
  labels: string[];
  entry(label: string): CompletionEntry;
  /** The text after choosing the entry, snippet placeholders filled with their defaults. */
  apply(label: string): string;
}

/** Completion at the `|` in a text (the marker is removed); file null: an untitled document, without an EMS home. */
async function completeAt(marked: string, settings: Partial<Settings> = {}, file: string | null = configPath): Promise<Completion> {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const result = await memory.check(text, settings, file);
  const entries = await complete(result, result.document.model.positionAt(offset), ports);
  const entry = (label: string) => {
    const found = entries.find((e) => e.label === label);
    if (!found) throw new Error(`no entry ${label} in ${entries.map((e) => e.label).join(', ')}`);
    return found;
  };
  return { text, entries, labels: entries.map((e) => e.label), entry, apply: (label) => apply(text, entry(label)) };
}

function apply(text: string, entry: CompletionEntry): string {
  const document = TextDocument.create('file:///ems/etc/config.json', 'ems-config', 1, text);
  const newText = entry.snippet ? expandSnippet(entry.insertText) : entry.insertText;
  return TextDocument.applyEdits(document, [{ range: entry.range, newText }, ...(entry.additionalEdits ?? [])]);
}

/** What an editor leaves after a snippet when the user accepts every placeholder as it is. */
function expandSnippet(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|((?:\\.|[^,|\\])*)[,|][^}]*\}/g, '$1')
    .replace(/\$\{\d+:((?:\\.|[^}\\])*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\\([\\$}|,])/g, '$1');
}

const sorted = (entries: CompletionEntry[]) => [...entries].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((e) => e.label);

describe('keys', () => {
  test('the keys of the object at the cursor, without those already there', async () => {
    const c = await completeAt('{ "appKey": "x", "certificates": { "validate": true, | } }');
    for (const key of ['cert_chain', 'client_cert', 'key_file', 'allow_self_signed', 'validation_criteria']) assert.ok(c.labels.includes(key), key);
    assert.ok(!c.labels.includes('validate'));
    assert.ok(!c.labels.includes('client_key'), 'keys the EMS does not read are not offered');
    assert.ok(!c.labels.includes('deny_self_signed'), 'nor the undocumented one it reads (allow_self_signed is the documented way)');
    assert.ok(!c.labels.includes('ws_servers'), 'only keys of this object');
  });

  test('keys compare ignoring case, as the EMS reads them', async () => {
    const c = await completeAt('{ "CERTIFICATES": { "Validate": true, | } }');
    assert.ok(c.labels.includes('cert_chain'));
    assert.ok(!c.labels.includes('validate'));
  });

  test('a key comes with its default value, and the text stays JSON', async () => {
    const c = await completeAt('{ "certificates": { "validate": true, | } }');
    const applied = c.apply('allow_self_signed');
    assert.equal(applied, '{ "certificates": { "validate": true, "allow_self_signed": false } }');
    assert.equal(c.entry('allow_self_signed').detail, 'boolean');
    assert.match(c.entry('allow_self_signed').documentation ?? '', /self-signed/);
    assert.deepEqual(JSON.parse(c.apply('cert_chain')).certificates.cert_chain, '/opt/thingworx/microserver/etc/certs/SSLCACert.pem');
  });

  test('placeholders by type when there is no default or example', async () => {
    const c = await completeAt('{ "http_server": { | } }');
    assert.equal(c.entry('ssl').insertText, '"ssl": ${1|true,false|}');
    assert.equal(c.entry('passphrase').insertText, '"passphrase": "$1"');
    assert.equal(c.entry('port').insertText, '"port": ${1:8000}');
    const top = await completeAt('{ "appKey": "x", | }');
    assert.equal(top.entry('logger').insertText, '"logger": {$1}');
    assert.equal(JSON.parse(top.apply('ws_servers')).ws_servers[0].port, 443, 'the example, on one line');
  });

  test('cert_chain starts as an array for a release that reads only arrays', async () => {
    const c = await completeAt('{ "certificates": { | } }', { emsVersion: '5.3.4' });
    assert.deepEqual(JSON.parse(c.apply('cert_chain')).certificates.cert_chain, ['']);
  });

  test('keys the target release does not read are ranked last and say why', async () => {
    const old = await completeAt('{ "certificates": { | } }', { emsVersion: '5.4.7' });
    const entry = old.entry('http_client_ca_certs');
    assert.match(entry.detail ?? '', /read from EMS 5\.4\.8 \(target 5\.4\.7\)/);
    assert.equal(sorted(old.entries).at(-1), 'fingerprint_allowlist');
    assert.ok(sorted(old.entries).indexOf('http_client_ca_certs') > sorted(old.entries).indexOf('validation_criteria'));
    const current = await completeAt('{ "certificates": { | } }', { emsVersion: '5.5.0' });
    assert.equal(current.entry('http_client_ca_certs').detail, 'string');
    const removed = (await completeAt('{ "http_server": { | } }')).entry('use_default_certificate');
    assert.equal(removed.deprecated, true);
    assert.match(removed.detail ?? '', /not read since EMS 5\.4\.5/);
  });

  test('a new line after a value without its comma: the comma is added there', async () => {
    const c = await completeAt('{\n  "certificates": {\n    "validate": true\n    |\n  }\n}');
    assert.deepEqual(JSON.parse(c.apply('allow_self_signed')).certificates, { validate: true, allow_self_signed: false });
    const crlf = await completeAt('{\r\n  "certificates": {\r\n    "validate": true\r\n    "allo|"\r\n  }\r\n}');
    assert.deepEqual(JSON.parse(crlf.apply('allow_self_signed')).certificates, { validate: true, allow_self_signed: false });
    const item = await completeAt('{ "certificates": { "cert_chain": [ "etc/certs/root-ca.pem"\n  "etc/certs/ca|" ] } }');
    assert.deepEqual(JSON.parse(item.apply('ca-list.pem')).certificates.cert_chain, ['etc/certs/root-ca.pem', 'etc/certs/ca-list.pem']);
  });

  test('before another member: the comma is added after the new one', async () => {
    const c = await completeAt('{ "certificates": {\n    |\n    "validate": true\n  }\n}');
    assert.deepEqual(JSON.parse(c.apply('allow_self_signed')).certificates, { allow_self_signed: false, validate: true });
  });

  test('a key being typed is replaced, quoted or not, closed or not', async () => {
    const quoted = await completeAt('{ "certificates": { "validate": true, "allo|" } }');
    assert.equal(quoted.entry('allow_self_signed').filterText, '"allow_self_signed"');
    assert.deepEqual(JSON.parse(quoted.apply('allow_self_signed')).certificates.allow_self_signed, false);
    const bare = await completeAt('{ "certificates": { "validate": true, allo| } }');
    assert.deepEqual(JSON.parse(bare.apply('allow_self_signed')).certificates.allow_self_signed, false);
    const open = await completeAt('{ "certificates": { "validate": true, "allo| } }');
    assert.deepEqual(JSON.parse(open.apply('allow_self_signed')).certificates.allow_self_signed, false);
  });

  test('renaming a key keeps its value', async () => {
    const c = await completeAt('{ "certificates": { "vali|": false } }');
    assert.equal(c.apply('validate'), '{ "certificates": { "validate": false } }');
  });

  test('inside array items and at the top level', async () => {
    const item = await completeAt('{ "ws_servers": [{ "host": "a", | }] }');
    assert.deepEqual(item.labels, ['port']);
    const top = await completeAt('{|}');
    assert.ok(top.labels.includes('ws_servers') && top.labels.includes('certificates'));
  });

  test('nothing in a comment, after a key without its colon, or outside the schema', async () => {
    assert.deepEqual((await completeAt('{ "certificates": { // |\n } }')).labels, []);
    assert.deepEqual((await completeAt('{ "certificates": { "validate" | } }')).labels, []);
    assert.deepEqual((await completeAt('{ "nonsense": { | } }')).labels, []);
    assert.deepEqual((await completeAt('|')).labels, []);
  });
});

describe('values', () => {
  test('enum values as JSON strings, the default first', async () => {
    const c = await completeAt('{ "ws_connection": { "encryption": "|" } }');
    assert.deepEqual(sorted(c.entries), ['"ssl"', '"none"', '"fips"']);
    assert.equal(c.entry('"ssl"').detail, 'default');
    assert.match(c.entry('"none"').documentation ?? '', /not encrypted/);
    assert.equal(JSON.parse(c.apply('"none"')).ws_connection.encryption, 'none');
  });

  test('a value being typed, unquoted or in an unterminated string', async () => {
    const open = await completeAt('{ "ws_connection": { "encryption": "s|\n} }');
    assert.equal(JSON.parse(open.apply('"ssl"')).ws_connection.encryption, 'ssl');
    const word = await completeAt('{ "certificates": { "validate": f| } }');
    assert.equal(JSON.parse(word.apply('false')).certificates.validate, false);
  });

  test('booleans after the colon, with the comma the next member needs', async () => {
    const c = await completeAt('{ "certificates": { "allow_self_signed": |\n "validate": true } }');
    assert.deepEqual(c.labels.sort(), ['false', 'true']);
    assert.equal(c.entry('false').detail, 'default');
    assert.deepEqual(JSON.parse(c.apply('false')).certificates, { allow_self_signed: false, validate: true });
  });
});

describe('files', () => {
  const labelsOf = (c: Completion) => [...c.labels].sort();

  test('the certificate and key files of the folder typed so far, relative to the EMS home', async () => {
    const c = await completeAt('{ "certificates": { "cert_chain": "etc/certs/|" } }');
    assert.deepEqual(labelsOf(c), ['ca-list.pem', 'expired.pem', 'old/', 'root-ca.pem', 'server-chain.pem', 'server-key-encrypted.pem', 'server-key.pem', 'server.p12', 'server.pem']);
    assert.equal(c.entry('root-ca.pem').detail, 'CA certificate, expires 2035-01-01');
    assert.equal(c.entry('ca-list.pem').detail, 'CA certificates (2), expires 2035-01-01');
    assert.equal(c.entry('server-chain.pem').detail, 'certificate chain (2) for EMS Config Test Server, expires 2027-06-01');
    assert.equal(c.entry('expired.pem').detail, 'certificate for EMS Config Test Expired, expired 2026-03-01');
    assert.equal(c.entry('server-key-encrypted.pem').detail, 'private key, encrypted');
    assert.equal(c.entry('server-key.pem').detail, 'private key (RSA 2048)');
    assert.match(c.entry('server.p12').detail ?? '', /^PKCS#12/);
    assert.equal(c.entry('old/').kind, 'folder');
    assert.deepEqual(sorted(c.entries).slice(0, 2), ['ca-list.pem', 'root-ca.pem'], 'CA lists first for a CA-list setting');
    assert.equal(JSON.parse(c.apply('ca-list.pem')).certificates.cert_chain, 'etc/certs/ca-list.pem');
  });

  test('what fits the setting comes first', async () => {
    const key = await completeAt('{ "certificates": { "key_file": "etc/certs/|" } }');
    assert.deepEqual(sorted(key.entries).slice(0, 2), ['server-key-encrypted.pem', 'server-key.pem']);
    const cert = await completeAt('{ "certificates": { "client_cert": "etc/certs/|" } }');
    assert.deepEqual(sorted(cert.entries).slice(0, 3), ['expired.pem', 'server-chain.pem', 'server.pem']);
  });

  test('an absolute folder, and a name typed in part', async () => {
    const c = await completeAt(`{ "certificates": { "key_file": "${certs}/server-k|" } }`);
    assert.ok(c.labels.includes('server-key.pem'));
    assert.equal(JSON.parse(c.apply('server-key.pem')).certificates.key_file, path.join(certs, 'server-key.pem'));
  });

  test('a folder continues the path', async () => {
    const c = await completeAt('{ "certificates": { "client_cert": "etc/|" } }');
    const folder = c.entry('certs/');
    assert.equal(folder.retrigger, true);
    assert.equal(JSON.parse(c.apply('certs/')).certificates.client_cert, 'etc/certs/');
    const middle = await completeAt('{ "certificates": { "client_cert": "etc/ce|rts/server.pem" } }');
    assert.equal(JSON.parse(middle.apply('certs/')).certificates.client_cert, 'etc/certs/server.pem');
  });

  test('in an array item, in an unterminated string, and before any quote', async () => {
    const item = await completeAt('{ "certificates": { "cert_chain": ["etc/certs/r|"] } }');
    assert.deepEqual(JSON.parse(item.apply('root-ca.pem')).certificates.cert_chain, ['etc/certs/root-ca.pem']);
    const open = await completeAt('{ "certificates": { "cert_chain": "etc/certs/|\n} }');
    assert.equal(JSON.parse(open.apply('root-ca.pem')).certificates.cert_chain, 'etc/certs/root-ca.pem');
    const bare = await completeAt('{ "certificates": { "cert_chain": |\n "validate": true } }');
    assert.deepEqual(bare.labels, ['etc/']);
    assert.deepEqual(JSON.parse(bare.apply('etc/')).certificates, { cert_chain: 'etc/', validate: true });
  });

  test('not a text file, a file too large, or a relative path without a home', async () => {
    const c = await completeAt('{ "certificates": { "cert_chain": "etc/certs/|" } }');
    assert.ok(!c.labels.includes('notes.txt') && !c.labels.includes('huge.pem'));
    const nowhere = await completeAt('{ "certificates": { "cert_chain": "etc/certs/|" } }', {}, null);
    assert.deepEqual(nowhere.labels, []);
  });

  test('a large folder is cut, keeping the names that match what is typed', async () => {
    const many = path.posix.join(home, 'many');
    const empty = Array.from({ length: 250 }, (_, i) => [path.posix.join(many, `a${String(i).padStart(3, '0')}.pem`), new Uint8Array()]);
    memory.put({ ...Object.fromEntries(empty), [path.posix.join(many, 'zz-root.pem')]: 'root-ca.pem' });
    const c = await completeAt('{ "certificates": { "cert_chain": "many/zz|" } }');
    assert.equal(c.entries.length, 200);
    assert.equal(c.entry('zz-root.pem').detail, 'CA certificate, expires 2035-01-01');
    assert.equal(c.entry('a000.pem').detail, 'empty');
  });

  test('entries never show key material', async () => {
    const c = await completeAt('{ "certificates": { "key_file": "etc/certs/|" } }');
    for (const entry of c.entries) assert.doesNotMatch(JSON.stringify(entry), /BEGIN|PRIVATE KEY-----|MII/);
  });
});

test('latency, warm, in the certificates group', async (t) => {
  const text = '{ "ws_servers": [{ "host": "twx.example.com", "port": 443 }], "appKey": "x",\n  "certificates": { "validate": true, "cert_chain": "etc/certs/|" } }';
  await completeAt(text);
  const runs = 50;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await completeAt(text);
  const checkAndComplete = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  const offset = text.indexOf('|');
  const result = await memory.check(text.replace('|', ''), {}, configPath);
  const keyText = text.replace('"cert_chain": "etc/certs/|"', '|');
  const keyResult = await memory.check(keyText.replace('|', ''), result.settings, configPath);
  const time = async (r: typeof result, at: number) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await complete(r, r.document.model.positionAt(at), ports);
    return Number(process.hrtime.bigint() - start) / 1e6 / runs;
  };
  const files = await time(result, offset);
  const keys = await time(keyResult, keyText.indexOf('|'));
  t.diagnostic(`complete, files in etc/certs: ${files.toFixed(2)} ms; keys: ${keys.toFixed(3)} ms; check + complete: ${checkAndComplete.toFixed(2)} ms (mean of ${runs}, warm)`);
});
