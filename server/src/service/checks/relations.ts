// Findings about keys together: companions the schema declares (x-ems-companions), values that contradict
// each other, and settings the rest of the file makes inert.
import type { Node } from 'jsonc-parser';
import { removeProperty } from '../document/edits';
import type { FindingSink } from '../document/findings';
import { childPointer, findProperty, nodeAt, propertiesOf, scalarValue } from '../document/model';
import { defaultNumber, propertySchema, type SchemaNode } from '../document/schema';
import type { Visit } from './shape';
import type { Fix } from '../types';
import { atLeast, formatVersion, type Version } from '../version';

export function checkRelations(root: Node, visits: readonly Visit[], version: Version, sink: FindingSink): void {
  for (const visit of visits) {
    if (visit.node.type === 'object' && visit.schema['x-ems-companions']) companions(visit, version, sink);
  }
  inconsistentValues(root, sink);
  noEffect(root, sink);
  ignoredServers(root, version, sink);
  if (!atLeast(version, ONLY_FIRST_SERVER)) {
    trustsNothing(root, sink);
    mangledPorts(root, sink);
  }
}

/**
 * TLS with validation on and no cert_chain: EMS 5.3.4 refused every platform certificate ("Invalid
 * certificate"), with or without a certificates group, unless self-signed ones were allowed (observed). Later releases were not run, and PTC's SDK
 * mentions a default certificate location, so nothing is said for them.
 */
function trustsNothing(root: Node, sink: FindingSink): void {
  const encryption = scalarValue(nodeAt(root, ['ws_connection', 'encryption']));
  if (typeof encryption === 'string' && encryption.toLowerCase() === 'none') return;
  const certificates = group(root, 'certificates');
  const value = (key: string) => scalarValue(findProperty(certificates.node, key)?.valueNode);
  if (value('validate') === false || findProperty(certificates.node, 'cert_chain')) return;
  // A self-signed certificate is still accepted then (observed): "refuses every certificate" would be untrue.
  if (value('allow_self_signed') === true || value('deny_self_signed') === false) return;
  const key = findProperty(root, 'certificates')?.keyNode;
  sink.add('no-trusted-ca', 'The connection to ThingWorx uses TLS with certificate validation on, but no cert_chain is set: the EMS trusts no CA and refuses every platform certificate ("Invalid certificate", observed on EMS 5.3.4). Set cert_chain to the root CA of the platform\'s certificate.',
    key ?? { offset: root.offset, length: 1 }, key ? certificates.pointer : '', { missing: ['cert_chain'] });
}

/** From 5.4.0 the EMS uses the first ws_servers entry only (Developer's Guide 5.4.0, p. 21). */
const ONLY_FIRST_SERVER = '5.4.0';

/**
 * One ws_servers entry is used, whatever the list says: the first from 5.4.0 (documented), the last on 5.3.4
 * (observed: it connected to the last entry, and not to the first when the last was down). PTC's own gateway
 * example lists a "fallback" server that never is one: say so on every other entry.
 */
function ignoredServers(root: Node, version: Version, sink: FindingSink): void {
  const servers = group(root, 'ws_servers');
  if (servers.node?.type !== 'array') return;
  const entries = servers.node.children ?? [];
  const first = atLeast(version, ONLY_FIRST_SERVER);
  const used = first ? 0 : entries.length - 1;
  const why = first ? `From EMS ${ONLY_FIRST_SERVER} only the first ws_servers entry is used (Developer's Guide 5.4.0)`
    : `EMS ${formatVersion(version)} uses only the last ws_servers entry (observed on 5.3.4)`;
  for (const [index, entry] of entries.entries()) {
    if (index === used) continue;
    sink.add('ignored-server', `${why}: this one is never tried, so it is no fallback.`, entry, childPointer(servers.pointer, index), {
      fixes: [{ title: 'Remove this entry', edits: [removeProperty(sink, servers.node, entry, index)] }],
    });
  }
}

/** The lowest ws_servers port EMS 5.3.4 does not connect to as written (seen with strace: 40443 → 36812). */
const FIRST_MANGLED_PORT = 32768;

function mangledPorts(root: Node, sink: FindingSink): void {
  const servers = group(root, 'ws_servers');
  for (const [index, entry] of (servers.node?.type === 'array' ? servers.node.children ?? [] : []).entries()) {
    const port = findProperty(entry, 'port');
    const value = scalarValue(port?.valueNode);
    if (!port || typeof value !== 'number' || value < FIRST_MANGLED_PORT || value > 65535) continue;
    sink.add('invalid-value', `port is ${value}: EMS 5.3.x connects to another port for ports from ${FIRST_MANGLED_PORT} up (observed on 5.3.4: 40443 became 36812, 65535 became 39321). Use a port below ${FIRST_MANGLED_PORT}, or 443.`,
      port.valueNode!, childPointer(childPointer(servers.pointer, index), port.key));
  }
}

function companions(visit: Visit, version: Version, sink: FindingSink): void {
  const object = visit.node;
  const reported = new Set<string>();
  for (const rule of visit.schema['x-ems-companions'] ?? []) {
    const trigger = findProperty(object, rule.if);
    if (!trigger || !atLeast(version, rule.since)) continue;
    if (rule.equals !== undefined && scalarValue(trigger.valueNode) !== rule.equals) continue;
    const missing = rule.requires.filter((key) => !findProperty(object, key) && !reported.has(key));
    if (!missing.length) continue;
    missing.forEach((key) => reported.add(key));
    const names = missing.map((m) => `"${m}"`).join(' and ');
    const message = rule.message
      ? rule.message.replace('{missing}', names).replace('{is}', missing.length > 1 ? 'are' : 'is')
      : `"${trigger.key}" needs ${names} beside it; the EMS cannot use one without the other.`;
    sink.add('missing-companion', message, trigger.keyNode, childPointer(visit.pointer, trigger.key),
      { missing, fixes: [insertFix(sink, object, visit.schema, missing)] });
  }
}

