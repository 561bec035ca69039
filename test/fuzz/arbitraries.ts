// fast-check arbitraries for hostile configs and hostile certificate and key files. Every mutation is plain
// data (an op with numbers that are taken modulo the size of what it mutates) applied by a pure function, so
// counterexamples shrink and print as something a person can replay.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { type Node, parseTree } from 'jsonc-parser';
import { ALL_CODES } from '../../server/src/service/codes';
import { ROOT_SCHEMA, type SchemaNode } from '../../server/src/service/document/schema';
import type { Settings } from '../../server/src/service/types';
import { PASSPHRASE, PKI_DIR, pkiBytes, pkiNames } from '../helpers/pki';
import { REPO_ROOT } from '../helpers/repo';
import { AES, config, GUID } from '../helpers/service';
import type { Fault, MemoryEntry } from '../helpers/memoryFs';

// ─── Seeds: real configs and real PKI files ─────────────────────────────────────────────────────────────────

const SAMPLES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'samples');

/** Where the generated configs name their certificate and key files (the in-memory file system's folder). */
export const CERTS = '/ems/etc/certs';
export const CONFIG_PATH = '/ems/etc/config.json';

/** A config that names every kind of file the schema knows, in every role; the file fuzz fills the files. */
export function filesConfig(names: FileNames, passphrases: { key: string | undefined; http: string | undefined }): string {
  const at = (name: string) => (name.startsWith('/') || name.includes(':') ? name : `${CERTS}/${name}`);
  const certificates: Record<string, unknown> = {
    validate: true,
    cert_chain: names.chainAsArray ? [at(names.caList), at(names.caList2)] : at(names.caList),
    client_cert: at(names.clientCert),
    key_file: at(names.keyFile),
    http_client_ca_certs: at(names.caList2),
  };
  if (passphrases.key !== undefined) certificates['key_passphrase'] = passphrases.key;
  const http: Record<string, unknown> = {
    host: '127.0.0.1', port: 8000, ssl: true, authenticate: true, user: 'ems', password: AES,
    certificate: at(names.httpCert), private_key: at(names.httpKey),
  };
  if (passphrases.http !== undefined) http['passphrase'] = passphrases.http;
  return config({ certificates, http_server: http });
}

export interface FileNames {
  caList: string;
  caList2: string;
  clientCert: string;
  keyFile: string;
  httpCert: string;
  httpKey: string;
  chainAsArray: boolean;
}

/** The texts every mutation starts from: PTC-shaped samples (one of them deliberately broken) and ours. */
export const SEED_TEXTS: readonly { name: string; text: string }[] = [
  ...readdirSync(SAMPLES_DIR).filter((n) => n.endsWith('.json')).sort().map((name) => ({ name, text: readFileSync(path.join(SAMPLES_DIR, name), 'utf8') })),
  { name: 'minimal', text: config() },
  {
    name: 'files',
    text: filesConfig({ caList: 'ca-list.pem', caList2: 'root-ca.pem', clientCert: 'server-chain.pem', keyFile: 'server-key-encrypted.pem', httpCert: 'server.pem', httpKey: 'server-key.pem', chainAsArray: true },
      { key: PASSPHRASE, http: 'AES:wPUJ0SYov0r6yH+BDMbeMA==' }),
  },
];

/** The fixture PKI (test/fixtures/make-pki.mjs): PEM, DER, PKCS#8, PKCS#1, SEC1, PKCS#12, broken ones. */
export const PKI_FILES: readonly { name: string; bytes: Uint8Array }[] = pkiNames()
  .filter((n) => n !== 'manifest.json')
  .map((name) => ({ name, bytes: pkiBytes(name) }));

if (PKI_FILES.length < 20) throw new Error(`the fixture PKI in ${PKI_DIR} is missing: run node test/fixtures/make-pki.mjs ${PKI_DIR}`);

// ─── Random JSON and text ───────────────────────────────────────────────────────────────────────────────────

