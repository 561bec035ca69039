// Completion on the text as typed: keys of the object at the cursor, values of the key before it, and the
// certificate and key files under the EMS home for values that name a file. The document is usually broken
// while someone types, so the place is read from tokens around the cursor (jsonc-parser's scanner) and the
// path from getLocation, never from a successful parse. Everything the entries say comes from the schema
// and from the files themselves; nothing here holds or shows key material (ParsedPki has none).
import * as path from 'node:path';
import { createScanner, getLocation, ScanError, type Segment, SyntaxKind } from 'jsonc-parser';
import type { CertInfo, ParsedPki } from '../../pki';
import { code } from './describe';
import { PKI_EXTENSIONS } from '../checks/files';
import { readPkiFile } from '../checks/read';
import type { CheckResult } from '../target/result';
import { isRemoteWindowsPath } from '../document/home';
import { type Model, nodeAt, propertiesOf } from '../document/model';
import type { PkiCache } from '../cache/pki';
import type { FileSystemPort } from '../ports';
import { allowedTypes, alternativeFor, type FileRole, schemaAt, type SchemaNode } from '../document/schema';
import type { Edit, Position, Range } from '../types';
import { atLeast, atMost, before, formatVersion, parseVersion, type Version } from '../version';
import { capitalize, clip, isoDate } from '../../util/text';
import { LSR_READINGS, LSR_SCHEMA, lsrReads } from '../lua/checks';

export interface CompletionEntry {
  label: string;
  kind: 'property' | 'value' | 'file' | 'folder';
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What replaces `range`; snippet syntax ($1, ${1:text}, ${1|a,b|}) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  range: Range;
  sortText?: string;
  filterText?: string;
  /** A comma the new member needs after the one before it. */
  additionalEdits?: Edit[];
  /** A key the target release no longer reads (shown struck through). */
  deprecated?: boolean;
  /** A folder: the adapter should open the suggestions again after inserting it, to continue the path. */
  retrigger?: boolean;
}

export interface CompletionPorts {
  fs: FileSystemPort;
  cache: PkiCache;
}

/** Folders are listed, never descended into; a huge one is cut here (names matching what is typed first). */
const MAX_FOLDER_ENTRIES = 200;
/** Names read from a file (untrusted text) in a one-line completion detail are clipped to this. */
const MAX_DETAIL_NAME = 80;

export async function complete(result: CheckResult, position: Position, ports: CompletionPorts): Promise<CompletionEntry[]> {
  const model = result.document.model;
  const site = locate(model.text, model.offsetAt(position));
  if (!site) return [];
  const context: Context = { result, model, site, version: parseVersion(result.target.release)!, range: model.rangeOf(site.start, site.end - site.start) };
  const schema = schemaAt(site.path);
  if (!schema) return [];
  if (site.kind === 'key') return keyEntries(context, schema);
  const file = alternativeFor(schema, 'string')?.['x-ems-file'];
  return file ? pathEntries(context, file.holds, ports) : valueEntries(context, schema);
}

// ---------------------------------------------------------------------------------------------------------
// Where the cursor is

interface Token {
  kind: SyntaxKind;
  offset: number;
  end: number;
  /** A string without its closing quote (the scanner stops it at the line end). */
  unterminated: boolean;
}

/** What the cursor completes, and the text a completion replaces. */
interface Site {
  kind: 'key' | 'value';
  /** The object whose keys are completed, or the value (a key or an array index last). */
  path: Segment[];
  /** The cursor. */
  offset: number;
  /** The word or string being typed, if any. */
  token: Token | undefined;
  start: number;
  end: number;
  /** Another member follows: the inserted one needs a comma after it. */
  commaAfter: boolean;
  /** The member before has no comma after it (the user is on a new line after a value): where it goes. */
  commaBefore: number | undefined;
  /** The key is already followed by a colon: complete the key alone. */
  keyOnly: boolean;
}

interface Context {
  result: CheckResult;
  model: Model;
  site: Site;
  version: Version;
  range: Range;
}

