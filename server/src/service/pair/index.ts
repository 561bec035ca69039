// config.json and the LSR's config.lua in one etc/ folder must agree: the LSR connects to the EMS's REST
// server with rap_*, so host, port, TLS, authentication and trust on one side must match the other
// (docs/lsr-config.md §3). Each finding sits on the file being checked, where it can be fixed, and points at
// the other file's value. The other file is read from disk (bounded) and only parsed: its own checks run when
// it is checked itself.
import * as path from 'node:path';
import type { Node } from 'jsonc-parser';
import { certificatesOf, CertificateMemo, type ParsedPki } from '../../pki';
import type { PkiCache } from '../cache/pki';
import { checkDocument } from '../checks';
import type { FileReference } from '../checks/files';
import { MAX_PKI_FILE_BYTES } from '../checks/read';
import { edgeTrust } from '../connect/plan';
import { verifyChain } from '../connect/verify';
import { decodeConfig } from '../document/decode';
import type { FindingSink } from '../document/findings';
import { findProperty, type Model, nodeAt, propertiesOf } from '../document/model';
import { checkLuaDocument } from '../lua';
import { lsrReading } from '../lua/checks';
import type { FileSystemPort } from '../ports';
import type { Fix, Related } from '../types';
import type { Version } from '../version';
import { Recent } from '../../util/recent';

/** No real config is larger; a bigger sibling is not read. */
const MAX_SIBLING_BYTES = 4 * 1024 * 1024;

export interface PairContext {
  path: string;
  /** The EMS home relative paths of both files are resolved against (the check's). */
  home: string | undefined;
  lsr: boolean;
  model: Model;
  version: Version;
  fs: FileSystemPort;
  cache: PkiCache;
  now: Date;
  sink: FindingSink;
  /** This document's file references (its parsed certificate and CA files). */
  files: readonly FileReference[];
  siblings: SiblingModels;
}

/** The other file's path, when this one is etc/config.json or etc/config.lua. */
export function siblingOf(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const name = path.basename(file).toLowerCase();
  if (name === 'config.json') return path.join(path.dirname(file), 'config.lua');
  if (name === 'config.lua') return path.join(path.dirname(file), 'config.json');
  return undefined;
}

/** Checks this document against its sibling; returns the sibling's path when it was read (to watch it). */
export async function checkPair(context: PairContext): Promise<string | undefined> {
  const other = siblingOf(context.path);
  if (!other) return undefined;
  const theirs = await siblingModel(other, context);
  if (!theirs) return other; // absent or unreadable: nothing to compare, but its creation must re-check this one
  const json = context.lsr ? theirs : context.model;
  const lua = context.lsr ? context.model : theirs;
  if (!json.root || !lua.root) return other;
  const pair = new Pair(context, other, json, lua);
  pair.connection();
  await pair.trust();
  await pair.callback();
  pair.logs();
  return other;
}

type Side = 'json' | 'lua';

/**
 * Parsed siblings by path, kept while size and mtime stay; and, while a port that counts changes reports none
 * (the language server's watchers), the last answer as it is, absent or not: a keystroke touches no disk.
 */
export class SiblingModels extends Recent<{ size: number; mtimeMs: number; version: string; model: Model }> {
  readonly lastAnswer = new Recent<{ generation: number; version: string; model: Model | undefined }>(64);

  constructor() {
    super(64);
  }
}

async function siblingModel(other: string, context: PairContext): Promise<Model | undefined> {
  const generation = context.fs.generation?.();
  const version = context.version.join('.');
  const last = context.siblings.lastAnswer.use(other);
  if (generation !== undefined && last?.generation === generation && last.version === version) return last.model;
  const model = await readSibling(other, context, version);
  if (generation !== undefined) context.siblings.lastAnswer.keep(other, { generation, version, model });
  return model;
}

async function readSibling(other: string, context: PairContext, version: string): Promise<Model | undefined> {
  let stat;
  try {
    stat = await context.fs.stat(other);
  } catch {
    return undefined;
  }
  if (stat.kind !== 'file' || stat.size > MAX_SIBLING_BYTES) return undefined;
  const known = context.siblings.use(other);
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.version === version) return known.model;
  let text: string;
  try {
    text = decodeConfig(await context.fs.readFile(other, MAX_SIBLING_BYTES)).text;
  } catch {
    return undefined;
  }
  const model = (context.lsr ? checkDocument : checkLuaDocument)(text, context.version).model;
  context.siblings.keep(other, { size: stat.size, mtimeMs: stat.mtimeMs, version, model });
  return model;
}

