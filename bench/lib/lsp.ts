// A minimal LSP client for the bench: spawns the bundled server over stdio and answers what an editor
// answers (workspace/configuration, watcher registration). Like test/helpers/lsp.ts, with arrival times.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import {
  type ClientCapabilities, ConfigurationRequest, createProtocolConnection, type InitializeResult, type ProtocolConnection,
  PublishDiagnosticsNotification, type PublishDiagnosticsParams, RegistrationRequest, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

/** The capabilities VS Code offers that change what the server does: pulled settings, file watchers. */
export const EDITOR_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
  textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
};

/** A publishDiagnostics, and performance.now() when it arrived. */
export type TimedDiagnostics = PublishDiagnosticsParams & { at: number };

export interface ServerOptions {
  /** What the client answers workspace/configuration with (and sends as initializationOptions). */
  settings?: Record<string, unknown>;
  /** Node options before the script, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Hears each server message the client handles, as a line of text. */
  trace?: (text: string) => void;
}

export interface BenchClient {
  /** performance.now() just before the spawn. */
  t0: number;
  child: ChildProcessByStdio<Writable, Readable, null>;
  connection: ProtocolConnection;
  /** Resolves with the next publishDiagnostics for uri that satisfies predicate. */
  diagnostics(uri: string, predicate?: (params: TimedDiagnostics) => boolean, timeoutMs?: number): Promise<TimedDiagnostics>;
  initialize(capabilities?: ClientCapabilities): Promise<InitializeResult>;
  open(uri: string, text: string, version?: number): Promise<void>;
  change(uri: string, version: number, text: string): Promise<void>;
  /** Resident set size of the server process in bytes, from /proc (Linux). */
  rss(): number;
  close(): Promise<void>;
}

interface Waiter {
  uri: string;
  predicate: (params: TimedDiagnostics) => boolean;
  resolve: (params: TimedDiagnostics) => void;
}

/** Spawns `node [nodeArgs] <serverJs> --stdio` and returns a client. */
export function spawnServer(serverJs: string, { settings = {}, nodeArgs = [], trace = () => undefined }: ServerOptions = {}): BenchClient {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters: Waiter[] = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const timed = { ...params, at: performance.now() };
    trace(`publishDiagnostics v${params.version} (${params.diagnostics.length})`);
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && waiter.predicate(timed)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(timed);
      }
    }
  });
  connection.onRequest(ConfigurationRequest.type, (params) => { trace('workspace/configuration asked'); return params.items.map(() => settings); });
  connection.onRequest(RegistrationRequest.type, (params) => { trace(`client/registerCapability ${params.registrations.map((r) => r.method).join(', ')}`); });
  connection.onRequest('client/unregisterCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  return {
    t0,
    child,
    connection,
    diagnostics(uri, predicate = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, predicate, resolve: (params) => { clearTimeout(timer); resolve(params); } });
      });
    },
    async initialize(capabilities = EDITOR_CAPABILITIES) {
      const result = await connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities, initializationOptions: { settings } });
      await connection.sendNotification('initialized', {});
      return result;
    },
    open(uri, text, version = 1) {
      return connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ems-config', version, text } });
    },
    change(uri, version, text) {
      return connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]) * 1024;
    },
    async close() {
      const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch { /* already gone */ }
      await exited;
      clearTimeout(timeout);
      connection.dispose();
    },
  };
}