function locate(text: string, offset: number): Site | undefined {
  const around = tokensAround(text, offset);
  if (!around) return undefined; // inside a comment
  const { previous, token, next } = around;
  const location = getLocation(text, offset);
  const last = location.path[location.path.length - 1];
  const base = {
    offset, token, start: token?.offset ?? offset, end: token ? (token.unterminated ? offset : token.end) : offset,
    commaAfter: next !== undefined && !ENDS_MEMBER.has(next.kind), commaBefore: undefined, keyOnly: next?.kind === SyntaxKind.ColonToken,
  };
  const key = (commaBefore?: number): Site => ({ ...base, kind: 'key', path: location.path.slice(0, -1), commaBefore, commaAfter: base.commaAfter && !base.keyOnly });
  const value = (commaBefore?: number): Site => ({ ...base, kind: 'value', path: location.path, commaBefore, keyOnly: false });
  if (!previous) return undefined; // a top-level value: nothing to offer
  switch (previous.kind) {
    case SyntaxKind.ColonToken:
      return typeof last === 'string' && !location.isAtPropertyKey ? value() : undefined;
    case SyntaxKind.OpenBraceToken:
      return location.isAtPropertyKey ? key() : undefined;
    case SyntaxKind.OpenBracketToken:
      return typeof last === 'number' ? value() : undefined;
    case SyntaxKind.CommaToken:
      return typeof last === 'number' ? value() : location.isAtPropertyKey ? key() : undefined;
    default:
      // After a complete value with no comma yet (a new line after `"validate": true`): a new member.
      // After a key without its colon, there is nothing to offer.
      if (!ENDS_VALUE.has(previous.kind) || location.isAtPropertyKey) return undefined;
      return typeof last === 'number' ? value(previous.end) : key(previous.end);
  }
}

const ENDS_MEMBER = new Set([SyntaxKind.CommaToken, SyntaxKind.CloseBraceToken, SyntaxKind.CloseBracketToken, SyntaxKind.ColonToken]);
const ENDS_VALUE = new Set([SyntaxKind.StringLiteral, SyntaxKind.NumericLiteral, SyntaxKind.TrueKeyword, SyntaxKind.FalseKeyword,
  SyntaxKind.NullKeyword, SyntaxKind.CloseBraceToken, SyntaxKind.CloseBracketToken]);
const WORDS = new Set([SyntaxKind.NumericLiteral, SyntaxKind.TrueKeyword, SyntaxKind.FalseKeyword, SyntaxKind.NullKeyword, SyntaxKind.Unknown]);

/** The significant tokens before, at and after the cursor; undefined when the cursor is in a comment. */
function tokensAround(text: string, offset: number): { previous?: Token; token?: Token; next?: Token } | undefined {
  const scanner = createScanner(text, false);
  let previous: Token | undefined;
  let token: Token | undefined;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    const start = scanner.getTokenOffset();
    const current: Token = { kind, offset: start, end: start + scanner.getTokenLength(), unterminated: kind === SyntaxKind.StringLiteral && scanner.getTokenError() === ScanError.UnexpectedEndOfString };
    if (kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) {
      if (start < offset && (offset < current.end || (offset === current.end && kind === SyntaxKind.LineCommentTrivia))) return undefined;
      continue;
    }
    if (kind === SyntaxKind.Trivia || kind === SyntaxKind.LineBreakTrivia) continue;
    if (isTypedAt(current, offset)) token = current;
    else if (current.end <= offset) previous = current;
    else return { previous, token, next: current };
  }
  return { previous, token };
}

/** The cursor is in the token or right at the end of a word or an unterminated string being typed. */
function isTypedAt(token: Token, offset: number): boolean {
  if (token.offset >= offset || token.end < offset) return false;
  if (token.end > offset) return token.kind === SyntaxKind.StringLiteral || WORDS.has(token.kind);
  return WORDS.has(token.kind) || token.unterminated;
}

// ---------------------------------------------------------------------------------------------------------
// Keys

function keyEntries(context: Context, objectSchema: SchemaNode): CompletionEntry[] {
  const properties = alternativeFor(objectSchema, 'object')?.properties ?? {};
  const present = presentKeys(context);
  return Object.entries(properties).flatMap(([key, schema], index) =>
    schema['x-ems-unknown'] || schema['x-ems-undocumented'] || present.has(key.toLowerCase()) ? [] : [keyEntry(context, key, schema, index)]);
}

