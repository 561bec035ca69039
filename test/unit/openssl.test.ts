// The same verdicts as OpenSSL's: validity at an injected instant (openssl verify -attime) and whether a key
// belongs to a certificate (their public keys, as openssl prints them), over the fixture PKI.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { NOW, PASSPHRASE, pki } from '../helpers/pki';
import { BASE, SETTINGS as settings } from '../helpers/service';

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });

async function ourCodes(groups: Record<string, unknown>, pointer: string): Promise<string[]> {
  const result = await service.check({ text: JSON.stringify({ ...BASE, ...groups }), settings });
  return result.findings.filter((f) => f.pointer === pointer).map((f) => f.code);
}

/** OpenSSL's validity verdict for one certificate at NOW: the certificate is its own trust anchor, so only time is judged. */
function opensslValidity(file: string): 'valid' | 'expired' | 'not-yet-valid' {
  const at = String(Math.floor(NOW.getTime() / 1000));
  const run = spawnSync('openssl', ['verify', '-attime', at, '-partial_chain', '-CAfile', file, file], { encoding: 'utf8' });
  const output = run.stdout + run.stderr;
  if (/certificate has expired/.test(output)) return 'expired';
  if (/certificate is not yet valid/.test(output)) return 'not-yet-valid';
  assert.match(output, /: OK/, output);
  return 'valid';
}

function opensslPublicKey(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}

describe('verdicts agree with OpenSSL', () => {
  for (const name of ['server.pem', 'expired.pem', 'not-yet-valid.pem', 'expiring-soon.pem', 'ec-p384-server.pem', 'ed25519-server.pem']) {
    test(`validity of ${name} at ${NOW.toISOString()}`, async () => {
      const codes = await ourCodes({ http_server: { ssl: true, authenticate: false, certificate: pki(name) } }, '/http_server/certificate');
      const ours = codes.includes('cert-expired') ? 'expired' : codes.includes('cert-not-yet-valid') ? 'not-yet-valid' : 'valid';
      assert.equal(ours, opensslValidity(pki(name)));
    });
  }

  for (const [cert, key] of [['server.pem', 'server-key-encrypted.pem'], ['server.pem', 'other-key.pem'], ['ec-p256-server.pem', 'ec-p256-server-key-sec1.pem'], ['ec-p256-server.pem', 'ec-p256-other-key.pem'], ['ed25519-server.pem', 'ed25519-server-key.pem'], ['ed25519-server.pem', 'ed25519-other-key.pem']] as const) {
    test(`${key} belongs to ${cert}: same answer as comparing OpenSSL's public keys`, async () => {
      const certificatePublic = opensslPublicKey(['x509', '-in', pki(cert), '-noout', '-pubkey']);
      const keyPublic = opensslPublicKey(['pkey', '-in', pki(key), '-pubout', '-passin', `pass:${PASSPHRASE}`]);
      const codes = await ourCodes({ certificates: { client_cert: pki(cert), key_file: pki(key), key_passphrase: PASSPHRASE } }, '/certificates/key_file');
      assert.equal(!codes.includes('key-mismatch'), certificatePublic === keyPublic);
    });
  }
});
