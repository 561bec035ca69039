// Syntax findings. The EMS parses config.json with an old cJSON: strict JSON. On a parse error it logs
// "Error parsing JSON.", loads config.json.booted instead, and exits when there is none (observed on 5.3.4) —
// so everything a lenient parser would forgive is an error here. One exception: an escape JSON does not allow
// is read, not refused (cJSON keeps the character after the backslash), so only that string is wrong.
import { createScanner, type Node, ParseErrorCode, ScanError, SyntaxKind } from 'jsonc-parser';
import { removeProperty } from '../document/edits';
import type { FindingSink, Span } from '../document/findings';
import { emsStringValue, MAX_DEPTH, type Model, pointerOfNode } from '../document/model';
import { isSecretKey } from '../document/schema';
import type { Code } from '../codes';
import type { Edit, Finding } from '../types';
import { clip } from '../../util/text';

/** A file this broken is not worth more findings: say how many more there were instead. */
const MAX_SYNTAX_FINDINGS = 100;

/** What the EMS does with a file it cannot parse, said once per file (on its first such finding). */
export const UNPARSABLE = 'The EMS cannot parse this file: it logs "Error parsing JSON.", loads config.json.booted (the last file it connected with) instead, and when there is none, as on every fresh install, exits ("Failed to load any configuration file.  Exiting...").';

/** The codes of findings that stop the EMS parsing the file. */
const UNPARSABLE_CODES: ReadonlySet<Code> = new Set<Code>(['json-syntax', 'json-comment', 'json-trailing-comma', 'top-level-not-object']);

/** Appends what the EMS does with an unparsable file to the first finding that makes it so. */
export function sayOnceWhatTheEmsDoes(findings: readonly Finding[]): void {
  const first = findings.find((f) => UNPARSABLE_CODES.has(f.code));
  if (first) first.message = `${first.message} ${UNPARSABLE}`;
}

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
  // The key before the ':' that precedes a value: a secret's escapes are reported without its text.
  let lastString = '';
  let key = '';
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (sink.findings.length >= MAX_SYNTAX_FINDINGS) break;
    const offset = scanner.getTokenOffset();
    const length = scanner.getTokenLength();
    switch (kind) {
      case SyntaxKind.LineCommentTrivia:
      case SyntaxKind.BlockCommentTrivia:
        if (scanner.getTokenError() === ScanError.UnexpectedEndOfComment) {
          sink.add('json-syntax', 'Unterminated comment.', { offset, length }, '');
        } else {
          sink.add('json-comment', 'Comments are not JSON (config.json.documented is not meant to be run).',
            { offset, length }, '', { fixes: [{ title: 'Remove the comment', edits: [removeComment(text, offset, length, sink)], preferred: true }] });
        }
        continue;
      case SyntaxKind.LineBreakTrivia:
      case SyntaxKind.Trivia:
        continue;
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        if (++depth > MAX_DEPTH) {
          sink.add('json-syntax', `Nested deeper than ${MAX_DEPTH} levels.`, { offset, length }, '');
          return { tooDeep: true };
        }
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        depth = Math.max(0, depth - 1);
        if (lastSignificant?.kind === SyntaxKind.CommaToken) {
          const comma = { offset: lastSignificant.offset, length: 1 };
          sink.add('json-trailing-comma', `Trailing comma before '${kind === SyntaxKind.CloseBraceToken ? '}' : ']'}'.`, comma, '',
            { fixes: [{ title: 'Remove the trailing comma', edits: [{ range: sink.range(comma), newText: '' }], preferred: true }] });
        }
        break;
      case SyntaxKind.ColonToken:
        if (lastSignificant?.kind === SyntaxKind.StringLiteral) key = lastString;
        break;
      case SyntaxKind.StringLiteral:
        lastString = scanner.getTokenValue();
        checkEscapes(text, offset, length, lastSignificant?.kind === SyntaxKind.ColonToken && isSecretKey(key), sink);
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
const CONTROL_NAMES: Record<string, string> = { b: 'a backspace', f: 'a form feed', n: 'a line break', r: 'a carriage return', t: 'a tab' };

/**
 * Backslash escapes in one string token (its raw text, quotes included): one finding for the string, naming
 * each escape once and showing what the EMS reads, with one fix for the whole string. A secret's text is never shown.
 */
function checkEscapes(text: string, offset: number, length: number, secret: boolean, sink: FindingSink): void {
  const raw = text.slice(offset, offset + length);
  if (!raw.includes('\\')) return;
  const content = raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined);
  const pathLike = looksLikeWindowsPath(content);
  const invalid = new Set<string>();
  const controls = new Set<string>();
  for (let i = 1; i < raw.length - 1; i++) {
    if (raw[i] !== '\\') continue;
    const escaped = raw[i + 1] ?? '';
    if (!LEGAL_ESCAPES.has(escaped)) invalid.add(escaped);
    else if (CONTROL_ESCAPES.has(escaped) && pathLike && isPathSegmentStart(raw, i)) controls.add(escaped);
    i += escaped === 'u' ? 5 : 1;
  }
  if (!invalid.size && !controls.size) return;
  const fix = pathLike
    ? { fixes: [{ title: 'Use forward slashes', edits: [{ range: sink.range({ offset, length }), newText: `"${forwardSlashed(content)}"` }], preferred: true }] }
    : undefined;
  const reads = secret ? '' : `, so it reads ${shown(emsStringValue(content))}`;
  const advice = pathLike ? ' Write Windows paths with forward slashes (C:/certs/ca.pem) or doubled backslashes.' : '';
  const at = { offset, length };
  if (invalid.size) {
    const list = [...invalid].map((e) => `"\\${e}"`).join(', ');
    const also = controls.size ? ` and turns ${[...controls].map((e) => `"\\${e}" into ${CONTROL_NAMES[e]}`).join(', ')}` : '';
    sink.add('json-invalid-escape',
      `${list} ${invalid.size > 1 ? 'are not JSON escapes' : 'is not a JSON escape'}: the EMS still loads the file, but drops ${invalid.size > 1 ? 'those backslashes' : 'that backslash'}${also}${reads}.${advice}`,
      at, '', fix);
  } else {
    const list = [...controls].map((e) => `"\\${e}" is ${CONTROL_NAMES[e]}`).join(', ');
    sink.add('suspicious-escape', `${list}, not a folder separator: the EMS reads a path with a control character in it${reads}. Use forward slashes.`, at, '', fix);
  }
}

