// The checks of config.lua that need only its text: each scripts.* value read as the LSR reads it
// (schemas/lsr-config.schema.json, evidence in docs/lsr-config.md), the LSR's security switches, the script
// tables; and the visits of its file settings, for the same file checks config.json gets.
import type { Node } from 'jsonc-parser';
import rawSchema from '../../../../schemas/lsr-config.schema.json';
import type { Visit } from '../checks/shape';
import type { Code } from '../codes';
import type { FindingSink } from '../document/findings';
import { childPointer, findProperty, type Model, propertiesOf } from '../document/model';
import type { FileAnnotation, SchemaNode } from '../document/schema';
import { atLeast, atMost, formatVersion, type Version } from '../version';
import { editDistance } from '../../util/distance';

type Reading = 'c-boolean' | 'c-boolean-off' | 'choice-boolean' | 'number' | 'lua-number' | 'string' | 'path';

export interface LsrSetting {
  'x-lsr-read': Reading;
  'x-lsr-read-from'?: Record<string, Reading>;
  'x-lsr-since'?: string;
  'x-lsr-until'?: string;
  'x-lsr-insecure'?: { when: boolean; code: Code };
  'x-ems-file'?: FileAnnotation;
  default?: string | number | boolean;
  enum?: string[];
  description: string;
  secret?: boolean;
  optional?: boolean;
}

export const LSR_SCHEMA = rawSchema as unknown as { settings: Record<string, LsrSetting>; script: Record<string, LsrSetting> };

/** Each reading in words, for hovers and completion. */
export const LSR_READINGS: Record<Reading, string> = {
  'c-boolean': 'true, or the exact string "true"; anything else is false',
  'c-boolean-off': 'on unless false or the string "false"',
  'choice-boolean': 'true or false (booleans or strings, any case); anything else stops the LSR',
  number: 'a number, or a string holding one',
  'lua-number': "Lua's tonumber; what it cannot read falls back to the default",
  string: 'a string',
  path: 'a file path',
};

/** What a value means to the LSR after it has read it: true, false, or a note of what happens instead. */
type Read = { ok: true; value: string | number | boolean | null } | { ok: false; message: string; code: Code; severity?: 'error' | 'warning' };

export function checkLua(model: Model, version: Version, sink: FindingSink): Visit[] {
  const scripts = findProperty(model.root, 'scripts')?.valueNode;
  const visits: Visit[] = [];
  const release = `EMS ${formatVersion(version)}`;
  const present = new Set<string>();
  for (const { key, keyNode, valueNode } of scripts ? propertiesOf(scripts) : []) {
    present.add(key);
    const pointer = childPointer('/scripts', key);
    const setting = LSR_SCHEMA.settings[key];
    if (valueNode?.type === 'object' && !setting) {
      checkScript(key, valueNode, pointer, sink);
      continue;
    }
    if (!setting) {
      unknown(key, keyNode, pointer, model, sink);
      continue;
    }
    if (!lsrReads(setting, version)) {
      const since = setting['x-lsr-since'];
      sink.add('unsupported-in-version', since
        ? `The LSR of ${release} does not read scripts.${key}: it is read from ${since} on (docs/lsr-config.md).`
        : `The LSR of ${release} no longer reads scripts.${key} (last read by ${setting['x-lsr-until']}).`, keyNode, pointer);
      continue;
    }
    if (!valueNode) continue; // an expression EMS Config does not evaluate: nothing is said of its value
    const read = readValue(setting, valueNode, version, key);
    if (!read.ok) {
      sink.add(read.code, read.message, valueNode, pointer, undefined, read.severity);
      continue;
    }
    insecure(key, setting, read.value, valueNode, pointer, sink);
    if (typeof read.value === 'string') notDecrypted(key, read.value, valueNode, pointer, model, version, sink);
    if (setting['x-ems-file'] && typeof read.value === 'string') visits.push(fileVisit(key, setting, keyNode, valueNode, pointer));
  }
  // Missing switches: the binaries' own defaults, which the guide contradicts (docs/lsr-config.md §5).
  for (const [key, setting] of Object.entries(LSR_SCHEMA.settings)) {
    if (present.has(key) || !lsrReads(setting, version)) continue;
    if (readingFor(setting, version) === 'choice-boolean' && !setting.optional) {
      sink.add('missing-required', `scripts.${key} is not set: the LSR of ${release} expects true or false and, without it, most likely stops ("Insecure configuration. Shutting down LSR."; inferred from its binary).`, scripts ?? model.root ?? { offset: 0, length: 0 }, '/scripts', undefined, 'warning');
    } else if (setting['x-lsr-insecure'] && setting.default === setting['x-lsr-insecure'].when) {
      sink.add(setting['x-lsr-insecure'].code, `scripts.${key} is not set, and the LSR's binary reads nothing as ${String(setting.default)}: ${INSECURE[setting['x-lsr-insecure'].code]} Set it to ${String(!setting.default)}.`,
        scripts ?? model.root ?? { offset: 0, length: 0 }, '/scripts');
    }
  }
  return visits;
}