/** Fragments that break JSON in the ways people and tools do. */
const HOSTILE_FRAGMENTS = [
  '\\', '\\x', '\\u12', '\\uD800', '\\uDC00\\uD800', '\\u0000', '"C:\\certs\\ca.pem"', '"C:\\\\certs\\\\ca.pem"', '"\\\\server\\share\\x.pem"',
  '"C:\\new\\table.pem"', '// a comment\n', '/* a comment */', '/*', '*/', ',', ',,', '}', ']', '{', '[', '"', ':', '\r', '\r\n', '\n\r',
  '\u2028', '\u2029', '\uFEFF', '\u0000', '\uD800', '\uDC00', '😀', 'é', '1e999', '-0', '0x10', '01', '1.', '.5', 'NaN', 'Infinity',
  'true', 'null', 'undefined', "'single'", '"appkey": 1,', '"appKey": "x",', '"cert_chain": ["a",],', '"certificates": {',
  '"ws_servers": [{"host": "x", "port": 443}],', '"a/b~c": 0,', '"": "",', '"~1": 1,', '"x": "AES:!!!",', '\t', ' ', '  \n  ',
];

const TOKENS = ['{', '}', '[', ']', ':', ',', '"', '"appKey"', '"ws_servers"', '"certificates"', '"http_server"', '"cert_chain"',
  '"key_file"', '"host"', '"port"', '443', '-1', '1.5e3', 'true', 'false', 'null', '"x"', '"AES:wPUJ0SYov0r6yH+BDMbeMA=="', '\n', ' ', '//', '/*', '*/', '\\'];

export const fragment = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 8 }), weight: 1 },
);

/** Any text at all, from JSON values to token soup to random UTF-16 (lone surrogates included). */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 0, 2, '\t', '\r\n ')).map(([v, indent]) => {
    const text = JSON.stringify(v, null, typeof indent === 'string' && indent.includes('\r') ? 1 : indent) ?? 'null';
    return typeof indent === 'string' && indent.includes('\r') ? text.replace(/\n/g, '\r\n') : text;
  }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom(...TOKENS), fragment), { maxLength: 120 }).map((t) => t.join('')),
  fc.array(fc.constantFrom('{', '[', '{"a":', '[1,', ']', '}'), { maxLength: 400 }).map((t) => t.join('')),
);

// ─── Configs shaped by the schema ───────────────────────────────────────────────────────────────────────────

/** A tree that keeps what JSON.parse loses: duplicate keys and their order. */
export type Tree =
  | { t: 'object'; entries: [string, Tree][] }
  | { t: 'array'; items: Tree[] }
  | { t: 'literal'; value: string | number | boolean | null };

export function fromValue(value: unknown): Tree {
  if (Array.isArray(value)) return { t: 'array', items: value.map(fromValue) };
  if (value && typeof value === 'object') return { t: 'object', entries: Object.entries(value).map(([k, v]) => [k, fromValue(v)]) };
  if (value === undefined) return { t: 'literal', value: null };
  return { t: 'literal', value: value as string | number | boolean | null };
}

export function fromNode(node: Node | undefined): Tree {
  if (!node) return { t: 'literal', value: null };
  switch (node.type) {
    case 'object':
      return { t: 'object', entries: (node.children ?? []).map((p) => [String(p.children?.[0]?.value ?? ''), fromNode(p.children?.[1])]) };
    case 'array':
      return { t: 'array', items: (node.children ?? []).map(fromNode) };
    default:
      return { t: 'literal', value: node.value ?? null };
  }
}

/** Every seed as a tree (jsonc-parser reads past the comments of the broken sample). */
export const SEED_TREES: readonly { name: string; tree: Tree }[] = SEED_TEXTS.map(({ name, text }) => ({
  name, tree: fromNode(parseTree(text, [], { allowTrailingComma: true, disallowComments: false })),
}));

