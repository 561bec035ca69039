// The bundled language server as a separate process over stdio, as VS Code and other editors run it.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { type CodeAction, CodeActionRequest, SelectionRangeRequest, type CompletionItem, CompletionRequest, DocumentLinkRequest, HoverRequest, type MarkupContent, type Diagnostic, DocumentFormattingRequest, type DocumentSymbol, DocumentSymbolRequest, FoldingRangeRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DAY, PKI_DIR } from '../helpers/pki';
import { fileChanged, startClient, type TestClient, watched } from '../helpers/lsp';
import { config } from '../helpers/service';

const home = mkdtempSync(path.join(tmpdir(), 'ems-lsp-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(path.join(home, 'etc', 'certs'), { recursive: true });
const configUri = pathToFileURL(path.join(home, 'etc', 'config.json')).href;
const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code);

const FULL = { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } };

async function open(client: TestClient, uri: string, text: string, languageId = 'ems-config') {
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
}

/** The code actions the server offers for one diagnostic of the config. */
function actionsFor(client: TestClient, diagnostic: Diagnostic) {
  return client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: configUri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
}

/** Applies a code action's edit to the text, sends the result as version 2, and waits for no findings. */
async function applyAndExpectClean(client: TestClient, text: string, action: CodeAction) {
  const fixed = TextDocument.applyEdits(TextDocument.create(configUri, 'ems-config', 1, text), action.edit!.changes![configUri]!);
  await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: configUri, version: 2 }, contentChanges: [{ text: fixed }] });
  assert.deepEqual(await client.diagnostics(configUri, (d) => d.length === 0), []);
}