class Pair {
  constructor(private readonly context: PairContext, private readonly other: string, private readonly json: Model, private readonly lua: Model) {}

  connection(): void {
    const ssl = this.jsonValue(['http_server', 'ssl']);
    const rapSsl = this.luaValue('rap_ssl');
    if (typeof ssl?.value === 'boolean' && ssl.value !== cBoolean(rapSsl)) {
      this.mismatch('lsr-ems-mismatch', ssl, rapSsl,
        `http_server.ssl is ${String(ssl.value)} but config.lua's scripts.rap_ssl ${rapSsl ? `is ${rapSsl.raw}` : 'is not set (false)'}: the LSR ${ssl.value ? 'speaks plain HTTP to this TLS server' : 'speaks TLS to this plain HTTP server'} and cannot connect.`,
        `scripts.rap_ssl ${rapSsl ? `is ${rapSsl.raw}` : 'is not set (false)'} but config.json's http_server.ssl is ${String(ssl.value)}: the LSR cannot connect to the EMS's REST server.`,
        // Only towards TLS: a fix never turns it off on the side that has it.
        undefined, { ...(ssl.value ? { lua: 'true' } : { json: 'true' }), luaKey: 'rap_ssl' });
    }
    const port = this.jsonValue(['http_server', 'port']);
    const rapPort = this.luaValue('rap_port');
    const ports = [typeof port?.value === 'number' ? port.value : 8000, rapPort && Number.isFinite(Number(rapPort.value)) ? Number(rapPort.value) : 8000];
    if (ports[0] !== ports[1] && (port || rapPort)) {
      this.mismatch('lsr-ems-mismatch', port, rapPort,
        `The EMS's REST server listens on port ${ports[0]}${port ? '' : ' (the default)'}, but config.lua's scripts.rap_port is ${ports[1]}${rapPort ? '' : ' (the default)'}: the LSR connects to the wrong port.`,
        `scripts.rap_port is ${ports[1]}${rapPort ? '' : ' (the default)'}, but config.json's http_server listens on port ${ports[0]}${port ? '' : ' (the default)'}.`,
        undefined, { json: String(ports[1]), lua: String(ports[0]), luaKey: 'rap_port' });
    }
    const host = this.jsonValue(['http_server', 'host']);
    const rapHost = this.luaValue('rap_host');
    const hosts = [typeof host?.value === 'string' ? host.value : 'localhost', typeof rapHost?.value === 'string' ? rapHost.value : 'localhost'];
    if (hosts[0] !== hosts[1] && hosts[0] !== '0.0.0.0' && (host || rapHost)) {
      // Observed on 5.3.4: "localhost" makes the EMS listen on 127.0.0.1; an LSR whose localhost is ::1 misses it.
      const both = sameHost(hosts[0], hosts[1]);
      this.mismatch(both ? 'lsr-ems-host-loopback' : 'lsr-ems-mismatch', host, rapHost,
        both ? `The EMS listens on ${hosts[0]} and config.lua's scripts.rap_host is ${hosts[1]}: the same machine, unless localhost resolves to ::1 there (the EMS listens on IPv4). Write 127.0.0.1 on both sides.`
          : `The EMS's REST server listens on ${hosts[0]}, but config.lua's scripts.rap_host is ${hosts[1]}.`,
        both ? `scripts.rap_host is ${hosts[1]} and config.json's http_server.host is ${hosts[0]}: the same machine, unless localhost resolves to ::1 here. Write 127.0.0.1 on both sides.`
          : `scripts.rap_host is ${hosts[1]}, but config.json's http_server listens on ${hosts[0]}.`,
        undefined, both
          ? { ...(hosts[0] === 'localhost' ? { json: '"127.0.0.1"' } : {}), ...(hosts[1] === 'localhost' ? { lua: '"127.0.0.1"' } : {}), luaKey: 'rap_host' }
          : { json: JSON.stringify(hosts[1]), lua: JSON.stringify(hosts[0]), luaKey: 'rap_host' });
    }
    const authenticate = this.jsonValue(['http_server', 'authenticate']);
    const rapAuthenticate = this.luaValue('rap_server_authenticate');
    if (authenticate?.value === true && !cBoolean(rapAuthenticate)) {
      this.mismatch('lsr-ems-mismatch', authenticate, rapAuthenticate,
        `http_server.authenticate is true, but config.lua's scripts.rap_server_authenticate ${rapAuthenticate ? `is ${rapAuthenticate.raw}` : 'is not set (false)'}: the LSR sends no credentials and the EMS refuses it.`,
        `scripts.rap_server_authenticate ${rapAuthenticate ? `is ${rapAuthenticate.raw}` : 'is not set (false)'}, but config.json's http_server.authenticate is true: the EMS refuses the LSR's requests.`,
        undefined, { lua: 'true', luaKey: 'rap_server_authenticate' });
    }
    const user = this.jsonValue(['http_server', 'user']);
    const rapUser = this.luaValue('rap_userid');
    if (authenticate?.value === true && typeof user?.value === 'string' && typeof rapUser?.value === 'string' && user.value !== rapUser.value) {
      this.mismatch('lsr-ems-mismatch', user, rapUser,
        `http_server.user is ${JSON.stringify(user.value)}, but config.lua's scripts.rap_userid is ${JSON.stringify(rapUser.value)}: the EMS refuses the LSR.`,
        `scripts.rap_userid is ${JSON.stringify(rapUser.value)}, but config.json's http_server.user is ${JSON.stringify(user.value)}: the EMS refuses the LSR.`,
        undefined, { json: JSON.stringify(rapUser.value), lua: JSON.stringify(user.value), luaKey: 'rap_userid' });
    }
  }