export interface Style {
  indent: number;
  crlf: boolean;
  /** Write every n-th letter of keys and strings as a \u escape (0: never). */
  escapeEvery: number;
}

export function serialize(tree: Tree, style: Style): string {
  const eol = style.indent ? (style.crlf ? '\r\n' : '\n') : '';
  const str = (s: string) => {
    let out = JSON.stringify(s);
    if (style.escapeEvery) {
      let n = 0;
      out = out.replace(/[A-Za-z]/g, (ch) => (++n % style.escapeEvery === 0 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch));
    }
    return out;
  };
  const write = (node: Tree, depth: number): string => {
    const pad = (d: number) => (style.indent ? ' '.repeat(style.indent * d) : '');
    switch (node.t) {
      case 'literal':
        return typeof node.value === 'string' ? str(node.value) : node.value === null ? 'null' : Number.isNaN(node.value) ? 'NaN' : String(node.value);
      case 'array':
        if (!node.items.length) return '[]';
        return `[${eol}${node.items.map((i) => pad(depth + 1) + write(i, depth + 1)).join(`,${eol}`)}${eol}${pad(depth)}]`;
      case 'object':
        if (!node.entries.length) return '{}';
        return `{${eol}${node.entries.map(([k, v]) => `${pad(depth + 1)}${str(k)}:${style.indent ? ' ' : ''}${write(v, depth + 1)}`).join(`,${eol}`)}${eol}${pad(depth)}}`;
    }
  };
  return write(tree, 0) + eol;
}

export const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(0, 2, 2, 4),
  crlf: fc.boolean(),
  escapeEvery: fc.oneof({ arbitrary: fc.constant(0), weight: 5 }, { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 1 }),
});

/** Keys as people write them: canonical, another case, a typo, or characters a pointer must escape. */
function keyVariant(canonical: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(canonical), weight: 12 },
    { arbitrary: fc.constant(canonical.toLowerCase()), weight: 1 },
    { arbitrary: fc.constant(canonical.toUpperCase()), weight: 1 },
    { arbitrary: fc.nat().map((n) => canonical.slice(0, n % (canonical.length + 1)) + canonical.slice((n % (canonical.length + 1)) + 1)), weight: 1 },
    { arbitrary: fc.constantFrom(' ' + canonical, canonical + ' ', `${canonical}/x`, `${canonical}~1`, `~${canonical}`, ''), weight: 1 },
  );
}

const STRINGS = ['', ' ', 'x', 'localhost', '127.0.0.1', '::1', '/Thingworx/WS', GUID, GUID.toUpperCase(), AES, 'AES:', 'AES:abc', 'AES:====',
  'AES:wPUJ0SYov0r6yH+BDMbeMA', 'ssl', 'none', 'INFO', 'TRACE', 'ALL:!aNULL', 'ALL:RC4:EXPORT', '/opt/ems/etc/certs/ca.pem', 'certs/ca.pem',
  'C:/certs/ca.pem', 'C:\\certs\\ca.pem', '\\\\server\\share\\ca.pem', `${CERTS}/server.pem`, `${CERTS}/missing.pem`, `${CERTS}`, ' /padded.pem ',
  'a\u0000b', 'line\nbreak', '\uD800', '😀', 'x'.repeat(3000)];

const NUMBERS = [0, -1, 1, 443, 8000, 65535, 65536, -0, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 5e-324];

/** Any JSON value, biased towards the ones that mean something to the EMS. */
const anyValue: fc.Arbitrary<Tree> = fc.oneof(
  { arbitrary: fc.constantFrom(...STRINGS).map((value) => ({ t: 'literal', value }) as Tree), weight: 3 },
  { arbitrary: fc.constantFrom(...NUMBERS).map((value) => ({ t: 'literal', value }) as Tree), weight: 2 },
  { arbitrary: fc.constantFrom(true, false, null).map((value) => ({ t: 'literal', value }) as Tree), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(fromValue), weight: 2 },
);

