// The outside world as the service sees it. Adapters pass real implementations (server/src/node/);
// tests pass their own. Nothing in the service touches fs, the clock or the network directly.
import type { ParsedPki } from '../pki';

export interface FileStat {
  kind: 'file' | 'directory' | 'other';
  size: number;
  mtimeMs: number;
}

export type FsErrorKind = 'not-found' | 'permission' | 'loop' | 'not-regular' | 'too-large' | 'io';

export class FsError extends Error {
  constructor(readonly kind: FsErrorKind, message: string) {
    super(message);
  }
}

export interface FileSystemPort {
  /** Path semantics of the host: a Windows path cannot be checked elsewhere, nor a POSIX one on Windows. */
  readonly platform: 'posix' | 'win32';
  /** Follows symbolic links. Rejects with FsError. */
  stat(path: string): Promise<FileStat>;
  /** A regular file of at most maxBytes, never blocking on FIFOs or devices. Rejects with FsError. */
  readFile(path: string, maxBytes: number): Promise<Uint8Array>;
  /**
   * A regular file from its start, in chunks, never more than maxBytes in all (the rest is not read), until
   * `take` returns true. A chunk is valid only during the call. For files too large to hold (the EMS binary);
   * without it such files are read with readFile. Rejects with FsError.
   */
  readChunks?(path: string, maxBytes: number, take: (chunk: Uint8Array) => boolean): Promise<void>;
  /** Names in a folder; [] when it cannot be listed. */
  readDirectory(path: string): Promise<string[]>;
  /** The path with every symbolic link resolved, when the port can tell. */
  realpath?(path: string): Promise<string>;
  /**
   * How many changes the port has been told about. A port that knows when files change (its client watches
   * them) lets checks reuse their file findings while this stays the same; without it files are read anew.
   */
  generation?(): number;
}

export interface ServicePorts {
  fs: FileSystemPort;
  /** The instant certificates are judged at (the CLI's --now, a test's fixed date). */
  now: () => Date;
  /** For the connection test only; without it the test says it cannot run. */
  network?: NetworkPort;
  /** Milliseconds from any fixed origin, for the connection test's step times (default: performance.now). */
  elapsed?: () => number;
}

// The network, for the connection test only (service/connect): nothing else in the service has it, and it is
// used only when a user asks for a test. Every call takes its own time-out; nothing is retried.

export type NetErrorKind =
  /** No address for the host name. */
  | 'not-found'
  /** Nothing listens at the port (ECONNREFUSED). */
  | 'refused'
  /** The step did not finish within its time-out. */
  | 'timeout'
  /** No route, network down, host unreachable. */
  | 'unreachable'
  /** The peer closed or reset the connection. */
  | 'closed'
  /** The TLS handshake failed: `code` is OpenSSL's reason as Node names it (ERR_SSL_…), `alert` the TLS alert when one was received. */
  | 'tls'
  /** A local TLS setting OpenSSL refuses (a cipher string it cannot read, a key it cannot use). */
  | 'tls-config'
  /** An HTTP head longer than the bound. */
  | 'too-large'
  | 'io';

export class NetError extends Error {
  /** For a TLS handshake that failed: what could be seen of the client certificate before it did. */
  observed?: Pick<TlsObservation, 'clientCertificateRequested' | 'clientCertificateSent'>;

  constructor(readonly kind: NetErrorKind, message: string, readonly code?: string, readonly alert?: string) {
    super(message);
  }
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsClientOptions {
  /** Server Name Indication; absent for an IP address. */
  servername?: string;
  /** The trust anchors (DER), the only ones: never the system store. Used for this machine's OpenSSL verdict only. */
  anchors: Uint8Array[];
  /** The client identity as the config names it: the files' bytes and a clear-text passphrase. */
  identity?: { certificate: Uint8Array; key: Uint8Array; passphrase?: string };
  /** An OpenSSL cipher string (TLS 1.2 and below). */
  ciphers?: string;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
}

export interface TlsObservation {
  /** 'TLSv1.2', 'TLSv1.3'. */
  protocol: string;
  /** OpenSSL's name, e.g. 'ECDHE-RSA-AES128-GCM-SHA256'. */
  cipher: string;
  /** The server's certificates (DER), leaf first, each followed by its issuer as OpenSSL linked them. */
  chain: Uint8Array[];
  /** Whether the server sent a CertificateRequest; undefined when it cannot be seen (TLS 1.3 encrypts it). */
  clientCertificateRequested: boolean | undefined;
  /** Whether a non-empty client Certificate went out; undefined when it cannot be seen. */
  clientCertificateSent: boolean | undefined;
  /** This machine's OpenSSL on the chain against `anchors`, by its own clock: Node's authorizationError. */
  opensslError?: string;
}

export interface NetChannel {
  /** Sends `request` and reads the reply's head, through the first empty line, at most maxBytes. Rejects with NetError. */
  exchange(request: Uint8Array, maxBytes: number, timeoutMs: number): Promise<Uint8Array>;
  /** TLS on this connection; exchange then goes through it. Rejects with NetError. */
  startTls(options: TlsClientOptions, timeoutMs: number): Promise<TlsObservation>;
  close(): void;
}

export interface NetworkPort {
  /** The addresses of a host name (an IP address as itself). Rejects with NetError ('not-found', 'timeout'). */
  resolve(host: string, timeoutMs: number): Promise<string[]>;
  /** A TCP connection to one address. Rejects with NetError. */
  connect(address: string, port: number, timeoutMs: number): Promise<NetChannel>;
}

export interface ConnectPorts {
  network: NetworkPort;
  now: () => Date;
  elapsed: () => number;
  /** Reads a file named by the config (bounded), for the client certificate and key. Rejects with FsError. */
  readFile: (path: string) => Promise<Uint8Array>;
  /** Parses a CA list the config names (through the service's cache). Undefined when it cannot be read. */
  caList: (path: string) => Promise<ParsedPki | undefined>;
}
