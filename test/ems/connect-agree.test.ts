// What the real EMS 5.3.4 did on the connection-test cases (the `connect-*` cases of cases.ts, recorded by
// record.mjs, never in CI): accepted or refused the server's certificate, what its ClientHello offered, and which
// client certificate it sent. These tests pin the recorded facts only; comparing them with the connection
// test's own verdicts is left to the connection test's tests.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../helpers/repo';
import { EMS_CASES } from './cases';

interface ClientHello {
  sni: string | null;
  recordVersion: string;
  legacyVersion: string;
  supportedVersions: string[] | null;
  maxVersion: string;
  ciphers: string[];
  extensions: number[];
}

interface SentCertificate {
  subject: string | null;
  issuer: string | null;
  keyType: string;
  keyBits: number | null;
  issuedByListenerCa: boolean;
}

interface ConnectVerdict {
  parsed: boolean;
  outcome: 'ran' | 'exited' | 'crashed';
  transport: 'tls' | 'plain' | 'none';
  serverCertificate: 'accepted' | 'refused' | null;
  log: string[];
  upgradeRequest?: string[] | null;
  clientHello?: ClientHello | null;
  negotiated?: { protocol: string; cipher: string } | null;
  clientCertificate?: {
    sent: boolean;
    subject: string | null;
    chain: SentCertificate[];
    verifySignatureBytes: number | null;
    handshakeMessages: number[] | null;
    verified: boolean;
  };
  listenerErrors?: string[];
  certificateLog?: string[];
}

const recorded = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'ems', 'recorded.json'), 'utf8')) as { ems: string; cases: Record<string, ConnectVerdict> };
const CONNECT_CASES = EMS_CASES.filter((c) => typeof c.listener === 'string' && c.listener.startsWith('connect-'));

const INVALID_CERTIFICATE = 'ERROR SDK: twTlsClient_Connect: Error intializing TLS connection.  Invalid certificate';
const SSL_FAILED = 'ERROR SDK: Error intializing SSL connection';
const ESTABLISHED = 'DEBUG SDK: twTlsClient_Connect: TLS connection established';

/** The recorded fact of each case, beyond the facts every connect case shares (checked below). */
const FACTS: Record<string, (v: ConnectVerdict) => void> = {
  'connect-trusted-chain': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
    assert.ok(v.certificateLog?.includes(ESTABLISHED));
  },
  // No host-name check in 5.3.4: a certificate for platform.example.com only is accepted at 127.0.0.1.
  'connect-wrong-host': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
    assert.ok(v.certificateLog?.includes(ESTABLISHED));
  },
  'connect-missing-intermediate': (v) => {
    assert.equal(v.serverCertificate, 'refused');
    assert.ok(v.log.includes(INVALID_CERTIFICATE), v.log.join('\n'));
  },
  'connect-unknown-root': (v) => {
    assert.equal(v.serverCertificate, 'refused');
    assert.ok(v.log.includes(INVALID_CERTIFICATE), v.log.join('\n'));
  },
  'connect-expired-leaf': (v) => {
    assert.equal(v.serverCertificate, 'refused');
    assert.ok(v.log.includes(INVALID_CERTIFICATE), v.log.join('\n'));
  },
  'connect-self-signed-allowed': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
  },
  // allow_self_signed does not forgive expiry (axTLS checks the dates before it finds the certificate self-signed).
  'connect-self-signed-expired-allowed': (v) => {
    assert.equal(v.serverCertificate, 'refused');
    assert.ok(v.log.includes(INVALID_CERTIFICATE), v.log.join('\n'));
  },
  // An EC server certificate: axTLS offers RSA key exchange only, so there is no handshake at all.
  'connect-self-signed-ec-allowed': (v) => {
    assert.equal(v.serverCertificate, 'refused');
    assert.equal(v.negotiated, null);
    assert.ok(v.listenerErrors?.some((e) => e.includes('no shared cipher')), String(v.listenerErrors));
    assert.ok(v.log.includes(SSL_FAILED), v.log.join('\n'));
  },
  // Asked for a client certificate with none configured, 5.3.4 sends a built-in self-signed "MicroServer" one.
  'connect-client-cert-none': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
    assertBuiltIn(v, 128);
  },
  // EC client certificate and key (plain or encrypted PKCS#8): neither is used; the built-in one is sent, signed by its own key.
  'connect-client-cert': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
    assertBuiltIn(v, 128);
  },
  'connect-client-cert-encrypted-key': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
    assertBuiltIn(v, 128);
  },
  // RSA client certificate: the key (2048-bit) is loaded, in every form, but the certificate sent is still the
  // built-in RSA 1024 one, so its CertificateVerify does not verify and the server ends the handshake.
  'connect-client-cert-rsa': (v) => assertKeyWithoutCertificate(v),
  'connect-client-cert-rsa-pkcs8': (v) => assertKeyWithoutCertificate(v),
  'connect-client-cert-rsa-encrypted-key': (v) => assertKeyWithoutCertificate(v),
  'connect-cn-match': (v) => {
    assert.equal(v.serverCertificate, 'accepted');
  },
  'connect-cn-mismatch': (v) => {
    assert.equal(v.serverCertificate, 'refused');
    assert.ok(v.log.includes('ERROR SDK: twTlsClient_Connect: Certificate field EMS Config Test Server does not match expected twx.example.com. Field 0'), v.log.join('\n'));
  },
};

