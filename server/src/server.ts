// Entry point of `ems-config-language-server`: LSP over --stdio, --node-ipc or --socket=<port>.
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

if (process.argv.includes('--stdio')) {
  // Over a byte stream a header that lies (a bad Content-Length) leaves the reader out of step for good: it
  // would never answer again. Exit instead, so that the client sees it and can start a fresh server.
  const outOfStep = () => {
    process.stderr.write('ems-config-language-server: a message header that cannot be read; the stream is out of step, exiting\n');
    process.exit(1);
  };
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((error) => {
    // A body that is not JSON is only that message lost; a bad header is the stream lost.
    if (/Content-Length|Message header|Cannot read so many bytes/.test(error.message)) outOfStep();
  });
  // vscode-jsonrpc takes a negative Content-Length as a length and waits for ever: fatal too.
  process.stdin.on('data', (chunk: Buffer) => {
    if (/Content-Length:[ \t]*-/i.test(chunk.toString('latin1'))) outOfStep();
  });
  // The client went away: so do we (the default stdio set-up does the same).
  process.stdin.on('end', () => process.exit(1));
  process.stdin.on('close', () => process.exit(1));
  startServer(createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout)));
} else {
  startServer(createConnection(ProposedFeatures.all));
}
