// Shape findings: the document against the schema, the way the EMS reads it — keys matched ignoring case,
// the first of two equal keys wins, and what a key means depends on the target release. A generic JSON
// Schema validator gets each of those wrong (it would call `appkey` unknown and `appKey` missing), so this
// walker reads the few schema keywords the EMS schema uses and reports with the contract's codes.
// It also records every value it visited with its schema: the policy, relation and file checks work on that.
import type { Node } from 'jsonc-parser';
import { editDistance } from '../../util/distance';
import { removeProperty, replaceFix } from '../document/edits';
import type { FindingSink } from '../document/findings';
import { childPointer, type JsonType, jsonTypeOf, pointerOfNode, propertiesOf, typeWord } from '../document/model';
import {
  allowedTypes, alternativeFor, propertySchema, ROOT_SCHEMA, type SchemaNode, topLevelKeys,
} from '../document/schema';
import type { Fix } from '../types';
import { atLeast, atMost, before, formatVersion, type Version } from '../version';
import { article } from '../../util/text';

export interface Visit {
  readonly node: Node;
  /** The schema alternative that applies to this value's type. */
  readonly schema: SchemaNode;
  readonly pointer: string;
  /** The key as the schema spells it (for array items: undefined). */
  readonly key?: string | undefined;
  readonly keyNode?: Node | undefined;
  /** The target release does not read this value (its key, or a group around it, is gated out): no policy applies. */
  readonly unread?: boolean;
}

/** A visit whose pointer is built only when a check asks for it (most are never asked). */
class LazyVisit implements Visit {
  private cached: string | undefined;

  constructor(readonly node: Node, readonly schema: SchemaNode, readonly key: string | undefined, readonly keyNode: Node | undefined,
    readonly unread: boolean) {}

  get pointer(): string {
    return (this.cached ??= pointerOfNode(this.node));
  }
}

export interface ShapeResult {
  visits: Visit[];
  /** The document is JSON but not an EMS config: no further checks. */
  notEms: boolean;
}

export function checkShape(root: Node, version: Version, sink: FindingSink): ShapeResult {
  const visits: Visit[] = [];
  if (root.type !== 'object') {
    sink.add('top-level-not-object', `The document is ${article(typeWord(jsonTypeOf(root)))}; the EMS needs a JSON object ("Error parsing JSON - top level type must be 'Object'").`,
      root, '');
    return { visits, notEms: true };
  }
  const known = new Set(topLevelKeys().map((k) => k.toLowerCase()));
  if (!propertiesOf(root).some((p) => known.has(p.key.toLowerCase()))) {
    sink.add('not-an-ems-config', 'This JSON has none of the EMS top-level keys (ws_servers, appKey, certificates, …), so it is not checked as an EMS config.',
      { offset: root.offset, length: 1 }, '');
    return { visits, notEms: true };
  }
  new Walker(version, sink, visits).value(root, ROOT_SCHEMA);
  return { visits, notEms: false };
}

class Walker {
  constructor(private readonly version: Version, private readonly sink: FindingSink, private readonly visits: Visit[]) {}

  value(node: Node, schema: SchemaNode, key?: string, keyNode?: Node, unread = false): void {
    const actual = jsonTypeOf(node);
    const alternative = alternativeFor(schema, actual);
    if (!alternative) {
      if (allowedTypes(schema).length && !unread) this.wrongType(node, schema, actual, pointerOfNode(node), key);
      return;
    }
    const visit = new LazyVisit(node, alternative, key, keyNode, unread);
    this.visits.push(visit);
    if (alternative !== schema && before(this.version, alternative['x-ems-since'])) {
      this.sink.add('unsupported-in-version',
        `${key ?? 'This value'} as ${article(typeWord(actual))} is read from EMS ${alternative['x-ems-since']}; EMS ${formatVersion(this.version)} needs ${describeOther(schema, alternative)}.`,
        node, visit.pointer, arrayFix(this.sink, node, alternative, schema), alternative['x-ems-severity']);
    }
    if (!unread) this.constraints(node, alternative, visit, key);
    if (node.type === 'object') this.object(node, alternative, visit);
    else if (node.type === 'array' && alternative.items) {
      for (const item of node.children ?? []) this.value(item, alternative.items, undefined, undefined, unread);
    }
  }

