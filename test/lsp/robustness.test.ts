// The built language server under hostile clients (issue #7): bytes that are not JSON-RPC, requests with
// wrong params, positions outside the document, documents it was never sent, notifications out of order, a
// burst of 1,000 edits — it answers or errors as the protocol says, never dies, and ends with the findings
// of the final text. A client that vanishes does not leave it running.
// Raw bytes go straight to its stdin (test/helpers/rawLsp.ts): a protocol library would refuse to send most
// of them.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import type { Finding } from '../../server/src/service/types';
import { type Diagnostic, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, type Message, METHOD_NOT_FOUND, RawServer, REQUEST_FAILED, SERVER_NOT_INITIALIZED } from '../helpers/rawLsp';
import { lineLengths } from '../fuzz/wellFormed';
import { SERVER } from '../helpers/lsp';
import { config, SETTINGS } from '../helpers/service';

const home = mkdtempSync(path.join(tmpdir(), 'ems-robust-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(path.join(home, 'etc'), { recursive: true });
const configPath = path.join(home, 'etc', 'config.json');
const configUri = pathToFileURL(configPath).href;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An answer (any result) or an error the protocol allows for a request it cannot serve: never silence. */
function answeredOrErrored(response: Message, what: string): void {
  const allowed = [INVALID_PARAMS, INTERNAL_ERROR, METHOD_NOT_FOUND, REQUEST_FAILED, INVALID_REQUEST];
  if (response.error) assert.ok(allowed.includes(response.error.code), `${what}: unexpected error ${JSON.stringify(response.error)}`);
  else assert.ok('result' in response, `${what}: ${JSON.stringify(response)}`);
}

async function withServer(run: (server: RawServer) => Promise<void>, initialize = true): Promise<void> {
  const server = new RawServer();
  try {
    if (initialize) await server.initialize();
    await run(server);
    assert.ok(server.alive, `the server died: ${server.stderr}`);
    assert.equal(server.stray, '', 'everything on stdout is a framed JSON-RPC message');
  } finally {
    await server.close();
  }
}

const open = (server: RawServer, uri: string, text: string, version = 1) =>
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'ems-config', version, text } });

/** Every {start, end} range anywhere in a result lies inside the document. */
function rangesInside(result: unknown, text: string, what: string): void {
  const lines = lineLengths(text);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) { value.forEach(visit); return; }
    if (!value || typeof value !== 'object') return;
    const { start, end } = value as { start?: { line: number; character: number }; end?: { line: number; character: number } };
    if (start && end && typeof start.line === 'number' && typeof end.line === 'number') {
      for (const p of [start, end]) {
        assert.ok(p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!, `${what}: ${JSON.stringify(value)} is outside the document (${lines.length} lines)`);
      }
    }
    Object.values(value).forEach(visit);
  };
  visit(result);
}

