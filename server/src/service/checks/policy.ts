// Security-policy findings, driven by the schema's annotations on each visited value: x-ems-when rules
// (the insecure settings the EMS itself warns about, and version facts about values), secrets, cipher lists.
import { isBase64 } from '../../pki';
import type { FindingSink } from '../document/findings';
import { findProperty, scalarValue } from '../document/model';
import type { WhenRule } from '../document/schema';
import { quote } from '../../util/text';
import { replaceFix } from '../document/edits';
import type { Visit } from './shape';
import { atLeast, before, formatVersion, type Version } from '../version';

/** The releases that log the insecure-setting lines at start (EDGA-1135; the strings are not in the 5.3.4 binary). */
const LOGS_SINCE = '5.4.0';

export function checkPolicy(visits: readonly Visit[], version: Version, sink: FindingSink): void {
  for (const visit of visits) {
    const { schema, node } = visit;
    const value = scalarValue(node);
    if (schema['x-ems-secret'] && typeof value === 'string' && value !== '') checkSecret(visit, value, version, sink);
    if (visit.unread) continue;
    for (const rule of schema['x-ems-when'] ?? []) {
      if (value !== rule.equals || !atLeast(version, rule.since) || (rule.until && !before(version, rule.until)) || moot(visit, rule)) continue;
      const logs = rule['x-ems-logs'] && atLeast(version, LOGS_SINCE) ? ` The EMS logs "${rule['x-ems-logs']}" at start.` : '';
      const message = rule.message.replace('{version}', formatVersion(version)) + logs;
      const data = rule.fix === undefined ? undefined
        : { replacement: rule.fix, fixes: [replaceFix(sink, node, JSON.stringify(rule.fix), `Change to ${JSON.stringify(rule.fix)}`, true)] };
      sink.add(rule.code, message, node, visit.pointer, data);
    }
    if (schema['x-ems-format'] === 'ems-encryption' && typeof value === 'string') checkEncryption(visit, value, sink);
    if (schema['x-ems-format'] === 'openssl-cipher-list' && typeof value === 'string') {
      const weak = weakCipherClasses(value);
      if (weak.length) {
        sink.add('weak-cipher-suite', `cipher_suite enables ${weak.join(', ')} ciphers; exclude them (e.g. ${weak.map((w) => `!${w}`).join(':')}).`, node, visit.pointer, { weak });
      }
    }
  }
}

/** A sibling makes the rule moot: deny_self_signed false does not matter once validate is false. */
function moot(visit: Visit, rule: WhenRule): boolean {
  const unless = rule['x-ems-unless'];
  if (!unless) return false;
  const object = visit.node.parent?.parent;
  return Object.entries(unless).some(([key, equals]) => scalarValue(findProperty(object, key)?.valueNode) === equals);
}

/**
 * ws_connection.encryption as the EMS reads it (observed on 5.3.4): compared ignoring case, and every value
 * but "none" means TLS — "NONE" is plain, "none " (a blank), "tls", "SSL" and "" are TLS.
 */
function checkEncryption(visit: Visit, value: string, sink: FindingSink): void {
  const { node, pointer } = visit;
  const lower = value.toLowerCase();
  const toSsl = (title: string, preferred: boolean) => replaceFix(sink, node, '"ssl"', title, preferred);
  if (value === 'ssl' || value === 'none' || value === 'fips') return; // documented: the schema's rules speak for them
  if (lower === 'none') {
    sink.add('ws-encryption-disabled', `ws_connection.encryption is ${quote(value)}, which the EMS reads as "none" (it compares ignoring case): the connection to ThingWorx is not encrypted.`,
      node, pointer, { replacement: 'ssl', fixes: [toSsl('Change to "ssl"', true)] });
  } else if (lower.trim() === 'none') {
    sink.add('whitespace-in-value', `ws_connection.encryption is ${quote(value)}: with the blank it is not "none", so the EMS uses TLS, not a plain connection (every value but "none" means TLS).`,
      node, pointer, { replacement: 'ssl', fixes: [toSsl('Change to "ssl" (TLS, as the EMS does now)', true), replaceFix(sink, node, '"none"', 'Trim to "none" (no TLS)', false)] });
  } else {
    sink.add('undocumented-value', `ws_connection.encryption is ${quote(value)}, which PTC does not document; the EMS uses TLS for it (every value but "none" means TLS). The documented value is "ssl".`,
      node, pointer, { replacement: 'ssl', fixes: [toSsl('Change to "ssl"', true)] });
  }
}