  /** The EMS's REST certificate, as the LSR judges it: by rap_cert_file (signature, not names) and rap_deny_selfsigned. */
  async trust(): Promise<void> {
    const certificate = this.jsonValue(['http_server', 'certificate']);
    const certFile = this.luaValue('rap_cert_file');
    if (!cBoolean(this.luaValue('rap_ssl')) || this.jsonValue(['http_server', 'ssl'])?.value !== true || !certificate) return;
    const chain = await this.pki(certificate, 'json');
    if (!chain?.length) return;
    const leaf = chain[0]!;
    const deny = this.luaValue('rap_deny_selfsigned');
    if (leaf.info.selfSigned && cBoolean(deny)) {
      this.mismatch('lsr-self-signed-refused', certificate, deny,
        `http_server.certificate is self-signed, and config.lua's scripts.rap_deny_selfsigned is ${deny!.raw}: the LSR refuses it. Use a certificate issued by a CA in scripts.rap_cert_file.`,
        `scripts.rap_deny_selfsigned is ${deny!.raw}, and config.json's http_server.certificate is self-signed: the LSR refuses the EMS's certificate.`, 'lua');
    }
    const validate = this.luaValue('rap_validate');
    if (!certFile || leaf.info.selfSigned || (validate && (validate.value === false || validate.value === 'false'))) return;
    const anchors = await this.pki(certFile, 'lua');
    if (!anchors) return;
    const verdict = verifyChain(chain, anchors, this.context.now, new CertificateMemo());
    if (!verdict.errors.some((error) => UNANCHORED.has(error.name))) return;
    const top = verdict.path[verdict.path.length - 1]!.info;
    const issuer = JSON.stringify(top.selfSigned ? top.subjectCN ?? top.subject : top.issuerCN ?? top.issuer);
    this.mismatch('lsr-ca-missing', certificate, certFile,
      `The LSR validates this certificate with config.lua's scripts.rap_cert_file, which does not hold its CA ${issuer} (checked by signature): the LSR refuses the EMS.`,
      `scripts.rap_cert_file does not hold ${issuer}, the CA that issued config.json's http_server.certificate (checked by signature): the LSR refuses the EMS's certificate. Add that CA to it.`, 'lua');
  }

