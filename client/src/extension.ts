// The thin client: starts the language server for ems-config documents and shows what it publishes.
// VS Code activates the extension only when an ems-config document opens (the language is ours), so the
// server process exists only while there is something for it to check.
import * as path from 'node:path';
import { type ExtensionContext, window } from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = window.createOutputChannel('EMS Config', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'ems-config' }],
    outputChannel,
  };
  // The id is the settings prefix: vscode-languageclient reads emsConfig.trace.server by it.
  client = new LanguageClient('emsConfig', 'EMS Config', serverOptions, clientOptions);
  context.subscriptions.push(outputChannel);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