function types(schema: SchemaNode): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(types);
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** A value for a schema: usually of its type (enums, examples, bounds), sometimes anything. */
function valueFor(schema: SchemaNode, depth: number): fc.Arbitrary<Tree> {
  const options: fc.WeightedArbitrary<Tree>[] = [{ arbitrary: anyValue, weight: 1 }];
  const literal = (values: readonly unknown[]) => fc.constantFrom(...values).map(fromValue);
  if (schema.enum?.length) options.push({ arbitrary: literal(schema.enum), weight: 6 });
  if (schema.examples?.length) options.push({ arbitrary: literal(schema.examples), weight: 3 });
  if (schema.default !== undefined) options.push({ arbitrary: literal([schema.default]), weight: 2 });
  for (const alternative of schema.anyOf ?? []) options.push({ arbitrary: valueFor(alternative, depth), weight: 3 });
  for (const type of schema.anyOf ? [] : types(schema)) {
    if (type === 'object' && depth < 4) options.push({ arbitrary: objectFor(schema, depth + 1), weight: 6 });
    if (type === 'array' && depth < 4) {
      const item = schema.items ? valueFor(schema.items, depth + 1) : anyValue;
      options.push({ arbitrary: fc.array(item, { maxLength: 3 }).map((items) => ({ t: 'array', items }) as Tree), weight: 6 });
    }
    if (type === 'integer' || type === 'number') {
      const low = schema.minimum ?? -10;
      const high = schema.maximum ?? 100_000;
      options.push({ arbitrary: fc.constantFrom(low, high, low - 1, high + 1, Math.floor((low + high) / 2), 0.5).map((value) => ({ t: 'literal', value }) as Tree), weight: 4 });
    }
    if (type === 'string') options.push({ arbitrary: fc.constantFrom(...STRINGS).map((value) => ({ t: 'literal', value }) as Tree), weight: 3 });
    if (type === 'boolean') options.push({ arbitrary: fc.boolean().map((value) => ({ t: 'literal', value }) as Tree), weight: 4 });
  }
  return fc.oneof(...options);
}

/** An object with a random subset of the schema's keys, sometimes unknown or duplicated ones. */
function objectFor(schema: SchemaNode, depth: number): fc.Arbitrary<Tree> {
  const properties = Object.entries(schema.properties ?? {});
  const known = properties.map(([key, child]) => fc.tuple(keyVariant(key), valueFor(child, depth)));
  const extra: fc.Arbitrary<[string, Tree]> = typeof schema.additionalProperties === 'object'
    ? fc.tuple(fc.constantFrom<string>('in', 'out', 'x', 'a/b', '~'), valueFor(schema.additionalProperties, depth))
    : fc.tuple(fc.constantFrom<string>('unknown', 'resourse', 'appkey', 'APPKEY', 'x~y', 'a/b', ''), anyValue);
  const entries = known.length
    ? fc.tuple(fc.subarray(known.map((_, i) => i)), fc.array(extra, { maxLength: 2 })).chain(([chosen, extras]) =>
      fc.tuple(...chosen.map((i) => known[i]!)).map((pairs) => [...pairs, ...extras] as [string, Tree][]))
    : fc.array(extra, { maxLength: 3 });
  return entries.map((e) => ({ t: 'object', entries: e }) as Tree);
}

export const schemaConfig: fc.Arbitrary<Tree> = fc.letrec(() => ({ root: objectFor(ROOT_SCHEMA, 0) })).root;

// ─── Mutations ──────────────────────────────────────────────────────────────────────────────────────────────

export type TreeOp =
  | { op: 'swap-type'; at: number; value: Tree }
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number; recase: boolean; value: Tree | undefined }
  | { op: 'rename'; at: number; key: string }
  | { op: 'wrap'; at: number }
  | { op: 'insert'; at: number; key: string; value: Tree };

interface Slot {
  /** The container and the index of the slot in its entries or items. */
  parent: Tree & ({ t: 'object' } | { t: 'array' });
  index: number;
}