  /**
   * The EMS calling the LSR's own server back (docs/lsr-config.md §3): the LSR registers its Things with the
   * protocol it serves, so only an auto_bind entry written at its host and port can disagree; over https the
   * EMS validates the LSR's certificate with its edge CA list.
   */
  async callback(): Promise<void> {
    const version = this.context.version;
    const sslValue = this.luaValue('script_resource_ssl');
    const ssl = lsrReading('script_resource_ssl', sslValue?.node, version);
    if (typeof ssl !== 'boolean') return;
    const written = lsrReading('script_resource_host', this.luaValue('script_resource_host')?.node, version);
    const port = lsrReading('script_resource_port', this.luaValue('script_resource_port')?.node, version);
    // template.lua:551 registers 0.0.0.0 as 127.0.0.1.
    const host = written === '0.0.0.0' ? '127.0.0.1' : written;
    const binds = nodeAt(this.json.root, ['auto_bind']);
    for (const [index, entry] of (binds?.type === 'array' ? binds.children ?? [] : []).entries()) {
      if (entry.type !== 'object') continue;
      const entryHost = nodeAt(entry, ['host'])?.value ?? 'localhost';
      const entryPort = nodeAt(entry, ['port'])?.value ?? 8001;
      if (entryPort !== port || !sameHost(entryHost, host)) continue;
      const protocolNode = nodeAt(entry, ['protocol']);
      const protocol = protocolNode?.value ?? 'http';
      if (typeof protocol !== 'string' || (protocol === 'https') === ssl) continue;
      const label = `auto_bind[${index}]`;
      const at: Value = protocolNode ? { node: protocolNode, value: protocol, raw: JSON.stringify(protocol), pointer: `/auto_bind/${index}/protocol` }
        : { node: entry, value: null, raw: '', pointer: `/auto_bind/${index}` };
      const serves = ssl ? 'https' : 'plain http';
      this.mismatch('lsr-auto-bind-mismatch', at, sslValue,
        `${label} points at the LSR's own server (${String(host)}:${String(port)}) with protocol "${protocol}", but config.lua's scripts.script_resource_ssl makes it serve ${serves}: the EMS's requests over this entry fail.`,
        `scripts.script_resource_ssl makes the LSR's server speak ${serves}, but config.json's ${label} calls it at ${String(host)}:${String(port)} with protocol "${protocol}": those requests fail.`,
        // Only towards TLS, and only where the protocol is written.
        undefined, ssl && protocolNode ? { json: '"https"', luaKey: 'script_resource_ssl' } : undefined);
    }
    if (ssl) await this.callbackTrust();
  }

  /** On config.json, where the CA list is fixed: it must hold the CA of the LSR's certificate chain (by signature). */
  private async callbackTrust(): Promise<void> {
    const version = this.context.version;
    const chainValue = this.luaValue('script_resource_certificate_chain');
    if (this.context.lsr || !chainValue || lsrReading('script_resource_certificate_chain', chainValue.node, version) === undefined) return;
    if (lsrReading('script_resource_use_default_certificate', this.luaValue('script_resource_use_default_certificate')?.node, version) === true) return;
    const trust = edgeTrust(this.json.root!, version, this.context.files);
    // No list, or one this release cannot read, or validation off: other findings say so; this one says less.
    if (!trust.validate || trust.anchorNote || !trust.anchors.length || trust.anchors.some((anchor) => !anchor.reference?.parsed)) return;
    const chain = await this.pki(chainValue, 'lua');
    if (!chain?.length) return;
    const anchors = trust.anchors.flatMap((anchor) => certificatesOf(anchor.reference!.parsed!));
    const verdict = verifyChain(chain, anchors, this.context.now, new CertificateMemo());
    if (!verdict.errors.some((error) => UNANCHORED.has(error.name))) return;
    const top = verdict.path[verdict.path.length - 1]!.info;
    const issuer = JSON.stringify(top.selfSigned ? top.subjectCN ?? top.subject : top.issuerCN ?? top.issuer);
    const setting = `certificates.${trust.anchorSetting}`;
    const list = nodeAt(this.json.root, ['certificates', trust.anchorSetting])!;
    this.mismatch('lsr-callback-ca-missing', { node: list, value: null, raw: '', pointer: `/certificates/${trust.anchorSetting}` }, chainValue,
      `The EMS calls the LSR's server back over https and validates its certificate with ${setting}, which does not hold ${issuer}, the CA that issued config.lua's scripts.script_resource_certificate_chain (checked by signature): the EMS most likely refuses the LSR. Add that CA to it.`,
      `config.json's ${setting} does not hold ${issuer}, the CA of scripts.script_resource_certificate_chain.`, 'json');
  }

  logs(): void {
    const ems = this.jsonValue(['logger', 'publish_directory']);
    const lsr = this.luaValue('log_publish_directory');
    if (typeof ems?.value === 'string' && ems.value === lsr?.value) {
      this.mismatch('lsr-log-directory-shared', ems, lsr,
        `logger.publish_directory is also config.lua's scripts.log_publish_directory: the EMS and the LSR name their log files alike and overwrite each other's (Guide 5.4.0 p.82).`,
        `scripts.log_publish_directory is also config.json's logger.publish_directory: the EMS and the LSR overwrite each other's log files (Guide 5.4.0 p.82).`);
    }
  }

