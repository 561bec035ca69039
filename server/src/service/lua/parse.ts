// The LSR's config.lua as a document: parsed by luaparse (never executed), its `scripts` assignments turned
// into the same tree config.json has (jsonc-parser nodes over the Lua text's offsets), so the schema walk,
// the file checks, hovers and the findings model serve both. What the LSR reads is the value left after the
// file has run: the last assignment of a key wins, as Lua runs the file top to bottom.
import type { Node as JsonNode } from 'jsonc-parser';
import * as luaparse from 'luaparse';
import type { Model, TextIndex } from '../document/model';
import type { FindingSink } from '../document/findings';

/** How deep a value's expression is evaluated: far beyond `"a" or "b"` and a table of tables. */
const MAX_LITERAL_DEPTH = 32;

/** Far beyond any real config.lua; luaparse descends recursively, so deeper text is refused before it. */
export const MAX_LUA_DEPTH = 200;

export interface LuaDocument {
  model: Model;
}

type Expression = luaparse.Expression;
/** jsonc-parser's node, built here: children and parents are filled in as the tree grows. */
type Node = { -readonly [K in keyof JsonNode]: K extends 'children' ? Node[] | undefined : K extends 'parent' ? Node | undefined : JsonNode[K] };

export function parseLua(index: TextIndex, sink: FindingSink): LuaDocument {
  const text = index.text;
  const root: Node = { type: 'object', offset: 0, length: text.length, children: [] };
  const scripts: Node = { type: 'object', offset: 0, length: 0, children: [], parent: undefined };
  const model: Model = { ...index, root: root as JsonNode, parseErrors: [] };
  const depth = nesting(text);
  if (depth.at !== undefined) {
    sink.add('lua-syntax', `The file nests brackets deeper than ${MAX_LUA_DEPTH} levels here; no real config.lua does, and it is not read further.`, { offset: depth.at, length: 1 }, '');
    return { model: { ...model, root: undefined } };
  }
  let chunk: luaparse.Chunk;
  try {
    chunk = luaparse.parse(text, { locations: false, ranges: true, comments: false, scope: false, luaVersion: '5.1', encodingMode: 'pseudo-latin1' });
  } catch (error) {
    // luaparse descends recursively: blocks or expressions nested past the stack end here. Lua 5.1 itself
    // stops at 200 levels ("chunk has too many syntax levels").
    if (error instanceof RangeError) {
      sink.add('lua-syntax', 'The file nests blocks or expressions too deeply to be read; Lua itself stops at 200 levels ("chunk has too many syntax levels"), so the LSR cannot load it.', { offset: 0, length: 0 }, '');
      return { model: { ...model, root: undefined } };
    }
    const { index: at = 0, message = 'syntax error' } = error as { index?: number; message?: string };
    sink.add('lua-syntax', `Lua syntax error: ${message.replace(/^\[\d+:\d+\] /, '')}. The LSR cannot load this file.`, { offset: Math.min(at, text.length), length: 1 }, '');
    return { model: { ...model, root: undefined } };
  }
  const last = new Map<string, Node>();
  const assign = (key: string, keyRange: [number, number], statement: [number, number], value: Expression) => {
    const property: Node = { type: 'property', offset: statement[0], length: statement[1] - statement[0], children: [], parent: scripts };
    const keyNode: Node = { type: 'string', value: key, offset: keyRange[0], length: keyRange[1] - keyRange[0], parent: property };
    const valueNode = literal(value, property);
    property.children = valueNode ? [keyNode, valueNode] : [keyNode];
    const earlier = last.get(key);
    if (earlier) {
      sink.add('duplicate-key', `scripts.${key} is set again later (line ${index.positionAt(statement[0]).line + 1}): Lua runs the file top to bottom, so the later value is the one the LSR reads.`,
        { offset: earlier.offset, length: earlier.length }, `/scripts/${key}`);
      scripts.children = scripts.children!.filter((node) => node !== earlier);
    }
    last.set(key, property);
    scripts.children!.push(property);
  };
  for (const statement of chunk.body) {
    if (statement.type !== 'AssignmentStatement') continue;
    statement.variables.forEach((variable, i) => {
      const value = statement.init[i];
      if (!value) return;
      const key = scriptsKey(variable);
      if (key) assign(key.name, key.range, span(statement), value);
      else if (variable.type === 'Identifier' && variable.name === 'scripts' && value.type === 'TableConstructorExpression') {
        for (const field of value.fields) {
          const name = field.type === 'TableKeyString' ? field.key.name : field.type === 'TableKey' ? stringValue(field.key) : undefined;
          const range = field.type === 'TableKeyString' ? span(field.key) : field.type === 'TableKey' ? span(field.key) : undefined;
          if (name !== undefined && range && field.type !== 'TableValue') assign(name, range, span(field), field.value);
        }
      }
    });
  }
  if (scripts.children!.length) {
    const first = scripts.children![0]!;
    const end = scripts.children![scripts.children!.length - 1]!;
    const property: Node = { type: 'property', offset: first.offset, length: end.offset + end.length - first.offset, parent: root, children: [] };
    const keyNode: Node = { type: 'string', value: 'scripts', offset: first.offset, length: 7, parent: property };
    Object.assign(scripts, { offset: first.offset, length: property.length, parent: property });
    property.children = [keyNode, scripts];
    root.children = [property];
  }
  return { model };
}