function slots(tree: Tree): Slot[] {
  const found: Slot[] = [];
  const walk = (node: Tree) => {
    if (node.t === 'object') node.entries.forEach(([, v], index) => { found.push({ parent: node, index }); walk(v); });
    if (node.t === 'array') node.items.forEach((v, index) => { found.push({ parent: node, index }); walk(v); });
  };
  walk(tree);
  return found;
}

function containers(tree: Tree): (Tree & { t: 'object' })[] {
  const found: (Tree & { t: 'object' })[] = [];
  const walk = (node: Tree) => {
    if (node.t === 'object') { found.push(node); node.entries.forEach(([, v]) => walk(v)); }
    if (node.t === 'array') node.items.forEach(walk);
  };
  walk(tree);
  return found;
}

const clone = (tree: Tree): Tree => structuredClone(tree);

export function applyTreeOps(seed: Tree, ops: readonly TreeOp[]): Tree {
  const tree = clone(seed);
  for (const op of ops) {
    if (op.op === 'insert') {
      const objects = containers(tree);
      if (objects.length) objects[op.at % objects.length]!.entries.splice(op.at % (objects[op.at % objects.length]!.entries.length + 1), 0, [op.key, clone(op.value)]);
      continue;
    }
    const all = slots(tree);
    if (!all.length) continue;
    const { parent, index } = all[op.at % all.length]!;
    const get = (): Tree => (parent.t === 'object' ? parent.entries[index]![1] : parent.items[index]!);
    const set = (value: Tree) => { if (parent.t === 'object') parent.entries[index]![1] = value; else parent.items[index] = value; };
    switch (op.op) {
      case 'swap-type': set(clone(op.value)); break;
      case 'wrap': set({ t: 'array', items: [get()] }); break;
      case 'delete':
        if (parent.t === 'object') parent.entries.splice(index, 1); else parent.items.splice(index, 1);
        break;
      case 'duplicate':
        if (parent.t === 'object') {
          const [key, value] = parent.entries[index]!;
          const twin = op.recase ? (key === key.toUpperCase() ? key.toLowerCase() : key.toUpperCase()) : key;
          parent.entries.splice(index + 1, 0, [twin, op.value ? clone(op.value) : clone(value)]);
        } else {
          parent.items.splice(index + 1, 0, clone(get()));
        }
        break;
      case 'rename':
        if (parent.t === 'object') parent.entries[index]![0] = op.key;
        break;
    }
  }
  return tree;
}

export const treeOp: fc.Arbitrary<TreeOp> = fc.oneof(
  fc.record({ op: fc.constant('swap-type' as const), at: fc.nat(), value: anyValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), recase: fc.boolean(), value: fc.option(anyValue, { nil: undefined }) }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('', '~', '/', '~1', 'a/b', 'appkey', 'APPKEY', 'Cert_Chain', 'key_file', '__proto__', 'constructor'), fc.string({ maxLength: 6 })) }),
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), key: fc.constantFrom('certificates', 'cert_chain', 'key_file', 'client_cert', 'http_server', 'appKey', 'ws_servers', 'x/y', '__proto__'), value: anyValue }),
);

export type TextOp =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'copy'; from: number; length: number; to: number };

export function applyTextOps(text: string, ops: readonly TextOp[]): string {
  for (const op of ops) {
    const at = (n: number) => n % (text.length + 1);
    switch (op.op) {
      case 'truncate': text = text.slice(0, at(op.at)); break;
      case 'insert': text = text.slice(0, at(op.at)) + op.text + text.slice(at(op.at)); break;
      case 'delete': text = text.slice(0, at(op.at)) + text.slice(at(op.at) + op.length); break;
      case 'copy': {
        const from = at(op.from);
        const piece = text.slice(from, from + op.length);
        text = text.slice(0, at(op.to)) + piece + text.slice(at(op.to));
        break;
      }
    }
  }
  return text;
}

