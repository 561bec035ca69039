// Servers on 127.0.0.1 for the network tests: TLS and plain ones that answer an HTTP head (by default as the
// ThingWorx WebSocket endpoint does), an HTTP CONNECT proxy, a server that never speaks, and a port nobody
// listens on. Each stops itself after LIFETIME_MS (an unref'd timer), so a test that forgets one cannot hang.
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';

const LIFETIME_MS = 30_000;
const HOST = '127.0.0.1';
const BLANK_LINE = '\r\n\r\n';
const MAX_HEAD = 64 * 1024;

export interface Loopback {
  port: number;
  close(): Promise<void>;
}

/** What a TLS or plain server saw of one request: its head, and the client certificate's subject CN if any. */
export interface Seen {
  head: string;
  peerCertificate: string | undefined;
}

/** Listens on 127.0.0.1, destroys its open connections on close, and closes itself after LIFETIME_MS. */
async function listen(server: net.Server): Promise<Loopback> {
  const sockets = new Set<net.Socket>();
  // A TLS server's 'connection' is its raw socket: destroying it ends the TLS one and any handshake.
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), LIFETIME_MS);
  lifetime.unref();
  return { port: (server.address() as net.AddressInfo).port, close };
}

/**
 * Calls `onHead` with each HTTP head the socket sends (through the blank line) and the bytes after it; stops
 * when `onHead` returns false (the socket is someone else's from then on).
 */
function readHeads(socket: net.Socket, onHead: (head: string, rest: Buffer) => boolean): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(BLANK_LINE); end >= 0; end = buffered.indexOf(BLANK_LINE)) {
      const head = buffered.subarray(0, end + BLANK_LINE.length).toString('latin1');
      buffered = buffered.subarray(end + BLANK_LINE.length);
      if (!onHead(head, buffered)) {
        socket.off('data', onData);
        return;
      }
    }
    if (buffered.length > MAX_HEAD) socket.destroy();
  };
  socket.on('data', onData);
  socket.on('error', () => undefined);
}

const header = (head: string, name: string): string | undefined =>
  head.split('\r\n').slice(1).find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();

/** The ThingWorx endpoint's answer: a WebSocket upgrade (RFC 6455 accept key) on /Thingworx/WS, else 404. */
export function webSocketReply(head: string): string {
  const path = head.split(' ')[1]?.split('?')[0];
  if (path !== '/Thingworx/WS') return 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
  const key = header(head, 'Sec-WebSocket-Key');
  if (!key) return 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n';
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

function answerHeads(socket: net.Socket, respond: (head: string) => string, seen: Seen[]): void {
  readHeads(socket, (head) => {
    const peer = socket instanceof tls.TLSSocket ? socket.getPeerCertificate() : undefined;
    seen.push({ head, peerCertificate: peer?.subject ? String(peer.subject.CN) : undefined });
    socket.write(respond(head));
    return true;
  });
}

export type TlsServerOptions = tls.TlsOptions & { respond?: (head: string) => string };

/** A TLS server with the test's settings that answers each request head with `respond` (webSocketReply). */
export async function tlsServer({ respond = webSocketReply, ...options }: TlsServerOptions): Promise<Loopback & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = tls.createServer(options, (socket) => answerHeads(socket, respond, seen));
  // A handshake the server refuses is what some tests are about.
  server.on('tlsClientError', () => undefined);
  return { ...(await listen(server)), seen };
}

/** The same over plain TCP. */
export async function plainServer(respond: (head: string) => string = webSocketReply): Promise<Loopback & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = net.createServer((socket) => answerHeads(socket, respond, seen));
  return { ...(await listen(server)), seen };
}

/** One CONNECT the proxy received: its request line, and whether a Proxy-Authorization header came with it. */
export interface ProxyRequest {
  line: string;
  auth: boolean;
}

/**
 * An HTTP proxy for CONNECT to 127.0.0.1 only (anything else: 403). With a user, a request without the right
 * Basic credentials gets 407 and may try again on the same connection.
 */
export async function httpProxy({ user, password }: { user?: string; password?: string } = {}): Promise<Loopback & { requests: ProxyRequest[] }> {
  const requests: ProxyRequest[] = [];
  const expected = user === undefined ? undefined : `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  const server = net.createServer((client) => {
    readHeads(client, (head, rest) => {
      const line = head.slice(0, head.indexOf('\r\n'));
      const authorization = header(head, 'Proxy-Authorization');
      const [method, target] = line.split(' ');
      if (method !== 'CONNECT' || !target) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
        return false;
      }
      requests.push({ line, auth: authorization !== undefined });
      if (expected !== undefined && authorization !== expected) {
        client.write('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      const colon = target.lastIndexOf(':');
      const host = target.slice(0, colon);
      const port = Number(target.slice(colon + 1));
      if (host !== HOST || !Number.isInteger(port) || port <= 0 || port > 65535) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return false;
      }
      const upstream = net.connect({ host, port }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      upstream.on('error', () => (upstream.connecting ? client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n') : client.destroy()));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      // Nothing more is read until the tunnel is up (pipe resumes it).
      client.pause();
      return false;
    });
  });
  return { ...(await listen(server)), requests };
}

/** Accepts connections and never writes a byte: for time-outs. */
export async function silentServer(): Promise<Loopback & { connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
  });
  return { ...(await listen(server)), connections: () => connections };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function refusedPort(): Promise<number> {
  const { port, close } = await listen(net.createServer());
  await close();
  return port;
}