  private object(node: Node, schema: SchemaNode, objectVisit: Visit): void {
    const present = new Set<string>();
    // Every key of the object, for suggestions: built once, and only when a key is unknown.
    let allKeys: Set<string> | undefined;
    const keysHere = () => (allKeys ??= new Set(propertiesOf(node).map((p) => p.key.toLowerCase())));
    for (const [index, property] of (node.children ?? []).entries()) {
      const keyNode = property.children?.[0];
      const key = keyNode?.value;
      if (!keyNode || typeof key !== 'string') continue;
      const valueNode = property.children?.[1];
      const lower = key.toLowerCase();
      if (present.has(lower)) continue; // a later duplicate: the EMS never reads it (duplicate-key says so)
      present.add(lower);
      // Pointers only for findings: most properties get none.
      const pointer = () => childPointer(objectVisit.pointer, key);
      const match = propertySchema(schema, key);
      const unknown = match?.schema['x-ems-unknown'];
      if (!match || unknown) {
        this.unknownProperty({ object: node, property, index, present: keysHere() }, schema, keyNode, key, pointer(), unknown);
        continue;
      }
      if (match.caseDiffers) {
        this.sink.add('non-canonical-case', `"${key}" is spelled "${match.canonical}" in the EMS documentation; the EMS ignores case, but other tools may not.`,
          keyNode, pointer(), { canonical: match.canonical, fixes: [renameFix(this.sink, keyNode, match.canonical, true)] });
      }
      // A group the target does not read: its keys were said with it.
      const unread = objectVisit.unread || this.gate(match.schema, match.canonical, { object: node, property, index, keyNode, pointer: pointer() });
      if (valueNode) this.value(valueNode, match.schema, match.canonical, keyNode, unread);
    }
    for (const required of objectVisit.unread ? [] : schema.required ?? []) {
      if (present.has(required.toLowerCase())) continue;
      const where = node.parent ? node : { offset: node.offset, length: 1 };
      this.sink.add('missing-required', `"${required}" is required here: ${requiredWhy(required)}.`, where, objectVisit.pointer, { missing: required },
        schema['x-ems-requiredSeverity']);
    }
  }

  /** Whether the target release reads the key; when it does not, says so (removed, not yet, not in the binaries). */
  private gate(schema: SchemaNode, canonical: string, at: { object: Node; property: Node; index: number; keyNode: Node; pointer: string }): boolean {
    const remove = { fixes: [{ title: `Remove "${String(at.keyNode.value)}"`, edits: [removeProperty(this.sink, at.object, at.property, at.index)] }] };
    const removed = schema['x-ems-removed'];
    const since = schema['x-ems-since'];
    const target = formatVersion(this.version);
    if (removed && atLeast(this.version, removed)) {
      const hint = schema['x-ems-removedHint'];
      this.sink.add('removed-property', `${canonical} is not read since EMS ${removed}${hint ? `: ${hint}` : ''}.`, at.keyNode, at.pointer, remove);
    } else if (since && before(this.version, since)) {
      this.sink.add('unsupported-in-version', `${canonical} is read from EMS ${since}; EMS ${target} ignores it.`, at.keyNode, at.pointer, remove);
    } else if (atMost(this.version, schema['x-ems-unreadThrough'])) {
      this.sink.add('unsupported-in-version', `EMS ${target} does not read ${canonical}: the name is in neither the 5.3.4 nor the 5.4.0 binary, so the setting has no effect.`,
        at.keyNode, at.pointer, remove, 'information');
    } else {
      return false;
    }
    return true;
  }

  private unknownProperty({ object, property, index, present }: { object: Node; property: Node; index: number; present: ReadonlySet<string> }, schema: SchemaNode,
    keyNode: Node, key: string, pointer: string, unknown: { message: string; suggest?: string } | undefined): void {
    const suggestion = unknown?.suggest ?? nearestKey(key, Object.keys(schema.properties ?? {}).filter((k) => !present.has(k.toLowerCase()) && !schema.properties?.[k]?.['x-ems-unknown']));
    const fixes: Fix[] = [];
    if (suggestion && !present.has(suggestion.toLowerCase())) fixes.push(renameFix(this.sink, keyNode, suggestion, true));
    fixes.push({ title: `Remove "${key}"`, edits: [removeProperty(this.sink, object, property, index)] });
    const where = pointer.split('/').slice(0, -1).join('/') || 'the top level';
    const message = unknown
      ? `${unknown.message}.`
      : `The EMS does not read "${key}" in ${where}${suggestion ? `; did you mean "${suggestion}"?` : '.'}`;
    const data: Record<string, unknown> = { fixes };
    if (suggestion) data['suggestion'] = suggestion;
    this.sink.add('unknown-property', message, keyNode, pointer, data);
  }