/** Inserts the missing keys after the last property, each with a placeholder, and selects the first placeholder. */
function insertFix(sink: FindingSink, object: Node, schema: SchemaNode, keys: string[]): Fix {
  const last = object.children?.[object.children.length - 1];
  const text = sink.model.text;
  const anchor = last ?? object;
  const anchorLine = sink.range(anchor).start;
  const lineText = text.slice(anchor.offset - anchorLine.character, anchor.offset);
  const indent = last ? /^[ \t]*/.exec(lineText)![0] : '  ';
  const at = last ? last.offset + last.length : object.offset + 1;
  const entries = keys.map((key) => `"${key}": ${placeholder(propertySchema(schema, key)?.schema)}`);
  const newText = (last ? ',' : '') + entries.map((e) => `\n${indent}${e}`).join(',') + (last ? '' : '\n');
  const start = sink.model.positionAt(at);
  const firstValue = JSON.stringify(keys[0]).length + 2;
  const value = placeholder(propertySchema(schema, keys[0]!)?.schema);
  const quoted = value.startsWith('"') ? 1 : 0;
  const selectStart = { line: start.line + 1, character: indent.length + firstValue + quoted };
  return {
    title: `Add ${keys.map((k) => `"${k}"`).join(' and ')}`,
    edits: [{ range: { start, end: start }, newText }],
    select: { start: selectStart, end: { line: selectStart.line, character: selectStart.character + value.length - 2 * quoted } },
    preferred: true,
  };
}

function placeholder(schema: SchemaNode | undefined): string {
  const example = schema?.examples?.[0];
  if (example !== undefined) return JSON.stringify(example);
  switch (schema?.type) {
    case 'boolean': return 'false';
    case 'integer': case 'number': return '0';
    default: return '""';
  }
}

/** A top-level group as the document spells its key (pointers must resolve in the document). */
function group(root: Node, name: string): { node: Node | undefined; pointer: string } {
  const property = findProperty(root, name);
  return { node: property?.valueNode, pointer: childPointer('', property?.key ?? name) };
}

function inconsistentValues(root: Node, sink: FindingSink): void {
  // No message_chunk_size / max_frame_size rule: no EMS binary we could inspect reads max_frame_size, and 5.3.4
  // started normally with chunks of 16384 to 2,000,000 bytes.
  const ws = group(root, 'ws_connection');
  const file = group(root, 'file');
  const idle = findProperty(file.node, 'idle_timeout');
  const frameRead = findProperty(ws.node, 'frame_read_timeout');
  const idleTimeout = numberOr(idle?.valueNode, undefined);
  const frameTimeout = numberOr(frameRead?.valueNode, defaultNumber(['ws_connection', 'frame_read_timeout']));
  if (idle && idleTimeout !== undefined && frameTimeout !== undefined && idleTimeout <= frameTimeout) {
    sink.add('inconsistent-values', `file.idle_timeout (${idleTimeout}) is not above ws_connection.frame_read_timeout (${frameTimeout}${frameRead ? '' : ', the default'}); the EMS replaces it with 1.2 × frame_read_timeout (${Math.round(frameTimeout * 1.2)}) and logs a warning ("idle_timeout cannont be less than the frame_read_timeout. Setting idle_timeout to 1.2*frame_timeout", observed on 5.3.4, which prints the new value as 0).`,
      idle.valueNode ?? idle.keyNode, childPointer(file.pointer, idle.key));
  }
}

function noEffect(root: Node, sink: FindingSink): void {
  const certificates = group(root, 'certificates');
  if (scalarValue(findProperty(certificates.node, 'validate')?.valueNode) === false) {
    inert(sink, certificates, ['cert_chain', 'validation_criteria', 'allow_self_signed', 'deny_self_signed', 'disable_hostname_validation'], 'certificates.validate is false, so the platform certificate is never checked at all');
  }
  const http = group(root, 'http_server');
  if (scalarValue(findProperty(http.node, 'ssl')?.valueNode) === false) {
    inert(sink, http, ['certificate', 'private_key', 'passphrase'], 'http_server.ssl is false, so the REST server does not use it');
  }
  const ws = group(root, 'ws_connection');
  const encryption = findProperty(ws.node, 'encryption');
  const value = scalarValue(encryption?.valueNode);
  if (typeof value === 'string' && value.toLowerCase() === 'none' && scalarValue(nodeAt(root, ['fips', 'enabled'])) === true) {
    sink.add('no-effect', 'encryption "none" is ignored while fips.enabled is true ("FIPS enabled devices are not allowed to disable encryption").',
      encryption!.valueNode!, childPointer(ws.pointer, encryption!.key));
  }
}

function inert(sink: FindingSink, object: { node: Node | undefined; pointer: string }, keys: string[], why: string): void {
  for (const property of object.node ? propertiesOf(object.node) : []) {
    if (keys.includes(property.key.toLowerCase())) {
      sink.add('no-effect', `${property.key} has no effect: ${why}.`, property.keyNode, childPointer(object.pointer, property.key));
    }
  }
}

function numberOr(node: Node | undefined, fallback: number | undefined): number | undefined {
  const value = scalarValue(node);
  return typeof value === 'number' ? value : fallback;
}
