// A ThingWorx platform on 127.0.0.1 for the connection test: a TLS server with the fixture's platform key and
// certificate (spare/platform*.pem) that answers a WebSocket upgrade of /Thingworx/WS with 101 and the RFC 6455
// accept key (as test/helpers/loopback.ts's webSocketReply does), anything else with 404 or 400. It records the
// head of every request. Used in the extension host by e2e/suite/suite.js and in the runner by e2e/ui-smoke.mjs.
// Plain CommonJS, no dependencies.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const tls = require('node:tls');

const BLANK_LINE = '\r\n\r\n';
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A header's value in an HTTP head, or undefined. */
const header = (head, name) => {
  const line = head.split('\r\n').slice(1).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line === undefined ? undefined : line.slice(name.length + 1).trim();
};

function webSocketReply(head) {
  const target = (head.split(' ')[1] || '').split('?')[0];
  if (target !== '/Thingworx/WS') return 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
  const key = header(head, 'Sec-WebSocket-Key');
  if (!key) return 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n';
  const accept = crypto.createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

/**
 * Starts the platform on 127.0.0.1, port 0. Returns { port, seen, upgrades(), close() }: seen lists the heads
 * received; upgrades() the ones that asked for a WebSocket; close() stops it and ends its connections.
 * @param {{ key: string | Buffer, cert: string | Buffer }} options
 */
async function startPlatform({ key, cert }) {
  const seen = [];
  const sockets = new Set();
  const server = tls.createServer({ key, cert }, (socket) => {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf(BLANK_LINE); end >= 0; end = buffered.indexOf(BLANK_LINE)) {
        const head = buffered.slice(0, end + BLANK_LINE.length);
        buffered = buffered.slice(end + BLANK_LINE.length);
        seen.push(head);
        socket.write(webSocketReply(head));
      }
    });
  });
  server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  server.on('tlsClientError', () => undefined);
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  let closing;
  return {
    port: server.address().port,
    seen,
    upgrades: () => seen.filter((head) => /^upgrade:\s*websocket\s*$/im.test(head)),
    header,
    close: () => (closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    })),
  };
}

/** Writes the connection test's config (fixture.connect) with ws_servers[0] on `port`; returns its path. */
function writeConnectConfig(connect, port) {
  const config = { ...connect.template, ws_servers: [{ ...connect.template.ws_servers[0], port }, ...connect.template.ws_servers.slice(1)] };
  fs.mkdirSync(path.dirname(connect.config), { recursive: true });
  fs.writeFileSync(connect.config, `${JSON.stringify(config, null, 2)}\n`);
  return connect.config;
}

module.exports = { startPlatform, writeConnectConfig, webSocketReply, header };
