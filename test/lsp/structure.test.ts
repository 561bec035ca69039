// Outline, folding, selection ranges and formatting on a document nested deeper than the checker reads:
// empty answers at once, never a stack overflow or a 100 MB edit; at 1,000 levels they still work.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DidOpenTextDocumentNotification, DocumentFormattingRequest, DocumentSymbolRequest, FoldingRangeRequest, SelectionRangeRequest } from 'vscode-languageserver-protocol/node';
import { MAX_DEPTH } from '../../server/src/service';
import { TestClock } from '../helpers/clock';
import { startInProcess } from '../helpers/lsp';
import { NOW } from '../helpers/pki';

const nested = (depth: number) => `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;

describe('structure features and nesting', () => {
  test(`nested 20,000 deep: every structure request answers [] (the limit is ${MAX_DEPTH})`, async () => {
    const client = await startInProcess(new TestClock(NOW));
    try {
      const uri = 'untitled:deep';
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text: nested(20_000) } });
      const textDocument = { uri };
      assert.deepEqual(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument }), []);
      assert.deepEqual(await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument }), []);
      assert.deepEqual(await client.connection.sendRequest(SelectionRangeRequest.type, { textDocument, positions: [{ line: 0, character: 10_000 }] }), []);
      assert.deepEqual(await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument, options: { tabSize: 2, insertSpaces: true } }), []);
    } finally {
      await client.close();
    }
  });

  test(`nested ${MAX_DEPTH} deep (what the EMS reads): outline and formatting still answer`, async () => {
    const client = await startInProcess(new TestClock(NOW));
    try {
      const uri = 'untitled:limit';
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text: nested(MAX_DEPTH - 1) } });
      const symbols = await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
      assert.equal(symbols?.[0]?.name, 'a');
      const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      assert.ok(edits && edits.length > 0);
    } finally {
      await client.close();
    }
  });

  test('the outline hides the values of misspelt secrets (pasword, appkye) and shows other values', async () => {
    const client = await startInProcess(new TestClock(NOW));
    try {
      const uri = 'untitled:secrets';
      const text = JSON.stringify({ ws_servers: [{ host: 'twx.example.com', port: 443 }], appkye: 'f1e2d3c4-0000-4000-8000-123456789abc', http_server: { user: 'admin', pasword: 'hunter2' } });
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ems-config', version: 1, text } });
      const symbols = JSON.stringify(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }));
      assert.doesNotMatch(symbols, /hunter2|f1e2d3c4/);
      assert.match(symbols, /admin/);
    } finally {
      await client.close();
    }
  });
});
