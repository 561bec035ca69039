// The network port on Node, for the connection test. Every step has its own timer, cleared when the step
// settles; every failure is a NetError; a failed connection is destroyed. The TLS client never verifies for
// itself (rejectUnauthorized: false): the service judges the chain, and this machine's OpenSSL verdict is
// reported beside it (opensslError). Passphrases and key bytes go to OpenSSL only, never into a message.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as dns from 'node:dns';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { type NetChannel, NetError, type NetworkPort, type TlsClientOptions, type TlsObservation } from '../service/ports';
import { certificateListNotEmpty, encryptedHandshake } from './tls13';

type Settle<T> = { resolve: (value: T) => void; reject: (error: NetError) => void };

/**
 * A step that settles once: by `start`'s outcome, or NetError('timeout') after timeoutMs. `start` returns its
 * cleanup, run when the step settles and told whether it succeeded; its events come later, never while it runs
 * (if it throws, it left nothing to clean up).
 */
function step<T>(timeoutMs: number, timeoutMessage: string, start: (settle: Settle<T>) => (ok: boolean) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let cleanup: ((ok: boolean) => void) | undefined;
    const finish = (ok: boolean, then: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup?.(ok);
      then();
    };
    const timer = setTimeout(() => finish(false, () => reject(new NetError('timeout', timeoutMessage))), timeoutMs);
    try {
      cleanup = start({ resolve: (value) => finish(true, () => resolve(value)), reject: (error) => finish(false, () => reject(error)) });
    } catch (error) {
      finish(false, () => reject(error instanceof NetError ? error : new NetError('io', messageOf(error))));
    }
  });
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A socket error as the port names it. */
function socketError(error: unknown): NetError {
  const code = codeOf(error);
  const message = messageOf(error);
  switch (code) {
    case 'ECONNREFUSED':
      return new NetError('refused', message, code);
    case 'ETIMEDOUT':
      return new NetError('timeout', message, code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return new NetError('unreachable', message, code);
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetError('closed', message, code);
    default:
      return new NetError('io', message, code);
  }
}

/**
 * The TLS alert in an OpenSSL reason: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE, or the message's
 * "tlsv13 alert certificate required" → 'certificate required'. Undefined when the failure was not an alert.
 */
export function alertOf(code: string | undefined, message: string): string | undefined {
  const fromCode = code && /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z0-9_]+)$/.exec(code);
  if (fromCode) return fromCode[1]!.toLowerCase().replace(/_/g, ' ');
  const fromMessage = /(?:sslv3|tlsv1|tlsv13) alert ([a-z0-9 ]+?)(?::|$)/.exec(message);
  return fromMessage ? fromMessage[1] : undefined;
}

/** An error on a TLS socket: OpenSSL's (ERR_SSL_…, with the alert if one came) or the socket's underneath. */
function tlsError(error: unknown): NetError {
  const code = codeOf(error);
  if (!code?.startsWith('ERR_SSL_') && (error as { library?: unknown } | null)?.library === undefined) return socketError(error);
  const message = messageOf(error);
  return new NetError('tls', message, code, alertOf(code, message));
}

/** Every occurrence of the passphrase out of a message (OpenSSL's never hold it: this makes sure). */
const redact = (message: string, passphrase: string | undefined): string => (passphrase ? message.split(passphrase).join('***') : message);

/**
 * Whether the bytes begin like a PKCS#12 PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data or
 * pkcs7-signedData …. A DER key begins differently (PKCS#8 and PKCS#1 with INTEGER 0, SEC1 with 1, an encrypted
 * PKCS#8 with a SEQUENCE), so this tells them apart without decrypting anything.
 */
function isPkcs12(bytes: Buffer): boolean {
  const afterHeader = (at: number): number => {
    const length = bytes[at + 1];
    if (length === undefined) return -1;
    return length < 0x80 ? at + 2 : at + 2 + (length & 0x7f);
  };
  if (bytes[0] !== 0x30) return false;
  const version = afterHeader(0);
  if (bytes.subarray(version, version + 3).toString('hex') !== '020103' || bytes[version + 3] !== 0x30) return false;
  const contentType = afterHeader(version + 3);
  return /^06092a864886f70d0107(01|02)$/.test(bytes.subarray(contentType, contentType + 11).toString('hex'));
}

