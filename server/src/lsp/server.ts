// The LSP adapter: documents in; diagnostics, code actions and editor features out. All judgement lives in
// ../service; this file keeps the latest check of each open document and answers from it.
import { fileURLToPath } from 'node:url';
import {
  type Connection, DidChangeConfigurationNotification, ErrorCodes, type InitializeResult, MarkupKind, ResponseError, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../node/fileSystem';
import { WatchedStats } from '../node/watchedStats';
import { type CheckResult, createEmsService, type EmsService, type Settings } from '../service';
import { codeActions, toCompletionItem, toDiagnostic } from './convert';
import { RecheckRequest, ReportRequest, type ReportParams, StatusRequest, type StatusParams, type StatusResult } from './protocol';
import { folding, format, outline, selectionRanges } from './structure';
import { SYSTEM_TIMERS, type Timers, VerdictTimers } from './verdictTimers';
import { FileWatches } from './watches';

/** Long enough to let a burst of keystrokes settle, short enough to feel immediate. */
const DEBOUNCE_MS = 150;

export function startServer(connection: Connection, timers: Timers = SYSTEM_TIMERS): void {
  const now = () => new Date(timers.now());
  const documents = new TextDocuments(TextDocument);
  // With watchers on every file read, stats are remembered until a watcher says otherwise (created lazily:
  // whether the client watches is known only at initialize).
  const stats = new WatchedStats(nodeFileSystem);
  let service: EmsService = createEmsService({ fs: nodeFileSystem, now });
  const pending = new Map<string, NodeJS.Timeout>();
  const settingsCache = new Map<string, Promise<Settings>>();
  /** The latest check of each open document, by the version it checked. */
  const checks = new Map<string, { version: number; result: Promise<CheckResult> }>();
  let pullConfiguration = false;
  /** The protocol's lifecycle: no request before initialize, none after shutdown. */
  let lifecycle: 'new' | 'running' | 'shut down' = 'new';
  const refusal = (): ResponseError<void> | undefined =>
    lifecycle === 'new' ? new ResponseError(ErrorCodes.ServerNotInitialized, 'the server is not initialized yet')
      : lifecycle === 'shut down' ? new ResponseError(ErrorCodes.InvalidRequest, 'the server is shutting down') : undefined;
  connection.onShutdown(() => { lifecycle = 'shut down'; });
  let watches: FileWatches | undefined;
  let pushedSettings: Settings = service.settings(undefined);

  connection.onInitialize((params): InitializeResult => {
    lifecycle = 'running';
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    // Certificates often live outside the workspace: ask the client to watch each file we read, as VS Code's
    // Markdown server does. Without that capability every check re-stats the files anyway.
    const watching = params.capabilities.workspace?.didChangeWatchedFiles;
    if (watching?.dynamicRegistration && watching.relativePatternSupport) {
      watches = new FileWatches(connection);
      service = createEmsService({ fs: stats, now });
    }
    // A standalone client without workspace/configuration passes settings here instead.
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    pushedSettings = service.settings(options?.settings ?? options);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', '/', ':'] },
        documentLinkProvider: {},
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
        .then((raw) => service.settings(raw), () => service.settings(undefined));
      settingsCache.set(uri, settings);
    }
    return settings;
  };

  /** The check of the document as it is now: the latest one, or a new one when the text moved on. */
  const checkOf = (document: TextDocument): Promise<CheckResult> => {
    const latest = checks.get(document.uri);
    if (latest?.version === document.version) return latest.result;
    const result = settingsFor(document.uri).then((settings) => service.check({ text: document.getText(), path: fsPath(document.uri), settings }));
    checks.set(document.uri, { version: document.version, result });
    return result;
  };

  const publish = async (document: TextDocument): Promise<void> => {
    const version = document.version;
    const result = await checkOf(document);
    // A newer edit or a close while we checked: its own check publishes.
    if (documents.get(document.uri)?.version !== version) return;
    watches?.set(document.uri, result.dependencies);
    verdictTimers.set(document.uri, result.dependencies.nextChange);
    await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: result.findings.map(toDiagnostic) });
  };

  const schedule = (document: TextDocument, delay: number): void => {
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => {
      pending.delete(document.uri);
      publish(document).catch((error: unknown) => connection.console.error(`check failed for ${document.uri}: ${errorText(error)}`));
    }, delay));
  };

  // The clock reached a certificate's next verdict: that document's check is out of date at the same version.
  const verdictTimers = new VerdictTimers((uri) => {
    const document = documents.get(uri);
    if (!document) return;
    checks.delete(uri);
    schedule(document, 0);
  }, timers);

  /** Forget every check and check the open documents again: settings or files on disk changed. */
  const recheckAll = (): void => {
    checks.clear();
    for (const document of documents.all()) schedule(document, 0);
  };

  // TextDocuments fires a content change right after every open: that one must not delay the first check.
  const justOpened = new Map<string, number>();
  documents.onDidOpen((event) => {
    justOpened.set(event.document.uri, event.document.version);
    schedule(event.document, 0);
  });
  documents.onDidChangeContent((event) => {
    const opened = justOpened.get(event.document.uri);
    justOpened.delete(event.document.uri);
    if (opened === event.document.version) return;
    schedule(event.document, DEBOUNCE_MS);
  });
  documents.onDidClose((event) => {
    clearTimeout(pending.get(event.document.uri));
    pending.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    checks.delete(event.document.uri);
    watches?.set(event.document.uri, undefined);
    verdictTimers.clear(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    if (!pullConfiguration) {
      const pushed = (change.settings as { emsConfig?: unknown } | null)?.emsConfig;
      if (pushed !== undefined) pushedSettings = service.settings(pushed);
    }
    recheckAll();
  });
  connection.onDidChangeWatchedFiles(() => {
    stats.forget();
    recheckAll();
  });
  connection.onRequest(RecheckRequest, () => {
    const refused = refusal();
    if (refused) return refused;
    stats.forget();
    recheckAll();
    return null;
  });

  /** Runs a request against an open document's latest check; a document we do not have gets `empty`. */
  const withCheck = async <T>(uri: string, empty: T, answer: (result: CheckResult, document: TextDocument) => T): Promise<T | ResponseError<void>> => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(uri);
    return document ? answer(await checkOf(document), document) : empty;
  };

  connection.onCodeAction((params) => withCheck(params.textDocument.uri, [], (result) => codeActions(params.textDocument.uri, params.context.diagnostics, result.findings)));
  connection.onRequest(StatusRequest, (params: StatusParams) => withCheck<StatusResult | null>(params.uri, null, (result) => service.status(result)));
  connection.onRequest(ReportRequest, (params: ReportParams) => withCheck(params.uri, '', (result) => service.report(result, reportLabel(params.uri))));
  connection.onCompletion(async (params) => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    return (await service.complete(await checkOf(document), params.position)).map(toCompletionItem);
  });
  connection.onDocumentLinks((params) => withCheck(params.textDocument.uri, [], (result) => service.links(result)));
  connection.onHover((params) => withCheck(params.textDocument.uri, null, (result) => {
    const found = service.hover(result, params.position);
    return found ? { contents: { kind: MarkupKind.Markdown, value: found.contents }, range: found.range } : null;
  }));

  const withDocument = <T>(uri: string, empty: T, answer: (document: TextDocument) => T): T | ResponseError<void> => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(uri);
    return document ? answer(document) : empty;
  };
  connection.onDocumentSymbol((params) => withDocument(params.textDocument.uri, [], outline));
  connection.onFoldingRanges((params) => withDocument(params.textDocument.uri, [], folding));
  connection.onSelectionRanges((params) => withDocument(params.textDocument.uri, [], (d) => selectionRanges(d, params.positions)));
  connection.onDocumentFormatting((params) => withDocument(params.textDocument.uri, [], (d) => format(d, undefined, params.options)));
  connection.onDocumentRangeFormatting((params) => withDocument(params.textDocument.uri, [], (d) => format(d, params.range, params.options)));

  documents.listen(connection);
  connection.listen();
}

/** The config as people name it: the last folders of its path (…/home/etc/config.json). */
function reportLabel(uri: string): string {
  const file = fsPath(uri);
  return file ? file.split(/[\\/]/).slice(-3).join('/') : uri;
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