// Each test has a server of its own, and most of the time goes into waiting: they run side by side.
describe('language server: bytes that are not what the protocol says', { concurrency: 4 }, () => {
  test('a body that is not JSON: the server stays up and answers the next request', async () => {
    await withServer(async (server) => {
      server.frame('{"jsonrpc": "2.0", "id": 99, "method": ');
      server.frame('\u0000\u00ff not json at all');
      server.frame('');
      await server.ping();
    });
  });

  test('JSON that is not JSON-RPC: logged, not fatal', async () => {
    await withServer(async (server) => {
      for (const body of ['[]', '1', 'null', '"x"', '{}', '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":5}', '[{"jsonrpc":"2.0","id":6,"method":"shutdown"}]', '{"jsonrpc":"1.0","id":7,"method":7}']) {
        server.frame(body);
      }
      await server.ping();
      // A batch is no LSP message: the shutdown inside it was not run (the ping was answered, not refused).
      assert.ok(!server.messages.some((m) => m.id === 6));
    });
  });

  test('unknown methods: requests get MethodNotFound, notifications are ignored', async () => {
    await withServer(async (server) => {
      assert.equal((await server.request('no/such/method', {})).error?.code, METHOD_NOT_FOUND);
      assert.equal((await server.request('$/no/such/request', {})).error?.code, METHOD_NOT_FOUND);
      server.notify('no/such/notification', { x: 1 });
      server.notify('$/no/such/notification');
      await server.ping();
    });
  });

  test('request ids of every legal kind are echoed', async () => {
    await withServer(async (server) => {
      for (const id of ['a string id', 0, -1, 2 ** 53 - 1, '']) {
        server.send({ id, method: 'textDocument/documentSymbol', params: { textDocument: { uri: 'file:///x.json' } } });
        assert.deepEqual((await server.response(id)).result, []);
      }
    });
  });

  test('requests with wrong params are answered or refused with an error, one by one', async () => {
    await withServer(async (server) => {
      const uri = 'file:///not/open.json';
      const cases: [string, unknown][] = [
        ['textDocument/codeAction', null], ['textDocument/codeAction', { textDocument: 5 }], ['textDocument/codeAction', { textDocument: { uri }, range: 'x', context: { diagnostics: 'y' } }],
        ['textDocument/hover', {}], ['textDocument/hover', { textDocument: { uri: 7 }, position: 'x' }], ['textDocument/completion', { textDocument: { uri } }],
        ['textDocument/documentSymbol', 'x'], ['textDocument/documentSymbol', [1, 2]], ['textDocument/foldingRange', []],
        ['textDocument/selectionRange', { textDocument: { uri }, positions: 5 }], ['textDocument/formatting', {}], ['textDocument/rangeFormatting', { textDocument: { uri }, range: null }],
        ['textDocument/documentLink', { textDocument: null }], ['emsConfig/status', null], ['emsConfig/status', { uri: {} }], ['emsConfig/report', 7], ['emsConfig/recheck', 'x'],
        ['workspace/executeCommand', { command: 'x' }], ['initialize', null], ['initialize', { processId: 'x', capabilities: 5 }],
      ];
      for (const [method, params] of cases) answeredOrErrored(await server.request(method, params), `${method} ${JSON.stringify(params)}`);
      await server.ping();
    });
  });

  test('notifications with wrong params are dropped, and the server goes on', async () => {
    await withServer(async (server) => {
      const cases: [string, unknown][] = [
        ['textDocument/didOpen', null], ['textDocument/didOpen', { textDocument: { uri: 5 } }], ['textDocument/didOpen', { textDocument: { uri: 'file:///a.json', text: 5, version: 'x' } }],
        ['textDocument/didChange', { textDocument: { uri: 'file:///a.json', version: 1 }, contentChanges: 5 }], ['textDocument/didChange', null],
        ['textDocument/didClose', {}], ['textDocument/didSave', 'x'], ['workspace/didChangeConfiguration', null], ['workspace/didChangeConfiguration', { settings: { emsConfig: 'loud' } }],
        ['workspace/didChangeWatchedFiles', { changes: 'x' }], ['$/setTrace', { value: 'loud' }], ['$/cancelRequest', { id: 'nope' }], ['$/cancelRequest', null], ['initialized', 5],
      ];
      for (const [method, params] of cases) server.notify(method, params);
      await server.ping();
      // And documents still get checked.
      open(server, configUri, config({ resourse: 1 }));
      assert.deepEqual((await server.diagnostics(configUri)).diagnostics.map((d) => d.code), ['unknown-property']);
    });
  });

  // The base protocol has no way to find the next message once a header lies: the reader must resynchronize
  // on the next Content-Length header, or exit so that the client restarts the server. Today
  // vscode-jsonrpc fires an error nobody handles and keeps the rest of the bad frame in its buffer, where
  // it spoils every later header: the server lives on and never answers again (a hang, found by this test).
  for (const [name, bytes] of [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}'],
    ['a header block without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
    ['a Content-Length shorter than the body', 'Content-Length: 20\r\n\r\n{"jsonrpc":"2.0","id":98,"method":"shutdown"}'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n'],
    ['a header line without a colon, with a message in the same chunk', `hello world\r\n\r\nContent-Length: 2\r\n\r\n{}`],
  ] as const) {
    test(`${name}: the server recovers or exits, never sits deaf`, async () => {
      const server = new RawServer();
      try {
        await server.initialize();
        server.write(bytes);
        await sleep(200);
        const answered = server.request('textDocument/documentSymbol', { textDocument: { uri: 'file:///x.json' } }, 2000).then(() => 'answered', () => 'silent');
        const exited = server.exited.then(() => 'exited');
        const outcome = await Promise.race([answered, exited]);
        assert.notEqual(outcome, 'silent', 'the server is alive but answers nothing any more');
      } finally {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    });
  }

  test('a body declared in another charset than UTF-8 is still read', async () => {
    await withServer(async (server) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 'charset', method: 'textDocument/documentSymbol', params: { textDocument: { uri: 'file:///x.json' } } });
      server.write(`Content-Length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n${body}`);
      assert.deepEqual((await server.response('charset', 5000)).result, []);
    });
  });
});

