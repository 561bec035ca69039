// The LSP adapter: documents in; diagnostics, code actions and editor features out. All judgement lives in
// ../service; this file keeps the latest check of each open document and answers from it.
import { fileURLToPath } from 'node:url';
import {
  type Connection, DidChangeConfigurationNotification, ErrorCodes, type InitializeResult, MarkupKind, ResponseError, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFileSystem } from '../node/fileSystem';
import { nodeNetwork } from '../node/network';
import { WatchedStats } from '../node/watchedStats';
import {
  attach, type CheckRequest, type CheckResult, connectionMarkdown, type ConnectionResult, createEmsService, type DetachedCheck, documentOnly, type EmsService,
  isLuaConfig, lensTitle, type Settings,
} from '../service';
import { CheckPool, CheckStopped, DEFAULT_DEADLINE_MS } from './checkPool';
import { codeActions, toCompletionItem, toDiagnostic } from './convert';
import {
  type ConnectAnswer, ConnectionDetailsRequest, type ConnectParams, ConnectRequest, RecheckRequest, ReportRequest, type ReportParams, ShowConnectionCommand,
  StatusRequest, type StatusParams, type StatusResult, TestConnectionCommand,
} from './protocol';
import { folding, format, outline, selectionRanges } from './structure';
import { SYSTEM_TIMERS, type Timers, VerdictTimers } from './verdictTimers';
import { FileWatches } from './watches';

/** Long enough to let a burst of keystrokes settle, short enough to feel immediate. */
const DEBOUNCE_MS = 150;
/** A check still running after this long shows progress in the editor. */
const PROGRESS_AFTER_MS = 500;

export interface ServerOptions {
  /** A check running longer is stopped; the document's own findings are published without the files'. */
  checkDeadlineMs?: number;
  /** A check running longer shows progress (default PROGRESS_AFTER_MS). */
  progressAfterMs?: number;
}

