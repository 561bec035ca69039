// The syntax pre-scan (worthScanning) decides whether the tokenizer runs at all: when it says no, the tokenizer
// must have nothing to find. Checked against jsonc-parser's scanner on random JSON-like text.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createScanner, SyntaxKind } from 'jsonc-parser';
import { MAX_DEPTH } from '../../server/src/service/document/model';
import { worthScanning } from '../../server/src/service/checks/syntax';
import { codes } from '../helpers/service';

/** What pass 1 looks for, found by the real tokenizer: a comment, an escape, a comma before a bracket, deep nesting. */
function tokenizerFindsSomething(text: string): boolean {
  const scanner = createScanner(text, false);
  let depth = 0;
  let previous: SyntaxKind | undefined;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) return true;
    if (kind === SyntaxKind.StringLiteral && text.slice(scanner.getTokenOffset(), scanner.getTokenOffset() + scanner.getTokenLength()).includes('\\')) return true;
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) depth++;
    if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      if (previous === SyntaxKind.CommaToken) return true;
      depth--;
    }
    if (depth > MAX_DEPTH) return true;
    if (kind !== SyntaxKind.Trivia && kind !== SyntaxKind.LineBreakTrivia) previous = kind;
  }
  return false;
}

const pieces = ['"', '\\', '/', '*', ',', '{', '}', '[', ']', ':', ' ', '\n', '\r', '\t', '\f', 'a', '1', 'true', '"key"', '"a/b"', '\u2028'];

test('the pre-scan never skips text in which the tokenizer finds a comment, an escape or a trailing comma', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
    const text = parts.join('');
    if (!worthScanning(text)) assert.equal(tokenizerFindsSomething(text), false, JSON.stringify(text));
  }), { seed: 20261127, numRuns: 20_000 });
});

test('the pre-scan says no for a clean config with paths in its strings', () => {
  assert.equal(worthScanning('{\n  "cert_chain": "/opt/ems/etc/certs/ca.pem",\n  "ws_servers": [{ "host": "a", "port": 443 }]\n}\n'), false);
  assert.equal(worthScanning('{ "a": 1, }'), true);
  assert.equal(worthScanning('{ "a": "C:\\\\certs" }'), true);
});

test('a comment on the line after an unterminated string is reported (the string ends at the line break)', async () => {
  const found = await codes('{\n  "appKey": "abc,\n  // the platform\n  "ws_servers": []\n}\n');
  assert.ok(found.includes('json-comment'), found.join(', '));
});