const isPem = (bytes: Buffer): boolean => bytes.includes('-----BEGIN');

/** A DER private key as PEM, in memory: PKCS#8 (encrypted or not), else PKCS#1, else SEC1. */
function derKeyToPem(key: Buffer, passphrase: string | undefined): string {
  let pkcs8Failure: unknown;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      const keyObject = createPrivateKey(type === 'pkcs8' ? { key, format: 'der', type, passphrase } : { key, format: 'der', type });
      return keyObject.export({ format: 'pem', type: 'pkcs8' }) as string;
    } catch (error) {
      // PKCS#8's complaint is the telling one (a wrong passphrase, an unsupported cipher).
      pkcs8Failure ??= error;
    }
  }
  throw new NetError('tls-config', redact(`the client key is neither PEM, PKCS#12 nor a DER key OpenSSL can read: ${messageOf(pkcs8Failure)}`, passphrase), codeOf(pkcs8Failure));
}

/** The secure context of TlsClientOptions. Rejects what OpenSSL cannot use with NetError('tls-config'). */
function secureContext(options: TlsClientOptions): tls.SecureContext {
  const context: tls.SecureContextOptions = { minVersion: options.minVersion, maxVersion: options.maxVersion };
  // An explicit ca, even an empty one, replaces Node's root store: the anchors are the only ones.
  context.ca = options.anchors.map((anchor, index) => {
    try {
      return new X509Certificate(anchor).toString();
    } catch (error) {
      throw new NetError('tls-config', `trust anchor ${index + 1} is not a certificate: ${messageOf(error)}`, codeOf(error));
    }
  });
  if (options.ciphers !== undefined) context.ciphers = options.ciphers;
  const passphrase = options.identity?.passphrase;
  if (options.identity) {
    const certificate = Buffer.from(options.identity.certificate);
    const key = Buffer.from(options.identity.key);
    if (isPkcs12(key)) {
      context.pfx = key;
      context.passphrase = passphrase;
    } else {
      context.key = isPem(key) ? key : derKeyToPem(key, passphrase);
      context.passphrase = passphrase;
    }
    // Node reads certificates as PEM only; a PKCS#12 certificate file is the PFX itself.
    if (isPem(certificate)) context.cert = certificate;
    else if (!isPkcs12(certificate)) {
      try {
        context.cert = new X509Certificate(certificate).toString();
      } catch (error) {
        throw new NetError('tls-config', `the client certificate is neither PEM nor DER: ${messageOf(error)}`, codeOf(error));
      }
    }
  }
  try {
    return tls.createSecureContext(context);
  } catch (error) {
    throw new NetError('tls-config', redact(messageOf(error), passphrase), codeOf(error));
  }
}

/** Stop reading a direction's handshake after this much: a real handshake's plaintext part is far smaller. */
const WATCH_LIMIT = 64 * 1024;

/**
 * The plaintext handshake messages of one direction, from its TLS records: record type(1) version(2)
 * length(2); handshake message type(1) length(3), possibly spanning records. Linear, bounded by WATCH_LIMIT,
 * and done at the first record that is not a handshake one (ChangeCipherSpec, an alert, application data):
 * what follows is encrypted. Tells `onMessage` each message's type and the first three bytes of its body
 * (fewer when the body is shorter).
 */
class HandshakeWatcher {
  /** Reached the end of the plaintext handshake (rather than the limit). */
  finished = false;
  private stopped = false;
  private seen = 0;
  private readonly recordHeader = Buffer.alloc(5);
  private recordHeaderFill = 0;
  private recordLeft = 0;
  private readonly messageHeader = Buffer.alloc(4);
  private messageHeaderFill = 0;
  private messageType = 0;
  private messageLeft = 0;
  private readonly body = Buffer.alloc(3);
  private bodyFill = 0;
  private bodyWanted = 0;

  constructor(private readonly onMessage: (type: number, bodyStart: Buffer) => void) {}

