// The parsed document: jsonc-parser's tree plus what every check needs — positions, JSON pointers,
// and case-insensitive property lookup (the EMS's cJSON looks keys up ignoring case).
import { type Node, type ParseError, ParseErrorCode, parseTree } from 'jsonc-parser';
import type { Position, Range } from '../types';

/** cJSON's default nesting limit; deeper documents are refused before the recursive parser sees them. */
export const MAX_DEPTH = 1000;

/** Whether brackets outside strings nest deeper than MAX_DEPTH: one pass, for features that would recurse. */
export function nestsTooDeep(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote (or the line's end, as the tokenizer does)
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth = Math.max(0, depth - 1);
    }
  }
  return false;
}

/** Offsets to LSP positions for one text. */
export interface TextIndex {
  readonly text: string;
  positionAt(offset: number): Position;
  /** LSP position to offset: past the last line is the end, past a line's end is that end. */
  offsetAt(position: Position): number;
  rangeOf(offset: number, length: number): Range;
}

export interface Model extends TextIndex {
  /** undefined when the text holds no value at all, or nests deeper than MAX_DEPTH. */
  readonly root: Node | undefined;
  readonly parseErrors: readonly ParseError[];
}

export function indexText(text: string): TextIndex {
  let lineStarts: number[] | undefined;
  const positionAt = (offset: number): Position => {
    lineStarts ??= computeLineStarts(text);
    offset = Math.max(0, Math.min(offset, text.length));
    // Between \r and \n is no position in LSP: take the end of the line.
    if (text.charCodeAt(offset) === 10 && text.charCodeAt(offset - 1) === 13) offset--;
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - lineStarts[low]! };
  };
  const offsetAt = (position: Position): number => {
    lineStarts ??= computeLineStarts(text);
    const line = Math.max(0, position.line);
    if (line >= lineStarts.length) return text.length;
    const start = lineStarts[line]!;
    const next = lineStarts[line + 1];
    const end = next === undefined ? text.length : next - (text[next - 2] === '\r' && text[next - 1] === '\n' ? 2 : 1);
    return Math.min(start + Math.max(0, position.character), end);
  };
  return { text, positionAt, offsetAt, rangeOf: (offset, length) => ({ start: positionAt(offset), end: positionAt(offset + length) }) };
}

export function parseModel(index: TextIndex, tooDeep: boolean): Model {
  const parseErrors: ParseError[] = [];
  // Comments and trailing commas are reported by the syntax check with their own codes; parse past them
  // so that the rest of the file is still checked.
  const root = tooDeep ? undefined : parseTree(index.text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (root && parseErrors.some((e) => e.error === ParseErrorCode.InvalidEscapeCharacter)) readStringsAsTheEms(root, index.text);
  return { ...index, root, parseErrors };
}

/**
 * jsonc-parser drops a string's unknown escape whole ("\c" → ""); the EMS's cJSON keeps the character after
 * the backslash ("\c" → "c", observed on 5.3.4). Every check, hover and report must see what the EMS reads.
 */
function readStringsAsTheEms(root: Node, text: string): void {
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    // Values only: a key keeps jsonc-parser's reading, so that pointers resolve the way other JSON tools read them.
    if (node.type === 'string' && !(node.parent?.type === 'property' && node.parent.children?.[0] === node)) {
      const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
      if (raw.includes('\\')) (node as { value: unknown }).value = emsStringValue(raw);
    }
    for (const child of node.children ?? []) stack.push(child);
  }
}

const CONTROL: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The value cJSON reads from a string's raw content (between the quotes): unknown escapes keep their character. */
export function emsStringValue(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[++i]!;
    if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(raw.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      out += CONTROL[next] ?? next;
    }
  }
  return out;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  // Most files end lines with \n alone: let indexOf find them (a check runs on every keystroke).
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The pointer of a child: built once per value while walking, so it must be cheap. */
export function childPointer(parent: string, segment: string | number): string {
  if (typeof segment === 'number') return `${parent}/${segment}`;
  return `${parent}/${segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment}`;
}

/**
 * The pointer of a node, spelt as the document spells its keys (a key node and its value share one).
 * Computed from the parent links only when asked: walks of large documents build no pointer strings.
 */
export function pointerOfNode(node: Node): string {
  const parent = node.parent;
  if (!parent) return '';
  if (node.type === 'property') return childPointer(pointerOfNode(parent), String(node.children?.[0]?.value));
  if (parent.type === 'property') return pointerOfNode(parent);
  if (parent.type === 'array') return childPointer(pointerOfNode(parent), indexIn(parent, node));
  return pointerOfNode(parent);
}

const indexes = new WeakMap<Node, Map<Node, number>>();

/** A child's index, from a map built once per array: findings on many items of a long array stay linear. */
function indexIn(array: Node, child: Node): number {
  let byNode = indexes.get(array);
  if (!byNode) indexes.set(array, (byNode = new Map((array.children ?? []).map((c, i) => [c, i]))));
  return byNode.get(child) ?? 0;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export interface PropertyNodes {
  readonly key: string;
  readonly keyNode: Node;
  readonly valueNode: Node | undefined;
  readonly property: Node;
}

export function propertiesOf(object: Node): PropertyNodes[] {
  const result: PropertyNodes[] = [];
  for (const property of object.children ?? []) {
    const keyNode = property.children?.[0];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    result.push({ key: keyNode.value, keyNode, valueNode: property.children?.[1], property });
  }
  return result;
}

/** The EMS reads the first occurrence of a key, ignoring case. */
export function findProperty(object: Node | undefined, key: string): PropertyNodes | undefined {
  if (object?.type !== 'object') return undefined;
  const wanted = key.toLowerCase();
  for (const property of object.children ?? []) {
    const keyNode = property.children?.[0];
    if (typeof keyNode?.value === 'string' && keyNode.value.toLowerCase() === wanted) {
      return { key: keyNode.value, keyNode, valueNode: property.children?.[1], property };
    }
  }
  return undefined;
}

/** Follows a path of keys (ignoring case) and array indexes from a node. */
export function nodeAt(node: Node | undefined, path: readonly (string | number)[]): Node | undefined {
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = node.type === 'array' ? node.children?.[segment] : undefined;
    else node = findProperty(node, segment)?.valueNode;
  }
  return node;
}

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export function jsonTypeOf(node: Node): JsonType {
  if (node.type === 'number') return Number.isInteger(node.value) ? 'integer' : 'number';
  return node.type === 'property' ? 'null' : node.type;
}

/** A JSON type as messages and hovers name it: 'whole number' for integer, else the type itself. */
export function typeWord(type: JsonType): string {
  return type === 'integer' ? 'whole number' : type;
}

/** The value of a scalar node, or undefined for objects and arrays. */
export function scalarValue(node: Node | undefined): string | number | boolean | null | undefined {
  if (!node || node.type === 'object' || node.type === 'array' || node.type === 'property') return undefined;
  return node.value as string | number | boolean | null;
}