  private wrongType(node: Node, schema: SchemaNode, actual: JsonType, pointer: string, key: string | undefined): void {
    const expected = [...new Set(allowedTypes(schema).map(typeWord))];
    const fix = convertFix(this.sink, node, allowedTypes(schema));
    const text = typeof node.value === 'string' ? node.value.trim().toLowerCase() : '';
    if (expected.length === 1 && expected[0] === 'boolean' && (text === 'true' || text === 'false')) {
      // Observed on 5.3.4: validate "false" left validation on, allow_self_signed "true" refused a self-signed certificate.
      const kept = typeof schema.default === 'boolean' ? `its default, ${schema.default}` : 'its built-in default';
      const meaning = schema['x-ems-ignoredString'] ? ` (${schema['x-ems-ignoredString']})` : '';
      this.sink.add('wrong-type', `${key ?? 'This value'} is the string "${text}", not the boolean ${text}: the EMS ignores it and keeps ${kept}${meaning}. Write ${text} without quotes.`,
        node, pointer, fix ? { fixes: [fix] } : undefined);
      return;
    }
    const consequence = schema['x-ems-wrongType'];
    this.sink.add('wrong-type', `${key ?? 'This value'} must be ${expected.map(article).join(' or ')}, not ${article(typeWord(actual))}${typeHint(node, expected)}.${consequence ? ` ${consequence.message}` : ''}`,
      node, pointer, fix ? { fixes: [fix] } : undefined, consequence?.severity);
  }

  private constraints(node: Node, schema: SchemaNode, visit: Visit, key: string | undefined): void {
    const name = key ?? 'This value';
    const value = node.value as unknown;
    if (typeof value === 'string') {
      const trimmed = value.trim();
      const enumValues = schema.enum?.filter((e): e is string => typeof e === 'string');
      const isPathOrEnum = !!schema['x-ems-file'] || !!enumValues;
      if (trimmed !== value && isPathOrEnum && (!enumValues || enumValues.includes(trimmed))) {
        // A path with a blank is another path: the EMS opens it as written and does not find the file.
        const path = !!schema['x-ems-file'];
        this.sink.add('whitespace-in-value', `${name} has ${value.startsWith(trimmed) ? 'trailing' : 'leading'} blanks: the EMS reads "${value}" as it is${path ? ', a path that names no file' : ''}.`,
          node, visit.pointer, { replacement: trimmed, fixes: [replaceFix(this.sink, node, JSON.stringify(trimmed), 'Trim the blanks', true)] }, path ? 'error' : undefined);
        return;
      }
      if (enumValues && !enumValues.includes(value)) {
        const close = enumValues.find((e) => e.toLowerCase() === trimmed.toLowerCase());
        const ignored = close ? ` The EMS compares it as written and does not apply "${value}" (observed on 5.3.4 with logger.level "trace").` : '';
        this.sink.add('invalid-value', `${name} is "${value}"; the EMS knows ${enumValues.map((e) => `"${e}"`).join(', ')}.${ignored}`, node, visit.pointer,
          close ? { replacement: close, fixes: [replaceFix(this.sink, node, JSON.stringify(close), `Change to "${close}"`, true)] } : undefined);
        return;
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        this.sink.add('invalid-value', `${name} must not be empty.`, node, visit.pointer);
      } else if (schema.pattern && !patternOf(schema.pattern).test(value)) {
        this.sink.add('invalid-value', `${name}: ${schema['x-ems-patternMessage'] ?? `does not match ${schema.pattern}`}.`, node, visit.pointer);
      }
    } else if (typeof value === 'number') {
      const { below, above } = schema['x-ems-outOfRange'] ?? {};
      if (schema.minimum !== undefined && value < schema.minimum) {
        this.sink.add('invalid-value', `${name} is ${value}; the smallest value the EMS accepts is ${schema.minimum}.${below ? ` ${below.message}` : ''}`,
          node, visit.pointer, undefined, below?.severity);
      } else if (schema.maximum !== undefined && value > schema.maximum) {
        this.sink.add('invalid-value', `${name} is ${value}; the largest value the EMS accepts is ${schema.maximum}.${above ? ` ${above.message}` : ''}`,
          node, visit.pointer, undefined, above?.severity);
      }
    } else if (node.type === 'array' && schema.minItems !== undefined && (node.children?.length ?? 0) < schema.minItems) {
      this.sink.add('invalid-value', `${name} must not be empty.`, node, visit.pointer);
    } else if (node.type === 'object') {
      const count = node.children?.length ?? 0;
      if ((schema.minProperties !== undefined && count < schema.minProperties) || (schema.maxProperties !== undefined && count > schema.maxProperties)) {
        this.sink.add('invalid-value', `${name} must hold exactly one "name": "path" pair.`, node, visit.pointer);
      }
    }
  }
}