const INSECURE: Partial<Record<Code, string>> = {
  'lsr-rap-ssl-disabled': 'the LSR talks to the EMS\'s REST server without TLS.',
  'lsr-self-signed-allowed': 'the LSR accepts a self-signed EMS certificate.',
  'lsr-validation-disabled': 'the LSR does not validate the EMS\'s certificate.',
  'lsr-server-ssl-disabled': 'the LSR\'s own HTTP server runs without TLS.',
  'lsr-server-auth-disabled': 'anyone who reaches the LSR\'s HTTP server can call it.',
};

function insecure(key: string, setting: LsrSetting, value: string | number | boolean | null, node: Node, pointer: string, sink: FindingSink): void {
  const rule = setting['x-lsr-insecure'];
  if (!rule || value !== rule.when) return;
  sink.add(rule.code, `scripts.${key} is ${String(rule.when)}: ${INSECURE[rule.code]}`, node, pointer);
}

/**
 * The binary decrypts an AES: value only in Password(…) and, from 5.4.0, for script_resource_passphrase and
 * _password (docs/lsr-config.md §4, from its call graph; not run): any other is most likely used as written.
 */
function notDecrypted(key: string, value: string, node: Node, pointer: string, model: Model, version: Version, sink: FindingSink): void {
  const sent = key === 'rap_password' || (key === 'script_resource_password' && !atLeast(version, '5.4.0'));
  // A literal starts with a quote or a long bracket; Password("AES:…") with its name.
  const literal = /^["'[]/.test(model.text.slice(node.offset, node.offset + 1));
  if (!sent || !literal || !value.startsWith('AES:')) return;
  const written = model.text.slice(node.offset, node.offset + node.length);
  sink.add('lsr-password-not-decrypted', `scripts.${key} holds an AES: value, but the LSR's binary decrypts one here only inside Password(…) (read from its call graph, not run): most likely ${key === 'rap_password' ? 'the LSR sends it to the EMS' : 'the LSR checks the EMS\'s password against it'} as written. Write scripts.${key} = Password(…) around the value.`,
    node, pointer, { fixes: [{ title: 'Wrap the value in Password(…)', edits: [{ range: model.rangeOf(node.offset, node.length), newText: `Password(${written})` }], preferred: true }] });
}

function readingFor(setting: LsrSetting, version: Version): Reading {
  let reading = setting['x-lsr-read'];
  for (const [since, later] of Object.entries(setting['x-lsr-read-from'] ?? {})) if (atLeast(version, since)) reading = later;
  return reading;
}

/** The value as the LSR reads it (docs/lsr-config.md §1, "Wrong types"). */
function readValue(setting: LsrSetting, node: Node, version: Version, key: string): Read {
  const value = node.value as string | number | boolean | null;
  const written = node.type === 'string' ? JSON.stringify(value) : String(value);
  switch (readingFor(setting, version)) {
    case 'c-boolean':
      if (typeof value === 'boolean' || value === 'true' || value === 'false') return { ok: true, value: value === true || value === 'true' };
      return { ok: false, code: 'invalid-value', severity: 'warning', message: `scripts.${key} is ${written}: the LSR reads only true or the exact string "true" as true, so this counts as false. Write true or false.` };
    case 'c-boolean-off':
      if (typeof value === 'boolean' || value === 'true' || value === 'false') return { ok: true, value: !(value === false || value === 'false') };
      return { ok: false, code: 'invalid-value', severity: 'warning', message: `scripts.${key} is ${written}: only false or "false" turn it off, so this counts as true. Write true or false.` };
    case 'choice-boolean': {
      const lower = typeof value === 'string' ? value.toLowerCase() : value;
      if (lower === true || lower === 'true' || lower === false || lower === 'false') return { ok: true, value: lower === true || lower === 'true' };
      return { ok: false, code: 'invalid-value', message: `scripts.${key} is ${written}: the LSR reads only true or false here (in any case) and stops on anything else ("Insecure configuration. Shutting down LSR.").` };
    }
    case 'number':
      if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) return { ok: true, value: Number(value) };
      return { ok: false, code: 'wrong-type', message: `scripts.${key} is ${written}, not a number the LSR can read.` };
    case 'lua-number':
      if (typeof value === 'number' || (typeof value === 'string' && Number.isFinite(Number(value)))) return { ok: true, value: Number(value) };
      return { ok: false, code: 'wrong-type', severity: 'warning', message: `scripts.${key} is ${written}: Lua's tonumber cannot read it, so the script uses its default${setting.default === undefined ? '' : ` (${setting.default})`}.` };
    case 'string':
    case 'path':
      if (typeof value === 'string' || typeof value === 'number') {
        if (setting.enum && typeof value === 'string' && !setting.enum.includes(value)) {
          return { ok: false, code: 'invalid-value', severity: 'warning', message: `scripts.${key} is ${written}; the LSR knows ${setting.enum.join(', ')} (its scripts compare them in upper case).` };
        }
        return { ok: true, value: String(value) };
      }
      return { ok: false, code: 'wrong-type', message: `scripts.${key} is ${written}; the LSR expects a string here.` };
  }
}