describe('language server over stdio', () => {
  test('diagnostics after didOpen, updated after didChange, cleared on close', async () => {
    const client = await startClient(FULL);
    try {
      await open(client, configUri, config({ resourse: '/Thingworx/WS' }));
      const first = await client.diagnostics(configUri, (d) => d.length > 0);
      assert.deepEqual(codes(first), ['unknown-property']);
      assert.equal(first[0]!.source, 'ems-config');
      assert.equal((first[0]!.data as { pointer: string }).pointer, '/resourse');

      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: configUri, version: 2 }, contentChanges: [{ text: config({ certificates: { validate: false } }) }],
      });
      const second = await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'validation-disabled'));
      assert.deepEqual(codes(second), ['validation-disabled']);

      await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: configUri } });
      assert.deepEqual(await client.diagnostics(configUri, (d) => d.length === 0), []);
    } finally {
      await client.close();
    }
  });

  test('a quick fix from the diagnostic data, applied, removes the finding', async () => {
    const client = await startClient(FULL);
    try {
      const text = config({ resourse: '/Thingworx/WS' });
      await open(client, configUri, text);
      const [diagnostic] = await client.diagnostics(configUri, (d) => d.length > 0);
      const actions = await actionsFor(client, diagnostic!);
      const fix = actions?.find((a) => 'title' in a && a.title === 'Change to "resource"');
      assert.ok(fix && 'edit' in fix && fix.edit?.changes, JSON.stringify(actions));
      await applyAndExpectClean(client, text, fix);
    } finally {
      await client.close();
    }
  });

  test('settings are pulled per document and re-read when they change', async () => {
    const client = await startClient(FULL);
    try {
      client.settings = { emsVersion: '5.4.4' };
      const text = config({ http_server: { use_default_certificate: false, ssl: false } });
      await open(client, configUri, text);
      const before = await client.diagnostics(configUri, (d) => d.length > 0);
      assert.ok(!codes(before).includes('removed-property'));
      client.settings = { emsVersion: '5.4.5', severity: { 'http-server-ssl-disabled': 'off' } };
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      const after = await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'removed-property'));
      assert.deepEqual(codes(after), ['plaintext-secret', 'removed-property']);
    } finally {
      await client.close();
    }
  });

  test('files it read are watched, and a changed certificate re-checks the document', async () => {
    const client = await startClient(FULL);
    try {
      const cert = path.join(home, 'etc', 'certs', 'http.pem');
      copyFileSync(path.join(PKI_DIR, 'server.pem'), cert);
      // The real clock judges here: server.pem runs to 2027-06-01, expired.pem ended 2026-03-01.
      await open(client, configUri, config({ certificates: { cert_chain: path.join(PKI_DIR, 'ca-list.pem'), http_client_ca_certs: cert } }));
      const before = await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'not-a-ca'));
      assert.ok(!codes(before).includes('cert-expired'));
      const watching = watched(client);
      assert.ok(watching.includes(pathToFileURL(cert).href), watching.join('\n'));

      copyFileSync(path.join(PKI_DIR, 'expired.pem'), cert);
      await fileChanged(client, cert);
      await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'cert-expired'), 2000);
    } finally {
      await client.close();
    }
  });

  test('standalone: any languageId, settings from initializationOptions, no configuration requests', async () => {
    const client = await startClient({}, { settings: { emsVersion: '5.4.7' } });
    try {
      const uri = 'untitled:Untitled-1';
      await open(client, uri, config(), 'json');
      const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
      assert.deepEqual(codes(diagnostics), ['plaintext-secret']);
      assert.equal(client.registrations.length, 0);
    } finally {
      await client.close();
    }
  });

  test('fix all: one action removes every finding of a kind', async () => {
    const client = await startClient(FULL);
    try {
      const text = config({ certificates: { validate: 'true', allow_self_signed: 'false' }, ws_connection: { verbose: 'false' } });
      await open(client, configUri, text);
      const diagnostics = await client.diagnostics(configUri, (d) => d.length > 0);
      assert.deepEqual(codes(diagnostics), ['wrong-type', 'wrong-type', 'wrong-type']);
      const actions = await actionsFor(client, diagnostics[0]!);
      const all = actions?.find((a) => a.title === 'Fix all wrong-type problems in this file (3)');
      assert.ok(all && 'edit' in all, JSON.stringify(actions?.map((a) => a.title)));
      await applyAndExpectClean(client, text, all);
    } finally {
      await client.close();
    }
  });

  test('a missing companion is inserted with its placeholder selected afterwards', async () => {
    const client = await startClient(FULL);
    try {
      const text = config({ certificates: { client_cert: '/opt/ems/client.pem' } });
      await open(client, configUri, text);
      const diagnostics = await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'missing-companion'));
      const diagnostic = diagnostics.find((d) => d.code === 'missing-companion')!;
      const actions = await actionsFor(client, diagnostic);
      const add = actions?.find((a): a is CodeAction => a.title === 'Add "key_file"' && 'edit' in a);
      assert.equal(add?.command?.command, 'emsConfig.selectRange', JSON.stringify(add));
      const fixed = TextDocument.create(configUri, 'ems-config', 2, TextDocument.applyEdits(TextDocument.create(configUri, 'ems-config', 1, text), add!.edit!.changes![configUri]!));
      const selection = add!.command!.arguments![1] as { start: { line: number; character: number }; end: { line: number; character: number } };
      assert.equal(fixed.getText(selection), '/opt/thingworx/microserver/etc/certs/SSLPrivKey.pem');
    } finally {
      await client.close();
    }
  });

  test('status: target version, files checked and the nearest expiry', async () => {
    const client = await startClient(FULL, undefined);
    try {
      client.settings = { emsVersion: '5.4.8' };
      await open(client, configUri, config({ certificates: { cert_chain: path.join(PKI_DIR, 'ca-list.pem'), client_cert: path.join(PKI_DIR, 'server.pem'), key_file: path.join(PKI_DIR, 'server-key.pem') } }));
      const status = await client.connection.sendRequest('emsConfig/status', { uri: configUri }) as { emsVersion: string; target: unknown; filesChecked: number; nearestExpiry: { notAfter: string; when: string; subject: string } };
      assert.equal(status.emsVersion, '5.4.8');
      assert.deepEqual(status.target, { release: '5.4.8', source: 'setting' });
      assert.equal(status.filesChecked, 3);
      assert.equal(status.nearestExpiry.notAfter.slice(0, 10), '2027-06-01');
      // Worded by the server in whole days, floored, as its diagnostics and hovers are (the client shows it as is).
      // (The fixtures have fixed dates and this server the real clock: either wording may be the right one.)
      const expected = Math.floor(Math.abs(Date.parse(status.nearestExpiry.notAfter) - Date.now()) / DAY);
      const phrases = [expected, expected + 1, Math.max(0, expected - 1)].flatMap((n) => n === 0 ? ['expires today', 'expired today']
        : [`expires in ${n} day${n === 1 ? '' : 's'}`, `expired ${n} day${n === 1 ? '' : 's'} ago`]);
      assert.ok(phrases.includes(status.nearestExpiry.when), `"${status.nearestExpiry.when}" is not one of ${phrases.join(', ')}`);
    } finally {
      await client.close();
    }
  });

  test('status: a release nobody set is the default, and says so; a set one is the setting', async () => {
    const client = await startClient(FULL, undefined);
    try {
      // What the VS Code client answers for emsConfig while emsVersion is unset: the section without it.
      client.settings = { expiryWarningDays: 30 };
      await open(client, configUri, config());
      await client.diagnostics(configUri);
      const target = async () => (await client.connection.sendRequest('emsConfig/status', { uri: configUri }) as { target: unknown }).target;
      assert.deepEqual(await target(), { release: '5.5.0', source: 'default' });
      client.settings = { emsVersion: '5.4.0' };
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'plaintext-secret' && String(x.message).includes('5.4.0')));
      assert.deepEqual(await target(), { release: '5.4.0', source: 'setting' });
    } finally {
      await client.close();
    }
  });

  test('hover on a certificate path shows its subject and expiry; the report lists the file', async () => {
    const client = await startClient(FULL);
    try {
      const text = config({ certificates: { cert_chain: path.join(PKI_DIR, 'ca-list.pem') } });
      await open(client, configUri, text);
      await client.diagnostics(configUri);
      const line = text.split('\n').findIndex((l) => l.includes('ca-list.pem'));
      const character = text.split('\n')[line]!.indexOf('ca-list.pem');
      const result = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: configUri }, position: { line, character } });
      const value = (result?.contents as MarkupContent).value;
      assert.match(value, /EMS Config Test Root CA/);
      assert.match(value, /2035-01-01/);
      const report = await client.connection.sendRequest('emsConfig/report', { uri: configUri }) as string;
      assert.match(report, /ca-list\.pem/);
      const none = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///not/open.json' }, position: { line: 0, character: 0 } });
      assert.equal(none, null);
    } finally {
      await client.close();
    }
  });

  test('completion of keys and certificate files; links to the files', async () => {
    const client = await startClient(FULL);
    try {
      copyFileSync(path.join(PKI_DIR, 'ca-list.pem'), path.join(home, 'etc', 'certs', 'ca-list.pem'));
      const text = config({ certificates: { validate: true, cert_chain: 'etc/certs/' } });
      await open(client, configUri, text);
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes('etc/certs/'));
      const items = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: configUri }, position: { line, character: lines[line]!.indexOf('etc/certs/') + 'etc/certs/'.length } }) as CompletionItem[];
      const file = items.find((i) => i.label === 'ca-list.pem');
      assert.match(file?.detail ?? '', /CA certificates \(2\), expires 2035-01-01/);
      const keyLine = lines.findIndex((l) => l.includes('"validate"'));
      const keys = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: configUri }, position: { line: keyLine, character: lines[keyLine]!.indexOf('"validate"') } }) as CompletionItem[];
      assert.ok(keys.some((k) => k.label === 'client_cert') && !keys.some((k) => k.label === 'cert_chain'), keys.map((k) => k.label).join());
      const links = await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: configUri } });
      assert.deepEqual(links?.map((l) => l.target), [pathToFileURL(path.join(home, 'etc', 'certs')).href]);
    } finally {
      await client.close();
    }
  });

  test('outline, folding and formatting of the JSON', async () => {
    const client = await startClient(FULL);
    try {
      const text = JSON.stringify({ ws_servers: [{ host: 'a', port: 443 }], appKey: 'x', certificates: { validate: true } }, null, 4);
      await open(client, configUri, text);
      const symbols = await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: configUri } }) as DocumentSymbol[];
      assert.deepEqual(symbols.map((s) => s.name), ['ws_servers', 'appKey', 'certificates']);
      const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: configUri }, options: { tabSize: 2, insertSpaces: true } });
      const formatted = TextDocument.applyEdits(TextDocument.create(configUri, 'ems-config', 1, text), edits ?? []);
      assert.equal(formatted, JSON.stringify(JSON.parse(text), null, 2));
      const [selection] = await client.connection.sendRequest(SelectionRangeRequest.type, { textDocument: { uri: configUri }, positions: [{ line: 3, character: 14 }] }) ?? [];
      assert.deepEqual([selection?.range.start, selection?.parent?.range.start], [{ line: 3, character: 13 }, { line: 3, character: 12 }]);
      const folds = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: configUri } });
      assert.deepEqual(folds?.map((f) => [f.startLine, f.endLine]).sort((a, b) => a[0]! - b[0]!), [[0, 10], [1, 5], [2, 4], [8, 9]]);
    } finally {
      await client.close();
    }
  });

  test('re-check on request: a certificate replaced on disk without any watcher is picked up', async () => {
    const client = await startClient({ workspace: { configuration: true } });
    try {
      const cert = path.join(home, 'etc', 'certs', 'recheck.pem');
      copyFileSync(path.join(PKI_DIR, 'server.pem'), cert);
      await open(client, configUri, config({ http_server: { ssl: true, authenticate: false, certificate: cert } }));
      await client.diagnostics(configUri, (d) => d.length > 0);
      copyFileSync(path.join(PKI_DIR, 'expired.pem'), cert);
      await client.connection.sendRequest('emsConfig/recheck');
      await client.diagnostics(configUri, (d) => d.some((x) => x.code === 'cert-expired'), 2000);
    } finally {
      await client.close();
    }
  });

  test('the server exits after shutdown and exit', async () => {
    const client = await startClient(FULL);
    await client.close();
    assert.equal(client.process.exitCode, 0);
  });
});
