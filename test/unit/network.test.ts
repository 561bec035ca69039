// The network port on Node against loopback servers: name look-ups, refused and silent ports, the TLS
// observation (protocol, chain, this machine's OpenSSL verdict against the given anchors only, whether a client
// certificate was asked for and sent), handshake failures with their alerts, and HTTP heads over TCP, TLS and a
// CONNECT proxy.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { alertOf, nodeNetwork } from '../../server/src/node/network';
import { type NetChannel, NetError, type NetErrorKind, type TlsClientOptions } from '../../server/src/service/ports';
import { httpProxy, plainServer, refusedPort, silentServer, tlsServer, type TlsServerOptions } from '../helpers/loopback';
import { PASSPHRASE, pemBundle, pki, pkiBytes, pkiText } from '../helpers/pki';

const HOST = '127.0.0.1';
const der = (name: string): Uint8Array => new Uint8Array(new X509Certificate(pkiBytes(name)).raw);
const ROOT = der('root-ca.pem');
const SERVER = { key: pkiText('server-key.pem'), cert: pkiText('server-chain.pem') };
const IDENTITY = { certificate: pkiBytes('server.pem'), key: pkiBytes('server-key.pem') };
const TLS12: TlsClientOptions = { anchors: [ROOT], minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
const TLS13: TlsClientOptions = { anchors: [ROOT], minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' };
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const UPGRADE = Buffer.from(`GET /Thingworx/WS HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
/** RFC 6455's own example: the accept value of its sample key. */
const ACCEPTED = 'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

async function rejects(promise: Promise<unknown>, kind: NetErrorKind, alert?: string): Promise<NetError> {
  const error = await promise.then(
    () => assert.fail(`expected NetError('${kind}')`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof NetError, String(error));
  assert.equal(error.kind, kind, error.message);
  if (alert !== undefined) assert.equal(error.alert, alert, `${error.code}: ${error.message}`);
  return error;
}

/** A connection to the port for `use`, closed after it whatever happens. */
async function connected<T>(port: number, use: (channel: NetChannel) => Promise<T>): Promise<T> {
  const channel = await nodeNetwork.connect(HOST, port, 2000);
  try {
    return await use(channel);
  } finally {
    channel.close();
  }
}

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((server) => server.close())));
async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  servers.push(await server);
  return servers.at(-1) as T;
}

describe('resolve', () => {
  test('an IP address is itself', async () => assert.deepEqual(await nodeNetwork.resolve(HOST, 1000), [HOST]));

  test('localhost has a loopback address', async () => {
    const addresses = await nodeNetwork.resolve('localhost', 2000);
    assert.ok(addresses.some((address) => address === HOST || address === '::1'), addresses.join(', '));
  });

  test('a name that does not exist is not-found', async () => {
    await rejects(nodeNetwork.resolve('no-such-host.invalid', 5000), 'not-found');
  });
});

describe('connect', () => {
  test('nothing listening is refused', async () => {
    const error = await rejects(nodeNetwork.connect(HOST, await refusedPort(), 2000), 'refused');
    assert.equal(error.code, 'ECONNREFUSED');
  });

  test('a port out of range is io, not a throw', async () => {
    await rejects(nodeNetwork.connect(HOST, 70_000, 1000), 'io');
  });

  test('a server that never speaks: the handshake and the exchange time out', async () => {
    const silent = await started(silentServer());
    const started1 = Date.now();
    await connected(silent.port, (channel) => rejects(channel.startTls(TLS13, 300), 'timeout'));
    await connected(silent.port, (channel) => rejects(channel.exchange(UPGRADE, 4096, 300), 'timeout'));
    assert.ok(Date.now() - started1 < 2000);
    assert.equal(silent.connections(), 2);
  });
});

describe('exchange over TCP', () => {
  test('returns the head through the blank line', async () => {
    const server = await started(plainServer());
    const head = text(await connected(server.port, (channel) => channel.exchange(UPGRADE, 4096, 2000)));
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.ok(head.includes(ACCEPTED), head);
    assert.ok(head.endsWith('\r\n\r\n'));
    assert.equal(server.seen[0]?.head, UPGRADE.toString());
    assert.equal(server.seen[0]?.peerCertificate, undefined);
  });

  test('two exchanges on one connection, the second reading past the first head', async () => {
    const server = await started(plainServer(() => 'HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'));
    await connected(server.port, async (channel) => {
      assert.equal(text(await channel.exchange(UPGRADE, 4096, 2000)), 'HTTP/1.1 200 OK\r\n\r\n');
      assert.equal(text(await channel.exchange(Buffer.alloc(0), 4096, 2000)), 'HTTP/1.1 204 No Content\r\n\r\n');
    });
  });

  test('a head longer than the bound is too-large', async () => {
    const server = await started(plainServer(() => `HTTP/1.1 200 OK\r\nX-Long: ${'x'.repeat(10_000)}\r\n\r\n`));
    await connected(server.port, (channel) => rejects(channel.exchange(UPGRADE, 1024, 2000), 'too-large'));
  });

  test('a peer that closes before the blank line is closed', async () => {
    const server = await started(plainServer(() => 'HTTP/1.1 200 OK\r\n'));
    await connected(server.port, async (channel) => {
      const exchanged = channel.exchange(UPGRADE, 4096, 2000);
      // The reply's first line arrives, then the server goes away.
      setTimeout(() => void server.close(), 50);
      const error = await rejects(exchanged, 'closed');
      assert.match(error.message, /after \d+ bytes/);
    });
  });
});

describe('startTls: what the handshake shows', () => {
  test('TLS 1.3 against the root: protocol, cipher, the chain leaf first, no OpenSSL error', async () => {
    const server = await started(tlsServer(SERVER));
    await connected(server.port, async (channel) => {
      const seen = await channel.startTls({ ...TLS13, servername: 'localhost' }, 2000);
      assert.equal(seen.protocol, 'TLSv1.3');
      assert.match(seen.cipher, /^TLS_/);
      assert.deepEqual(seen.chain.slice(0, 2), [der('server.pem'), der('intermediate-ca.pem')]);
      // OpenSSL linked the root from the anchors.
      assert.deepEqual(seen.chain[2], ROOT);
      assert.equal(seen.opensslError, undefined);
      // Decrypted from the recorded records with the session's keylog secrets.
      assert.equal(seen.clientCertificateRequested, false);
      assert.equal(seen.clientCertificateSent, false);
      assert.ok(text(await channel.exchange(UPGRADE, 4096, 2000)).includes(ACCEPTED));
    });
  });

  test('no anchors: OpenSSL cannot find the issuer, and the chain is what the server sent', async () => {
    const server = await started(tlsServer(SERVER));
    const seen = await connected(server.port, (channel) => channel.startTls({ ...TLS13, anchors: [] }, 2000));
    assert.equal(seen.opensslError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.deepEqual(seen.chain, [der('server.pem'), der('intermediate-ca.pem')]);
  });

  test('no anchors means none: a root in Node\'s store (NODE_EXTRA_CA_CERTS) is not used', async () => {
    const server = await started(tlsServer(SERVER));
    const network = join(__dirname, '..', '..', 'server', 'src', 'node', 'network.js');
    // The child's default store holds the test root: plain tls.connect trusts the server, the port does not.
    const script = `
      const tls = require('node:tls');
      const { nodeNetwork } = require(${JSON.stringify(network)});
      const port = ${server.port};
      const plain = tls.connect({ host: '127.0.0.1', port, servername: 'localhost' }, async () => {
        plain.destroy();
        const channel = await nodeNetwork.connect('127.0.0.1', port, 2000);
        const seen = await channel.startTls({ anchors: [], minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }, 2000);
        channel.close();
        console.log(JSON.stringify({ plain: plain.authorized, port: seen.opensslError }));
      });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: pki('root-ca.pem') }, timeout: 5000 });
    assert.deepEqual(JSON.parse(stdout), { plain: true, port: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  });

  test('a self-signed server without anchors: DEPTH_ZERO_SELF_SIGNED_CERT, a chain of one', async () => {
    const server = await started(tlsServer({ key: pkiText('self-signed-key.pem'), cert: pkiText('self-signed.pem') }));
    const unanchored = await connected(server.port, (channel) => channel.startTls({ ...TLS13, anchors: [] }, 2000));
    assert.equal(unanchored.opensslError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    // The chain walk stops where a certificate is its own issuer.
    assert.deepEqual(unanchored.chain, [der('self-signed.pem')]);
  });

  describe('TLS 1.2: the client certificate asked for and sent', () => {
    const requesting: TlsServerOptions = { ...SERVER, requestCert: true, rejectUnauthorized: false, ca: [pkiText('root-ca.pem')], maxVersion: 'TLSv1.2' };
    const identities = [
      { name: 'PEM key', identity: IDENTITY },
      { name: 'DER PKCS#8 key', identity: { ...IDENTITY, key: pkiBytes('server-key.der') } },
      { name: 'encrypted PKCS#1 PEM key', identity: { ...IDENTITY, key: pkiBytes('server-key-rsa-encrypted.pem'), passphrase: PASSPHRASE } },
      { name: 'PKCS#12 key file', identity: { certificate: pkiBytes('server.p12'), key: pkiBytes('server.p12'), passphrase: PASSPHRASE } },
      { name: 'DER certificate', identity: { ...IDENTITY, certificate: pkiBytes('server.der') } },
    ];
    test('an EC device certificate from the client PKI', async () => {
      const server = await started(tlsServer({ ...requesting, ca: [pkiText('client-ca.pem')] }));
      const identity = { certificate: pkiBytes('client.pem'), key: pkiBytes('client-key-encrypted.pem'), passphrase: PASSPHRASE };
      await connected(server.port, async (channel) => {
        assert.equal((await channel.startTls({ ...TLS12, identity }, 2000)).clientCertificateSent, true);
        await channel.exchange(UPGRADE, 4096, 2000);
      });
      assert.equal(server.seen[0]?.peerCertificate, 'EMS Config Test Device');
    });

    for (const { name, identity } of identities) {
      test(`requested and sent (${name})`, async () => {
        const server = await started(tlsServer(requesting));
        await connected(server.port, async (channel) => {
          const seen = await channel.startTls({ ...TLS12, identity }, 2000);
          assert.equal(seen.protocol, 'TLSv1.2');
          assert.equal(seen.clientCertificateRequested, true);
          assert.equal(seen.clientCertificateSent, true);
          await channel.exchange(UPGRADE, 4096, 2000);
        });
        assert.equal(server.seen[0]?.peerCertificate, 'EMS Config Test Server');
      });
    }

    test('a server Certificate message spanning records: the CertificateRequest after it is still seen', async () => {
      // The chain followed by 40 CA certificates the client ignores: about 50 KB, four records at least.
      const server = await started(tlsServer({ ...requesting, cert: SERVER.cert + pemBundle(['ca-list.pem', 'ed25519-ca.pem'], 40) }));
      const seen = await connected(server.port, (channel) => channel.startTls({ ...TLS12, identity: IDENTITY }, 2000));
      assert.equal(seen.clientCertificateRequested, true);
      assert.equal(seen.clientCertificateSent, true);
      assert.deepEqual(seen.chain, [der('server.pem'), der('intermediate-ca.pem'), ROOT]);
    });

    test('requested, none sent without an identity', async () => {
      const server = await started(tlsServer(requesting));
      const seen = await connected(server.port, (channel) => channel.startTls(TLS12, 2000));
      assert.equal(seen.clientCertificateRequested, true);
      assert.equal(seen.clientCertificateSent, false);
    });

    // TLS 1.3 encrypts CertificateRequest and the client's Certificate: read with the session's own secrets,
    // for each suite (the decryption is ours; the verdicts are what the server asked and received).
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      test(`TLS 1.3 with ${suite}: requested and sent, requested and not sent`, async () => {
        const server = await started(tlsServer({ ...requesting, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: suite }));
        const sent = await connected(server.port, async (channel) => {
          const seen = await channel.startTls({ ...TLS13, identity: IDENTITY }, 2000);
          await channel.exchange(UPGRADE, 4096, 2000);
          return seen;
        });
        assert.equal(sent.cipher, suite);
        assert.deepEqual([sent.clientCertificateRequested, sent.clientCertificateSent], [true, true]);
        assert.ok(server.seen.some((s) => s.peerCertificate), 'the server did receive it');
        const none = await connected(server.port, (channel) => channel.startTls(TLS13, 2000));
        assert.deepEqual([none.clientCertificateRequested, none.clientCertificateSent], [true, false]);
      });
    }

    test('not requested by a server without requestCert: not sent either', async () => {
      const server = await started(tlsServer({ ...SERVER, maxVersion: 'TLSv1.2' }));
      const seen = await connected(server.port, (channel) => channel.startTls({ ...TLS12, identity: IDENTITY }, 2000));
      assert.equal(seen.clientCertificateRequested, false);
      assert.equal(seen.clientCertificateSent, false);
      assert.match(seen.cipher, /^ECDHE-RSA-/);
    });
  });
});

