// Syntax findings. The EMS parses config.json with an old cJSON: strict JSON, and on any parse error it
// silently falls back to config.json.booted — so everything a lenient parser would forgive is an error here.
import { createScanner, type Node, ParseErrorCode, ScanError, SyntaxKind } from 'jsonc-parser';
import { removeProperty } from '../document/edits';
import type { FindingSink } from '../document/findings';
import { MAX_DEPTH, type Model, pointerOfNode } from '../document/model';
import type { Edit } from '../types';

/** A file this broken is not worth more findings: say how many more there were instead. */
const MAX_SYNTAX_FINDINGS = 100;
const FALLBACK = 'the EMS cannot load the file and silently falls back to config.json.booted';

export interface TokenScan {
  /** The document nests deeper than MAX_DEPTH: it must not be handed to the recursive parser. */
  tooDeep: boolean;
}

/**
 * Whether pass 1 can find anything: what it looks for — a '/' outside strings (a comment), a backslash inside
 * one (an escape), a comma before '}' or ']', deep nesting. Most configs have none of those, and a 40,000-line
 * one should not be tokenized twice. One regular expression steps from string to string and bracket to
 * bracket, so the text between is skipped natively. A string ends at a line break, as the tokenizer ends it;
 * on anything unusual (an unterminated string, a form feed before a bracket) it errs towards scanning.
 */
const INTERESTING = /"[^"\\\r\n]*["\\\r\n]|\/|,\s*[}\]]|[{}[\]]/g;

export function worthScanning(text: string): boolean {
  let depth = 0;
  INTERESTING.lastIndex = 0;
  for (let match = INTERESTING.exec(text); match; match = INTERESTING.exec(text)) {
    const token = match[0];
    switch (token[0]) {
      case '"': if (!token.endsWith('"')) return true; break; // an escape, or a line break that ends the string
      case '{': case '[': if (++depth > MAX_DEPTH) return true; break;
      case '}': case ']': depth--; break;
      default: return true; // a '/' or a trailing comma
    }
  }
  return false;
}

/** Pass 1, on tokens: comments, trailing commas, escapes and nesting depth. */
export function scanTokens(text: string, sink: FindingSink): TokenScan {
  if (!worthScanning(text)) return { tooDeep: false };
  const scanner = createScanner(text, false);
  let depth = 0;
  let lastSignificant: { kind: SyntaxKind; offset: number } | undefined;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (sink.findings.length >= MAX_SYNTAX_FINDINGS) break;
    const offset = scanner.getTokenOffset();
    const length = scanner.getTokenLength();
    switch (kind) {
      case SyntaxKind.LineCommentTrivia:
      case SyntaxKind.BlockCommentTrivia:
        if (scanner.getTokenError() === ScanError.UnexpectedEndOfComment) {
          sink.add('json-syntax', `Unterminated comment: ${FALLBACK}.`, { offset, length }, '');
        } else {
          sink.add('json-comment', 'Comments are not JSON: the EMS cannot load a file with comments (config.json.documented is not meant to be run).',
            { offset, length }, '', { fixes: [{ title: 'Remove the comment', edits: [removeComment(text, offset, length, sink)], preferred: true }] });
        }
        continue;
      case SyntaxKind.LineBreakTrivia:
      case SyntaxKind.Trivia:
        continue;
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        if (++depth > MAX_DEPTH) {
          sink.add('json-syntax', `Nested deeper than ${MAX_DEPTH} levels: ${FALLBACK}.`, { offset, length }, '');
          return { tooDeep: true };
        }
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        depth = Math.max(0, depth - 1);
        if (lastSignificant?.kind === SyntaxKind.CommaToken) {
          const comma = { offset: lastSignificant.offset, length: 1 };
          sink.add('json-trailing-comma', `Trailing comma before '${kind === SyntaxKind.CloseBraceToken ? '}' : ']'}': ${FALLBACK}.`, comma, '',
            { fixes: [{ title: 'Remove the trailing comma', edits: [{ range: sink.range(comma), newText: '' }], preferred: true }] });
        }
        break;
      case SyntaxKind.StringLiteral:
        checkEscapes(text, offset, length, sink);
        break;
    }
    lastSignificant = { kind, offset };
  }
  return { tooDeep: false };
}

/** A whole-line comment goes with its line; a comment after code goes with the blanks before it. */
function removeComment(text: string, offset: number, length: number, sink: FindingSink): Edit {
  let start = offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = offset + length;
  const lineStart = start === 0 || text[start - 1] === '\n' || text[start - 1] === '\r';
  if (lineStart) {
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
  }
  return { range: sink.range({ offset: start, length: end - start }), newText: '' };
}

const LEGAL_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u']);
const CONTROL_ESCAPES = new Set(['b', 'f', 'n', 'r', 't']);