export const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fragment }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('copy' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 80 }), to: fc.nat() }), weight: 1 },
);

/** A real config, mutated as a tree (types, keys, duplicates) and then as text (escapes, truncation, junk). */
export const mutatedConfig = fc.record({
  seed: fc.nat({ max: SEED_TREES.length - 1 }),
  treeOps: fc.array(treeOp, { maxLength: 4 }),
  style,
  textOps: fc.oneof({ arbitrary: fc.constant([] as TextOp[]), weight: 1 }, { arbitrary: fc.array(textOp, { minLength: 1, maxLength: 3 }), weight: 2 }),
});

export function mutatedText(c: { seed: number; treeOps: TreeOp[]; style: Style; textOps: TextOp[] }): string {
  return applyTextOps(serialize(applyTreeOps(SEED_TREES[c.seed]!.tree, c.treeOps), c.style), c.textOps);
}

// ─── Settings ───────────────────────────────────────────────────────────────────────────────────────────────

export const settings: fc.Arbitrary<Settings> = fc.oneof(
  { arbitrary: fc.record({
    emsVersion: fc.constantFrom('5.3.4', '5.4.0', '5.4.4', '5.4.5', '5.4.7', '5.4.8', '5.4.10', '5.5.0', '9.9.9', '0.0.0', '', 'x', ' 5.4.8 '),
    homeDirectory: fc.constantFrom('', '', '/ems', '/', 'relative/home', '..', `${CERTS}`, ' /ems '),
    expiryWarningDays: fc.constantFrom(30, 0, 1, 365, 100_000, -1, Number.NaN, Number.POSITIVE_INFINITY, 1.5, 1e300),
    severity: fc.dictionary(fc.constantFrom(...ALL_CODES, 'nope', '__proto__'), fc.constantFrom('off', 'hint', 'information', 'warning', 'error', 'loud') as fc.Arbitrary<Settings['severity'][string]>, { maxKeys: 4 }),
  }), weight: 9 },
  // What a careless client sends: the service normalizes whatever it is given.
  { arbitrary: fc.anything({ maxDepth: 2 }) as fc.Arbitrary<Settings>, weight: 1 },
);

export const configPath = fc.constantFrom<string | undefined>(CONFIG_PATH, CONFIG_PATH, undefined, '/ems/config.json', '/ETC/config.json', 'relative/etc/config.json', '/');

// ─── Certificate and key files ──────────────────────────────────────────────────────────────────────────────

export type ByteOp =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; xor: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  /** Mutate the DER inside one PEM block and write it back as Base64: deeper than flipping Base64 letters. */
  | { op: 'der'; block: number; inner: ByteOp[] }
  /** Give a PEM block another label. */
  | { op: 'relabel'; block: number; label: string }
  /** Cut a PEM block's Base64 body short (keeping or losing the END line). */
  | { op: 'cut-body'; block: number; at: number; keepEnd: boolean }
  | { op: 'append'; file: number };

const PEM_BLOCK = /-----BEGIN ([^-\r\n]*)-----([\s\S]*?)-----END \1-----/g;

export function applyByteOp(bytes: Uint8Array, op: ByteOp): Uint8Array {
  const at = (n: number) => n % (bytes.length + 1);
  switch (op.op) {
    case 'truncate': return bytes.slice(0, at(op.at));
    case 'flip': {
      if (!bytes.length) return bytes;
      const out = bytes.slice();
      out[op.at % out.length]! ^= op.xor || 1;
      return out;
    }
    case 'insert': return concat(bytes.slice(0, at(op.at)), op.bytes, bytes.slice(at(op.at)));
    case 'delete': return concat(bytes.slice(0, at(op.at)), bytes.slice(at(op.at) + op.length));
    case 'append': return concat(bytes, PKI_FILES[op.file % PKI_FILES.length]!.bytes);
    default: return pemOp(bytes, op);
  }
}