/** Keys already in the object, as the EMS compares them (ignoring case); not the one being typed. */
function presentKeys({ model, site }: Context): Set<string> {
  const object = nodeAt(model.root, site.path);
  if (object?.type !== 'object') return new Set();
  return new Set(propertiesOf(object).filter((p) => p.keyNode.offset !== site.token?.offset).map((p) => p.key.toLowerCase()));
}

function keyEntry(context: Context, key: string, schema: SchemaNode, index: number): CompletionEntry {
  const { site, version } = context;
  const note = versionNote(schema, version);
  const value = site.keyOnly ? '' : `: ${valueSnippet(schema, version)}`;
  const entry: CompletionEntry = {
    label: key,
    kind: 'property',
    detail: [typeText(schema), note].filter(Boolean).join(' · '),
    insertText: snippetText(JSON.stringify(key)) + value + (site.commaAfter ? ',' : ''),
    snippet: true,
    range: context.range,
    // Schema order keeps related keys together; keys the target release does not read go last.
    sortText: `${note ? 1 : 0}${String(index).padStart(3, '0')}`,
    filterText: filterText(context, JSON.stringify(key), key),
  };
  const description = schema.markdownDescription ?? schema.description;
  const hint = schema['x-ems-removedHint'];
  const documentation = [note && `**${capitalize(note)}**${hint && note.startsWith('not') ? `: ${hint}` : ''}.`, description].filter(Boolean).join('\n\n');
  if (documentation) entry.documentation = documentation;
  if (schema['x-ems-removed'] && atLeast(version, schema['x-ems-removed'])) entry.deprecated = true;
  return withCommaBefore(context, entry);
}

function versionNote(schema: SchemaNode, version: Version): string | undefined {
  const removed = schema['x-ems-removed'];
  const since = schema['x-ems-since'];
  if (removed && atLeast(version, removed)) return `not read since EMS ${removed} (target ${formatVersion(version)})`;
  if (since && before(version, since)) return `read from EMS ${since} (target ${formatVersion(version)})`;
  if (atMost(version, schema['x-ems-unreadThrough'])) return `not read by EMS ${formatVersion(version)}`;
  return undefined;
}

/** The value a new key starts with: the default, else an example, else a placeholder of its type. */
function valueSnippet(schema: SchemaNode, version: Version): string {
  // cert_chain is a string from 5.4.0 and an array before: start with the form the target reads.
  const form = schema.anyOf?.find((alternative) => !before(version, alternative['x-ems-since'])) ?? schema;
  const sample = [schema.default, form.default, schema.examples?.[0], form.examples?.[0]].find((v) => v !== undefined && alternativeFor(form, jsonType(v)));
  if (typeof sample === 'string') return `"\${1:${snippetText(JSON.stringify(sample).slice(1, -1))}}"`;
  if (sample !== undefined) return `\${1:${snippetText(inlineJson(sample))}}`;
  const strings = (form.enum ?? form['x-ems-choices'])?.filter((e): e is string => typeof e === 'string');
  if (strings?.length) return `"\${1|${strings.map(choiceText).join(',')}|}"`;
  const types = allowedTypes(form);
  if (types.includes('boolean')) return '${1|true,false|}';
  if (types.includes('object')) return '{$1}';
  if (types.includes('array')) return form.items && allowedTypes(form.items).includes('string') ? '["$1"]' : '[$1]';
  if (types.includes('string')) return '"$1"';
  return '$1';
}

function typeText(schema: SchemaNode): string {
  return [...new Set(allowedTypes(schema))].join(' or ');
}

// ---------------------------------------------------------------------------------------------------------
// Values

interface ValueChoice {
  value: string | number | boolean;
  /** What the EMS says when it runs with this value (an x-ems-when rule that applies to the target). */
  warning?: string;
}

