// The connection test: one endpoint of a config, reached as the EMS reaches it (plan.ts), step by step
// through the ports, each step with its own time-out and no retry, and judged by the EMS's rules (judge.ts).
// Only the host and port the config names are contacted, or its proxy. No secret enters the result.
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { certificatesOf, CertificateMemo } from '../../pki';
import type { ConnectPorts, NetChannel, TlsClientOptions, TlsObservation } from '../ports';
import { NetError } from '../ports';
import { judgeTls, type TlsJudgement } from './judge';
import type { AnchorSource, ConnectTarget } from './plan';
import { type Anchor, verifyChain } from './verify';

export type StepName = 'resolve' | 'proxy' | 'connect' | 'tls' | 'verify' | 'upgrade' | 'request';
export type StepOutcome = 'ok' | 'failed' | 'skipped';

export interface Step {
  step: StepName;
  outcome: StepOutcome;
  /** How long it took, in whole milliseconds. */
  ms?: number;
  detail: string;
}

export type Outcome = 'connected' | 'refused' | 'untested';

export interface ChainEntry {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  /** Sent by the server, or taken from a CA list (the file's value as written). */
  from: 'server' | 'ca-list';
  file?: string;
}

export interface ConnectionResult {
  target: { id: string; kind: ConnectTarget['kind']; label: string; host: string; port: number; tls: boolean; path: string; proxy?: string };
  /** The EMS release the test stood in for. */
  release: string;
  /** When the test started (ISO 8601), by the ports' clock. */
  at: string;
  steps: Step[];
  tls?: { protocol: string; cipher: string; maxVersion: string; note: string };
  chain?: ChainEntry[];
  anchoredBy?: { file: string; subject: string };
  /** Where the chain ends without reaching a CA list, and what is missing. */
  missing?: string;
  host?: { checked: boolean; matches: boolean; note: string };
  clientCertificate?: { configured: boolean; requested?: boolean; sent?: boolean; note: string };
  /** The status line of the upgrade or request. */
  status?: string;
  verdict: { outcome: Outcome; summary: string; ems?: string; wouldHaveFailed?: string[] };
  /** A root the server sent that no CA list holds: offered to save only after the user has seen it. */
  saveRoot?: { subject: string; sha256: string; pem: string; file: string; pointer: string };
}

export interface ConnectOptions {
  release: string;
  /** Per step. */
  timeoutMs: number;
}

const USER_AGENT = 'EMS Config connection test';

/** An HTTP head is a few hundred bytes; a proxy or server sending more is not read on. */
const MAX_HEAD = 16 * 1024;

export async function testConnection(target: ConnectTarget, ports: ConnectPorts, options: ConnectOptions): Promise<ConnectionResult> {
  const run = new Run(target, ports, options);
  try {
    return await run.go();
  } finally {
    run.close();
  }
}

class Run {
  private readonly steps: Step[] = [];
  private channel: NetChannel | undefined;
  /** CA lists named by the config that hold no certificate this test could read. */
  private readonly unreadAnchors: string[] = [];
  private readonly result: Omit<ConnectionResult, 'verdict' | 'steps'>;

  constructor(private readonly target: ConnectTarget, private readonly ports: ConnectPorts, private readonly options: ConnectOptions) {
    this.result = {
      target: {
        id: target.id, kind: target.kind, label: target.label, host: target.host, port: target.port, tls: target.tls, path: target.path,
        ...(target.proxy ? { proxy: `${target.proxy.host}:${target.proxy.port}` } : {}),
      },
      release: options.release,
      at: ports.now().toISOString(),
    };
  }

  close(): void {
    this.channel?.close();
  }