function pemOp(bytes: Uint8Array, op: ByteOp & { block: number }): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (!blocks.length) return bytes;
  const block = blocks[op.block % blocks.length]!;
  const [whole, label, body] = block as unknown as [string, string, string];
  let replacement = whole;
  if (op.op === 'relabel') replacement = `-----BEGIN ${op.label}-----${body}-----END ${op.label}-----`;
  if (op.op === 'cut-body') {
    const cut = body.slice(0, op.at % (body.length + 1));
    replacement = `-----BEGIN ${label}-----${cut}${op.keepEnd ? `\n-----END ${label}-----` : ''}`;
  }
  if (op.op === 'der') {
    // Headers such as Proc-Type and DEK-Info stay; only the Base64 lines change.
    const lines = body.split(/\r?\n/);
    const headers = lines.filter((l) => l.includes(':'));
    const der = op.inner.reduce<Uint8Array>(applyByteOp, new Uint8Array(Buffer.from(lines.filter((l) => !l.includes(':')).join(''), 'base64')));
    const base64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
    replacement = `-----BEGIN ${label}-----\n${headers.length ? headers.join('\n') + '\n\n' : ''}${base64}-----END ${label}-----`;
  }
  return new Uint8Array(Buffer.from(text.slice(0, block.index) + replacement + text.slice(block.index! + whole.length), 'latin1'));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const plainByteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.constantFrom(...[[0x30, 0x84, 0xff, 0xff, 0xff, 0xff], [0x30, 0x80], [0x02, 0x00], [0x06, 0x01, 0x00], [0x00], [0xa0, 0x82, 0x7f, 0xff]].map((b) => new Uint8Array(b)))) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }), weight: 2 },
);

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { arbitrary: plainByteOp, weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('der' as const), block: fc.nat(), inner: fc.array(plainByteOp, { minLength: 1, maxLength: 3 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('relabel' as const), block: fc.nat(), label: fc.constantFrom('CERTIFICATE', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PUBLIC KEY', 'CERTIFICATE REQUEST', 'X509 CRL', 'PKCS7', '', 'X') }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('cut-body' as const), block: fc.nat(), at: fc.nat(), keepEnd: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('append' as const), file: fc.nat() }), weight: 1 },
);

/** The contents of one certificate or key file: a fixture mutated, or random bytes. */
export type FileContent = { from: 'fixture'; file: number; ops: ByteOp[] } | { from: 'random'; bytes: Uint8Array } | { from: 'pem-of-random'; label: string; bytes: Uint8Array };

export const fileContent: fc.Arbitrary<FileContent> = fc.oneof(
  { arbitrary: fc.record({ from: fc.constant('fixture' as const), file: fc.nat({ max: PKI_FILES.length - 1 }), ops: fc.constant([] as ByteOp[]) }), weight: 3 },
  { arbitrary: fc.record({ from: fc.constant('fixture' as const), file: fc.nat({ max: PKI_FILES.length - 1 }), ops: fc.array(byteOp, { minLength: 1, maxLength: 3 }) }), weight: 8 },
  { arbitrary: fc.record({ from: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 600 }) }), weight: 1 },
  { arbitrary: fc.record({ from: fc.constant('pem-of-random' as const), label: fc.constantFrom('CERTIFICATE', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'), bytes: fc.uint8Array({ maxLength: 400 }) }), weight: 1 },
);

export function contentBytes(content: FileContent): Uint8Array {
  switch (content.from) {
    case 'random': return content.bytes;
    case 'pem-of-random': return new Uint8Array(Buffer.from(`-----BEGIN ${content.label}-----\n${Buffer.from(content.bytes).toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${content.label}-----\n`));
    case 'fixture': return content.ops.reduce<Uint8Array>(applyByteOp, PKI_FILES[content.file]!.bytes);
  }
}

export interface FileSpec {
  content: FileContent;
  kind: MemoryEntry['kind'];
  fault: Fault | undefined;
  /** stat reports another size than the bytes have (a file growing or shrinking under us). */
  sizeLie: number | undefined;
}

export const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ at: fc.constantFrom('stat' as const, 'read' as const), error: fc.constantFrom('not-found' as const, 'permission' as const, 'loop' as const, 'not-regular' as const, 'too-large' as const, 'io' as const, 'plain' as const, 'non-error' as const) }),
  fc.record({ at: fc.constant('read' as const), replacedBy: fc.oneof(fc.constant(new Uint8Array()), fc.uint8Array({ maxLength: 64 }), fc.nat({ max: PKI_FILES.length - 1 }).map((i) => PKI_FILES[i]!.bytes)) }),
  fc.record({ at: fc.constant('read' as const), swapped: fc.constant('not-regular' as const) }),
);

export const fileSpec: fc.Arbitrary<FileSpec> = fc.record({
  content: fileContent,
  kind: fc.oneof({ arbitrary: fc.constant('file' as const), weight: 20 }, { arbitrary: fc.constantFrom('directory' as const, 'other' as const), weight: 1 }),
  // Rare: most reads succeed, so that the contents are judged.
  fault: fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 }, { arbitrary: fault, weight: 1 }),
  sizeLie: fc.oneof({ arbitrary: fc.constant(undefined), weight: 20 }, { arbitrary: fc.constantFrom(0, 1, 1024 * 1024, 1024 * 1024 + 1, 2 ** 40), weight: 1 }),
});

