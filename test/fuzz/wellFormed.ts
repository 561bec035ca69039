// What every result of the service must look like, whatever the input: the contract of issue #7.
// Each check throws an Error naming the rule it broke, so that a fast-check counterexample says why.
//
// - every range lies inside the document (line < lineCount, character ≤ the line's length without its
//   line break) and starts no later than it ends; the same for the edits of every quick fix;
// - every code is in the catalogue (ALL_CODES), every severity one of error|warning|information|hint;
// - every message is a non-empty string; data survives JSON (it travels over LSP);
// - pointers: '' is the whole document and is always fine — syntax findings (json-syntax, comments,
//   escapes, trailing commas) use it because there is no value to point at, and a document that does not
//   parse at all has nothing but ''. Any other pointer must be RFC 6901 syntax and must resolve in the
//   document as jsonc-parser parses it (with the service's options, so also past syntax errors), keys
//   matched exactly (not ignoring case). When an object holds the same key twice, RFC 6901 does not say
//   which one a pointer names: a segment may match any of them. In a document cut short, the last segment
//   may name a key that has no value yet.
import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';
import { ALL_CODES } from '../../server/src/service/codes';
import type { CheckResult } from '../../server/src/service';
import type { Range } from '../../server/src/service/types';

const CODES = new Set<string>(ALL_CODES);
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

/** Line lengths of a text, line breaks (\r\n, \r, \n) excluded: what an LSP client counts. */
export function lineLengths(text: string): number[] {
  const lengths: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 || ch === 10) {
      lengths.push(i - start);
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lengths.push(text.length - start);
  return lengths;
}

export function checkRange(range: Range | undefined, lines: readonly number[], what: string): void {
  if (!range || !range.start || !range.end) throw new Error(`${what}: no range`);
  for (const [name, position] of [['start', range.start], ['end', range.end]] as const) {
    const { line, character } = position;
    if (!Number.isInteger(line) || !Number.isInteger(character) || line < 0 || character < 0) {
      throw new Error(`${what}: ${name} ${JSON.stringify(position)} is not a position`);
    }
    if (line >= lines.length) throw new Error(`${what}: ${name} line ${line} is past the last line (${lines.length} lines)`);
    if (character > lines[line]!) throw new Error(`${what}: ${name} ${JSON.stringify(position)} is past the end of its line (${lines[line]} characters)`);
  }
  if (range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character)) {
    throw new Error(`${what}: range ${JSON.stringify(range)} starts after it ends`);
  }
}

/** RFC 6901 segments; undefined when the pointer is not RFC 6901 syntax. */
export function pointerSegments(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) return undefined;
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Does the pointer name a node of the tree, keys matched exactly (any of several equal keys)? */
export function resolves(root: Node, segments: readonly string[]): boolean {
  const [segment, ...rest] = segments;
  if (segment === undefined) return true;
  if (root.type === 'array') {
    if (!/^(0|[1-9][0-9]*)$/.test(segment)) return false;
    const child = findNodeAtLocation(root, [Number(segment)]);
    return child !== undefined && resolves(child, rest);
  }
  if (root.type !== 'object') return false;
  // findNodeAtLocation takes the first property with the key: try it, then the other equal keys.
  const first = findNodeAtLocation(root, [segment]);
  if (first && resolves(first, rest)) return true;
  return (root.children ?? []).some((property) => {
    if (property.children?.[0]?.value !== segment) return false;
    const value = property.children[1];
    // A key without a value (`{ "a" }`, cut short mid-edit) is still a key a finding can be about.
    if (value === undefined) return rest.length === 0;
    return value !== first && resolves(value, rest);
  });
}

/** The tree jsonc-parser makes of the text with the service's options, or undefined when the service had none. */
export function treeOf(text: string, result: CheckResult): Node | undefined {
  if (!result.document.model.root) return undefined;
  // The service parses a blank where a byte-order mark stands (offsets hold); a BOM is no JSON token.
  const source = text.startsWith('\uFEFF') ? ' ' + text.slice(1) : text;
  return parseTree(source, [], { allowTrailingComma: true, disallowComments: false });
}

/** Throws on the first rule a check result breaks. */
export function assertWellFormed(text: string, result: CheckResult): void {
  if (!result || !Array.isArray(result.findings)) throw new Error('the result has no findings array');
  const lines = lineLengths(text);
  const root = treeOf(text, result);
  for (const [i, finding] of result.findings.entries()) {
    const what = `finding ${i} (${finding?.code} ${JSON.stringify(finding?.pointer)})`;
    if (!CODES.has(finding.code)) throw new Error(`${what}: code ${JSON.stringify(finding.code)} is not in the catalogue`);
    if (!SEVERITIES.has(finding.severity)) throw new Error(`${what}: severity ${JSON.stringify(finding.severity)}`);
    if (typeof finding.message !== 'string' || finding.message.trim() === '') throw new Error(`${what}: empty message`);
    checkRange(finding.range, lines, what);
    if (typeof finding.pointer !== 'string') throw new Error(`${what}: pointer is not a string`);
    checkPointer(finding.pointer, root, what);
    if (finding.data !== undefined) {
      let json: string;
      try {
        json = JSON.stringify(finding.data);
      } catch (error) {
        throw new Error(`${what}: data does not survive JSON: ${String(error)}`, { cause: error });
      }
      if (json === undefined) throw new Error(`${what}: data is not JSON`);
      for (const [f, fix] of (finding.data.fixes ?? []).entries()) {
        if (typeof fix.title !== 'string' || !fix.title) throw new Error(`${what}: fix ${f} has no title`);
        if (!Array.isArray(fix.edits)) throw new Error(`${what}: fix ${f} has no edits`);
        for (const [e, edit] of fix.edits.entries()) {
          checkRange(edit.range, lines, `${what} fix ${f} edit ${e}`);
          if (typeof edit.newText !== 'string') throw new Error(`${what} fix ${f} edit ${e}: newText is not a string`);
        }
        if (overlapping(fix.edits.map((e) => e.range))) throw new Error(`${what}: fix ${f} has overlapping edits`);
      }
    }
  }
  for (const reference of result.files) checkPointer(reference.pointer, root, `file reference ${JSON.stringify(reference.value)}`);
}

function checkPointer(pointer: string, root: Node | undefined, what: string): void {
  if (pointer === '') return;
  const segments = pointerSegments(pointer);
  if (!segments) throw new Error(`${what}: ${JSON.stringify(pointer)} is not an RFC 6901 pointer`);
  if (!root) throw new Error(`${what}: pointer ${JSON.stringify(pointer)} into a document that does not parse`);
  if (!resolves(root, segments)) throw new Error(`${what}: pointer ${JSON.stringify(pointer)} does not resolve in the document`);
}

function overlapping(ranges: Range[]): boolean {
  const key = (p: { line: number; character: number }) => p.line * 1e9 + p.character;
  const sorted = [...ranges].sort((a, b) => key(a.start) - key(b.start));
  return sorted.some((r, i) => i > 0 && key(r.start) < key(sorted[i - 1]!.end));
}