/** A value as the EMS reads it, one line: control characters named, so a tab is seen. */
function shown(value: string): string {
  const named = value.replace(/[\b\f\n\r\t]/g, (c) => ({ '\b': '<BS>', '\f': '<FF>', '\n': '<LF>', '\r': '<CR>', '\t': '<TAB>' })[c]!);
  return `"${clip(named, 160)}"`;
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

/** Errors after which jsonc-parser's tree is still what the text says: comments, escapes, text after the end. */
const FAITHFUL = new Set<ParseErrorCode>([ParseErrorCode.InvalidEscapeCharacter, ParseErrorCode.InvalidCommentToken,
  ParseErrorCode.UnexpectedEndOfComment, ParseErrorCode.EndOfFileExpected]);

/**
 * The innermost object or array around every place the parser had to recover from. Its tree there is a guess
 * (a key dropped, a value cut short), so findings inside it — "private_key is not set" two lines above it — are
 * not said. Linear: one descent per error, at most MAX_SYNTAX_FINDINGS of them.
 */
export function recoveredSpans(model: Model): Span[] {
  const spans: Span[] = [];
  for (const error of model.parseErrors.slice(0, MAX_SYNTAX_FINDINGS * 10)) {
    if (FAITHFUL.has(error.error) || !model.root) continue;
    let container: Node = model.root;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const child: Node | undefined = container.children?.flatMap((c) => (c.type === 'property' ? c.children ?? [] : [c]))
        .find((c) => (c.type === 'object' || c.type === 'array') && error.offset >= c.offset && error.offset <= c.offset + c.length);
      if (!child) break;
      container = child;
    }
    const span = { offset: container.offset, length: Math.max(container.length, 1) };
    if (!spans.some((s) => s.offset === span.offset)) spans.push(span);
  }
  return spans;
}

/** Curly quotes, as word processors and web pages type them: JSON knows only the straight double quote. */
const TYPOGRAPHIC = /[\u201c\u201d\u201e\u201f\u2033\u2018\u2019\u201a\u201b]/;

/**
 * Pass 2: what the parser could not read, at most one finding per line — a stray word or a curly quote is one
 * mistake, however many tokens the parser trips over after it. Escapes and comments were reported by scanTokens.
 */
export function reportParseErrors(model: Model, sink: FindingSink): void {
  let reported = 0;
  let lastLine = -1;
  const errors = model.parseErrors.filter((e) => e.error !== ParseErrorCode.InvalidEscapeCharacter
    && e.error !== ParseErrorCode.InvalidCommentToken && e.error !== ParseErrorCode.UnexpectedEndOfComment);
  let lastEnd = -1;
  for (const [index, error] of errors.entries()) {
    const line = model.positionAt(error.offset).line;
    // The same line, or nothing but blanks since the last error: the parser is still tripping over one mistake.
    const followOn = line === lastLine || (lastEnd >= 0 && model.text.slice(lastEnd, error.offset).trim() === '');
    lastLine = line;
    lastEnd = Math.max(lastEnd, error.offset + error.length);
    if (followOn) continue;
    if (reported === MAX_SYNTAX_FINDINGS) {
      sink.add('json-syntax', `…and more syntax errors (${errors.length - index} more places the parser stopped at).`, { offset: error.offset, length: error.length }, '');
      break;
    }
    const at = { offset: error.offset, length: Math.max(error.length, 1) };
    const curly = typographicQuoteOn(model, line);
    if (curly) {
      sink.add('json-syntax', `A typographic quote (${curly.quote}) where JSON needs a straight double quote (").`, at, '', {
        fixes: [{ title: 'Use straight double quotes', edits: [{ range: sink.range(curly.span), newText: curly.straight }], preferred: true }],
      });
    } else {
      const message = model.text.trim() === '' ? 'The file is empty' : (PARSE_MESSAGES[error.error] ?? 'Syntax error');
      sink.add('json-syntax', `${message}.`, at, '');
    }
    reported++;
  }
}

/** The first curly quote on a line, and the line's text with every curly quote made straight. */
function typographicQuoteOn(model: Model, line: number): { quote: string; span: { offset: number; length: number }; straight: string } | undefined {
  const start = model.offsetAt({ line, character: 0 });
  const end = model.offsetAt({ line, character: Number.MAX_SAFE_INTEGER });
  const text = model.text.slice(start, end);
  const found = TYPOGRAPHIC.exec(text);
  if (!found) return undefined;
  return { quote: found[0], span: { offset: start, length: end - start }, straight: text.replace(new RegExp(TYPOGRAPHIC.source, 'g'), '"') };
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
