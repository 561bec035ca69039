// Entry point of `ems-config-language-server`: LSP over --stdio, --node-ipc or --socket=<port>,
// chosen by vscode-languageserver from the command line.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

startServer(createConnection(ProposedFeatures.all));