function valueEntries(context: Context, schema: SchemaNode): CompletionEntry[] {
  const choices = new Map<string, ValueChoice>();
  const add = (value: unknown) => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') choices.set(JSON.stringify(value), { value });
  };
  if (schema.default !== undefined) add(schema.default);
  for (const alternative of schema.anyOf ?? [schema]) {
    (alternative.enum ?? alternative['x-ems-choices'])?.forEach(add);
    if (allowedTypes(alternative).includes('boolean')) [true, false].forEach(add);
  }
  for (const rule of schema['x-ems-when'] ?? []) {
    const choice = choices.get(JSON.stringify(rule.equals));
    if (choice && atLeast(context.version, rule.since) && !(rule.until && !before(context.version, rule.until))) {
      choice.warning = rule.message.replace('{version}', formatVersion(context.version));
    }
  }
  return [...choices.entries()].map(([json, choice], index) => valueEntry(context, json, choice, choice.value === schema.default, index));
}

function valueEntry(context: Context, json: string, choice: ValueChoice, isDefault: boolean, index: number): CompletionEntry {
  const entry: CompletionEntry = {
    label: json,
    kind: 'value',
    insertText: json + (context.site.commaAfter ? ',' : ''),
    snippet: false,
    range: context.range,
    // The default first, values the EMS warns about last.
    sortText: `${isDefault ? 0 : choice.warning ? 2 : 1}${String(index).padStart(3, '0')}`,
    filterText: filterText(context, json, String(choice.value)),
  };
  if (isDefault) entry.detail = 'default';
  if (choice.warning) entry.documentation = `⚠ ${choice.warning}`;
  return withCommaBefore(context, entry);
}

// ---------------------------------------------------------------------------------------------------------
// Files

/** The folder being listed and the part of the path a chosen entry replaces. */
interface PathSite {
  folder: string;
  /** What is typed of the entry's name so far: names starting with it are listed first. */
  prefix: string;
  start: number;
  end: number;
  inString: boolean;
  /** A separator follows the replaced name: a folder is inserted without its own. */
  separatorFollows: boolean;
}

async function pathEntries(context: Context, role: FileRole, ports: CompletionPorts): Promise<CompletionEntry[]> {
  const where = pathSite(context, ports.fs.platform);
  // Never list a folder on another machine (Windows would sign in to it).
  if (!where || (ports.fs.platform === 'win32' && isRemoteWindowsPath(where.folder))) return [];
  const range = context.model.rangeOf(where.start, where.end - where.start);
  const names = (await ports.fs.readDirectory(where.folder))
    .sort((a, b) => Number(!startsWith(a, where.prefix)) - Number(!startsWith(b, where.prefix)) || a.localeCompare(b))
    .slice(0, MAX_FOLDER_ENTRIES);
  const hostPath = ports.fs.platform === 'win32' ? path.win32 : path.posix;
  const entries = await Promise.all(names.map((name) => pathEntry(context, where, role, hostPath.join(where.folder, name), name, range, ports)));
  return entries.filter((e): e is CompletionEntry => e !== undefined);
}

function pathSite({ model, site, result }: Context, platform: FileSystemPort['platform']): PathSite | undefined {
  const token = site.token;
  const inString = token?.kind === SyntaxKind.StringLiteral;
  const typed = inString ? model.text.slice(token.offset + 1, site.offset) : '';
  const separator = platform === 'win32' ? /[\\/]/ : /\//;
  const cut = lastMatch(typed, separator);
  const folderText = decodeJson(typed.slice(0, cut + 1));
  const prefix = decodeJson(typed.slice(cut + 1));
  if (folderText === undefined || prefix === undefined) return undefined;
  const hostPath = platform === 'win32' ? path.win32 : path.posix;
  const folder = hostPath.isAbsolute(folderText) ? folderText : result.home && hostPath.resolve(result.home, folderText);
  if (!folder) return undefined; // relative, and nothing to resolve it against
  if (!inString) return { folder, prefix, start: site.start, end: site.end, inString, separatorFollows: false };
  // Inside a string the entry replaces one name of the path: from the last separator to the next one.
  const start = token.offset + 1 + cut + 1;
  const contentEnd = token.unterminated ? site.offset : token.end - 1;
  const nextSeparator = model.text.slice(site.offset, contentEnd).search(separator);
  const end = nextSeparator < 0 ? contentEnd : site.offset + nextSeparator;
  return { folder, prefix, start, end, inString, separatorFollows: nextSeparator >= 0 };
}