test('a 1 MiB head over TLS comes whole through the observer (backpressure on the way in)', async () => {
  const long = `HTTP/1.1 200 OK\r\nX-Long: ${'x'.repeat(1 << 20)}\r\n\r\n`;
  const server = await started(tlsServer({ ...SERVER, respond: () => long }));
  const head = await connected(server.port, async (channel) => {
    await channel.startTls(TLS13, 2000);
    return channel.exchange(UPGRADE, 2 << 20, 5000);
  });
  assert.equal(text(head), long);
});

describe('startTls: failures', () => {
  test('a TLS 1.3-only server and a client up to 1.2: protocol version', async () => {
    const server = await started(tlsServer({ ...SERVER, minVersion: 'TLSv1.3' }));
    const error = await connected(server.port, (channel) => rejects(channel.startTls(TLS12, 2000), 'tls', 'protocol version'));
    assert.equal(error.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  test('no cipher in common: handshake failure', async () => {
    const server = await started(tlsServer({ ...SERVER, ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', maxVersion: 'TLSv1.2' }));
    await connected(server.port, (channel) => rejects(channel.startTls({ ...TLS13, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, 2000), 'tls', 'handshake failure'));
  });

  test('a cipher string OpenSSL cannot read is tls-config', async () => {
    const server = await started(tlsServer(SERVER));
    await connected(server.port, (channel) => rejects(channel.startTls({ ...TLS13, ciphers: 'NO-SUCH-CIPHER' }, 2000), 'tls-config'));
  });

  test('a wrong passphrase is tls-config, and the message does not hold it', async () => {
    const server = await started(tlsServer(SERVER));
    const passphrase = 'wrong-passphrase-7f3a';
    for (const key of ['server-key-encrypted.pem', 'server-key.der', 'server.p12']) {
      const identity = { certificate: pkiBytes('server.pem'), key: pkiBytes(key), passphrase };
      // The unencrypted DER key ignores the passphrase: it belongs to the certificate, so it is not an error.
      const startTls = connected(server.port, (channel) => channel.startTls({ ...TLS13, identity }, 2000));
      if (key === 'server-key.der') await startTls;
      else assert.ok(!(await rejects(startTls, 'tls-config')).message.includes(passphrase));
    }
  });

  test('a key that is not the certificate\'s is tls-config', async () => {
    const server = await started(tlsServer(SERVER));
    const identity = { certificate: pkiBytes('server.pem'), key: pkiBytes('other-key.pem') };
    await connected(server.port, (channel) => rejects(channel.startTls({ ...TLS13, identity }, 2000), 'tls-config'));
  });

  test('TLS 1.3, a client certificate required and none sent: the alert comes on the exchange', async () => {
    const server = await started(tlsServer({ ...SERVER, requestCert: true, rejectUnauthorized: true, ca: [pkiText('root-ca.pem')] }));
    await connected(server.port, async (channel) => {
      const seen = await channel.startTls(TLS13, 2000);
      assert.equal(seen.protocol, 'TLSv1.3');
      const error = await rejects(channel.exchange(UPGRADE, 4096, 2000), 'tls', 'certificate required');
      assert.equal(error.code, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    });
  });

  test('alerts named from OpenSSL\'s codes and messages', () => {
    assert.equal(alertOf('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', ''), 'unknown ca');
    assert.equal(alertOf('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', ''), 'bad certificate');
    assert.equal(alertOf(undefined, 'error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:1605:SSL alert number 48'), 'unknown ca');
    assert.equal(alertOf('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), undefined);
  });
});

describe('through an HTTP proxy', () => {
  test('CONNECT, then TLS and the upgrade over the same channel', async () => {
    const server = await started(tlsServer(SERVER));
    const proxy = await started(httpProxy());
    await connected(proxy.port, async (channel) => {
      const connect = Buffer.from(`CONNECT ${HOST}:${server.port} HTTP/1.1\r\nHost: ${HOST}:${server.port}\r\n\r\n`);
      assert.match(text(await channel.exchange(connect, 4096, 2000)), /^HTTP\/1\.1 200 /);
      const seen = await channel.startTls({ ...TLS13, servername: 'localhost' }, 2000);
      assert.equal(seen.opensslError, undefined);
      assert.ok(text(await channel.exchange(UPGRADE, 4096, 2000)).includes(ACCEPTED));
    });
    assert.deepEqual(proxy.requests, [{ line: `CONNECT ${HOST}:${server.port} HTTP/1.1`, auth: false }]);
  });

  test('credentials: 407 without them, 200 with them on the same connection; other hosts 403', async () => {
    const proxy = await started(httpProxy({ user: 'edge', password: 'secret' }));
    const target = await started(plainServer());
    const authorization = `Proxy-Authorization: Basic ${Buffer.from('edge:secret').toString('base64')}\r\n`;
    await connected(proxy.port, async (channel) => {
      const line = `CONNECT ${HOST}:${target.port} HTTP/1.1\r\n`;
      const refused = text(await channel.exchange(Buffer.from(`${line}\r\n`), 4096, 2000));
      assert.match(refused, /^HTTP\/1\.1 407 /);
      assert.ok(refused.includes('Proxy-Authenticate: Basic realm="test"'));
      assert.match(text(await channel.exchange(Buffer.from(`${line}${authorization}\r\n`), 4096, 2000)), /^HTTP\/1\.1 200 /);
      assert.match(text(await channel.exchange(UPGRADE, 4096, 2000)), /^HTTP\/1\.1 101 /);
    });
    const elsewhere = await connected(proxy.port, (channel) => channel.exchange(Buffer.from(`CONNECT example.com:443 HTTP/1.1\r\n${authorization}\r\n`), 4096, 2000));
    assert.match(text(elsewhere), /^HTTP\/1\.1 403 /);
    assert.deepEqual(proxy.requests.map((request) => request.auth), [false, true, true]);
  });
});
