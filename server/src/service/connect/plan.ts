// What a connection test would do, read from a checked config as the EMS reads it: which endpoints it
// connects to, over what, trusting what and presenting what. Pure: no IO, nothing connects here.
import type { Node } from 'jsonc-parser';
import type { FileReference } from '../checks/files';
import { type Model, nodeAt, pointerOfNode, scalarValue } from '../document/model';
import { schemaAt } from '../document/schema';
import { bundledOpenssl } from '../openssl';
import type { TlsVersion } from '../ports';
import type { Range } from '../types';
import { atLeast, atMost, formatVersion, type Version } from '../version';

export type TargetKind = 'platform' | 'http-server' | 'edge';

/** A clear-text secret can be used; an `AES:` one only the EMS can decrypt (its key is in the binary or dp.dat). */
export type Secret = { kind: 'none' } | { kind: 'clear'; value: string } | { kind: 'encrypted' };

export interface AnchorSource {
  pointer: string;
  /** The value as written. */
  value: string;
  reference?: FileReference;
}

export interface TargetTrust {
  /** certificates.validate; false: anything is accepted (the test still says what would fail). */
  validate: boolean;
  /** Which setting accepts a self-signed server certificate, if one does. */
  selfSignedOk?: 'allow_self_signed' | 'deny_self_signed';
  /** Whether the host must match the server certificate, and why not when it need not. */
  hostCheck: boolean;
  hostCheckNote?: string;
  /** Whether the host name goes out as SNI: the C SDK of releases without the host check sends none. */
  sni: boolean;
  /** The CA lists that are the only trust anchors, and the setting they come from. */
  anchorSetting: 'cert_chain' | 'http_client_ca_certs';
  anchors: AnchorSource[];
  anchorNote?: string;
  /** validation_criteria: subject and issuer fields the server certificate must carry (platform only). */
  criteria: Partial<Record<CriterionKey, string>>;
  /** fingerprint_allowlist (edge endpoints only, from 5.4.8): SHA-256 values, normalized to upper-case with colons. */
  fingerprints?: string[];
}

export const CRITERIA = {
  Cert_Common_Name: { of: 'subject', field: 'CN' },
  Cert_Organization: { of: 'subject', field: 'O' },
  Cert_Organizational_Name: { of: 'subject', field: 'OU' },
  CA_Cert_Common_Name: { of: 'issuer', field: 'CN' },
  CA_Cert_Organization: { of: 'issuer', field: 'O' },
  CA_Cert_Organizational_Name: { of: 'issuer', field: 'OU' },
} as const;
export type CriterionKey = keyof typeof CRITERIA;

export interface TargetIdentity {
  certificate: AnchorSource;
  key: AnchorSource;
  passphrase: Secret;
}

export interface ProxyPlan {
  host: string;
  port: number;
  user?: string;
  password: Secret;
}

export interface ConnectTarget {
  /** The JSON pointer of the entry: '/ws_servers/0', '/http_server', '/auto_bind/2'. */
  id: string;
  kind: TargetKind;
  /** How people name it: 'ws_servers[0]', 'http_server', 'auto_bind[2] (gateway)'. */
  label: string;
  /** Where the lens goes: the entry's key or first line. */
  range: Range;
  host: string;
  port: number;
  tls: boolean;
  /** Why TLS is on or off, in the EMS's terms. */
  tlsNote: string;
  /** The path requested: the WebSocket resource, or an HTTP path. */
  path: string;
  /** A WebSocket upgrade (the platform) or a plain GET (an HTTP endpoint). */
  upgrade: boolean;
  proxy?: ProxyPlan;
  trust: TargetTrust;
  identity?: TargetIdentity;
  /** A note when client_cert/key_file are set but cannot be sent. */
  identityNote?: string;
  /** The OpenSSL cipher string: certificates.cipher_suite, else the C SDK's default. */
  ciphers?: string;
  /** Whether `ciphers` is the config's cipher_suite. */
  ciphersSet?: boolean;
  maxVersion: TlsVersion;
  /** Why TLS stops at maxVersion. */
  versionNote: string;
  /** The TLS library of the release's build, which decides what it offers and checks first. */
  library: 'axtls' | 'openssl';
  /** axTLS builds send a built-in certificate of their own; with an RSA key_file they sign with it (observed on 5.3.4). */
  builtInClientCertificate?: { rsaKey: boolean };
  /** The EMS presents this certificate file (http_server only): the test checks the running server sends it. */
  servedCertificate?: AnchorSource;
  /** Why the EMS would not connect at all, before any packet (a port that is a string: it exits). */
  unusable?: string;
}