async function pathEntry(context: Context, where: PathSite, role: FileRole, file: string, name: string, range: Range, ports: CompletionPorts): Promise<CompletionEntry | undefined> {
  if (!PKI_EXTENSIONS.has(path.extname(name).toLowerCase())) {
    const stat = await ports.fs.stat(file).catch(() => undefined);
    return stat?.kind === 'directory' ? folderEntry(context, where, name, range) : undefined;
  }
  const read = await readPkiFile(file, ports.fs, ports.cache);
  if (read.kind === 'directory') return folderEntry(context, where, name, range);
  let facts: FileFacts;
  if (read.kind === 'parsed') facts = describePki(read.parsed, role, context.result.now);
  else if (read.kind === 'empty') facts = { detail: 'empty', rank: 3 };
  else if (read.kind === 'failed' && read.stat) facts = { detail: 'cannot be read', rank: 3 }; // stat-ed, then not read
  else return undefined;
  const entry: CompletionEntry = {
    label: name,
    kind: 'file',
    detail: facts.detail,
    documentation: [code(file, 1000), facts.documentation].filter(Boolean).join('\n\n'),
    insertText: where.inString
      ? jsonText(name) + (context.site.token?.unterminated ? '"' : '')
      : JSON.stringify(name) + (context.site.commaAfter ? ',' : ''),
    snippet: false,
    range,
    sortText: `${facts.rank}${name}`,
    filterText: name,
  };
  return withCommaBefore(context, entry);
}

function folderEntry(context: Context, where: PathSite, name: string, range: Range): CompletionEntry {
  const entry: CompletionEntry = {
    label: `${name}/`,
    kind: 'folder',
    detail: 'folder',
    insertText: where.inString
      ? jsonText(name) + (where.separatorFollows ? '' : '/')
      : `"${snippetText(jsonText(name))}/$1"${context.site.commaAfter ? ',' : ''}`,
    snippet: !where.inString,
    range,
    sortText: `1${name}`,
    filterText: name,
  };
  if (!where.separatorFollows) entry.retrigger = true;
  return withCommaBefore(context, entry);
}

interface FileFacts {
  detail: string;
  documentation?: string;
  /** 0: holds what the setting needs; 2: other certificates or keys; 3: nothing usable. */
  rank: number;
}

/** What a file holds, in a few words: "CA certificates (2), expires 2035-01-01", "private key, encrypted". */
function describePki(parsed: ParsedPki, role: FileRole, now: Date): FileFacts {
  if (parsed.encoding === 'pkcs12') return { detail: 'PKCS#12 (key and certificates, locked)', rank: 2 };
  const { certificates, keys } = parsed;
  const parts = [certificatesText(certificates), keysText(parsed)].filter(Boolean);
  if (!parts.length) {
    const what = parsed.otherBlocks.length ? `holds ${clip(parsed.otherBlocks.join(', '), MAX_DETAIL_NAME)}` : 'not a certificate or key';
    return { detail: what, rank: 3 };
  }
  const firstExpiry = certificates.map((c) => c.notAfter).sort((a, b) => a.getTime() - b.getTime())[0];
  const expiry = firstExpiry ? `, ${firstExpiry < now ? 'expired' : 'expires'} ${isoDate(firstExpiry)}` : '';
  const damaged = parsed.problems.length ? `, ${parsed.problems.length} damaged block${parsed.problems.length > 1 ? 's' : ''}` : '';
  const documentation = [
    ...certificates.slice(0, 5).map((c) => `- ${code(c.subjectCN ?? c.subject)}: ${c.isCA ? 'CA, ' : ''}${c.publicKey}, ${isoDate(c.notBefore)} … ${isoDate(c.notAfter)}`),
    ...(certificates.length > 5 ? [`- … and ${certificates.length - 5} more`] : []),
    ...keys.map((k) => `- private key: ${k.encrypted ? 'encrypted' : k.description}`),
  ].join('\n');
  return { detail: parts.join(' + ') + expiry + damaged, documentation, rank: fits(parsed, role) ? 0 : 2 };
}