const patterns = new Map<string, RegExp>();

/** The schema's patterns, compiled once. */
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) patterns.set(source, (pattern = new RegExp(source)));
  return pattern;
}

function requiredWhy(key: string): string {
  switch (key) {
    case 'ws_servers': return 'the EMS refuses to start without it ("ws_servers array MUST be specified in config file")';
    case 'appKey': return 'the EMS cannot authenticate with ThingWorx without it';
    case 'host': return 'without it the EMS exits at start ("Websockets host MUST be specified", observed on 5.3.4)';
    case 'port': return 'the EMS needs both host and port of the ThingWorx server ("ws_servers arrayitem missing host or port")';
    case 'name': return 'without it the EMS logs "The input parameter \'name\' is missing", binds nothing for this entry and runs on (observed on 5.3.4)';
    default: return 'the EMS cannot do without it';
  }
}

/** The closest known key, comparing without case, dashes and underscores. */
export function nearestKey(key: string, candidates: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const wanted = norm(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const normalized = norm(candidate);
    if (Math.abs(normalized.length - wanted.length) > 3) continue;
    const distance = editDistance(wanted, normalized);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  const limit = wanted.length > 12 ? 3 : 2;
  return best && best.distance <= limit ? best.key : undefined;
}

function typeHint(node: Node, expected: string[]): string {
  if (node.type === 'string' && (expected.includes('boolean') || expected.includes('number') || expected.includes('whole number'))) {
    return ' (write it without quotes)';
  }
  return '';
}

function describeOther(schema: SchemaNode, used: SchemaNode): string {
  const other = schema.anyOf?.find((a) => a !== used);
  return other ? allowedTypes(other).map((t) => article(typeWord(t))).join(' or ') : 'another form';
}

function renameFix(sink: FindingSink, keyNode: Node, to: string, preferred: boolean): Fix {
  return replaceFix(sink, keyNode, JSON.stringify(to), `Change to "${to}"`, preferred);
}

/** A literal of the wanted type that means what the user wrote: "true" → true, "443" → 443, {…} → [{…}]. */
function convertFix(sink: FindingSink, node: Node, wanted: JsonType[]): Fix | undefined {
  const value = node.value as unknown;
  const text = sink.model.text.slice(node.offset, node.offset + node.length);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (wanted.includes('boolean') && /^(true|false)$/i.test(trimmed)) return replaceFix(sink, node, trimmed.toLowerCase(), `Change to ${trimmed.toLowerCase()}`, true);
    if ((wanted.includes('integer') || wanted.includes('number')) && /^-?\d+(\.\d+)?$/.test(trimmed)) {
      const n = Number(trimmed);
      if (wanted.includes('number') || Number.isInteger(n)) return replaceFix(sink, node, String(n), `Change to ${n}`, true);
    }
    if (wanted.includes('array')) return replaceFix(sink, node, `[${text}]`, 'Wrap in an array', true);
  } else if ((typeof value === 'number' || typeof value === 'boolean') && wanted.includes('string')) {
    // Two quotes around the value, so that neither the title nor the edits repeat it (it may be a password).
    const quote = (offset: number) => ({ range: sink.range({ offset, length: 0 }), newText: '"' });
    return { title: 'Put the value in quotes', edits: [quote(node.offset), quote(node.offset + node.length)], preferred: true };
  } else if (node.type === 'object' && wanted.includes('array')) {
    return replaceFix(sink, node, `[${text}]`, 'Wrap in an array', true);
  }
  return undefined;
}

/** cert_chain as a string before 5.4.0: the fix wraps it in an array. */
function arrayFix(sink: FindingSink, node: Node, used: SchemaNode, schema: SchemaNode) {
  const other = schema.anyOf?.find((a) => a !== used);
  if (node.type !== 'string' || !other || !allowedTypes(other).includes('array')) return undefined;
  const text = sink.model.text.slice(node.offset, node.offset + node.length);
  return { fixes: [replaceFix(sink, node, `[${text}]`, 'Wrap in an array', true)] };
}