const DEFAULT_RESOURCE = '/Thingworx/WS';

/** The endpoints a config connects to (and its own REST server), in document order. */
export function connectTargets(model: Model, version: Version, files: readonly FileReference[]): ConnectTarget[] {
  const root = model.root;
  if (root?.type !== 'object') return [];
  const targets: ConnectTarget[] = [];
  const first = nodeAt(root, ['ws_servers', 0]);
  if (first?.type === 'object') targets.push(platformTarget(model, root, first, version, files));
  const http = nodeAt(root, ['http_server']);
  if (http?.type === 'object') targets.push(httpServerTarget(model, root, http, version, files));
  const binds = nodeAt(root, ['auto_bind']);
  if (binds?.type === 'array') {
    for (const entry of binds.children ?? []) {
      if (entry.type !== 'object' || text(nodeAt(entry, ['protocol'])) !== 'https') continue;
      targets.push(edgeTarget(model, root, entry, version, files));
    }
  }
  return targets;
}

function platformTarget(model: Model, root: Node, entry: Node, version: Version, files: readonly FileReference[]): ConnectTarget {
  const encryption = text(nodeAt(root, ['ws_connection', 'encryption']));
  const fips = atLeast(version, '5.4.0') && nodeAt(root, ['fips', 'enabled'])?.value === true;
  // Observed on 5.3.4: every value but "none" (in any case) means TLS; a FIPS build ignores "none".
  const off = encryption?.toLowerCase() === 'none' && !fips;
  const tlsNote = off ? `ws_connection.encryption is ${JSON.stringify(encryption)}: plain WebSocket, no TLS`
    : encryption?.toLowerCase() === 'none' ? 'fips.enabled is true, so the EMS ignores encryption "none": TLS'
      : 'TLS (ws_connection.encryption is not "none")';
  const resource = text(nodeAt(root, ['resource']));
  const proxy = proxyPlan(root);
  const path = resource || DEFAULT_RESOURCE;
  const base = endpoint(model, entry, 'platform', 'ws_servers[0]', '443');
  base.unusable ??= pathProblem('resource', path);
  const common = { ...base, tls: !off, tlsNote, path, upgrade: true, ...(proxy ? { proxy } : {}), trust: trustFor(root, version, files, 'platform') };
  if (isAxtls(version)) return { ...common, ...axtlsFor(root, version, files) };
  return { ...common, library: 'openssl', ...identityFor(root, files), ...ciphersFor(root, version), ...versionsFor(version, 'platform') };
}

function httpServerTarget(model: Model, root: Node, entry: Node, version: Version, files: readonly FileReference[]): ConnectTarget {
  const ssl = nodeAt(entry, ['ssl'])?.value;
  const tls = ssl !== false;
  const served = source(nodeAt(entry, ['certificate']), files);
  return {
    ...endpoint(model, entry, 'http-server', 'http_server', '8000', 'localhost'),
    tls, tlsNote: ssl === undefined ? 'http_server.ssl is not written (PTC\'s documents disagree on its default): TLS is tried' : `http_server.ssl is ${String(ssl)}`,
    path: '/',
    upgrade: false,
    trust: trustFor(root, version, files, 'edge'),
    library: 'openssl',
    ...(served ? { servedCertificate: served } : {}),
    ...versionsFor(version, 'edge'),
  };
}