describe('language server: requests about documents it does not have, and positions outside them', () => {
  const requests = (uri: string, position: unknown) => [
    ['textDocument/hover', { textDocument: { uri }, position }],
    ['textDocument/completion', { textDocument: { uri }, position }],
    ['textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } }],
    ['textDocument/selectionRange', { textDocument: { uri }, positions: [position] }],
    ['textDocument/rangeFormatting', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: position }, options: { tabSize: 2, insertSpaces: true } }],
  ] as const;

  test('an unopened document: every request is answered with nothing, or refused', async () => {
    await withServer(async (server) => {
      const uri = 'file:///never/opened/etc/config.json';
      const position = { line: 0, character: 0 };
      for (const [method, params] of [...requests(uri, position),
        ['textDocument/documentSymbol', { textDocument: { uri } }], ['textDocument/foldingRange', { textDocument: { uri } }],
        ['textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }], ['textDocument/documentLink', { textDocument: { uri } }],
        ['emsConfig/status', { uri }], ['emsConfig/report', { uri }]] as const) {
        const response = await server.request(method, params);
        answeredOrErrored(response, method);
        const empty = response.result === null || response.result === '' || (Array.isArray(response.result) && response.result.length === 0);
        assert.ok(response.error || empty, `${method} invented something for a document it does not have: ${JSON.stringify(response.result)}`);
      }
    });
  });

  test('positions past the last line and past the end of a line: answers stay inside the document', async () => {
    await withServer(async (server) => {
      // Saved as editors save it, with a final line break: a position past it lands on no JSON value.
      const text = config({ resourse: '/Thingworx/WS', certificates: { validate: false } }) + '\n';
      open(server, configUri, text);
      await server.diagnostics(configUri);
      const lines = text.split('\n');
      for (const position of [{ line: lines.length + 10, character: 0 }, { line: 999_999, character: 0 }, { line: 0, character: 999_999 },
        { line: 2, character: lines[2]!.length + 1 }, { line: 2 ** 31 - 1, character: 2 ** 31 - 1 }]) {
        for (const [method, params] of requests(configUri, position)) {
          const response = await server.request(method, params);
          answeredOrErrored(response, `${method} at ${JSON.stringify(position)}`);
          rangesInside(response.result, text, `${method} at ${JSON.stringify(position)}`);
        }
      }
    });
  });

  test('positions that are no positions (negative, fractional, strings): answered or refused', async () => {
    await withServer(async (server) => {
      open(server, configUri, config());
      await server.diagnostics(configUri);
      for (const position of [{ line: -1, character: -1 }, { line: 1.5, character: 0.5 }, { line: '1', character: null }, { line: 2 ** 31, character: 2 ** 53 }, null, {}]) {
        for (const [method, params] of requests(configUri, position)) answeredOrErrored(await server.request(method, params), `${method} at ${JSON.stringify(position)}`);
      }
      await server.ping();
    });
  });
});