  async go(): Promise<ConnectionResult> {
    const { target } = this;
    if (target.unusable) return this.end('refused', target.unusable);
    const hop = target.proxy ?? target;
    const addresses = await this.step('resolve', () => this.ports.network.resolve(hop.host, this.options.timeoutMs), (found) => `${hop.host} is ${found.join(', ')}`);
    if (!addresses.ok) return this.end('refused', `${hop.host} cannot be resolved: ${addresses.detail}`);
    // Observed on 5.3.4: http_server.host "localhost" listens on 127.0.0.1, so its own server is reached over IPv4.
    const address = (target.kind === 'http-server' && addresses.value.find((candidate) => /^[\d.]+$/.test(candidate))) || addresses.value[0]!;
    const connected = await this.step('connect', () => this.ports.network.connect(address, hop.port, this.options.timeoutMs), () => `TCP to ${address}:${hop.port}${target.proxy ? ' (the proxy)' : ''}`);
    if (!connected.ok) return this.end('refused', `no TCP connection to ${hop.host}:${hop.port}: ${connected.detail}`);
    this.channel = connected.value;
    if (target.proxy) {
      const tunnel = await this.tunnel(this.channel);
      if (tunnel) return tunnel;
    }
    let judgement: TlsJudgement | undefined;
    if (target.tls) {
      const tls = await this.tls(this.channel);
      if ('verdict' in tls) return tls;
      judgement = tls;
      if (!judgement.accepted) return this.end('refused', judgement.summary, judgement.ems);
    } else {
      this.skip('tls', target.tlsNote);
    }
    return this.http(this.channel, judgement);
  }

  private async tunnel(channel: NetChannel): Promise<ConnectionResult | undefined> {
    const proxy = this.target.proxy!;
    const authority = `${this.target.host}:${this.target.port}`;
    // As the C SDK writes it (twHttpProxy.c), Host naming the proxy itself.
    const headers = [`CONNECT ${authority} HTTP/1.1`, `Host: ${proxy.host}`, 'Proxy-Connection: keep-alive', 'Connection: keep-alive', 'Pragma: no-cache', `User-Agent: ${USER_AGENT}`];
    let note = '';
    if (proxy.user && proxy.password.kind === 'clear') headers.push(`Proxy-Authorization: Basic ${Buffer.from(`${proxy.user}:${proxy.password.value}`).toString('base64')}`);
    else if (proxy.user) note = proxy.password.kind === 'encrypted' ? ' (proxy.password is AES-encrypted: only the EMS can decrypt it, so none was sent)' : ' (proxy.user has no password: none was sent)';
    const reply = await this.step('proxy', () => channel.exchange(ascii(headers), MAX_HEAD, this.options.timeoutMs), (head) => `CONNECT ${authority}: ${statusLine(head)}${note}`);
    if (!reply.ok) return this.end('refused', `the proxy ${proxy.host}:${proxy.port} did not open a tunnel: ${reply.detail}`);
    const head = new TextDecoder().decode(reply.value);
    const code = statusCode(head);
    if (code === 200) return undefined;
    this.steps[this.steps.length - 1]!.outcome = 'failed';
    if (code === 407) {
      const schemes = [...head.matchAll(/^proxy-authenticate:\s*(\w+)/gim)].map((match) => match[1]!);
      if (schemes.length && !schemes.some((scheme) => /^basic$/i.test(scheme))) {
        return this.end('untested', `the proxy asks for ${schemes.join(' or ')} authentication; the EMS speaks it, this test speaks only Basic`);
      }
      return this.end('refused', `the proxy refused the credentials${note || (proxy.user ? ' of proxy.user' : ': proxy.user and proxy.password are not set')} (407)`);
    }
    return this.end('refused', `the proxy answered "${statusLine(head)}" to CONNECT ${authority}`);
  }