  feed(chunk: Buffer): void {
    if (this.stopped) return;
    const end = Math.min(chunk.length, WATCH_LIMIT - this.seen);
    this.seen += end;
    for (let at = 0; at < end && !this.stopped; ) {
      if (this.recordLeft === 0) {
        this.recordHeader[this.recordHeaderFill++] = chunk[at++]!;
        if (this.recordHeaderFill < 5) continue;
        this.recordHeaderFill = 0;
        if (this.recordHeader[0] !== 22) {
          this.stopped = this.finished = true;
          return;
        }
        this.recordLeft = this.recordHeader.readUInt16BE(3);
        continue;
      }
      const take = Math.min(this.recordLeft, end - at);
      this.handshakeBytes(chunk, at, at + take);
      this.recordLeft -= take;
      at += take;
    }
    if (this.seen >= WATCH_LIMIT) this.stopped = true;
  }

  private handshakeBytes(chunk: Buffer, from: number, to: number): void {
    for (let at = from; at < to; ) {
      if (this.messageLeft === 0) {
        this.messageHeader[this.messageHeaderFill++] = chunk[at++]!;
        if (this.messageHeaderFill < 4) continue;
        this.messageHeaderFill = 0;
        this.messageType = this.messageHeader[0]!;
        this.messageLeft = this.messageHeader.readUIntBE(1, 3);
        this.bodyFill = 0;
        this.bodyWanted = Math.min(3, this.messageLeft);
        if (this.messageLeft === 0) this.onMessage(this.messageType, this.body.subarray(0, 0));
        continue;
      }
      const take = Math.min(this.messageLeft, to - at);
      const copy = Math.min(take, this.bodyWanted - this.bodyFill);
      if (copy > 0) {
        chunk.copy(this.body, this.bodyFill, at, at + copy);
        this.bodyFill += copy;
        if (this.bodyFill === this.bodyWanted) this.onMessage(this.messageType, this.body.subarray(0, this.bodyFill));
      }
      this.messageLeft -= take;
      at += take;
    }
  }
}

/** The first WATCH_LIMIT bytes of one direction. */
class Recording {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(chunk: Buffer): void {
    if (this.size >= WATCH_LIMIT) return;
    const kept = chunk.subarray(0, WATCH_LIMIT - this.size);
    this.chunks.push(Buffer.from(kept));
    this.size += kept.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const CERTIFICATE = 11;
const CERTIFICATE_REQUEST = 13;
const SERVER_HELLO_DONE = 14;

/**
 * The raw socket as tls.connect's `socket`: bytes pass through unchanged both ways, with backpressure, end,
 * close and errors, while both directions' plaintext handshake is watched for a CertificateRequest and the
 * client's Certificate.
 */
class HandshakeObserver extends Duplex {
  certificateRequested = false;
  serverHelloDone = false;
  /** Whether the client's Certificate held any certificate; undefined while none went out. */
  certificateSent: boolean | undefined;
  readonly fromServer = new HandshakeWatcher((type) => {
    if (type === CERTIFICATE_REQUEST) this.certificateRequested = true;
    else if (type === SERVER_HELLO_DONE) this.serverHelloDone = true;
  });
  readonly fromClient = new HandshakeWatcher((type, body) => {
    if (type === CERTIFICATE) this.certificateSent = body.length === 3 && body.readUIntBE(0, 3) > 0;
  });

  /** Both directions' first bytes, for a TLS 1.3 handshake to be decrypted once its secrets are known. */
  private readonly recorded = { server: new Recording(), client: new Recording() };
  /** The handshake traffic secrets from Node's keylog event: this session's only, never logged. */
  private readonly secrets: { server?: Buffer; client?: Buffer } = {};

  constructor(private readonly raw: net.Socket) {
    super();
    raw.on('data', (chunk: Buffer) => {
      this.fromServer.feed(chunk);
      this.recorded.server.add(chunk);
      if (!this.push(chunk)) raw.pause();
    });
    raw.on('end', () => this.push(null));
    raw.on('error', (error) => this.destroy(error));
    raw.on('close', () => this.destroy());
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.fromClient.feed(chunk);
    this.recorded.client.add(chunk);
    this.raw.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.raw.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.raw.destroy();
    callback(error);
  }