function checkScript(name: string, table: Node, pointer: string, sink: FindingSink): void {
  const keys = new Map(propertiesOf(table).map((property) => [property.key, property]));
  // A table without `file` is no script; the binary passes it by (docs/lsr-config.md §1). A template is needed
  // only by scripts built on thing.lua: PTC's own config.lua runs sample.lua without one.
  if (!keys.has('file')) return;
  for (const [key, setting] of Object.entries(LSR_SCHEMA.script)) {
    const property = keys.get(key);
    if (!property?.valueNode) continue;
    const read = readValue(setting, property.valueNode, [5, 4, 0], key);
    if (!read.ok) sink.add(read.code, read.message.replace(`scripts.${key}`, `scripts.${name}.${key}`), property.valueNode, childPointer(pointer, key), undefined, read.severity);
  }
}

const KNOWN = Object.keys(LSR_SCHEMA.settings);
const KNOWN_BY_LOWER_CASE = new Map(KNOWN.map((key) => [key.toLowerCase(), key]));

/** Other keys reach every script as strings, so a script may read them: only a near miss of a known key is said. */
function unknown(key: string, keyNode: Node, pointer: string, model: Model, sink: FindingSink): void {
  const sameLetters = KNOWN_BY_LOWER_CASE.get(key.toLowerCase());
  // A distance is at least the difference in length: only keys of about the same length are measured.
  const near = sameLetters ?? KNOWN.filter((candidate) => Math.abs(candidate.length - key.length) <= 2)
    .map((candidate) => ({ candidate, distance: editDistance(candidate, key) })).filter((entry) => entry.distance <= 2).sort((a, b) => a.distance - b.distance)[0]?.candidate;
  if (!near) return;
  sink.add('unknown-property', sameLetters
    ? `scripts.${key} is not read: Lua keys are case-sensitive and the LSR reads scripts.${near}.`
    : `scripts.${key} is not a setting the LSR reads; did you mean scripts.${near}?`, keyNode, pointer,
  { fixes: [{ title: `Rename to ${near}`, edits: [{ range: model.rangeOf(keyNode.offset, keyNode.length), newText: near }], preferred: true }] });
}

/**
 * A scripts.* setting as the target release's LSR reads it: its value, the binary's default when it is not
 * written, or undefined when the LSR does not read it, cannot read it, or stops without it.
 */
export function lsrReading(key: string, node: Node | undefined, version: Version): string | number | boolean | null | undefined {
  const setting = LSR_SCHEMA.settings[key];
  if (!setting || !lsrReads(setting, version)) return undefined;
  if (!node) return readingFor(setting, version) === 'choice-boolean' && !setting.optional ? undefined : setting.default;
  const read = readValue(setting, node, version, key);
  return read.ok ? read.value : undefined;
}

/** Whether the target release's LSR reads the setting at all. */
export function lsrReads(setting: LsrSetting, version: Version): boolean {
  return atLeast(version, setting['x-lsr-since']) && (setting['x-lsr-until'] === undefined || atMost(version, setting['x-lsr-until']));
}

function fileVisit(key: string, setting: LsrSetting, keyNode: Node, node: Node, pointer: string): Visit {
  const schema: SchemaNode = { type: 'string', 'x-ems-file': setting['x-ems-file']!, description: setting.description };
  return { node, schema, pointer, key, keyNode };
}