  private async tls(channel: NetChannel): Promise<TlsJudgement | ConnectionResult> {
    const { target } = this;
    const anchors = await this.anchors();
    const identity = await this.identity();
    const tlsOptions: TlsClientOptions = {
      ...(target.trust.sni && !isIP(target.host) ? { servername: target.host } : {}),
      anchors: anchors.map((anchor) => anchor.certificate.raw),
      ...(identity.value ? { identity: identity.value } : {}),
      ...(target.ciphers ? { ciphers: target.ciphers } : {}),
      minVersion: 'TLSv1', maxVersion: target.maxVersion,
    };
    const handshake = await this.step('tls', () => channel.startTls(tlsOptions, this.options.timeoutMs), (seen) => `${seen.protocol}, ${seen.cipher}`);
    this.result.tls = handshake.ok
      ? { protocol: handshake.value.protocol, cipher: handshake.value.cipher, maxVersion: target.maxVersion, note: target.versionNote }
      : undefined;
    if (!handshake.ok) {
      const observed = handshake.error instanceof NetError ? handshake.error.observed : undefined;
      if (observed || identity.note) {
        this.result.clientCertificate = observed
          ? clientCertificate({ protocol: '', ...observed }, !!target.identity, !!identity.value, identity.note)
          : { configured: !!target.identity, note: identity.note! };
      }
      const inHandshake = handshake.error instanceof NetError && handshake.error.kind !== 'tls-config';
      return this.end('refused', handshakeFailure(handshake.error, target, observed, this.options.timeoutMs), inHandshake ? 'Error intializing SSL connection' : undefined);
    }
    const memo = new CertificateMemo();
    const sent = handshake.value.chain.flatMap((der) => memo.read(Buffer.from(der)) ?? []);
    const verification = verifyChain(sent, anchors, this.ports.now(), memo);
    this.result.chain = verification.path.map((entry) => ({
      subject: entry.info.subject, issuer: entry.info.issuer,
      notBefore: entry.info.notBefore.toISOString(), notAfter: entry.info.notAfter.toISOString(), sha256: entry.info.sha256,
      ...(entry.anchor !== undefined ? { from: 'ca-list' as const, file: anchors[entry.anchor]!.file } : { from: 'server' as const }),
    }));
    this.result.clientCertificate = clientCertificate(handshake.value, !!target.identity, !!identity.value, identity.note);
    const builtIn = this.builtIn(handshake.value);
    if (builtIn) return builtIn;
    let judgement = judgeTls({ target, verification, anchors, observation: handshake.value, unreadAnchors: this.unreadAnchors });
    if (target.kind === 'http-server') judgement = await this.served(judgement, sent[0]?.info.sha256);
    Object.assign(this.result, judgement.facts);
    this.steps.push({ step: 'verify', outcome: judgement.accepted ? 'ok' : 'failed', detail: judgement.detail });
    return judgement;
  }