  /** A line of Node's keylog event (NSS key log format): the handshake traffic secrets are kept. */
  keylog(line: Buffer): void {
    const [label, , secret] = line.toString('latin1').trim().split(' ');
    if (!secret || !/^[0-9a-f]+$/i.test(secret)) return;
    if (label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET') this.secrets.server = Buffer.from(secret, 'hex');
    else if (label === 'CLIENT_HANDSHAKE_TRAFFIC_SECRET') this.secrets.client = Buffer.from(secret, 'hex');
  }

  /** What the handshake showed about client certificates, once it is done. */
  clientCertificates(protocol: string, identityGiven: boolean, suite = ''): Pick<TlsObservation, 'clientCertificateRequested' | 'clientCertificateSent'> {
    if (protocol === 'TLSv1.3') return this.tls13(identityGiven, suite);
    return {
      clientCertificateRequested: this.certificateRequested ? true : this.serverHelloDone ? false : undefined,
      clientCertificateSent: this.certificateSent ?? (this.fromClient.finished ? false : undefined),
    };
  }

  /** TLS 1.3: the encrypted handshake opened with its secrets; undefined what cannot be opened. */
  private tls13(identityGiven: boolean, suite: string): Pick<TlsObservation, 'clientCertificateRequested' | 'clientCertificateSent'> {
    const fromServer = this.secrets.server && encryptedHandshake(this.recorded.server.bytes(), suite, this.secrets.server);
    const requested = fromServer?.length ? fromServer.some((message) => message.type === CERTIFICATE_REQUEST) : undefined;
    if (requested === false) return { clientCertificateRequested: false, clientCertificateSent: false };
    const fromClient = this.secrets.client && encryptedHandshake(this.recorded.client.bytes(), suite, this.secrets.client);
    const certificate = fromClient?.find((message) => message.type === CERTIFICATE);
    const sent = certificate ? certificateListNotEmpty(certificate.body) : fromClient?.length ? false : identityGiven ? undefined : false;
    return { clientCertificateRequested: requested, clientCertificateSent: sent };
  }
}

/** The peer's chain as OpenSSL linked it, leaf first, DER, until a certificate is its own issuer or repeats. */
function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  for (let certificate: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); certificate?.raw && chain.length < 20; ) {
    if (seen.has(certificate.fingerprint256)) break;
    seen.add(certificate.fingerprint256);
    chain.push(new Uint8Array(certificate.raw));
    certificate = certificate.issuerCertificate;
  }
  return chain;
}

const BLANK_LINE = Buffer.from('\r\n\r\n');

class Channel implements NetChannel {
  /** Where exchange writes and reads: the raw socket, then the TLS one. */
  private stream: net.Socket;
  private secure: tls.TLSSocket | undefined;
  /** An error that came while no step was waiting, for the next one. */
  private failure: NetError | undefined;
  private ended = false;

  constructor(private readonly raw: net.Socket) {
    this.stream = raw;
    this.watch(raw, socketError);
  }

  private watch(stream: net.Socket, toNetError: (error: unknown) => NetError): void {
    stream.on('error', (error) => (this.failure ??= toNetError(error)));
    stream.on('end', () => (this.ended = true));
    stream.on('close', () => (this.ended = true));
  }