function certificatesText(certificates: readonly CertInfo[]): string {
  if (!certificates.length) return '';
  const count = certificates.length > 1 ? ` (${certificates.length})` : '';
  if (certificates.every((c) => c.isCA)) return `CA certificate${count ? 's' : ''}${count}`;
  const leaf = certificates[0]!;
  if (leaf.isCA) return `certificates${count}`; // a mixed list, not a chain that starts with its leaf
  return `certificate${count ? ' chain' : ''}${count} for ${clip(leaf.subjectCN ?? leaf.subject, MAX_DETAIL_NAME)}`;
}

function keysText({ keys }: ParsedPki): string {
  if (!keys.length) return '';
  if (keys.length > 1) return `private keys (${keys.length})`;
  return keys[0]!.encrypted ? 'private key, encrypted' : `private key (${keys[0]!.description})`;
}

/** The file holds what the setting needs: ranked first. */
function fits({ certificates, keys, problems }: ParsedPki, role: FileRole): boolean {
  switch (role) {
    case 'ca-list': return certificates.length > 0 && certificates.every((c) => c.isCA) && !keys.length && !problems.length;
    case 'identity-chain': return certificates.length > 0 && !certificates[0]!.isCA && !keys.length;
    case 'private-key': return keys.length > 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Text helpers

/** A new member on the line after a value that has no comma yet: the comma goes after that value. */
function withCommaBefore({ model, site }: Context, entry: CompletionEntry): CompletionEntry {
  if (site.commaBefore !== undefined) entry.additionalEdits = [{ range: model.rangeOf(site.commaBefore, 0), newText: ',' }];
  return entry;
}

/** The client filters on the replaced text: with its opening quote when a string is replaced. */
function filterText({ model, site }: Context, quoted: string, plain: string): string {
  return model.text[site.start] === '"' ? quoted : plain;
}

/** Text for a snippet, where $, } and \ are syntax. */
function snippetText(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

function choiceText(text: string): string {
  return text.replace(/[\\$}|,]/g, '\\$&');
}

/** A string's content as JSON writes it (without the quotes). */
function jsonText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function decodeJson(content: string): string | undefined {
  try {
    return JSON.parse(`"${content}"`) as string;
  } catch {
    return undefined; // an escape cut in half: nothing sensible to list
  }
}

/** Defaults and examples on one line: `[ { "host": "twx.example.com", "port": 443 } ]`. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
}

function jsonType(value: unknown): 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as 'string' | 'boolean' | 'object';
}

function lastMatch(text: string, pattern: RegExp): number {
  for (let i = text.length - 1; i >= 0; i--) if (pattern.test(text[i]!)) return i;
  return -1;
}

function startsWith(name: string, prefix: string): boolean {
  return name.toLowerCase().startsWith(prefix.toLowerCase());
}

/**
 * config.lua: after `scripts.`, the LSR's settings the target release reads (with how it reads each); after
 * `scripts.<boolean setting> = `, true and false. Text-based: the line up to the cursor, as a Lua file half typed
 * does not parse.
 */
export function luaComplete(result: CheckResult, position: Position): CompletionEntry[] {
  const { model } = result.document;
  const offset = model.offsetAt(position);
  const line = model.text.slice(model.offsetAt({ line: position.line, character: 0 }), offset);
  const version = parseVersion(result.target.release)!;
  const key = /scripts\.([A-Za-z_]\w*)?$/.exec(line);
  if (key) {
    const typed = key[1] ?? '';
    const range = model.rangeOf(offset - typed.length, typed.length);
    return Object.entries(LSR_SCHEMA.settings).filter(([, setting]) => lsrReads(setting, version)).map(([name, setting]) => ({
      label: name, kind: 'property' as const, detail: LSR_READINGS[setting['x-lsr-read']], documentation: setting.description,
      insertText: name, snippet: false, range,
    }));
  }
  const value = /scripts\.([A-Za-z_]\w*)\s*=\s*([a-z]*)$/.exec(line);
  const setting = value ? LSR_SCHEMA.settings[value[1]!] : undefined;
  if (!value || !setting || !/boolean/.test(setting['x-lsr-read'])) return [];
  const range = model.rangeOf(offset - value[2]!.length, value[2]!.length);
  return ['true', 'false'].map((word) => ({ label: word, kind: 'value' as const, insertText: word, snippet: false, range, ...(setting.default !== undefined && String(setting.default) === word ? { detail: 'the default when not set' } : {}) }));
}