  private async http(channel: NetChannel, judgement: TlsJudgement | undefined): Promise<ConnectionResult> {
    const { target } = this;
    // The upgrade as the C SDK sends it (twWebsocket.c: Host without the port), but never the appKey, user or
    // password: the test asks whether the endpoint is there, not to log in.
    const key = randomBytes(16).toString('base64');
    const head = target.upgrade
      ? [`GET ${target.path} HTTP/1.1`, `User-Agent: ${USER_AGENT}`, 'Upgrade: websocket', 'Connection: Upgrade', `Host: ${target.host}`,
        'Sec-WebSocket-Version: 13', `Sec-WebSocket-Key: ${key}`]
      : [`GET ${target.path} HTTP/1.1`, `Host: ${target.host}:${target.port}`, `User-Agent: ${USER_AGENT}`, 'Connection: close'];
    const name = target.upgrade ? 'upgrade' : 'request';
    const reply = await this.step(name, () => channel.exchange(ascii(head), MAX_HEAD, this.options.timeoutMs), (bytes) => statusLine(new TextDecoder().decode(bytes)));
    if (!reply.ok) {
      const alert = reply.error instanceof NetError && reply.error.kind === 'tls' ? reply.error.alert : undefined;
      if (alert === 'certificate required') {
        this.result.clientCertificate = { configured: !!target.identity, requested: true, sent: false, note: 'the server requires a client certificate and none was sent' };
        return this.end('refused', `the server requires a client certificate${target.identity ? ' and the configured one could not be sent' : ': certificates.client_cert and key_file are not set'}`, judgement?.ems);
      }
      if (alert) return this.end('refused', `the server ended TLS with the alert "${alert}" after the handshake${target.identity ? ': it did not accept the client certificate' : ''}`);
      const client = this.result.clientCertificate;
      if (reply.error instanceof NetError && reply.error.kind === 'closed' && client?.requested) {
        return this.end('refused', client.sent ? 'the server closed the connection after receiving the client certificate: it did not accept it (does it trust its issuer?)'
          : 'the server asked for a client certificate, none was sent, and it closed the connection');
      }
      return this.end('refused', `no answer to ${target.upgrade ? `the WebSocket upgrade of ${target.path}` : `GET ${target.path}`}: ${reply.detail}`);
    }
    const text = new TextDecoder().decode(reply.value);
    const code = statusCode(text);
    this.result.status = statusLine(text);
    const over = judgement?.line ?? (target.tls ? 'TLS' : 'plain TCP, no TLS');
    if (!target.upgrade) {
      return this.end(code !== undefined ? 'connected' : 'refused', code !== undefined ? `${over}; ${this.result.status}` : `not an HTTP answer: ${JSON.stringify(this.result.status)}`, undefined, judgement?.wouldHaveFailed);
    }
    if (code === 101 && header(text, 'sec-websocket-accept') !== createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')) {
      this.steps[this.steps.length - 1]!.outcome = 'failed';
      return this.end('refused', `${over}, but the upgrade's Sec-WebSocket-Accept is wrong: not a WebSocket server`, "ws_on_header_value: Invalid 'sec-websocket-accept' header");
    }
    if (code === 101 || code === 401 || code === 403) {
      const why = code === 101 ? 'upgrade accepted' : `${code}: the endpoint is there; the appKey, never sent by this test, decides the rest`;
      return this.end('connected', `${over}; ${why}`, undefined, judgement?.wouldHaveFailed);
    }
    this.steps[this.steps.length - 1]!.outcome = 'failed';
    const ems = `twWs_Connect: Error initializing web socket.  Response code: ${code ?? ''}`;
    if (code === 404) return this.end('refused', `${over}, but there is no WebSocket endpoint at ${target.path} (404): check "resource"`, ems);
    return this.end('refused', `${over}, but the WebSocket upgrade of ${target.path} got "${this.result.status}"`, ems);
  }

  /**
   * An axTLS build asked for a client certificate sends its built-in one, signed with key_file when that is an
   * RSA key (which it does not belong to): observed on 5.3.4, the server then fails the handshake.
   */
  private builtIn(seen: TlsObservation): ConnectionResult | undefined {
    const builtIn = this.target.builtInClientCertificate;
    if (!builtIn?.rsaKey || !seen.clientCertificateRequested) return undefined;
    this.steps[this.steps.length - 1]!.outcome = 'failed';
    return this.end('refused', `the server asks for a client certificate, and EMS ${this.options.release}'s axTLS build answers with its built-in "MicroServer" certificate signed with the RSA key_file, which does not belong to it: the handshake fails (observed on 5.3.4)`, 'Error intializing SSL connection');
  }