  exchange(request: Uint8Array, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    const stream = this.stream;
    const toNetError = this.secure ? tlsError : socketError;
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended || stream.destroyed) return Promise.reject(new NetError('closed', 'the connection is closed'));
    return step<Uint8Array>(timeoutMs, `no reply head within ${timeoutMs} ms`, ({ resolve, reject }) => {
      let received = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        // The blank line may straddle chunks: look again from just before the new bytes.
        const from = Math.max(0, received.length - 3);
        received = Buffer.concat([received, chunk]);
        const blank = received.indexOf(BLANK_LINE, from);
        const end = blank < 0 ? -1 : blank + BLANK_LINE.length;
        if (end > maxBytes || (end < 0 && received.length > maxBytes)) {
          reject(new NetError('too-large', `the reply head is longer than ${maxBytes} bytes`));
        } else if (end >= 0) {
          stop();
          // Bytes past the head belong to whatever reads next (another exchange, the TLS handshake).
          if (end < received.length) stream.unshift(received.subarray(end));
          resolve(new Uint8Array(received.subarray(0, end)));
        }
      };
      const onEnd = (): void =>
        reject(new NetError('closed', received.length > 0 ? `the peer closed the connection after ${received.length} bytes, before the head ended` : 'the peer closed the connection without replying'));
      const onError = (error: unknown): void => reject(toNetError(error));
      const stop = (): void => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('close', onEnd);
        stream.off('error', onError);
        stream.pause();
      };
      stream.on('data', onData);
      stream.on('end', onEnd);
      stream.on('close', onEnd);
      stream.on('error', onError);
      stream.resume();
      stream.write(request);
      return stop;
    });
  }

  startTls(options: TlsClientOptions, timeoutMs: number): Promise<TlsObservation> {
    if (this.secure) return Promise.reject(new NetError('io', 'TLS is already started on this connection'));
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended || this.raw.destroyed) return Promise.reject(new NetError('closed', 'the connection is closed'));
    let context: tls.SecureContext;
    try {
      context = secureContext(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const observer = new HandshakeObserver(this.raw);
    const secure = tls.connect({
      socket: observer,
      secureContext: context,
      ...(options.servername !== undefined ? { servername: options.servername } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    secure.on('keylog', (line: Buffer) => observer.keylog(line));
    this.secure = secure;
    this.stream = secure;
    this.watch(secure, tlsError);
    return step<TlsObservation>(timeoutMs, `no TLS handshake within ${timeoutMs} ms`, ({ resolve, reject }) => {
      const onSecure = (): void => {
        const protocol = secure.getProtocol() ?? 'unknown';
        const verdict = secure.authorizationError as unknown;
        const chain = peerChain(secure);
        const cipher = secure.getCipher().name;
        // The client's last flight (its Certificate in TLS 1.3) reaches the socket a turn after secureConnect.
        setImmediate(() => resolve({
          protocol,
          cipher,
          chain,
          ...observer.clientCertificates(protocol, options.identity !== undefined, cipher),
          ...(verdict ? { opensslError: String(verdict) } : {}),
        }));
      };
      // A handshake that fails still tells whether the server asked for a client certificate (TLS 1.2).
      const failed = (error: NetError): void => {
        const seen = observer.clientCertificates('', options.identity !== undefined);
        if (seen.clientCertificateRequested !== undefined || seen.clientCertificateSent !== undefined) error.observed = seen;
        reject(error);
      };
      const onError = (error: unknown): void => failed(tlsError(error));
      const onClose = (): void => failed(new NetError('closed', 'the server closed the connection during the TLS handshake'));
      secure.once('secureConnect', onSecure);
      secure.on('error', onError);
      secure.once('close', onClose);
      return (ok) => {
        secure.off('secureConnect', onSecure);
        secure.off('error', onError);
        secure.off('close', onClose);
        if (!ok) this.close();
      };
    });
  }

  close(): void {
    this.secure?.destroy();
    this.raw.destroy();
  }
}

export const nodeNetwork: NetworkPort = {
  resolve(host, timeoutMs) {
    if (net.isIP(host)) return Promise.resolve([host]);
    return step<string[]>(timeoutMs, `no address for ${host} within ${timeoutMs} ms`, ({ resolve, reject }) => {
      // A lookup cannot be cancelled: past the timer its outcome is ignored.
      dns.promises.lookup(host, { all: true }).then(
        (addresses) => resolve(addresses.map((address) => address.address)),
        (error: unknown) => {
          const code = codeOf(error);
          const notFound = code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA';
          reject(new NetError(notFound ? 'not-found' : 'io', messageOf(error), code));
        },
      );
      return () => undefined;
    });
  },

  connect(address, port, timeoutMs) {
    return step<NetChannel>(timeoutMs, `no TCP connection to ${address} port ${port} within ${timeoutMs} ms`, ({ resolve, reject }) => {
      // net.connect may throw (a port out of range): step makes that an 'io' failure.
      const socket = net.connect({ host: address, port });
      const onError = (error: unknown): void => reject(socketError(error));
      // The channel's own listeners are on before these go.
      const onConnect = (): void => resolve(new Channel(socket));
      socket.once('connect', onConnect);
      socket.on('error', onError);
      return (ok) => {
        socket.off('connect', onConnect);
        socket.off('error', onError);
        if (!ok) socket.destroy();
      };
    });
  },
};
