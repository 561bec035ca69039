// A small LSP client for tests: spawns the built server over stdio and speaks the protocol to it,
// answering the requests a real editor answers (configuration, watcher registration).
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection, type Diagnostic, type ProtocolConnection, PublishDiagnosticsNotification,
  RegistrationRequest, StreamMessageReader, StreamMessageWriter, ConfigurationRequest, type Registration,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './service';

export const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  registrations: Registration[];
  /** Settings the client answers workspace/configuration with. */
  settings: Record<string, unknown>;
  /** Resolves with the next diagnostics published for uri that satisfy the predicate. */
  diagnostics(uri: string, predicate?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export async function startClient(capabilities: Record<string, unknown> = {}, initializationOptions?: unknown): Promise<TestClient> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const latest = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; predicate: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  const client: TestClient = {
    connection,
    process: child,
    registrations: [],
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
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      connection.dispose();
    },
  };
  connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
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
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, initializationOptions });
  await connection.sendNotification('initialized', {});
  return client;
}