function edgeTarget(model: Model, root: Node, entry: Node, version: Version, files: readonly FileReference[]): ConnectTarget {
  const name = text(nodeAt(entry, ['name']));
  const index = entry.parent?.children?.indexOf(entry) ?? 0;
  const path = text(nodeAt(entry, ['path'])) || '/';
  const base = endpoint(model, entry, 'edge', `auto_bind[${index}]${name ? ` (${name})` : ''}`, '8001', 'localhost');
  base.unusable ??= pathProblem(`${base.label}.path`, path);
  return {
    ...base,
    tls: true, tlsNote: 'auto_bind protocol "https"',
    path,
    upgrade: false,
    trust: trustFor(root, version, files, 'edge'),
    library: 'openssl',
    ...versionsFor(version, 'edge'),
  };
}

type Endpoint = Pick<ConnectTarget, 'id' | 'kind' | 'label' | 'range' | 'host' | 'port' | 'unusable'>;

function endpoint(model: Model, entry: Node, kind: TargetKind, label: string, defaultPort: string, defaultHost?: string): Endpoint {
  const id = pointerOfNode(entry);
  // The lens sits on the key: "ws_servers" for the platform, "http_server", or the auto_bind entry itself.
  const anchor = kind === 'platform' ? entry.parent?.parent ?? entry : entry.parent?.type === 'property' ? entry.parent : entry;
  const range = model.rangeOf(anchor.offset, 0);
  const hostNode = nodeAt(entry, ['host']);
  const host = text(hostNode) ?? defaultHost ?? '';
  const portNode = nodeAt(entry, ['port']);
  const portValue = scalarValue(portNode);
  let unusable: string | undefined;
  if (!host) unusable = `${label} has no host: the EMS exits ("Websockets host MUST be specified")`;
  else if (/[\x00-\x20\x7f/]/.test(host)) unusable = `${label}.host ${JSON.stringify(host)} holds a blank, slash or control character: no host name`;
  // Observed on 5.3.4: a string port makes the EMS exit; a fraction is dropped (1.5 connects to port 1).
  if (typeof portValue === 'string') unusable ??= `${label}.port is a string: the EMS exits at start ("twApi_Initialize: Invalid parameter found")`;
  const port = typeof portValue === 'number' ? Math.trunc(portValue) : Number(defaultPort);
  if (!(port >= 1 && port <= 65535)) unusable ??= `${label}.port ${port} is not a TCP port`;
  return { id, kind, label, range, host, port, ...(unusable ? { unusable } : {}) };
}

/** What the EMS trusts as an HTTPS client of the edge (auto_bind endpoints, the LSR's server). */
export function edgeTrust(root: Node, version: Version, files: readonly FileReference[]): TargetTrust {
  return trustFor(root, version, files, 'edge');
}

