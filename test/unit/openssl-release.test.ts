// What the target release's own OpenSSL can use (issue #14, item 7): files made by this machine's openssl
// (3.0), judged for releases on OpenSSL 1.0.2 (5.4.0–5.4.6), 1.1.1 (5.4.7–5.4.10), 3 (5.5.0) and one whose
// OpenSSL is not known (5.4.12, which must say nothing it cannot back). OpenSSL 1.0.2 cannot run here; its
// side is its CHANGES file (EdDSA arrived in 1.1.1, scrypt in 1.1.0), cited in service/target/openssl.ts.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import type { Finding } from '../../server/src/service/types';
import { NOW, pki } from '../helpers/pki';
import { BASE, SETTINGS } from '../helpers/service';

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
const dir = mkdtempSync(join(tmpdir(), 'ems-release-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

async function unsupported(certificates: Record<string, unknown>, release: string): Promise<Finding[]> {
  const result = await service.check({ text: JSON.stringify({ ...BASE, certificates }), settings: { ...SETTINGS, emsVersion: release } });
  return result.findings.filter((f) => f.code === 'release-openssl-unsupported');
}

const RELEASES = [['5.4.0', true], ['5.4.5', true], ['5.4.6', true], ['5.4.7', false], ['5.4.10', false], ['5.5.0', false], ['5.4.12', false], ['5.3.4', false]] as const;

describe('Ed25519 certificates and keys need OpenSSL 1.1.1', () => {
  for (const [release, refused] of RELEASES) {
    test(`target ${release}: ${refused ? 'the certificate and the key are refused' : 'nothing said'}`, async () => {
      const found = await unsupported({ client_cert: pki('ed25519-server.pem'), key_file: pki('ed25519-server-key.pem') }, release);
      assert.deepEqual(found.map((f) => f.pointer), refused ? ['/certificates/client_cert', '/certificates/key_file'] : []);
      if (refused) assert.match(found[1]!.message, /^The private key in ed25519-server-key\.pem uses Ed25519 keys, which OpenSSL has only since 1\.1\.1; EMS 5\.4\.\d bundles OpenSSL 1\.0\.2[lqr] \(/);
    });
  }

  test('an Ed25519 CA in a CA list is refused on 1.0.2 too (it cannot verify what the CA signed)', async () => {
    const found = await unsupported({ cert_chain: pki('ed25519-ca.pem') }, '5.4.6');
    assert.deepEqual(found.map((f) => f.pointer), ['/certificates/cert_chain']);
  });
});

describe('scrypt-encrypted PKCS#8 keys need OpenSSL 1.1.0', () => {
  test('openssl pkcs8 -topk8 -scrypt: refused on 5.4.6 (1.0.2r), used on 5.4.7 (1.1.1c); a PBKDF2 key on both', async () => {
    openssl('pkcs8', '-topk8', '-scrypt', '-in', pki('server-key.pem'), '-passout', 'pass:scrypt-pass', '-out', 'scrypt.pem');
    openssl('pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', pki('server-key.pem'), '-passout', 'pass:scrypt-pass', '-out', 'pbkdf2.pem');
    assert.match(openssl('asn1parse', '-in', join(dir, 'scrypt.pem')), /OBJECT\s*:scrypt\n/);
    const identity = (key: string) => ({ client_cert: pki('server-chain.pem'), key_file: join(dir, key), key_passphrase: 'scrypt-pass' });
    const old = await unsupported(identity('scrypt.pem'), '5.4.6');
    assert.deepEqual(old.map((f) => f.pointer), ['/certificates/key_file']);
    assert.match(old[0]!.message, /uses scrypt-encrypted keys, which OpenSSL has only since 1\.1\.0; .*re-encrypt the key with PBKDF2/);
    assert.deepEqual(await unsupported(identity('scrypt.pem'), '5.4.7'), []);
    assert.deepEqual(await unsupported(identity('pbkdf2.pem'), '5.4.6'), []);
  });
});