  /**
   * The EMS's own REST server: its clients (the LSR, scripts) bring their own trust, so the question is whether
   * the server running there presents the certificate http_server.certificate names. The chain is shown as is.
   */
  private async served(judgement: TlsJudgement, presented: string | undefined): Promise<TlsJudgement> {
    const source = this.target.servedCertificate;
    const path = source?.reference?.resolved;
    const parsed = path ? await this.ports.caList(path) : undefined;
    const configured = parsed?.certificates[0]?.sha256;
    const line = judgement.line.replace(/, (anchored by|not anchored|self-signed, accepted).*$/, '');
    if (!source || !configured) {
      return { ...judgement, accepted: true, line, summary: line, detail: `${judgement.detail}; http_server.certificate ${source ? 'cannot be read here' : 'is not set'}, so which certificate the server should present is not known` };
    }
    if (configured === presented) {
      return { ...judgement, accepted: true, line: `${line}, serving ${source.value}`, summary: `${line}, serving ${source.value}`, detail: `${judgement.detail}; the server presents http_server.certificate` };
    }
    const summary = `the server at ${this.target.host}:${this.target.port} does not present http_server.certificate (${source.value}): another server, or an EMS started with another config`;
    return { ...judgement, accepted: false, summary, detail: `${summary}; ${judgement.detail}` };
  }

  /** The CA lists' certificates, each with the value that names its file. */
  private async anchors(): Promise<(Anchor & { file: string })[]> {
    const lists = await Promise.all(this.target.trust.anchors.map(async (source: AnchorSource) => {
      const path = source.reference?.resolved;
      const parsed = path ? await this.ports.caList(path) : undefined;
      if (!parsed?.certificates.length) this.unreadAnchors.push(source.value);
      return parsed ? certificatesOf(parsed).map((entry) => ({ ...entry, file: source.value })) : [];
    }));
    return lists.flat();
  }

  /** The client certificate and key as bytes for the TLS port, or why none can be sent. */
  private async identity(): Promise<{ value?: TlsClientOptions['identity']; note?: string }> {
    const { target } = this;
    if (!target.identity) return target.identityNote ? { note: target.identityNote } : {};
    const { certificate, key, passphrase } = target.identity;
    if (passphrase.kind === 'encrypted') return { note: 'key_passphrase is AES-encrypted: only the EMS can decrypt it, so this test cannot unlock key_file and sends no client certificate' };
    // Only a key the check opened (its KDF within bounds, the passphrase right) goes to OpenSSL.
    if (!key.reference?.keyOpened) return { note: 'key_file could not be opened here (see its finding), so no client certificate is sent' };
    const read = async (file: typeof certificate) => {
      const path = file.reference?.resolved;
      return path ? this.ports.readFile(path).catch(() => undefined) : undefined;
    };
    const [certificateBytes, keyBytes] = await Promise.all([read(certificate), read(key)]);
    if (!certificateBytes || !keyBytes) return { note: `${certificateBytes ? 'key_file' : 'client_cert'} cannot be read here: no client certificate is sent` };
    return { value: { certificate: certificateBytes, key: keyBytes, ...(passphrase.kind === 'clear' ? { passphrase: passphrase.value } : {}) } };
  }

  private async step<T>(step: StepName, work: () => Promise<T>, describe: (value: T) => string): Promise<{ ok: true; value: T } | { ok: false; error: unknown; detail: string }> {
    const started = this.ports.elapsed();
    try {
      const value = await work();
      this.steps.push({ step, outcome: 'ok', ms: this.since(started), detail: describe(value) });
      return { ok: true, value };
    } catch (error) {
      const detail = failure(error, this.options.timeoutMs);
      this.steps.push({ step, outcome: 'failed', ms: this.since(started), detail });
      return { ok: false, error, detail };
    }
  }

  private skip(step: StepName, detail: string): void {
    this.steps.push({ step, outcome: 'skipped', detail });
  }

  private since(started: number): number {
    return Math.max(0, Math.round(this.ports.elapsed() - started));
  }

  private end(outcome: Outcome, summary: string, ems?: string, wouldHaveFailed?: string[]): ConnectionResult {
    return { ...this.result, steps: this.steps, verdict: { outcome, summary, ...(ems ? { ems } : {}), ...(wouldHaveFailed?.length ? { wouldHaveFailed } : {}) } };
  }
}

