// Hovers. On a key: what it does (the schema's words), its type, default, allowed values and examples,
// and whether the target EMS release reads it. On a value that names a file: what the check found there
// (describe.ts, the same facts as the certificate report). Plain data in and out: the LSP adapter wraps it.
// Values themselves are never echoed (except file paths), so secrets cannot reach a hover.
import { findNodeAtOffset, getNodePath, type Node } from 'jsonc-parser';
import { code, describeFile, joinBlocks, settingName } from './describe';
import type { CheckResult } from '../target/result';
import { findProperty, typeWord } from '../document/model';
import { describeRole } from '../document/roles';
import { allowedTypes, propertySchema, ROOT_SCHEMA, type SchemaNode } from '../document/schema';
import type { Position, Range } from '../types';
import { atLeast, atMost, before, parseVersion, type Version } from '../version';
import { article, capitalize } from '../../util/text';
import { LSR_READINGS, LSR_SCHEMA } from '../lua/checks';

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Range;
}

export function hover(result: CheckResult, position: Position): Hover | undefined {
  const { model, visits } = result.document;
  if (result.document.kind === 'lsr') return luaHover(result, position);
  // Not an EMS config (or not JSON enough to walk): nothing here is the schema's to explain.
  if (!model.root || !visits.length) return undefined;
  const node = findNodeAtOffset(model.root, model.offsetAt(position));
  if (!node || node.type === 'object' || node.type === 'array' || node.type === 'property') return undefined;
  const range = model.rangeOf(node.offset, node.length);
  const version = parseVersion(result.target.release)!;
  const isKey = node.parent?.type === 'property' && node.parent.children?.[0] === node;
  if (!isKey) {
    const visit = visits.find((v) => v.node === node);
    const reference = visit && result.files.find((f) => f.pointer === visit.pointer);
    if (reference) {
      const title = `${code(settingName(getNodePath(node)))} · ${describeRole(reference.role)}`;
      return { contents: joinBlocks([[title], ...describeFile(reference, result.files, result.now)]), range };
    }
  }
  const contents = settingDoc(node, version);
  return contents ? { contents, range } : undefined;
}

/**
 * config.lua: on a scripts.* key, the LSR's account of it (schemas/lsr-config.schema.json: what it does, how the
 * binary reads the value, its default, the releases that read it); on a file value, what the check found there.
 */
function luaHover(result: CheckResult, position: Position): Hover | undefined {
  const { model } = result.document;
  if (!model.root) return undefined;
  const node = findNodeAtOffset(model.root, model.offsetAt(position));
  if (!node || node.type === 'object' || node.type === 'property') return undefined;
  const range = model.rangeOf(node.offset, node.length);
  const property = node.parent?.type === 'property' ? node.parent : undefined;
  const key = property?.children?.[0]?.value;
  if (typeof key !== 'string' || property?.parent?.parent?.children?.[0]?.value !== 'scripts') return undefined;
  const pointer = `/scripts/${key}`;
  if (property.children?.[1] === node) {
    const reference = result.files.find((f) => f.pointer === pointer);
    return reference ? { contents: joinBlocks([[`${code(`scripts.${key}`)} · ${describeRole(reference.role)}`], ...describeFile(reference, result.files, result.now)]), range } : undefined;
  }
  const setting = LSR_SCHEMA.settings[key];
  if (!setting) return undefined;
  const since = setting['x-lsr-since'];
  const until = setting['x-lsr-until'];
  const lines = [
    `${code(`scripts.${key}`)} — ${setting.description}`,
    `Read as: ${LSR_READINGS[setting['x-lsr-read']]}.${setting.default === undefined ? '' : ` When not set: ${code(JSON.stringify(setting.default))}.`}`,
    since || until ? `Read by the LSR ${since ? `from ${since}` : ''}${since && until ? ' ' : ''}${until ? `up to ${until}` : ''} (from its binaries: docs/lsr-config.md).` : 'Read by the LSR of 5.3.4 and 5.4.0 (from their binaries: docs/lsr-config.md).',
  ];
  return { contents: lines.join('\n\n'), range };
}

// ─── The schema's account of a setting ──────────────────────────────────────────────────────────────────────

interface Named {
  /** The key as the schema spells it (the document's spelling for free-form keys such as virtual_dirs names). */
  canonical: string;
  written: string;
  schema: SchemaNode;
}

interface Setting {
  /** Every key on the path, outermost first; the last is the setting itself. */
  named: Named[];
  /** Canonical path, for the title. */
  path: (string | number)[];
}

/** The schema of every key on a document path, or 'unknown' when the last key is not one the EMS reads. */
function settingOf(path: readonly (string | number)[]): Setting | 'unknown' | undefined {
  let schema: SchemaNode | undefined = ROOT_SCHEMA;
  const named: Named[] = [];
  const canonicalPath: (string | number)[] = [];
  for (const [i, segment] of path.entries()) {
    if (typeof segment === 'number') {
      schema = schema.items ?? schema.anyOf?.find((a) => a.items)?.items;
      if (!schema) return undefined;
      canonicalPath.push(segment);
      continue;
    }
    const match = propertySchema(schema, segment);
    if (!match) return i === path.length - 1 && schema.properties ? 'unknown' : undefined;
    named.push({ canonical: match.canonical, written: segment, schema: match.schema });
    canonicalPath.push(match.canonical);
    schema = match.schema;
  }
  return named.length ? { named, path: canonicalPath } : undefined;
}