function trustFor(root: Node, version: Version, files: readonly FileReference[], side: 'platform' | 'edge'): TargetTrust {
  const certificates = nodeAt(root, ['certificates']);
  const flag = (key: string) => {
    const value = nodeAt(certificates, [key])?.value;
    // Observed on 5.3.4: a string such as "true" is ignored, the default stays.
    return typeof value === 'boolean' ? value : undefined;
  };
  const validate = flag('validate') ?? true;
  const selfSignedOk = flag('allow_self_signed') === true ? 'allow_self_signed' as const
    : flag('deny_self_signed') === false ? 'deny_self_signed' as const : undefined;
  // The C SDK of the 5.3/5.4.0 era has no host-name check at all (no X509_check_host, no switch), and the
  // 5.4.0 binary has no disable_hostname_validation: a release that does not read the switch does not check.
  const hostnameRead = reads(version, ['certificates', 'disable_hostname_validation']);
  const disabled = hostnameRead && flag('disable_hostname_validation') === true;
  const hostCheckNote = !hostnameRead ? `EMS ${formatVersion(version)} does not check the host name (its C SDK has no host check; the binary has no disable_hostname_validation)`
    : disabled ? 'certificates.disable_hostname_validation is true' : undefined;
  const edgeCa = side === 'edge' && atLeast(version, '5.4.8') && nodeAt(certificates, ['http_client_ca_certs']) !== undefined;
  const anchorSetting = edgeCa ? 'http_client_ca_certs' as const : 'cert_chain' as const;
  const listNode = nodeAt(certificates, [anchorSetting]);
  let anchorNote: string | undefined;
  let anchors: AnchorSource[] = [];
  if (listNode?.type === 'array') {
    anchors = (listNode.children ?? []).flatMap((item) => source(item, files) ?? []);
  } else if (listNode?.type === 'string') {
    // Observed on 5.3.4: "cert_chain MUST be an Array", and nothing is trusted.
    if (anchorSetting === 'cert_chain' && !atLeast(version, '5.4.0')) anchorNote = `EMS ${formatVersion(version)} reads cert_chain only as an array ("cert_chain MUST be an Array"): no CA is trusted`;
    else anchors = [source(listNode, files)!];
  }
  const criteria: TargetTrust['criteria'] = {};
  const criteriaNode = nodeAt(certificates, ['validation_criteria']);
  if (side === 'platform' && criteriaNode?.type === 'object') {
    for (const key of Object.keys(CRITERIA) as CriterionKey[]) {
      const value = text(nodeAt(criteriaNode, [key]));
      if (value !== undefined) criteria[key] = value;
    }
  }
  const allowlist = nodeAt(certificates, ['fingerprint_allowlist']);
  const fingerprints = side === 'edge' && atLeast(version, '5.4.8') && allowlist?.type === 'array'
    ? (allowlist.children ?? []).flatMap((item) => typeof item.value === 'string' ? [normalizeFingerprint(item.value)] : []) : undefined;
  return {
    validate, ...(selfSignedOk ? { selfSignedOk } : {}),
    hostCheck: hostnameRead && !disabled,
    ...(hostCheckNote ? { hostCheckNote } : {}),
    sni: hostnameRead,
    anchorSetting, anchors, ...(anchorNote ? { anchorNote } : {}),
    criteria,
    ...(fingerprints?.length ? { fingerprints } : {}),
  };
}

function identityFor(root: Node, files: readonly FileReference[]): Pick<ConnectTarget, 'identity' | 'identityNote'> {
  const certificates = nodeAt(root, ['certificates']);
  const certificate = source(nodeAt(certificates, ['client_cert']), files);
  const key = source(nodeAt(certificates, ['key_file']), files);
  if (!certificate && !key) return {};
  if (!certificate || !key) return { identityNote: `certificates.${certificate ? 'key_file' : 'client_cert'} is missing: no client certificate is sent` };
  const written = text(nodeAt(certificates, ['key_passphrase']));
  // 5.4.8 and later encrypt secrets on first start; before, AES: values come from `wsems -encrypt`.
  const passphrase: Secret = written === undefined || written === '' ? { kind: 'none' }
    : /^AES:/i.test(written) ? { kind: 'encrypted' } : { kind: 'clear', value: written };
  return { identity: { certificate, key, passphrase } };
}

/**
 * Observed on 5.3.4 (test/ems: every case's ClientHello): its build is axTLS, offering TLS 1.2 at most, these
 * four RSA-key-exchange suites, no SNI; it never sends client_cert but a built-in "MicroServer" certificate.
 * From 5.4.0 the builds link OpenSSL (the 5.4.0 binary: 1.0.2l); PTC's axTLS bundles end with 5.4.5.
 */
export const AXTLS_CIPHERS = 'AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA';

function isAxtls(version: Version): boolean {
  return !atLeast(version, '5.4.0');
}

