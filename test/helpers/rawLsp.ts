// A language-server client that speaks raw bytes: the built server over stdio, every message it writes parsed
// and kept. The protocol library of test/helpers/lsp.ts would refuse to send most of what the robustness
// tests send (bad framing, invalid JSON, wrong params), and the secrets test wants every byte it wrote.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { SERVER } from './lsp';

// JSON-RPC error codes (JSON-RPC 2.0 and LSP).
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
export const SERVER_NOT_INITIALIZED = -32002;
export const REQUEST_FAILED = -32803;

export interface Message {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** The server over stdio, spoken to in raw bytes; every message it writes is parsed and kept. */
export class RawServer {
  readonly child: ChildProcess;
  readonly messages: Message[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Bytes that did not frame as Content-Length messages: the server wrote something else to stdout. */
  stray = '';
  /** The method of every request sent with request(), by id: what a response answers. */
  readonly methods = new Map<number | string, string>();
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private waiters: { predicate: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(args: string[] = ['--stdio'], child?: ChildProcess) {
    this.child = child ?? spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    // Writing to a server that died must fail the test with that, not with an unhandled EPIPE.
    this.child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  write(bytes: string | Buffer): void {
    this.child.stdin!.write(bytes);
  }

  /** Frames a body (any text, JSON or not) with a correct Content-Length. */
  frame(body: string): void {
    const bytes = Buffer.from(body, 'utf8');
    this.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]));
  }

  send(message: object): void {
    this.frame(JSON.stringify({ jsonrpc: '2.0', ...message }));
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  /** Sends a request and resolves with its response (result or error). */
  request(method: string, params?: unknown, timeoutMs = 10_000): Promise<Message> {
    const id = this.nextId++;
    this.methods.set(id, method);
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.response(id, timeoutMs, method);
  }

  response(id: number | string | null, timeoutMs = 10_000, what = String(id)): Promise<Message> {
    return this.waitFor((m) => m.id === id && m.method === undefined && ('result' in m || 'error' in m), timeoutMs, `a response to ${what}`);
  }

  waitFor(predicate: (m: Message) => boolean, timeoutMs = 10_000, what = 'a message'): Promise<Message> {
    const found = this.messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms; server ${this.alive ? 'alive' : `dead (${this.child.exitCode ?? this.child.signalCode})`}; stderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const waiter = { predicate, resolve: (m: Message) => { clearTimeout(timer); resolve(m); } };
      this.waiters.push(waiter);
    });
  }

  /** The last diagnostics published for a uri that satisfy the predicate (waiting for them if need be). */
  diagnostics(uri: string, predicate: (p: { version?: number; diagnostics: Diagnostic[] }) => boolean = () => true, timeoutMs = 10_000): Promise<{ version?: number; diagnostics: Diagnostic[] }> {
    return this.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri
      && predicate(m.params as { version?: number; diagnostics: Diagnostic[] }), timeoutMs, `diagnostics for ${uri}`).then((m) => m.params as { version?: number; diagnostics: Diagnostic[] });
  }

  async initialize(params: Record<string, unknown> = {}): Promise<Message> {
    const response = await this.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, ...params });
    this.notify('initialized', {});
    return response;
  }

  /** A request the server must answer when it is well: proof of life after something hostile. */
  async ping(): Promise<void> {
    const response = await this.request('textDocument/documentSymbol', { textDocument: { uri: 'file:///never/opened.json' } }, 5000);
    assert.ok(!response.error, JSON.stringify(response));
    assert.ok(this.alive);
  }

  async close(): Promise<void> {
    if (this.alive) {
      await this.request('shutdown', undefined, 5000).catch(() => undefined);
      this.notify('exit');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString('ascii');
      const length = /Content-Length: *(\d+)/i.exec(header);
      if (!length) {
        this.stray += header + '\r\n\r\n';
        this.buffer = this.buffer.subarray(end + 4);
        continue;
      }
      const total = end + 4 + Number(length[1]);
      if (this.buffer.length < total) return;
      const body = this.buffer.subarray(end + 4, total).toString('utf8');
      this.buffer = this.buffer.subarray(total);
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch {
        this.stray += body;
        continue;
      }
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    }
  }
}

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
  data?: { pointer?: string };
}