function settingDoc(node: Node, version: Version): string | undefined {
  const path = getNodePath(node);
  const setting = settingOf(path);
  if (setting === 'unknown') {
    const where = path.length > 1 ? `in ${code(settingName(path.slice(0, -1)))}` : 'at the top level';
    return `${code(String(path.at(-1)))} — the EMS does not read this key ${where}.`;
  }
  if (!setting) return undefined;
  const own = setting.named.at(-1)!;
  // Free-form keys (virtual_dirs names) have no words of their own: their group's speak for them.
  const described = [...setting.named].reverse().find((n) => n.schema.markdownDescription) ?? own;
  const blocks: string[][] = [
    [`${code(settingName(setting.path))} — ${typeName(own.schema) || 'any value'}`],
    [described.schema.markdownDescription ?? described.schema.description].filter((text): text is string => !!text),
    facts(own.schema),
    ...[...notes(setting, version), ...duplicateNote(node)].map((note) => [note]),
  ];
  return joinBlocks(blocks);
}

/** 'string or array of strings', 'whole number'. */
function typeName(schema: SchemaNode): string {
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' or ');
  return allowedTypes(schema).map((t) => (t === 'array' && schema.items ? `array of ${typeName(schema.items)}s` : typeWord(t))).join(' or ');
}

function json(value: unknown): string {
  return code(JSON.stringify(value));
}

function facts(schema: SchemaNode): string[] {
  const lines: string[] = [];
  if (schema.default !== undefined) lines.push(`- Default: ${json(schema.default)}`);
  if (schema.enum) lines.push(`- Allowed: ${schema.enum.map(json).join(', ')}`);
  if (schema['x-ems-choices']) lines.push(`- Documented: ${schema['x-ems-choices'].map(json).join(', ')}`);
  const range = numberRange(schema);
  if (range) lines.push(`- Range: ${range}`);
  // A secret's example is still shaped like a secret; the doc says enough.
  if (schema.examples?.length && !schema['x-ems-secret']) lines.push(`- Example: ${schema.examples.slice(0, 2).map(json).join(', ')}`);
  return lines;
}

function numberRange(schema: SchemaNode): string | undefined {
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  if (min !== undefined) return `at least ${min}`;
  return max !== undefined ? `at most ${max}` : undefined;
}

/** Version verdicts (the key's, its forms', its groups'), spelling, and keys the EMS skips. */
function notes(setting: Setting, version: Version): string[] {
  const own = setting.named.at(-1)!;
  const target = version.join('.');
  const lines: string[] = [];
  const unknown = own.schema['x-ems-unknown'];
  if (unknown) lines.push(`**Not read by the EMS:** ${unknown.message}.`);
  lines.push(...versionNotes(own.schema, target, version, ''));
  for (const alternative of own.schema.anyOf ?? []) {
    lines.push(...versionNotes(alternative, target, version, `As ${article(typeName(alternative))}: `));
  }
  for (const group of setting.named.slice(0, -1)) {
    lines.push(...versionNotes(group.schema, target, version, `The ${code(group.canonical)} group: `));
  }
  if (own.written !== own.canonical) {
    lines.push(`Written ${code(own.written)}: the EMS ignores case; the documented spelling is ${code(own.canonical)}.`);
  }
  return lines;
}

function versionNotes(schema: SchemaNode, target: string, version: Version, prefix: string): string[] {
  const lines: string[] = [];
  const since = schema['x-ems-since'];
  const removed = schema['x-ems-removed'];
  const hint = schema['x-ems-removedHint'] ? `: ${schema['x-ems-removedHint']}` : '';
  if (since) {
    lines.push(before(version, since)
      ? `${prefix}**read from EMS ${since} — not by ${target}, your target.**`
      : `${prefix}read from EMS ${since} (your target ${target} reads it).`);
  }
  const unread = schema['x-ems-unreadThrough'];
  if (atMost(version, unread)) {
    lines.push(`${prefix}**not read by EMS ${target}, your target:** the name is in neither the 5.3.4 nor the 5.4.0 binary.`);
  } else if (unread && !since) {
    lines.push(`${prefix}not in the 5.3.4 or 5.4.0 binary; whether EMS ${target} reads it is not known.`);
  }
  if (removed) {
    lines.push(atLeast(version, removed)
      ? `${prefix}**removed in EMS ${removed} (your target ${target} does not read it)**${hint}.`
      : `${prefix}removed in EMS ${removed}; your target ${target} still reads it${hint}.`);
  }
  return lines.map(capitalize);
}

/** The EMS reads the first of two equal keys (ignoring case): say so on the ones it skips. */
function duplicateNote(node: Node): string[] {
  const property = node.parent?.type === 'property' ? node.parent : undefined;
  const keyNode = property?.children?.[0];
  if (!property || typeof keyNode?.value !== 'string') return [];
  const first = findProperty(property.parent, keyNode.value);
  if (!first || first.property === property) return [];
  return [`**Ignored duplicate:** the EMS reads the first ${code(first.key)} in this object and skips this one.`];
}
