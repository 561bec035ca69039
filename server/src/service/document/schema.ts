// Typed access to schemas/ems-config.schema.json — the one source of property facts. Checks, hovers and
// completion ask this module; none of them keeps its own list of keys, defaults or versions.
import rawSchema from '../../../../schemas/ems-config.schema.json';
import type { Code } from '../codes';
import type { ContentRole as FileRole } from '../../pki';
import { editDistance } from '../../util/distance';
import type { JsonType } from './model';

/** What a file named by a config value must hold: the role the pki module judges it in. */
export type { ContentRole as FileRole } from '../../pki';

export interface FileAnnotation {
  holds: FileRole;
  /** Sibling key holding the passphrase of this key file. */
  passphrase?: string;
  /** Sibling key naming the certificate this key belongs to. */
  certificate?: string;
  /** Code to raise when this key has no passphrase. */
  unencryptedCode?: Code;
}

export interface WhenRule {
  equals: string | number | boolean;
  code: Code;
  message: string;
  /** The value a quick fix writes. */
  fix?: string | number | boolean;
  since?: string;
  until?: string;
  /** The start-up line the EMS logs for this setting (printed from 5.4.0 on). */
  'x-ems-logs'?: string;
  /** Sibling key → value that makes the rule moot. */
  'x-ems-unless'?: Record<string, string | number | boolean>;
}

/** What the EMS does with a number outside minimum/maximum, and the severity that follows from it. */
export interface Consequence {
  message: string;
  severity?: 'error' | 'warning' | 'information';
}

export interface OutOfRange {
  below?: Consequence;
  above?: Consequence;
}

export interface CompanionRule {
  if: string;
  equals?: string | number | boolean;
  requires: string[];
  since?: string;
  message?: string;
}

export interface SchemaNode {
  type?: JsonType | JsonType[];
  anyOf?: SchemaNode[];
  enum?: (string | number | boolean)[];
  default?: unknown;
  examples?: unknown[];
  description?: string;
  markdownDescription?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  minProperties?: number;
  maxProperties?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  'x-ems-since'?: string;
  'x-ems-removed'?: string;
  'x-ems-removedHint'?: string;
  'x-ems-file'?: FileAnnotation;
  'x-ems-secret'?: boolean;
  'x-ems-when'?: WhenRule[];
  'x-ems-companions'?: CompanionRule[];
  'x-ems-unknown'?: { message: string; suggest?: string };
  'x-ems-severity'?: 'error' | 'warning' | 'information' | 'hint';
  'x-ems-patternMessage'?: string;
  'x-ems-format'?: 'openssl-cipher-list' | 'ems-encryption';
  'x-ems-unreadThrough'?: string;
  'x-ems-choices'?: string[];
  'x-ems-undocumented'?: boolean;
  'x-ems-requiredSeverity'?: 'warning';
  'x-ems-wrongType'?: Consequence;
  'x-ems-ignoredString'?: string;
  'x-ems-outOfRange'?: OutOfRange;
  'x-ems-directory'?: boolean;
}

export const ROOT_SCHEMA = rawSchema as unknown as SchemaNode;

export interface PropertyMatch {
  schema: SchemaNode;
  /** The key as the schema spells it. */
  canonical: string;
  /** The document spells it differently (case only). */
  caseDiffers: boolean;
}

/** The schema of a key in an object, matching case-insensitively as the EMS does. */
export function propertySchema(object: SchemaNode, key: string): PropertyMatch | undefined {
  const properties = object.properties ?? {};
  // Own keys only: "__proto__" or "toString" in a config is a key the EMS does not know, not Object's.
  if (Object.hasOwn(properties, key)) return { schema: properties[key]!, canonical: key, caseDiffers: false };
  const canonical = lowerCaseIndex(object).get(key.toLowerCase());
  if (canonical !== undefined) return { schema: properties[canonical]!, canonical, caseDiffers: true };
  if (typeof object.additionalProperties === 'object') return { schema: object.additionalProperties, canonical: key, caseDiffers: false };
  return undefined;
}

const lowerCaseIndexes = new WeakMap<SchemaNode, Map<string, string>>();

/** The object's keys by their lower case, built once per schema node (a config may have thousands of keys). */
function lowerCaseIndex(object: SchemaNode): Map<string, string> {
  let index = lowerCaseIndexes.get(object);
  if (!index) {
    index = new Map(Object.keys(object.properties ?? {}).map((canonical) => [canonical.toLowerCase(), canonical]));
    lowerCaseIndexes.set(object, index);
  }
  return index;
}

export function allowedTypes(schema: SchemaNode): JsonType[] {
  if (schema.anyOf) return schema.anyOf.flatMap(allowedTypes);
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

export function typeMatches(allowed: JsonType, actual: JsonType): boolean {
  return allowed === actual || (allowed === 'number' && actual === 'integer');
}

/** For a value of the given type, the alternative of an anyOf that applies (or the schema itself). */
export function alternativeFor(schema: SchemaNode, actual: JsonType): SchemaNode | undefined {
  if (!schema.anyOf) return allowedTypes(schema).some((t) => typeMatches(t, actual)) ? schema : undefined;
  return schema.anyOf.find((alt) => allowedTypes(alt).some((t) => typeMatches(t, actual)));
}

/** The schema at a path of keys and indexes (canonical or not), or undefined outside the schema. */
export function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let schema: SchemaNode | undefined = ROOT_SCHEMA;
  for (const segment of path) {
    if (!schema) return undefined;
    if (typeof segment === 'number') schema = (schema.items ?? schema.anyOf?.find((a) => a.items)?.items);
    else schema = propertySchema(schema, segment)?.schema;
  }
  return schema;
}

/** The documented default of a number setting, for checks that compare values with defaults. */
export function defaultNumber(path: readonly string[]): number | undefined {
  const value = schemaAt(path)?.default;
  return typeof value === 'number' ? value : undefined;
}

export function topLevelKeys(): string[] {
  return Object.keys(ROOT_SCHEMA.properties ?? {});
}

/** A misspelt secret (`pasword`, `appkey_`) is still a secret. */
const SECRET_LOOKING = /pass|pwd|secret|token|credential|app_?key/i;

/** Every key the schema marks x-ems-secret, wherever it stands. */
function secretKeyNames(schema: SchemaNode, names = new Set<string>()): Set<string> {
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (property['x-ems-secret']) names.add(key.toLowerCase());
    secretKeyNames(property, names);
  }
  if (schema.items) secretKeyNames(schema.items, names);
  for (const alternative of schema.anyOf ?? []) secretKeyNames(alternative, names);
  return names;
}

const SECRET_KEYS = secretKeyNames(ROOT_SCHEMA);
const SECRET_NAMES = [...SECRET_KEYS];

/** A key whose value must not be shown: one the schema marks x-ems-secret, or one that looks like it. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (SECRET_KEYS.has(lower) || SECRET_LOOKING.test(key)) return true;
  // A misspelt secret (`pasword`, `appkye`) is still one: within two edits of a secret's name.
  return lower.length <= 64 && SECRET_NAMES.some((secret) => Math.abs(secret.length - lower.length) <= 2 && editDistance(secret, lower) <= 2);
}