describe('language server: notifications out of order', () => {
  test('didChange and didClose before didOpen are ignored; didOpen then checks the text it brings', async () => {
    await withServer(async (server) => {
      server.notify('textDocument/didChange', { textDocument: { uri: configUri, version: 2 }, contentChanges: [{ text: '{' }] });
      server.notify('textDocument/didChange', { textDocument: { uri: configUri, version: 3 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }] });
      server.notify('textDocument/didClose', { textDocument: { uri: configUri } });
      server.notify('textDocument/didSave', { textDocument: { uri: configUri } });
      await server.ping();
      open(server, configUri, config({ resourse: 1 }));
      const published = await server.diagnostics(configUri, (p) => p.version === 1);
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['unknown-property']);
    });
  });

  test('didOpen twice: the second text wins; didClose twice: cleared once, no error', async () => {
    await withServer(async (server) => {
      open(server, configUri, config({ resourse: 1 }), 1);
      await server.diagnostics(configUri, (p) => p.version === 1);
      open(server, configUri, '{}', 5);
      assert.deepEqual((await server.diagnostics(configUri, (p) => p.version === 5)).diagnostics.map((d) => d.code), ['not-an-ems-config']);
      server.notify('textDocument/didClose', { textDocument: { uri: configUri } });
      server.notify('textDocument/didClose', { textDocument: { uri: configUri } });
      await server.diagnostics(configUri, (p) => p.version === undefined && p.diagnostics.length === 0);
      await server.ping();
      assert.ok(!server.messages.some((m) => m.method === 'window/logMessage' && (m.params as { type: number }).type === 1), 'no error logged');
    });
  });

  test('an incremental change outside the document is clamped, and the result is checked', async () => {
    await withServer(async (server) => {
      const text = config();
      open(server, configUri, text);
      await server.diagnostics(configUri, (p) => p.version === 1);
      const change = { range: { start: { line: 100, character: 5 }, end: { line: 200, character: 0 } }, text: '"x"' };
      server.notify('textDocument/didChange', { textDocument: { uri: configUri, version: 2 }, contentChanges: [change] });
      const expected = TextDocument.update(TextDocument.create(configUri, 'ems-config', 1, text), [change], 2).getText();
      const published = await server.diagnostics(configUri, (p) => p.version === 2);
      assert.deepEqual(published.diagnostics.map(comparable), (await findingsOf(expected)).map(comparable));
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['json-syntax']);
    });
  });
});

/** What the service says about a text the server holds at configPath: the findings it must publish. */
async function findingsOf(text: string): Promise<Finding[]> {
  const service = createEmsService({ fs: nodeFileSystem, now: () => new Date() });
  return (await service.check({ text, path: configPath, settings: SETTINGS })).findings;
}

const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;
function comparable(item: Diagnostic | Finding): string {
  const severity = typeof item.severity === 'number' ? item.severity : SEVERITY[item.severity as keyof typeof SEVERITY];
  const pointer = 'pointer' in item ? item.pointer : item.data?.pointer;
  return JSON.stringify([item.code, severity, item.range, item.message, pointer]);
}

