// Findings about keys together: companions the schema declares (x-ems-companions), values that contradict
// each other, and settings the rest of the file makes inert.
import type { Node } from 'jsonc-parser';
import type { FindingSink } from '../document/findings';
import { childPointer, findProperty, nodeAt, propertiesOf, scalarValue } from '../document/model';
import { defaultNumber, propertySchema, type SchemaNode } from '../document/schema';
import type { Visit } from './shape';
import type { Fix } from '../types';
import { atLeast, type Version } from '../version';

export function checkRelations(root: Node, visits: readonly Visit[], version: Version, sink: FindingSink): void {
  for (const visit of visits) {
    if (visit.node.type === 'object' && visit.schema['x-ems-companions']) companions(visit, version, sink);
  }
  inconsistentValues(root, sink);
  noEffect(root, sink);
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
  const ws = group(root, 'ws_connection');
  const chunk = findProperty(ws.node, 'message_chunk_size');
  const frame = findProperty(ws.node, 'max_frame_size');
  const chunkSize = numberOr(chunk?.valueNode, defaultNumber(['ws_connection', 'message_chunk_size']));
  const frameSize = numberOr(frame?.valueNode, defaultNumber(['ws_connection', 'max_frame_size']));
  if ((chunk || frame) && chunkSize !== undefined && frameSize !== undefined && chunkSize > frameSize) {
    const at = (chunk ?? frame)!;
    sink.add('inconsistent-values', `message_chunk_size (${chunkSize}) is larger than max_frame_size (${frameSize}${frame ? '' : ', the default'}); the EMS refuses this ("Message chunk size MUST be less than or equal max websocket frame size").`,
      at.valueNode ?? at.keyNode, childPointer(ws.pointer, at.key), undefined, 'error');
  }
  const file = group(root, 'file');
  const idle = findProperty(file.node, 'idle_timeout');
  const frameRead = findProperty(ws.node, 'frame_read_timeout');
  const idleTimeout = numberOr(idle?.valueNode, undefined);
  const frameTimeout = numberOr(frameRead?.valueNode, defaultNumber(['ws_connection', 'frame_read_timeout']));
  if (idle && idleTimeout !== undefined && frameTimeout !== undefined && idleTimeout <= frameTimeout) {
    sink.add('inconsistent-values', `file.idle_timeout (${idleTimeout}) is not above ws_connection.frame_read_timeout (${frameTimeout}${frameRead ? '' : ', the default'}); the EMS raises it to 1.2 × frame_read_timeout (${Math.round(frameTimeout * 1.2)}).`,
      idle.valueNode ?? idle.keyNode, childPointer(file.pointer, idle.key));
  }
}

function noEffect(root: Node, sink: FindingSink): void {
  const certificates = group(root, 'certificates');
  if (scalarValue(findProperty(certificates.node, 'validate')?.valueNode) === false) {
    inert(sink, certificates, ['cert_chain', 'validation_criteria'], 'certificates.validate is false, so the platform certificate is never checked against it');
  }
  const http = group(root, 'http_server');
  if (scalarValue(findProperty(http.node, 'ssl')?.valueNode) === false) {
    inert(sink, http, ['certificate', 'private_key', 'passphrase'], 'http_server.ssl is false, so the REST server does not use it');
  }
  const ws = group(root, 'ws_connection');
  const encryption = findProperty(ws.node, 'encryption');
  if (scalarValue(encryption?.valueNode) === 'none' && scalarValue(nodeAt(root, ['fips', 'enabled'])) === true) {
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
