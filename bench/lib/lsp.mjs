// A minimal LSP client for the bench: spawns the bundled server over stdio and answers what an editor
// answers (workspace/configuration, watcher registration). Mirrors test/helpers/lsp.ts, in plain ESM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, PublishDiagnosticsNotification,
  ConfigurationRequest, RegistrationRequest,
} = require('vscode-languageserver-protocol/node');

/** The capabilities VS Code offers that change what the server does: pulled settings, file watchers. */
export const EDITOR_CAPABILITIES = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
  textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
};

/**
 * Spawns `node [nodeArgs] <serverJs> --stdio` and returns a client; `trace(text)` hears each server message. `t0` is performance.now() just before the spawn.
 * @param {string} serverJs
 */
export function spawnServer(serverJs, { settings = {}, nodeArgs = [], trace = () => undefined } = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const latest = new Map();
  const waiters = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const at = performance.now();
    trace(`publishDiagnostics v${params.version} (${params.diagnostics.length})`);
    latest.set(params.uri, { ...params, at });
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && waiter.predicate(params)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve({ ...params, at });
      }
    }
  });
  connection.onRequest(ConfigurationRequest.type, (params) => { trace('workspace/configuration asked'); return params.items.map(() => settings); });
  connection.onRequest(RegistrationRequest.type, (params) => { trace(`client/registerCapability ${params.registrations.map((r) => r.method).join(', ')}`); return null; });
  connection.onRequest('client/unregisterCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  return {
    t0,
    child,
    connection,
    /** Resolves with the next publishDiagnostics for uri that satisfies predicate (params plus `at`). */
    diagnostics(uri, predicate = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, predicate, resolve: (p) => { clearTimeout(timer); resolve(p); } });
      });
    },
    async initialize(capabilities = EDITOR_CAPABILITIES) {
      const result = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, initializationOptions: { settings } });
      await connection.sendNotification('initialized', {});
      return result;
    },
    open(uri, text, version = 1) {
      return connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ems-config', version, text } });
    },
    change(uri, version, text) {
      return connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    /** Resident set size of the server process, from /proc (Linux). */
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
      return kb * 1024;
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