/** A small deterministic PRNG (mulberry32), so the burst is the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

describe('language server: a burst of 1,000 edits', () => {
  /** Sends every change as its own didChange in one write, then waits for the diagnostics of the last version. */
  async function burst(server: RawServer, start: string, changes: Change[]): Promise<string> {
    open(server, configUri, start);
    await server.diagnostics(configUri, (p) => p.version === 1);
    let document = TextDocument.create(configUri, 'ems-config', 1, start);
    const frames: Buffer[] = [];
    changes.forEach((change, i) => {
      const version = i + 2;
      document = TextDocument.update(document, [change], version);
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: configUri, version }, contentChanges: [change] } }));
      frames.push(Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body);
    });
    server.write(Buffer.concat(frames));
    const last = changes.length + 1;
    const published = await server.diagnostics(configUri, (p) => p.version === last, 20_000);
    assert.deepEqual(published.diagnostics.map(comparable), (await findingsOf(document.getText())).map(comparable), 'the diagnostics of the final text');
    // Results of outdated versions are dropped: what is published never goes back in time.
    const versions = server.messages.filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === configUri)
      .map((m) => (m.params as { version?: number }).version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions ${versions.join(', ')}`);
    await sleep(400);
    assert.equal(server.messages.filter((m) => m.method === 'textDocument/publishDiagnostics').at(-1), server.messages.find((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { version?: number }).version === last), 'nothing published after the final version');
    return document.getText();
  }

  test('typing a config key by key, typos and all: the final diagnostics are the final text\'s', { timeout: 60_000 }, async () => {
    await withServer(async (server) => {
      const target = config({ resourse: '/Thingworx/WS', certificates: { validate: false, cert_chain: ['C:/certs/ca.pem'] }, http_server: { ssl: false } });
      const next = random(7);
      const changes: Change[] = [];
      let typed = '';
      const at = (text: string) => {
        const lines = text.split('\n');
        return { line: lines.length - 1, character: lines.at(-1)!.length };
      };
      const insert = (text: string) => { const p = at(typed); changes.push({ range: { start: p, end: p }, text }); typed += text; };
      const backspace = () => {
        const end = at(typed);
        typed = typed.slice(0, -1);
        changes.push({ range: { start: at(typed), end }, text: '' });
      };
      for (const ch of target) {
        if (changes.length >= 996) break;
        if (next() < 0.3) { insert(String.fromCharCode(97 + Math.floor(next() * 26))); backspace(); }
        insert(ch);
      }
      insert(target.slice(typed.length));
      while (changes.length < 1000) { insert(' '); if (changes.length < 1000) backspace(); }
      assert.equal(changes.length, 1000);
      const final = await burst(server, '', changes);
      assert.equal(final.trimEnd(), target.trimEnd());
      const codes = (await server.diagnostics(configUri, (p) => p.version === 1001)).diagnostics.map((d) => d.code);
      assert.ok(codes.includes('unknown-property') && codes.includes('validation-disabled') && codes.includes('path-not-checkable'), codes.join(' '));
    });
  });

  test('random edits anywhere, line breaks and non-ASCII included: the final diagnostics are the final text\'s', { timeout: 60_000 }, async () => {
    await withServer(async (server) => {
      const start = config({ certificates: { validate: true } });
      const next = random(11);
      const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', '\n', '\r\n', ' ', 'a', 'é', '€', '😀', '// c\n', '"appKey"', 'true', '1'];
      let document = TextDocument.create(configUri, 'ems-config', 1, start);
      const changes: Change[] = [];
      for (let i = 0; i < 1000; i++) {
        const text = document.getText();
        const from = Math.floor(next() * (text.length + 1));
        const to = next() < 0.5 ? from : Math.min(text.length, from + Math.floor(next() * 6));
        // Never split a surrogate pair: an editor does not either.
        const safe = (offset: number) => (offset > 0 && offset < text.length && /[\uDC00-\uDFFF]/.test(text[offset]!) ? offset - 1 : offset);
        const range = { start: document.positionAt(safe(from)), end: document.positionAt(safe(to)) };
        const change = { range, text: next() < 0.7 ? pieces[Math.floor(next() * pieces.length)]! : '' };
        document = TextDocument.update(document, [change], i + 2);
        changes.push(change);
      }
      await burst(server, start, changes);
    });
  });
});

describe('language server: the client goes away', { concurrency: true }, () => {
  test('exit after shutdown ends with 0, exit without it with 1', async () => {
    const polite = new RawServer();
    await polite.initialize();
    assert.deepEqual((await polite.request('shutdown')).result, null);
    polite.notify('exit');
    assert.equal((await polite.exited).code, 0);
    const abrupt = new RawServer();
    await abrupt.initialize();
    abrupt.notify('exit');
    assert.equal((await abrupt.exited).code, 1);
  });

  test('stdin closes: the server exits within a few seconds', async () => {
    const server = new RawServer();
    await server.initialize();
    open(server, configUri, config());
    server.child.stdin!.end();
    const exit = await Promise.race([server.exited, sleep(5000).then(() => 'still running')]);
    if (exit === 'still running') server.child.kill('SIGKILL');
    assert.notEqual(exit, 'still running');
  });

  test('the process named by initialize.processId dies: the server exits, though its stdin stays open', { timeout: 30_000 }, async () => {
    const client = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const server = new RawServer();
    try {
      await server.initialize({ processId: client.pid });
      await server.ping();
      client.kill('SIGKILL');
      // vscode-languageserver looks every 3 s.
      const exit = await Promise.race([server.exited, sleep(10_000).then(() => 'still running')]);
      assert.notEqual(exit, 'still running');
      assert.ok(!server.child.stdin!.writableEnded, 'stdin was still open: the watchdog, not EOF, ended it');
    } finally {
      client.kill('SIGKILL');
      server.child.kill('SIGKILL');
    }
  });

  test('the client process is killed outright: the server it started does not outlive it', { timeout: 30_000 }, async () => {
    // A client that starts the server over stdio, initializes it with its own pid, reports the server's
    // pid and waits. SIGKILL gives it no chance to say shutdown or close anything itself.
    const script = `
      const { spawn } = require('node:child_process');
      const server = spawn(process.execPath, [${JSON.stringify(SERVER)}, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
      server.stdin.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
      server.stdout.once('data', () => process.stdout.write(server.pid + '\\n'));
      setInterval(() => {}, 1000);`;
    const client = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      client.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      client.once('exit', () => reject(new Error('the client exited early')));
    });
    const running = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    try {
      assert.ok(running());
      client.kill('SIGKILL');
      const deadline = Date.now() + 8000;
      while (running() && Date.now() < deadline) await sleep(100);
      assert.ok(!running(), `server ${pid} still runs after its client died`);
    } finally {
      if (running()) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('language server: protocol manners (LSP "should"s, not yet kept)', { concurrency: true }, () => {
  // The LSP specification asks for these; vscode-languageserver does not enforce them on its own. Marked
  // todo: they report, they do not fail `npm test`.
  test('a request before initialize is refused with ServerNotInitialized (-32002)', async () => {
    await withServer(async (server) => {
      const response = await server.request('textDocument/hover', { textDocument: { uri: configUri }, position: { line: 0, character: 0 } });
      assert.equal(response.error?.code, SERVER_NOT_INITIALIZED, JSON.stringify(response));
    }, false);
  });

  test('a request after shutdown is refused with InvalidRequest (-32600)', async () => {
    const server = new RawServer();
    try {
      await server.initialize();
      await server.request('shutdown');
      const response = await server.request('textDocument/documentSymbol', { textDocument: { uri: configUri } });
      assert.equal(response.error?.code, INVALID_REQUEST, JSON.stringify(response));
    } finally {
      server.notify('exit');
      await server.exited;
    }
  });

  test('a body that is not JSON gets a Parse error (-32700) response, id null (JSON-RPC 2.0)', { todo: 'vscode-jsonrpc drops it silently' }, async () => {
    await withServer(async (server) => {
      server.frame('{"jsonrpc": "2.0", "id": 99, "method": ');
      await server.waitFor((m) => m.error?.code === -32700 && m.id === null, 2000, 'a Parse error response');
    });
  });
});