function clientCertificate(seen: Pick<TlsObservation, 'protocol' | 'clientCertificateRequested' | 'clientCertificateSent'>, configured: boolean, usable: boolean, note: string | undefined): ConnectionResult['clientCertificate'] {
  const requested = seen.clientCertificateRequested;
  const sent = seen.clientCertificateSent;
  const said = requested === undefined ? `${seen.protocol || 'the handshake'} hides whether the server asked for one` : requested ? 'the server asked for one' : 'the server did not ask for one';
  const went = sent === true ? ', and it was sent' : sent === false && requested ? ', and none was sent' : '';
  return {
    configured,
    ...(requested !== undefined ? { requested } : {}),
    ...(sent !== undefined ? { sent } : {}),
    note: `${configured ? (usable ? 'client_cert is configured' : 'client_cert is configured but unusable') : 'no client_cert'}; ${said}${went}${note ? ` (${note})` : ''}`,
  };
}

function handshakeFailure(error: unknown, target: ConnectTarget, observed: NetError['observed'], timeoutMs: number): string {
  const alert = error instanceof NetError ? error.alert : undefined;
  const identity = observed?.clientCertificateSent === true;
  if (error instanceof NetError && error.kind === 'tls-config') return `the TLS settings cannot be used: ${error.message}`;
  // Some servers (Node's among them) drop the connection instead of sending an alert.
  if (error instanceof NetError && error.kind === 'closed' && observed?.clientCertificateRequested) {
    return identity ? 'the server closed the connection after receiving the client certificate: it did not accept it (does it trust its issuer?)'
      : 'the server asked for a client certificate, none was sent, and it closed the connection';
  }
  switch (alert) {
    case 'protocol version':
      return `no TLS version in common: ${target.versionNote}, and the server refuses it`;
    case 'handshake failure':
      if (observed?.clientCertificateRequested && !identity) return 'the server requires a client certificate and none was sent (alert "handshake failure")';
      if (target.library === 'axtls') return `no cipher in common: ${target.versionNote}; a server with an EC certificate, or without those suites, cannot be reached`;
      return target.ciphersSet
        ? `no cipher in common: the server accepts none of certificates.cipher_suite "${target.ciphers}" (or it insists on a client certificate)`
        : 'the server refused the handshake (no cipher or version in common, or it insists on a client certificate)';
    case 'certificate required':
      return 'the server requires a client certificate and none was sent';
    case 'unknown ca':
    case 'bad certificate':
    case 'certificate unknown':
      return identity ? `the server refused the client certificate ("${alert}"): it does not trust its issuer` : `the server sent the alert "${alert}"`;
    default:
      return `the TLS handshake failed: ${failure(error, timeoutMs)}`;
  }
}

function failure(error: unknown, timeoutMs: number): string {
  if (!(error instanceof NetError)) return 'an unexpected error';
  switch (error.kind) {
    case 'timeout': return `no answer within ${timeoutMs / 1000} s`;
    case 'refused': return 'connection refused (nothing listens on that port)';
    case 'not-found': return 'no such host';
    case 'unreachable': return 'the host cannot be reached';
    case 'closed': return 'the peer closed the connection';
    case 'too-large': return `the answer's head is larger than ${MAX_HEAD / 1024} KiB`;
    default: return error.alert ? `TLS alert "${error.alert}"` : error.message;
  }
}

function ascii(lines: readonly string[]): Uint8Array {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function statusLine(head: string | Uint8Array): string {
  const text = typeof head === 'string' ? head : new TextDecoder().decode(head);
  return text.split('\r\n', 1)[0]!.slice(0, 200).replace(/[^\x20-\x7e]/g, '?');
}

function statusCode(head: string): number | undefined {
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
  return match ? Number(match[1]) : undefined;
}

/** The first value of a header in an HTTP head, by name in any case. */
function header(head: string, name: string): string | undefined {
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}