/** The first release that encrypts secrets itself on first start. */
const SELF_ENCRYPTING = '5.4.8';

// Messages name the key, never the value: secrets must not reach the Problems panel, a log or a CI report.
function checkSecret(visit: Visit, value: string, version: Version, sink: FindingSink): void {
  const name = visit.key ?? 'This secret';
  if (value.startsWith('AES:')) {
    const body = value.slice(4);
    const bytes = isBase64(body) ? (body.length / 4) * 3 - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0) : -1;
    if (bytes <= 0 || bytes % 16 !== 0) {
      const why = bytes < 0 ? 'is not Base64' : `decodes to ${bytes} bytes, not a whole number of 16-byte AES blocks`;
      sink.add('encrypted-value-malformed', `${name} starts with AES: but its body ${why}; the EMS cannot decrypt it ("Input length (without AES:) must be a multiple of 16 bytes"). Encrypt the value again with wsems -encrypt.`,
        visit.node, visit.pointer);
    }
  } else if (before(version, SELF_ENCRYPTING)) {
    sink.add('plaintext-secret', `${name} is in clear text; EMS ${formatVersion(version)} does not encrypt it (5.4.8 and later do, on first start). Encrypt it with wsems -encrypt.`,
      visit.node, visit.pointer);
  }
}

type WeakClass = 'aNULL' | 'eNULL' | 'EXPORT' | 'RC4' | 'MD5' | 'DES' | '3DES';

/** The weak classes an OpenSSL cipher string leaves enabled, following its `!`, `-` and `+` semantics. */
export function weakCipherClasses(list: string): WeakClass[] {
  const enabled = new Set<WeakClass>();
  const banned = new Set<WeakClass>();
  for (const raw of list.split(/[:, ]+/).filter(Boolean)) {
    const op = /^[!+-]/.test(raw) ? raw[0] : '';
    const classes = classesOf(op ? raw.slice(1) : raw);
    for (const c of classes) {
      if (op === '!') { banned.add(c); enabled.delete(c); }
      else if (op === '-') enabled.delete(c);
      else if (op === '' && !banned.has(c)) enabled.add(c);
    }
  }
  const order: WeakClass[] = ['aNULL', 'eNULL', 'EXPORT', 'RC4', 'MD5', 'DES', '3DES'];
  return order.filter((c) => enabled.has(c));
}

function classesOf(token: string): WeakClass[] {
  const upper = token.toUpperCase();
  switch (upper) {
    // ALL is every suite but eNULL; COMPLEMENTOFALL adds eNULL. DEFAULT leaves the choice to the library.
    case 'ALL': return ['aNULL', 'EXPORT', 'RC4', 'MD5', 'DES', '3DES'];
    case 'COMPLEMENTOFALL': return ['eNULL'];
    case 'ANULL': case 'ADH': case 'AECDH': return ['aNULL'];
    case 'ENULL': case 'NULL': return ['eNULL'];
    case 'EXP': case 'EXPORT': case 'EXPORT40': case 'EXPORT56': return ['EXPORT'];
    case 'LOW': case 'DES': return ['DES'];
    case '3DES': return ['3DES'];
    case 'RC4': return ['RC4'];
    case 'MD5': return ['MD5'];
  }
  // A single suite by name, or a combination such as kRSA+RC4.
  const found = new Set<WeakClass>();
  for (const part of upper.split('+')) {
    if (part.startsWith('EXP')) found.add('EXPORT');
    if (part.includes('RC4')) found.add('RC4');
    if (part.endsWith('-MD5') || part === 'MD5') found.add('MD5');
    if (part.includes('DES-CBC3') || part.includes('3DES')) found.add('3DES');
    else if (/(^|-)DES(-|$)|DES-CBC-/.test(part)) found.add('DES');
    if (part.startsWith('ADH-') || part.startsWith('AECDH-')) found.add('aNULL');
    if (part.includes('NULL-') || part.endsWith('-NULL')) found.add('eNULL');
  }
  return [...found];
}