const FILE_NAMES = ['a.pem', 'b.pem', 'c.der', 'd.p12', 'e.key', 'f.pem'];

export const passphrase = fc.constantFrom<string | undefined>(PASSPHRASE, PASSPHRASE, undefined, '', 'wrong', AES, 'AES:!!', 'AES:' + 'A'.repeat(22) + '==', 'p'.repeat(2000), 'pässwörd😀', '\u0000');

/** A config naming files in every role, and what each file holds. */
export const filesCase = fc.record({
  names: fc.record({
    caList: fc.constantFrom(...FILE_NAMES), caList2: fc.constantFrom(...FILE_NAMES), clientCert: fc.constantFrom(...FILE_NAMES),
    keyFile: fc.constantFrom(...FILE_NAMES), httpCert: fc.constantFrom(...FILE_NAMES), httpKey: fc.constantFrom(...FILE_NAMES, 'missing.pem', 'certs/../a.pem'),
    chainAsArray: fc.boolean(),
  }),
  files: fc.tuple(...FILE_NAMES.map(() => fc.oneof({ arbitrary: fileSpec, weight: 12 }, { arbitrary: fc.constant(undefined), weight: 1 }))),
  keyPassphrase: passphrase,
  httpPassphrase: passphrase,
  emsVersion: fc.constantFrom('5.3.4', '5.4.0', '5.4.8', '5.5.0'),
  expiryWarningDays: fc.constantFrom(0, 30, 100_000),
  now: fc.constantFrom('2026-06-01T00:00:00Z', '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z', '2026-06-14T23:59:59.999Z'),
});

export type FilesCase = typeof filesCase extends fc.Arbitrary<infer T> ? T : never;

export function filesEntries(c: FilesCase): Map<string, MemoryEntry> {
  const entries = new Map<string, MemoryEntry>([['/ems', { kind: 'directory' }], ['/ems/etc', { kind: 'directory' }], [CERTS, { kind: 'directory' }]]);
  FILE_NAMES.forEach((name, i) => {
    const spec = c.files[i];
    if (!spec) return;
    const bytes = contentBytes(spec.content);
    const entry: MemoryEntry = { kind: spec.kind, bytes, mtimeMs: 1 };
    if (spec.fault) entry.fault = spec.fault;
    if (spec.sizeLie !== undefined) entry.size = spec.sizeLie;
    entries.set(`${CERTS}/${name}`, entry);
  });
  return entries;
}
