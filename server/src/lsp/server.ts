// The LSP adapter: documents in, diagnostics and code actions out. All judgement lives in ../service.
import { fileURLToPath } from 'node:url';
import {
  type Connection, DidChangeConfigurationNotification, type InitializeResult, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { FileWatches } from './watches';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../node/fileSystem';
import { createEmsService } from '../service';
import { normalizeSettings } from '../service/settings';
import type { Settings } from '../service/types';
import { quickFixes, toDiagnostic } from './convert';

/** Long enough to let a burst of keystrokes settle, short enough to feel immediate. */
const DEBOUNCE_MS = 150;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const service = createEmsService({ fs: nodeFileSystem, now: () => new Date() });
  const pending = new Map<string, NodeJS.Timeout>();
  const settingsCache = new Map<string, Promise<Settings>>();
  let pullConfiguration = false;
  let watches: FileWatches | undefined;
  let pushedSettings: Settings = normalizeSettings(undefined);

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    // Certificates often live outside the workspace: ask the client to watch each file we read, as VS Code's
    // Markdown server does. Without that capability every check re-stats the files anyway.
    const watching = params.capabilities.workspace?.didChangeWatchedFiles;
    if (watching?.dynamicRegistration && watching.relativePatternSupport) watches = new FileWatches(connection);
    // A standalone client without workspace/configuration passes settings here instead.
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    pushedSettings = normalizeSettings(options?.settings ?? options);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'ems-config-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'emsConfig' });
  });

  const settingsFor = (uri: string): Promise<Settings> => {
    if (!pullConfiguration) return Promise.resolve(pushedSettings);
    let settings = settingsCache.get(uri);
    if (!settings) {
      settings = connection.workspace.getConfiguration({ scopeUri: uri, section: 'emsConfig' })
        .then(normalizeSettings, () => normalizeSettings(undefined));
      settingsCache.set(uri, settings);
    }
    return settings;
  };

  const validate = async (document: TextDocument): Promise<void> => {
    const version = document.version;
    const settings = await settingsFor(document.uri);
    const result = await service.check({ text: document.getText(), path: fsPath(document.uri), settings });
    // A newer edit or a close while we checked: its own check publishes.
    if (documents.get(document.uri)?.version !== version) return;
    watches?.set(document.uri, result.files.flatMap((f) => (f.resolved && f.role !== 'directory' ? [f.resolved] : [])));
    await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: result.findings.map(toDiagnostic) });
  };

  const schedule = (document: TextDocument, delay: number): void => {
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => {
      pending.delete(document.uri);
      validate(document).catch((error: unknown) => connection.console.error(`check failed for ${document.uri}: ${errorText(error)}`));
    }, delay));
  };

  documents.onDidOpen((event) => schedule(event.document, 0));
  documents.onDidChangeContent((event) => schedule(event.document, DEBOUNCE_MS));
  documents.onDidClose((event) => {
    clearTimeout(pending.get(event.document.uri));
    pending.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    watches?.set(event.document.uri, []);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    if (!pullConfiguration) {
      const pushed = (change.settings as { emsConfig?: unknown } | null)?.emsConfig;
      if (pushed !== undefined) pushedSettings = normalizeSettings(pushed);
    }
    for (const document of documents.all()) schedule(document, 0);
  });

  connection.onDidChangeWatchedFiles(() => {
    for (const document of documents.all()) schedule(document, 0);
  });

  connection.onCodeAction((params) => quickFixes(params.textDocument.uri, params.context.diagnostics));

  documents.listen(connection);
  connection.listen();
}

function fsPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