function assertBuiltIn(v: ConnectVerdict, signatureBytes: number): void {
  const sent = v.clientCertificate;
  assert.ok(sent, 'no client certificate view recorded');
  assert.equal(sent.sent, true);
  assert.deepEqual(sent.chain.map((c) => [c.subject, c.issuer, c.keyType, c.keyBits, c.issuedByListenerCa]), [['MicroServer', 'MicroServer', 'rsa', 1024, false]]);
  assert.equal(sent.verifySignatureBytes, signatureBytes);
  assert.equal(sent.verified, false);
}

function assertKeyWithoutCertificate(v: ConnectVerdict): void {
  assertBuiltIn(v, 256);
  assert.equal(v.negotiated, null);
  assert.ok(v.listenerErrors?.some((e) => e.includes('wrong signature length')), String(v.listenerErrors));
  assert.ok(v.log.includes(SSL_FAILED), v.log.join('\n'));
  assert.equal(v.upgradeRequest, null);
}

describe(`EMS ${recorded.ems} on the connection-test cases`, () => {
  test('every connect case has a recorded fact here, and was recorded with the listener view', () => {
    assert.deepEqual(CONNECT_CASES.map((c) => c.name).sort(), Object.keys(FACTS).sort());
    for (const c of CONNECT_CASES) assert.ok(recorded.cases[c.name]?.clientHello !== undefined, `${c.name} not recorded with the listener view`);
  });

  for (const emsCase of CONNECT_CASES) {
    const v = recorded.cases[emsCase.name];
    const fact = FACTS[emsCase.name];
    if (!v || !fact) continue; // the test above names it
    describe(`${emsCase.name}: ${emsCase.about}`, () => {
      test('ran, and spoke TLS', () => {
        assert.equal(v.parsed, true);
        assert.equal(v.outcome, 'ran');
        assert.equal(v.transport, 'tls');
      });

      test('ClientHello: no SNI, TLS 1.2 at most (no supported_versions), four RSA key-exchange suites', () => {
        const hello = v.clientHello;
        assert.ok(hello);
        assert.equal(hello.sni, null);
        assert.equal(hello.supportedVersions, null);
        assert.equal(hello.legacyVersion, 'TLSv1.2');
        assert.equal(hello.maxVersion, 'TLSv1.2');
        // AES256-SHA256, AES128-SHA256, AES256-SHA, AES128-SHA; the only extension is signature_algorithms (13).
        assert.deepEqual(hello.ciphers, ['0x003d', '0x003c', '0x0035', '0x002f']);
        assert.deepEqual(hello.extensions, [13]);
      });

      if (v.negotiated) {
        test('negotiated TLS 1.2 with AES256-SHA256', () => {
          assert.deepEqual(v.negotiated, { protocol: 'TLSv1.2', cipher: 'AES256-SHA256' });
        });
      }

      test(v.serverCertificate === 'accepted' ? 'accepted: the upgrade request followed, appKey redacted' : 'refused: no upgrade request', () => {
        if (v.serverCertificate === 'accepted') {
          assert.equal(v.upgradeRequest?.[0], 'GET /Thingworx/WS HTTP/1.1');
          assert.ok(v.upgradeRequest?.includes('Host: 127.0.0.1'), String(v.upgradeRequest));
          assert.ok(v.upgradeRequest?.includes('appKey: <redacted>'), String(v.upgradeRequest));
        } else {
          assert.equal(v.upgradeRequest, null);
        }
      });

      test('the recorded fact', () => fact(v));
    });
  }
});