export function startServer(connection: Connection, timers: Timers = SYSTEM_TIMERS, options: ServerOptions = {}): void {
  const now = () => new Date(timers.now());
  const documents = new TextDocuments(TextDocument);
  // With watchers on every file read, stats are remembered until a watcher says otherwise (created lazily:
  // whether the client watches is known only at initialize).
  const stats = new WatchedStats(nodeFileSystem);
  // The network is the connection test's alone, used only when the user asks for a test.
  let service: EmsService = createEmsService({ fs: nodeFileSystem, now, network: nodeNetwork });
  const pending = new Map<string, NodeJS.Timeout>();
  const settingsCache = new Map<string, Promise<Settings>>();
  /** The latest check of each open document, by the version it checked; `done` once it finished. */
  const checks = new Map<string, { version: number; result: Promise<CheckResult>; done?: CheckResult }>();
  /** The last finished check of each document, detached: requests meanwhile answer from it and the current text. */
  const finished = new Map<string, { check: DetachedCheck; attached?: { version: number; result: CheckResult } }>();
  /** The last connection test of each endpoint, by document and endpoint id: the lenses show it. */
  const connections = new Map<string, Map<string, ConnectionResult>>();
  let lensRefresh = false;
  let progressSupported = false;
  let pullConfiguration = false;
  // Checks run in a worker: the thread that answers requests never waits on a file being judged.
  const pool = new CheckPool(options.checkDeadlineMs ?? DEFAULT_DEADLINE_MS);
  connection.onExit(() => pool.dispose());
  /** The protocol's lifecycle: no request before initialize, none after shutdown. */
  let lifecycle: 'new' | 'running' | 'shut down' = 'new';
  const refusal = (): ResponseError<void> | undefined =>
    lifecycle === 'new' ? new ResponseError(ErrorCodes.ServerNotInitialized, 'the server is not initialized yet')
      : lifecycle === 'shut down' ? new ResponseError(ErrorCodes.InvalidRequest, 'the server is shutting down') : undefined;
  connection.onShutdown(() => {
    lifecycle = 'shut down';
    pool.dispose();
  });
  let watches: FileWatches | undefined;
  let pushedSettings: Settings = service.settings(undefined);

  connection.onInitialize((params): InitializeResult => {
    lifecycle = 'running';
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    progressSupported = params.capabilities.window?.workDoneProgress === true;
    lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    // Certificates often live outside the workspace: ask the client to watch each file we read, as VS Code's
    // Markdown server does. Without that capability every check re-stats the files anyway.
    const watching = params.capabilities.workspace?.didChangeWatchedFiles;
    if (watching?.dynamicRegistration && watching.relativePatternSupport) {
      watches = new FileWatches(connection);
      service = createEmsService({ fs: stats, now, network: nodeNetwork });
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
        codeLensProvider: {},
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

  /** A check in the worker; past the deadline, the document's own findings and one that says what was not done. */
  const runCheck = async (uri: string, request: CheckRequest): Promise<CheckResult> => {
    try {
      const detached = await pool.check(uri, request, timers.now(), watches !== undefined);
      finished.set(uri, { check: detached });
      return attach(detached, request.text);
    } catch (error) {
      if (error instanceof CheckStopped && error.reason === 'deadline') return documentOnly(request, error.message);
      throw error;
    }
  };

  /** The check of the document as it is now: the latest one, or a new one when the text moved on. */
  const checkOf = (document: TextDocument): Promise<CheckResult> => {
    const latest = checks.get(document.uri);
    if (latest?.version === document.version) return latest.result;
    const text = document.getText();
    const result = settingsFor(document.uri).then((settings) => runCheck(document.uri, { text, path: fsPath(document.uri), settings }));
    const entry: { version: number; result: Promise<CheckResult>; done?: CheckResult } = { version: document.version, result };
    result.then((done) => { entry.done = done; }, () => undefined);
    checks.set(document.uri, entry);
    return result;
  };

  /**
   * What a request answers from, at once: the check of the current version when it is done, else the last
   * finished check with the current text's document attached (the files' facts as last judged). Only a
   * document never checked yet waits for its first check.
   */
  const answerFrom = (document: TextDocument): CheckResult | Promise<CheckResult> => {
    const latest = checks.get(document.uri);
    if (latest?.version === document.version && latest.done) return latest.done;
    const last = finished.get(document.uri);
    if (!last) return checkOf(document);
    if (latest?.version !== document.version) void checkOf(document).catch(() => undefined);
    if (last.attached?.version !== document.version) last.attached = { version: document.version, result: attach(last.check, document.getText()) };
    return last.attached.result;
  };

  /** Progress in the editor for a check that takes more than a moment. */
  const showProgress = (uri: string, result: Promise<unknown>): void => {
    if (!progressSupported) return;
    let settled = false;
    const end = () => { settled = true; };
    result.then(end, end);
    setTimeout(() => {
      if (settled) return;
      void connection.window.createWorkDoneProgress().then((progress) => {
        progress.begin('EMS Config', undefined, `Checking the files ${reportLabel(uri)} names…`);
        const done = () => progress.done();
        if (settled) done();
        else result.then(done, done);
      }, () => undefined);
    }, options.progressAfterMs ?? PROGRESS_AFTER_MS).unref();
  };

  const publish = async (document: TextDocument): Promise<void> => {
    const version = document.version;
    const pending = checkOf(document);
    showProgress(document.uri, pending);
    let result: CheckResult;
    try {
      result = await pending;
    } catch (error) {
      if (error instanceof CheckStopped && error.reason === 'superseded') return; // the newer check publishes
      throw error;
    }
    // A newer edit or a close while we checked: its own check publishes. After shutdown nothing does.
    if (documents.get(document.uri)?.version !== version || lifecycle === 'shut down') return;
    watches?.set(document.uri, result.dependencies);
    verdictTimers.set(document.uri, result.dependencies.nextChange);
    await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: result.findings.map(toDiagnostic) });
  };

  const schedule = (document: TextDocument, delay: number): void => {
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => {
      pending.delete(document.uri);
      publish(document).catch((error: unknown) => {
        if (lifecycle !== 'shut down') connection.console.error(`check failed for ${document.uri}: ${errorText(error)}`);
      });
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
    finished.delete(event.document.uri);
    connections.delete(event.document.uri);
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
    pool.forget();
    recheckAll();
  });
  connection.onRequest(RecheckRequest, () => {
    const refused = refusal();
    if (refused) return refused;
    stats.forget();
    pool.forget();
    recheckAll();
    return null;
  });

  /** Runs a request against an open document's latest check; a document we do not have gets `empty`. */
  const withCheck = async <T>(uri: string, empty: T, answer: (result: CheckResult, document: TextDocument) => T): Promise<T | ResponseError<void>> => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(uri);
    return document ? answer(await answerFrom(document), document) : empty;
  };

  connection.onCodeAction((params) => withCheck(params.textDocument.uri, [], (result) => codeActions(params.textDocument.uri, params.context.diagnostics, result.findings)));
  connection.onRequest(StatusRequest, (params: StatusParams) => withCheck<StatusResult | null>(params.uri, null, (result) => service.status(result)));
  connection.onRequest(ReportRequest, (params: ReportParams) => withCheck(params.uri, '', (result) => service.report(result, reportLabel(params.uri))));
  connection.onCompletion(async (params) => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    return (await service.complete(await answerFrom(document), params.position)).map(toCompletionItem);
  });
  connection.onDocumentLinks((params) => withCheck(params.textDocument.uri, [], (result) => service.links(result)));
  connection.onHover((params) => withCheck(params.textDocument.uri, null, (result) => {
    const found = service.hover(result, params.position);
    return found ? { contents: { kind: MarkupKind.Markdown, value: found.contents }, range: found.range } : null;
  }));

  // "Test connection" over each endpoint; after a test, its verdict (click: the details) and "Test again".
  connection.onCodeLens((params) => withCheck(params.textDocument.uri, [], (result) => {
    const tested = connections.get(params.textDocument.uri);
    return service.connectTargets(result).flatMap((target) => {
      const range = { start: target.range.start, end: target.range.start };
      const args = [params.textDocument.uri, target.id];
      const last = tested?.get(target.id);
      const test = { range, command: { title: last ? 'Test again' : `Test connection (${target.tls ? 'TLS' : 'TCP'} ${target.host}:${target.port})`, command: TestConnectionCommand, arguments: args } };
      return last ? [{ range, command: { title: lensTitle(last), command: ShowConnectionCommand, arguments: args } }, test] : [test];
    });
  }));
  connection.onRequest(ConnectRequest, async (params: ConnectParams): Promise<ConnectAnswer | ResponseError<void>> => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(params.uri);
    if (!document) return new ResponseError(ErrorCodes.InvalidParams, 'that document is not open');
    const id = params.id ?? '/ws_servers/0';
    const result = await service.testConnection(await checkOf(document), id);
    let tested = connections.get(params.uri);
    if (!tested) connections.set(params.uri, (tested = new Map()));
    tested.set(id, result);
    if (lensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    return {
      outcome: result.verdict.outcome, summary: result.verdict.summary, markdown: connectionMarkdown(result),
      ...(result.saveRoot ? { saveRoot: { subject: result.saveRoot.subject, sha256: result.saveRoot.sha256, pem: result.saveRoot.pem, file: result.saveRoot.file } } : {}),
    };
  });
  connection.onRequest(ConnectionDetailsRequest, (params: ConnectParams) => {
    const last = connections.get(params.uri)?.get(params.id ?? '/ws_servers/0');
    return last ? connectionMarkdown(last) : '';
  });

  const withDocument = <T>(uri: string, empty: T, answer: (document: TextDocument) => T): T | ResponseError<void> => {
    const refused = refusal();
    if (refused) return refused;
    const document = documents.get(uri);
    // Outline, folding and formatting read JSON: a config.lua is not touched by them.
    return document && !isLuaConfig(fsPath(uri)) ? answer(document) : empty;
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