/** Backslash escapes in one string token (its raw text, quotes included). */
function checkEscapes(text: string, offset: number, length: number, sink: FindingSink): void {
  const raw = text.slice(offset, offset + length);
  if (!raw.includes('\\')) return;
  const content = raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined);
  const pathLike = looksLikeWindowsPath(content);
  const fix = () => ({
    fixes: [{ title: 'Use forward slashes', edits: [{ range: sink.range({ offset, length }), newText: `"${forwardSlashed(content)}"` }], preferred: true }],
  });
  for (let i = 1; i < raw.length - 1; i++) {
    if (raw[i] !== '\\') continue;
    const escaped = raw[i + 1] ?? '';
    const at = { offset: offset + i, length: 2 };
    if (!LEGAL_ESCAPES.has(escaped)) {
      sink.add('json-invalid-escape',
        `"\\${escaped}" is not a JSON escape${pathLike ? ': write Windows paths with forward slashes (C:/certs/ca.pem) or doubled backslashes' : ''}; ${FALLBACK}.`,
        at, '', pathLike ? fix() : undefined);
    } else if (CONTROL_ESCAPES.has(escaped) && pathLike && isPathSegmentStart(raw, i)) {
      const name = { b: 'a backspace', f: 'a form feed', n: 'a line break', r: 'a carriage return', t: 'a tab' }[escaped];
      sink.add('suspicious-escape',
        `"\\${escaped}" is ${name}, not a folder separator: the EMS would read a path with a control character in it. Use forward slashes.`,
        at, '', fix());
    }
    if (escaped === 'u') i += 5;
    else i += 1;
  }
}

/** The backslash at i separates path segments: after a drive or another separator, before a name. */
function isPathSegmentStart(raw: string, i: number): boolean {
  const after = raw[i + 2] ?? '';
  const before = raw[i - 1] ?? '';
  return /[A-Za-z0-9_.-]/.test(after) || before === ':';
}

function looksLikeWindowsPath(content: string): boolean {
  return /^\s*[A-Za-z]:[\\/]/.test(content) || /^\s*\\\\[A-Za-z0-9]/.test(content) || (content.match(/\\[A-Za-z0-9_.-]/g)?.length ?? 0) >= 2;
}

/** Rewrites the raw content of a JSON string so that every backslash that meant a folder becomes '/'. */
export function forwardSlashed(content: string): string {
  let out = '';
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = content[i + 1] ?? '';
    if (next === '"' || (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(content.slice(i + 2, i + 6)))) {
      out += ch + next;
      i++;
    } else if (next === '\\' || next === '/') {
      out += '/';
      i++;
    } else {
      out += '/';
    }
  }
  return out;
}

const PARSE_MESSAGES: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'Unexpected text',
  [ParseErrorCode.InvalidNumberFormat]: 'Not a JSON number',
  [ParseErrorCode.PropertyNameExpected]: 'Expected a property name in double quotes',
  [ParseErrorCode.ValueExpected]: 'Expected a value',
  [ParseErrorCode.ColonExpected]: "Expected ':' after the property name",
  [ParseErrorCode.CommaExpected]: "Expected ','",
  [ParseErrorCode.CloseBraceExpected]: "Expected '}'",
  [ParseErrorCode.CloseBracketExpected]: "Expected ']'",
  [ParseErrorCode.EndOfFileExpected]: 'Unexpected text after the end of the document',
  [ParseErrorCode.UnexpectedEndOfString]: 'Unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'Unterminated number',
  [ParseErrorCode.InvalidUnicode]: 'Invalid \\u escape',
  [ParseErrorCode.InvalidCharacter]: 'A control character inside a string (escape it)',
};

/** Pass 2: what the parser could not read. Escapes and comments were reported by scanTokens. */
export function reportParseErrors(model: Model, sink: FindingSink): void {
  let reported = 0;
  const errors = model.parseErrors.filter((e) => e.error !== ParseErrorCode.InvalidEscapeCharacter
    && e.error !== ParseErrorCode.InvalidCommentToken && e.error !== ParseErrorCode.UnexpectedEndOfComment);
  for (const error of errors) {
    if (reported === MAX_SYNTAX_FINDINGS) {
      sink.add('json-syntax', `…and ${errors.length - reported} more syntax errors.`, { offset: error.offset, length: error.length }, '');
      break;
    }
    const message = model.text.trim() === '' ? 'The file is empty' : (PARSE_MESSAGES[error.error] ?? 'Syntax error');
    sink.add('json-syntax', `${message}: ${FALLBACK}.`, { offset: error.offset, length: Math.max(error.length, 1) }, '');
    reported++;
  }
}

/** Same key twice in one object. cJSON reads the first one and ignores case, so `appKey` and `appkey` collide too. */
export function reportDuplicateKeys(root: Node, sink: FindingSink): void {
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'object') {
      const seen = new Map<string, Node>();
      for (const property of node.children ?? []) {
        const keyNode = property.children?.[0];
        const valueNode = property.children?.[1];
        const key = keyNode?.value;
        if (!keyNode || typeof key !== 'string') continue;
        const earlier = seen.get(key.toLowerCase());
        if (earlier) {
          const earlierKey = String(earlier.children?.[0]?.value);
          const same = earlierKey === key ? `"${key}" appears` : `"${key}" and "${earlierKey}" are the same key to the EMS (it ignores case) and appear`;
          sink.add('duplicate-key', `${same} twice in this object; the EMS reads only the first one (line ${sink.range(earlier).start.line + 1}).`,
            keyNode, pointerOfNode(property), {
              fixes: [{ title: `Remove the earlier "${earlierKey}"`, edits: [removeProperty(sink, node, earlier)], preferred: true }],
            });
        } else {
          seen.set(key.toLowerCase(), property);
        }
        if (valueNode && (valueNode.type === 'object' || valueNode.type === 'array')) stack.push(valueNode);
      }
    } else if (node.type === 'array') {
      for (const child of node.children ?? []) if (child.type === 'object' || child.type === 'array') stack.push(child);
    }
  }
}
