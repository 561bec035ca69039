// The thin client: starts the language server for ems-config documents and shows what it publishes.
// VS Code activates the extension only when an ems-config document opens (the language is ours), so the
// server process exists only while there is something for it to check.
import * as path from 'node:path';
import {
  commands, ConfigurationTarget, type ExtensionContext, languages, type LanguageStatusItem, LanguageStatusSeverity, ProgressLocation, Range, Selection, Uri, window, workspace,
} from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import {
  type ConnectAnswer, ConnectionDetailsRequest, type ConnectParams, ConnectRequest, RecheckRequest, ReportRequest, type ReportParams, SelectCommand, ShowConnectionCommand,
  StatusRequest, type StatusParams, type StatusResult, TestConnectionCommand,
} from '../../server/src/lsp/protocol';

const LANGUAGE = 'ems-config';
/** The Lua Script Resource's etc/config.lua. */
const LSR_LANGUAGE = 'ems-lsr-config';
const REPORT_SCHEME = 'ems-config-report';

let client: LanguageClient | undefined;

/** What the extension hands to other extensions (and to the integration tests): the language status item. */
export interface EmsConfigApi {
  statusItem: LanguageStatusItem;
}

export async function activate(context: ExtensionContext): Promise<EmsConfigApi> {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = window.createOutputChannel('EMS Config', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE }, { language: LSR_LANGUAGE }],
    outputChannel,
    // VS Code answers with package.json's default when emsVersion is unset; the server must know it is unset,
    // so that it reads the release from the EMS binary in the home instead. Workspace trust travels with the
    // settings, so that the server (which cannot ask VS Code) reads only inside the workspace until trusted.
    middleware: { workspace: { configuration: async (params, token, next) => {
      const values = await next(params, token);
      return Array.isArray(values)
        ? values.map((value: unknown, i) => (params.items[i]?.section === 'emsConfig' ? withTrust(withChosenVersionOnly(value, params.items[i]?.scopeUri)) : value))
        : values;
    } } },
  };
  // The id is the settings prefix: vscode-languageclient reads emsConfig.trace.server by it.
  const started = new LanguageClient('emsConfig', 'EMS Config', serverOptions, clientOptions);
  client = started;
  context.subscriptions.push(outputChannel);

  const reports = new Map<string, string>();
  const showMarkdown = async (name: string, markdown: string) => {
    const uri = Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` });
    reports.set(uri.toString(), markdown);
    await window.showTextDocument(await languages.setTextDocumentLanguage(await workspace.openTextDocument(uri), 'markdown'), { preview: false });
  };
  context.subscriptions.push(
    workspace.registerTextDocumentContentProvider(REPORT_SCHEME, { provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? '' }),
    commands.registerCommand('emsConfig.showCertificateReport', async () => {
      const document = activeConfig();
      if (!document) return void window.showInformationMessage('Open an EMS config.json to see its certificate report.');
      const markdown = await started.sendRequest<string>(ReportRequest, { uri: document.uri.toString() } satisfies ReportParams);
      await showMarkdown(`${homeName(document.uri)} certificate report`, markdown);
    }),
    // Never automatic: only a click on the lens or this command connects anywhere, and only when trusted.
    commands.registerCommand(TestConnectionCommand, async (uri?: string, id?: string) => {
      const target = uri ?? activeConfig()?.uri.toString();
      if (!target) return void window.showInformationMessage('Open an EMS config.json to test its connection.');
      if (!workspace.isTrusted) {
        return void window.showWarningMessage('EMS Config tests connections only in a trusted workspace: the test reads the client key the config names and connects to the host it names. Trust this workspace to use it.');
      }
      const answer = await window.withProgress({ location: ProgressLocation.Notification, title: 'EMS Config: testing the connection…' },
        () => started.sendRequest<ConnectAnswer>(ConnectRequest, { uri: target, ...(id ? { id } : {}) } satisfies ConnectParams));
      const name = `${homeName(Uri.parse(target))} connection ${(id ?? '/ws_servers/0').slice(1).replace(/\//g, '-')}`;
      if (answer.saveRoot) return offerRoot(answer, () => showMarkdown(name, answer.markdown));
      const show = answer.outcome === 'connected' ? window.showInformationMessage : answer.outcome === 'refused' ? window.showErrorMessage : window.showWarningMessage;
      if (await show(`EMS Config: ${answer.summary}`, 'Details') === 'Details') await showMarkdown(name, answer.markdown);
    }),
    commands.registerCommand(ShowConnectionCommand, async (uri: string, id: string) => {
      const markdown = await started.sendRequest<string>(ConnectionDetailsRequest, { uri, id } satisfies ConnectParams);
      if (markdown) await showMarkdown(`${homeName(Uri.parse(uri))} connection ${id.slice(1).replace(/\//g, '-')}`, markdown);
    }),
    commands.registerCommand('emsConfig.recheck', () => started.sendRequest(RecheckRequest)),
    commands.registerCommand('emsConfig.pickEmsVersion', () => pickEmsVersion(knownReleases(context))),
    // Code actions that insert a placeholder select it afterwards, ready to be overwritten.
    commands.registerCommand(SelectCommand, (uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
      const editor = window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
      if (!editor) return;
      const selection = new Range(range.start.line, range.start.character, range.end.line, range.end.character);
      editor.selection = new Selection(selection.start, selection.end);
      editor.revealRange(selection);
    }),
  );

  const status = languages.createLanguageStatusItem('emsConfig.status', [{ language: LANGUAGE }, { language: LSR_LANGUAGE }]);
  status.name = 'EMS Config';
  status.command = { title: 'Target version', command: 'emsConfig.pickEmsVersion', tooltip: 'Pick the EMS release to check as' };
  context.subscriptions.push(status);
  const refresh = async () => {
    const document = activeConfig();
    if (!document) return;
    const result = await started.sendRequest<StatusResult | null>(StatusRequest, { uri: document.uri.toString() } satisfies StatusParams).catch(() => null);
    if (!result) return;
    status.text = `EMS ${result.emsVersion}${targetLabel(result.target)}`;
    status.command = { title: 'Target version', command: 'emsConfig.pickEmsVersion', tooltip: describeTarget(result.target) };
    status.detail = describeStatus(result);
    status.severity = result.errors ? LanguageStatusSeverity.Error : result.warnings ? LanguageStatusSeverity.Warning : LanguageStatusSeverity.Information;
  };
  context.subscriptions.push(
    window.onDidChangeActiveTextEditor(() => void refresh()),
    languages.onDidChangeDiagnostics((event) => {
      const document = activeConfig();
      if (document && event.uris.some((uri) => uri.toString() === document.uri.toString())) void refresh();
    }),
  );

  await started.start();
  // What the middleware adds changed: the server pulls the settings again, as on a configuration change.
  const settingsChanged = () => void started.sendNotification(DidChangeConfigurationNotification.type, { settings: null }).catch(() => undefined);
  context.subscriptions.push(workspace.onDidGrantWorkspaceTrust(settingsChanged), workspace.onDidChangeWorkspaceFolders(settingsChanged));
  void refresh();
  return { statusItem: status };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** The EMS home's folder name, for the titles of the views about one config. */