/** `scripts.name` or `scripts["name"]`: the key and its range. */
function scriptsKey(variable: luaparse.Expression | luaparse.Identifier): { name: string; range: [number, number] } | undefined {
  if (variable.type === 'MemberExpression' && variable.indexer === '.' && variable.base.type === 'Identifier' && variable.base.name === 'scripts') {
    return { name: variable.identifier.name, range: span(variable.identifier) };
  }
  if (variable.type === 'IndexExpression' && variable.base.type === 'Identifier' && variable.base.name === 'scripts') {
    const name = stringValue(variable.index);
    if (name !== undefined) return { name, range: span(variable.index) };
  }
  return undefined;
}

/**
 * A value the file gives without running anything: literals, a table of them, `a or b` and `a .. b` of
 * literals, and `Password("…")`. Anything else (a variable, a call, arithmetic) is not evaluated: no node, and
 * nothing is said about its value.
 */
function literal(expression: Expression, parent: Node, depth = 0): Node | undefined {
  // Past MAX_LITERAL_DEPTH (a long `a or b or …` chain, tables in tables) the value is not evaluated.
  if (depth > MAX_LITERAL_DEPTH) return undefined;
  const [start, end] = span(expression);
  const at = { offset: start, length: end - start, parent };
  switch (expression.type) {
    case 'StringLiteral': return { type: 'string', value: stringValue(expression), ...at };
    case 'NumericLiteral': return { type: 'number', value: expression.value, ...at };
    case 'BooleanLiteral': return { type: 'boolean', value: expression.value, ...at };
    case 'NilLiteral': return { type: 'null', value: null, ...at };
    case 'LogicalExpression': {
      // Lua: `a or b` is a unless a is nil or false; `a and b` is b unless a is.
      const left = literal(expression.left, parent, depth + 1);
      if (!left) return undefined;
      const falsy = left.type === 'null' || left.value === false;
      const chosen = expression.operator === 'or' ? (falsy ? literal(expression.right, parent, depth + 1) : left) : (falsy ? left : literal(expression.right, parent, depth + 1));
      return chosen && { ...chosen, ...at };
    }
    case 'BinaryExpression': {
      if (expression.operator !== '..') return undefined;
      const left = literal(expression.left, parent, depth + 1);
      const right = literal(expression.right, parent, depth + 1);
      const joinable = (node: Node | undefined) => node?.type === 'string' || node?.type === 'number';
      return joinable(left) && joinable(right) ? { type: 'string', value: `${left!.value}${right!.value}`, ...at } : undefined;
    }
    case 'CallExpression':
    case 'StringCallExpression': {
      const argument = expression.type === 'CallExpression' ? expression.arguments[0] : expression.argument;
      if (expression.base.type !== 'Identifier' || expression.base.name !== 'Password' || argument?.type !== 'StringLiteral') return undefined;
      // The LSR decrypts Password("AES:…") while the file loads: the value is the argument as written.
      return { type: 'string', value: stringValue(argument), ...at };
    }
    case 'TableConstructorExpression': {
      const table: Node = { type: 'object', ...at, children: [] };
      for (const field of expression.fields) {
        if (field.type === 'TableValue') continue;
        const name = field.type === 'TableKeyString' ? field.key.name : stringValue(field.key);
        if (name === undefined) continue;
        const property: Node = { type: 'property', offset: span(field)[0], length: span(field)[1] - span(field)[0], parent: table, children: [] };
        const keyNode: Node = { type: 'string', value: name, offset: span(field.key)[0], length: span(field.key)[1] - span(field.key)[0], parent: property };
        const value = literal(field.value, property, depth + 1);
        property.children = value ? [keyNode, value] : [keyNode];
        table.children!.push(property);
      }
      return table;
    }
    default: return undefined;
  }
}

/** luaparse's `ranges` option adds [start, end) offsets to every node; its types do not declare them. */
function span(node: unknown): [number, number] {
  return (node as { range: [number, number] }).range;
}

/** A string literal's value: luaparse's pseudo-Latin-1 turned back into the text's own characters. */
function stringValue(expression: Expression): string | undefined {
  if (expression.type !== 'StringLiteral' || typeof expression.value !== 'string') return undefined;
  return Buffer.from(expression.value, 'latin1').toString('utf8');
}

/** The deepest bracket nesting outside strings and comments is not measured: any bracket counts, which overestimates. */
function nesting(text: string): { at?: number } {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) {
      if (++depth > MAX_LUA_DEPTH) return { at: i };
    } else if ((c === 0x29 || c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return {};
}