function axtlsFor(root: Node, version: Version, files: readonly FileReference[]): Pick<ConnectTarget, 'library' | 'ciphers' | 'ciphersSet' | 'maxVersion' | 'versionNote' | 'identityNote' | 'builtInClientCertificate'> {
  const key = source(nodeAt(root, ['certificates', 'key_file']), files);
  const release = `EMS ${formatVersion(version)}`;
  return {
    library: 'axtls', ciphers: AXTLS_CIPHERS, ciphersSet: false, maxVersion: 'TLSv1.2',
    versionNote: `${release}'s axTLS build offers TLS 1.2 at most, with AES-SHA suites and RSA key exchange only (observed on 5.3.4)`,
    identityNote: `${release}'s axTLS build never sends client_cert: it sends a built-in "MicroServer" certificate (observed on 5.3.4)`,
    builtInClientCertificate: { rsaKey: key?.reference?.key?.keyType === 'rsa' },
  };
}

/** The C SDK's own cipher list when the config sets none (twOpenSSL.h), as OpenSSL reads it on every release. */
export const SDK_CIPHERS = 'ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!3DES:!SRP';

function ciphersFor(root: Node, version: Version): Pick<ConnectTarget, 'ciphers' | 'ciphersSet'> {
  const value = text(nodeAt(root, ['certificates', 'cipher_suite']));
  return value && reads(version, ['certificates', 'cipher_suite']) ? { ciphers: value, ciphersSet: true } : { ciphers: SDK_CIPHERS, ciphersSet: false };
}

/** The highest TLS version the target release speaks: OpenSSL 1.0.2 has no TLS 1.3; PTC gives TLS 1.3 from 5.4.10. */
function versionsFor(version: Version, side: 'platform' | 'edge'): Pick<ConnectTarget, 'maxVersion' | 'versionNote'> {
  const openssl = bundledOpenssl(version);
  const release = `EMS ${formatVersion(version)}`;
  const built = openssl ? ` (OpenSSL ${openssl.version})` : '';
  if (atLeast(version, '5.4.10')) return { maxVersion: 'TLSv1.3', versionNote: `${release}${built} speaks TLS 1.3${side === 'edge' ? '' : ' when the platform offers it'}` };
  return { maxVersion: 'TLSv1.2', versionNote: `${release}${built} speaks at most TLS 1.2 (TLS 1.3 from 5.4.10)` };
}

function proxyPlan(root: Node): ProxyPlan | undefined {
  const proxy = nodeAt(root, ['proxy']);
  const host = text(nodeAt(proxy, ['host']));
  if (!host) return undefined;
  const port = scalarValue(nodeAt(proxy, ['port']));
  const user = text(nodeAt(proxy, ['user']));
  const password = text(nodeAt(proxy, ['password']));
  return {
    host, port: typeof port === 'number' ? Math.trunc(port) : 3128,
    ...(user ? { user } : {}),
    password: password === undefined || password === '' ? { kind: 'none' } : /^AES:/i.test(password) ? { kind: 'encrypted' } : { kind: 'clear', value: password },
  };
}

/** A blank or line break would end the request line early or start a header of its own: never sent. */
function pathProblem(label: string, path: string): string | undefined {
  return /[\x00-\x20\x7f]/.test(path) ? `${label} ${JSON.stringify(path)} holds a blank or control character: no path a request line can carry` : undefined;
}

/** Whether the target release reads a key at all (the schema's x-ems-since and x-ems-unreadThrough). */
function reads(version: Version, path: readonly string[]): boolean {
  const schema = schemaAt(path);
  return atLeast(version, schema?.['x-ems-since']) && !atMost(version, schema?.['x-ems-unreadThrough']);
}

function source(node: Node | undefined, files: readonly FileReference[]): AnchorSource | undefined {
  if (node?.type !== 'string') return undefined;
  const pointer = pointerOfNode(node);
  const reference = files.find((file) => file.pointer === pointer);
  return { pointer, value: node.value as string, ...(reference ? { reference } : {}) };
}

function text(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? node.value as string : undefined;
}

export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}