function homeName(uri: Uri): string {
  return path.basename(path.dirname(path.dirname(uri.fsPath)));
}

/**
 * The server sent a root no CA list holds. It is added only after the user has seen its subject and SHA-256
 * fingerprint in a modal dialog and chosen to; never silently. The CA list is appended to, not replaced.
 */
async function offerRoot(answer: ConnectAnswer, details: () => Promise<void>): Promise<void> {
  const root = answer.saveRoot!;
  const choice = await window.showWarningMessage(`EMS Config: ${answer.summary}`, {
    modal: true,
    detail: `The server sent this root certificate:\n\n${root.subject}\nSHA-256 ${root.sha256}\n\nCompare the fingerprint with one you got from the platform's administrator before trusting it. Add it to ${root.file}?`,
  }, 'Add to CA list', 'Details');
  if (choice === 'Details') return details();
  if (choice !== 'Add to CA list') return;
  const file = Uri.file(root.file);
  const existing = await workspace.fs.readFile(file);
  const text = Buffer.from(existing).toString('latin1');
  const joined = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${root.pem}`;
  await workspace.fs.writeFile(file, Buffer.from(joined, 'latin1'));
  void window.showInformationMessage(`EMS Config: added ${root.subject} to ${root.file}. Test the connection again to see it anchored.`);
}

/** The settings section without emsVersion unless someone set it (in any scope, or for the language). */
function withChosenVersionOnly(value: unknown, scopeUri: string | undefined): unknown {
  if (!value || typeof value !== 'object' || !('emsVersion' in value)) return value;
  const inspected = workspace.getConfiguration('emsConfig', scopeUri ? Uri.parse(scopeUri) : undefined).inspect('emsVersion');
  const chosen = inspected && [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue,
    inspected.globalLanguageValue, inspected.workspaceLanguageValue, inspected.workspaceFolderLanguageValue].some((v) => v !== undefined);
  if (chosen) return value;
  const { emsVersion: _unset, ...rest } = value as Record<string, unknown>;
  return rest;
}

/** The settings section with the workspace's trust and its folders (file-system paths; others hold no files). */
function withTrust(value: unknown): unknown {
  const folders = (workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
  return { ...(value && typeof value === 'object' ? value : {}), trust: { trusted: workspace.isTrusted, folders } };
}

/** After the release in the status item: where it came from, unless the user chose it. */
function targetLabel(target: StatusResult['target']): string {
  if (target.source === 'binary') return ` (from ${path.basename(target.binary ?? 'wsems')})`;
  return target.source === 'default' ? ' (default)' : '';
}

/** The tooltip: where the release came from and how to choose another. */
function describeTarget(target: StatusResult['target']): string {
  const choose = 'Click to pick a release (the emsConfig.emsVersion setting).';
  switch (target.source) {
    case 'binary': return `Checked as EMS ${target.release}, the release of ${target.binary}${target.build ? ` (${target.build})` : ''}. ${choose}`;
    case 'default': return `Checked as EMS ${target.release}, the newest known release: no EMS binary (wsems) in the EMS home says which. ${choose}`;
    default: return `Checked as EMS ${target.release}, chosen with the emsConfig.emsVersion setting. Click to pick another, or "Automatic" to read it from the wsems in the EMS home.`;
  }
}

function activeConfig() {
  const document = window.activeTextEditor?.document;
  return document?.languageId === LANGUAGE || document?.languageId === LSR_LANGUAGE ? document : undefined;
}

/** The server words the expiry ("expires in 19 days") as its diagnostics and hovers do, at the same instant. */
function describeStatus(result: StatusResult): string {
  const files = `${result.filesChecked} certificate file${result.filesChecked === 1 ? '' : 's'} checked`;
  if (!result.nearestExpiry) return files;
  return `${files} · nearest expiry ${result.nearestExpiry.notAfter.slice(0, 10)} (${result.nearestExpiry.when}): ${result.nearestExpiry.subject}`;
}

/**
 * The releases package.json offers as examples of emsConfig.emsVersion (the server's KNOWN_RELEASES, oldest
 * first; test/unit/defaults.test.ts keeps them equal), newest first for the picker.
 */
function knownReleases(context: ExtensionContext): string[] {
  const examples: unknown = context.extension.packageJSON?.contributes?.configuration?.properties?.['emsConfig.emsVersion']?.examples;
  return Array.isArray(examples) ? examples.filter((v): v is string => typeof v === 'string').reverse() : [];
}

/** "Automatic" removes the setting: the release of the EMS binary in the home, else the newest known. */
async function pickEmsVersion(releases: readonly string[]): Promise<void> {
  const document = activeConfig();
  const configuration = workspace.getConfiguration('emsConfig', document?.uri);
  const inspected = configuration.inspect<string>('emsVersion');
  const current = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  const automatic = { label: AUTOMATIC, description: `${current === undefined ? 'current · ' : ''}the release of the wsems in the EMS home, else ${releases[0] ?? 'the newest known'}` };
  const picked = await window.showQuickPick(
    [automatic, ...releases.map((version) => ({ label: version, description: version === current ? 'current' : undefined }))],
    { title: 'EMS release this config is meant for', placeHolder: current ?? AUTOMATIC },
  );
  if (!picked) return;
  const target = workspace.workspaceFolders?.length ? ConfigurationTarget.Workspace : ConfigurationTarget.Global;
  await configuration.update('emsVersion', picked === automatic ? undefined : picked.label, target);
}

const AUTOMATIC = 'Automatic';