  /**
   * A finding on this document's side (`only`: when the fix is there alone), pointing at the other file's value.
   * `json`/`lua` are the two values; a missing one is the `scripts` table or the whole document.
   */
  private mismatch(code: Parameters<FindingSink['add']>[0], json: Value | undefined, lua: Value | undefined, jsonMessage: string, luaMessage: string, only?: Side, agree?: Agree): void {
    const here: Side = this.context.lsr ? 'lua' : 'json';
    if (only && only !== here) return;
    const [mine, theirs] = here === 'json' ? [json, lua] : [lua, json];
    const at = mine?.node ?? this.fallback(here);
    const theirModel = here === 'json' ? this.lua : this.json;
    const theirNode = theirs?.node ?? this.fallback(here === 'json' ? 'lua' : 'json');
    const related: Related = { path: this.other, range: theirModel.rangeOf(theirNode.offset, theirNode.length), message: theirs ? 'the other side' : 'the other file (the key is not set)' };
    const fix = this.agreeing(here, mine, agree);
    this.context.sink.add(code, here === 'json' ? jsonMessage : luaMessage, at, mine?.pointer ?? '', { related: [related], ...(fix ? { fixes: [fix] } : {}) });
  }

  /** The edit that makes this side say what the other does: the value replaced, or a config.lua line added. */
  private agreeing(here: Side, mine: Value | undefined, agree: Agree | undefined): Fix | undefined {
    const text = agree?.[here];
    if (!agree || text === undefined) return undefined;
    const model = this.context.model;
    const other = here === 'json' ? 'config.lua' : 'config.json';
    if (mine) return { title: `Make it agree with ${other} (${text})`, edits: [{ range: model.rangeOf(mine.node.offset, mine.node.length), newText: text }], preferred: true };
    if (here !== 'lua') return undefined;
    const end = model.text.length;
    const line = `${model.text.endsWith('\n') || end === 0 ? '' : '\n'}scripts.${agree.luaKey} = ${text}\n`;
    return { title: `Add scripts.${agree.luaKey} = ${text}, as config.json has it`, edits: [{ range: model.rangeOf(end, 0), newText: line }], preferred: true };
  }

  private fallback(side: Side): Node {
    const model = side === 'json' ? this.json : this.lua;
    const node = side === 'lua' ? findProperty(model.root, 'scripts')?.keyNode : undefined;
    return node ?? model.root ?? { type: 'object', offset: 0, length: 0 };
  }

  private jsonValue(keys: readonly string[]): Value | undefined {
    const node = nodeAt(this.json.root, keys);
    return node && node.type !== 'object' && node.type !== 'array' ? { node, value: node.value as Scalar, raw: JSON.stringify(node.value), pointer: `/${keys.join('/')}` } : undefined;
  }

  /** Lua keys are case-sensitive: the exact key only. */
  private luaValue(key: string): Value | undefined {
    const scripts = findProperty(this.lua.root, 'scripts')?.valueNode;
    const node = scripts ? propertiesOf(scripts).find((property) => property.key === key)?.valueNode : undefined;
    return node && node.type !== 'object' ? { node, value: node.value as Scalar, raw: node.type === 'string' ? JSON.stringify(node.value) : String(node.value), pointer: `/scripts/${key}` } : undefined;
  }

  /** A certificate setting's file, parsed through the cache: this document's reference, else read from disk. */
  private async pki(value: Value, side: Side): Promise<ReturnType<typeof certificatesOf> | undefined> {
    const here: Side = this.context.lsr ? 'lua' : 'json';
    let parsed: ParsedPki | undefined;
    if (side === here) {
      parsed = this.context.files.find((file) => file.pointer === value.pointer)?.parsed;
    } else if (typeof value.value === 'string') {
      const file = path.resolve(this.context.home ?? path.dirname(this.context.path), value.value);
      try {
        parsed = await this.context.cache.parsed(file, await this.context.fs.stat(file), () => this.context.fs.readFile(file, MAX_PKI_FILE_BYTES));
      } catch {
        return undefined;
      }
    }
    return parsed ? certificatesOf(parsed) : undefined;
  }
}

type Scalar = string | number | boolean | null;

/** OpenSSL's errors for a chain that reaches none of the trusted certificates. */
const UNANCHORED = new Set(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

const LOOPBACK = new Set(['localhost', '127.0.0.1']);

function sameHost(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'string' && typeof b === 'string' && LOOPBACK.has(a.toLowerCase()) && LOOPBACK.has(b.toLowerCase()));
}

/** What each side would write to agree with the other (absent: no fix on that side), and the config.lua key. */
interface Agree {
  json?: string;
  lua?: string;
  luaKey: string;
}

interface Value {
  node: Node;
  value: Scalar;
  raw: string;
  pointer: string;
}

/** How the LSR's binary reads its C booleans: true, or the exact string "true" (docs/lsr-config.md §1). */
function cBoolean(value: Value | undefined): boolean {
  return value?.value === true || value?.value === 'true';
}
