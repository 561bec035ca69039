// A small LSP client for tests: spawns the built server over stdio (or starts it in this process, with a
// clock of the test's) and speaks the protocol to it, answering the requests a real editor answers
// (configuration, watcher registration).
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import {
  createProtocolConnection, type Diagnostic, DidChangeWatchedFilesNotification, FileChangeType, type ProtocolConnection,
  PublishDiagnosticsNotification, RegistrationRequest, StreamMessageReader, StreamMessageWriter, ConfigurationRequest, type Registration,
} from 'vscode-languageserver-protocol/node';
import { type ServerOptions, startServer } from '../../server/src/lsp/server';
import type { Timers } from '../../server/src/lsp/verdictTimers';
import { REPO_ROOT } from './repo';

export const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');

export interface TestClient {
  connection: ProtocolConnection;
  /** The server's process; this one for a server started in-process. */
  process: ChildProcess | NodeJS.Process;
  registrations: Registration[];
  /** Settings the client answers workspace/configuration with. */
  settings: Record<string, unknown>;
  /** Every publishDiagnostics the server sent, in order: the document version it was for. */
  published: { uri: string; version: number | undefined }[];
  /** Resolves with the next diagnostics published for uri that satisfy the predicate. */
  diagnostics(uri: string, predicate?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export async function startClient(capabilities: Record<string, unknown> = {}, initializationOptions?: unknown): Promise<TestClient> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  return connect(connection, child, process.pid, capabilities, initializationOptions, async () => {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  });
}

/** The server in this process, over in-memory streams, judging by the test's clock and timers. */
export async function startInProcess(timers: Timers, capabilities: Record<string, unknown> = {}, options: ServerOptions = {}): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(server, timers, options);
  const connection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  // No processId (the server would poll it) and no exit notification (it would end this process).
  return connect(connection, process, null, capabilities, undefined, async () => {
    await connection.sendRequest('shutdown').catch(() => undefined);
    server.dispose();
  });
}

async function connect(connection: ProtocolConnection, serverProcess: TestClient['process'], processId: number | null, capabilities: Record<string, unknown>, initializationOptions: unknown, stop: () => Promise<void>): Promise<TestClient> {
  const latest = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; predicate: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  const client: TestClient = {
    connection,
    process: serverProcess,
    registrations: [],
    published: [],
    settings: {},
    diagnostics(uri, predicate = () => true, timeoutMs = 10_000) {
      const current = latest.get(uri);
      if (current && predicate(current)) return Promise.resolve(current);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(latest.get(uri)?.map((d) => d.code))}`)), timeoutMs);
        waiters.push({ uri, predicate, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    async close() {
      await stop();
      connection.dispose();
    },
  };
  connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, version, diagnostics }) => {
    client.published.push({ uri, version });
    latest.set(uri, diagnostics);
    for (const waiter of [...waiters]) {
      if (waiter.uri === uri && waiter.predicate(diagnostics)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(diagnostics);
      }
    }
  });
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.settings));
  connection.onRequest(RegistrationRequest.type, (params) => { client.registrations.push(...params.registrations); });
  connection.onRequest('client/unregisterCapability', () => undefined);
  connection.listen();
  await connection.sendRequest('initialize', { processId, rootUri: null, capabilities, initializationOptions });
  await connection.sendNotification('initialized', {});
  return client;
}

/** What the server asked the client to watch: each watcher's base URI and pattern, joined. */
export function watched(client: TestClient): string[] {
  return client.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles')
    .flatMap((r) => (r.registerOptions as { watchers: { globPattern: { baseUri: string; pattern: string } }[] }).watchers.map((w) => `${w.globPattern.baseUri}/${w.globPattern.pattern}`));
}

/** Tells the server that a file changed (or was created), as the client's watcher would. */
export function fileChanged(client: TestClient, file: string, type: FileChangeType = FileChangeType.Changed): Promise<void> {
  return client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).href, type }] });
}
