// What the target release's own OpenSSL can use (issue #14, item 7): files made by this machine's openssl
// (3.0), judged for releases on OpenSSL 1.0.2 (5.4.0–5.4.6), 1.1.1 (5.4.7–5.4.10), 3 (5.5.0) and one whose
// OpenSSL is not known (5.4.12, which must say nothing it cannot back). OpenSSL 1.0.2 cannot run here; its
// side is its NEWS and source (EdDSA and RSA-PSS keys arrived in 1.1.1, scrypt in 1.1.0), cited in service/openssl.ts.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('OpenSSL\'s default security level 1 (1.1.0 and later) refuses MD5 signatures and RSA keys under 1024 bits; 3.0 SHA-1 too', () => {
  // A CA and leaves openssl makes now, dated by its clock: only the signature and key verdicts are asserted.
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'level-ca.key', '-subj', '/CN=Level Test CA', '-days', '3650', '-out', 'level-ca.pem');
  const leaf = (name: string, newkey: string, digest: string) => {
    openssl('req', '-new', '-newkey', newkey, '-nodes', '-keyout', `${name}.key`, '-subj', `/CN=Level Test ${name}`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, `-${digest}`, '-CA', 'level-ca.pem', '-CAkey', 'level-ca.key', '-days', '3000', '-out', `${name}.pem`);
    return join(dir, `${name}.pem`);
  };
  /** openssl 3 verify as TLS applies it (-auth_level 1), and at level 0 as 1.0.2 has none. */
  const verifyAt = (file: string, level: number) => {
    const run = spawnSync('openssl', ['verify', '-auth_level', String(level), '-CAfile', join(dir, 'level-ca.pem'), file], { encoding: 'utf8' });
    return run.status === 0 ? 'OK' : /error (\d+) at/.exec(run.stdout + run.stderr)?.[1];
  };
  const cases = [
    { name: 'md5', file: () => leaf('md5', 'rsa:2048', 'md5'), code: 'weak-signature', opensslError: '68', errorFrom: '5.4.7' },
    { name: 'sha1', file: () => leaf('sha1', 'rsa:2048', 'sha1'), code: 'weak-signature', opensslError: '68', errorFrom: '5.5.0' },
    { name: 'rsa768', file: () => leaf('rsa768', 'rsa:768', 'sha256'), code: 'weak-key', opensslError: '66', errorFrom: '5.4.7' },
  ] as const;
  for (const c of cases) {
    test(`${c.name}: openssl 3 at level 1 says error ${c.opensslError}, at level 0 OK; ours an error from ${c.errorFrom}, a warning before`, async () => {
      const file = c.file();
      assert.equal(verifyAt(file, 1), c.opensslError);
      assert.equal(verifyAt(file, 0), 'OK');
      for (const [release, expected] of [['5.4.6', 'warning'], ['5.4.7', c.errorFrom === '5.4.7' ? 'error' : 'warning'], ['5.4.10', c.errorFrom === '5.4.7' ? 'error' : 'warning'], ['5.5.0', 'error'], ['5.4.12', 'warning']] as const) {
        const result = await service.check({ text: JSON.stringify({ ...BASE, http_server: { ssl: true, certificate: file } }), settings: { ...SETTINGS, emsVersion: release } });
        const found = result.findings.filter((f) => f.code === c.code);
        assert.deepEqual(found.map((f) => f.severity), [expected], `${c.name} on ${release}: ${found.map((f) => f.message).join(' | ')}`);
        if (release === '5.4.12') assert.doesNotMatch(found[0]!.message, /bundles/);
        else assert.match(found[0]!.message, expected === 'error' ? /which refuses it in TLS at its default security level 1/ : /which still accepts it/);
      }
    });
  }
});

describe('RSA-PSS keys (id-RSASSA-PSS) need OpenSSL 1.1.1', () => {
  test('openssl genpkey -algorithm RSA-PSS and its certificate: refused on 5.4.6, used on 5.4.7', async () => {
    openssl('genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'pss.key');
    openssl('req', '-x509', '-key', 'pss.key', '-subj', '/CN=PSS Test', '-days', '3650', '-out', 'pss.pem');
    assert.match(openssl('x509', '-in', join(dir, 'pss.pem'), '-noout', '-text'), /Public Key Algorithm: rsassaPss/);
    const identity = { client_cert: join(dir, 'pss.pem'), key_file: join(dir, 'pss.key') };
    const old = await unsupported(identity, '5.4.6');
    assert.deepEqual(old.map((f) => f.pointer), ['/certificates/client_cert', '/certificates/key_file']);
    assert.match(old[0]!.message, /uses RSA-PSS keys, which OpenSSL has only since 1\.1\.1/);
    assert.deepEqual(await unsupported(identity, '5.4.7'), []);
  });
});

describe('a validity time with a time-zone offset: OpenSSL 1.0.2p and later refuse it (error 13), 1.0.2l (5.4.0) accepts it', () => {
  test('time-offset.pem: openssl 3 says error 13; ours a warning on 5.4.0, an error naming the OpenSSL from 5.4.5', async () => {
    const run = spawnSync('openssl', ['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', pki('root-ca.pem'), '-untrusted', pki('intermediate-ca.pem'), pki('time-offset.pem')], { encoding: 'utf8' });
    assert.match(run.stdout + run.stderr, /error 13 at 0 depth lookup: format error in certificate's notBefore field/);
    for (const [release, severity, says] of [['5.4.0', 'warning', /OpenSSL 1\.0\.2l .*which still accepts it; 5\.4\.5 and later do not\.$/], ['5.4.5', 'error', /EMS 5\.4\.5 bundles OpenSSL 1\.0\.2q/], ['5.5.0', 'error', /EMS 5\.5\.0 bundles OpenSSL 3\.1\.2/]] as const) {
      const result = await service.check({ text: JSON.stringify({ ...BASE, http_server: { ssl: true, certificate: pki('time-offset.pem') } }), settings: { ...SETTINGS, emsVersion: release } });
      const found = result.findings.filter((f) => f.code === 'cert-time-format');
      assert.deepEqual(found.map((f) => f.severity), [severity], release);
      assert.match(found[0]!.message, says);
    }
  });
});

describe('PEM that OpenSSL 3 reads and the 5.4 releases\' OpenSSL does not: a byte-order mark before BEGIN', () => {
  // The 1.0.2l/q/r and 1.1.1c/j builds read no certificate after a BOM and read one-line Base64 (checked by
  // hand with `openssl crl2pkcs7 -certfile`; CI has no OpenSSL 1.x): the BOM is said for 5.4 targets only.
  const oneLine = (pem: string) => pem.replace(/-----\n([\s\S]*?)\n-----END/, (_, body: string) => `-----\n${body.replace(/\n/g, '')}\n-----END`);
  const rootPem = readFileSync(pki('root-ca.pem'), 'utf8');
  const files = { bom: join(dir, 'bom-ca.pem'), long: join(dir, 'one-line-ca.pem') };
  writeFileSync(files.bom, `\ufeff${rootPem}`);
  writeFileSync(files.long, oneLine(rootPem));

  test('openssl 3 reads both (the BOM dropped, the one-line Base64 decoded)', () => {
    for (const file of Object.values(files)) assert.match(openssl('crl2pkcs7', '-nocrl', '-certfile', file), /BEGIN PKCS7/);
  });

  for (const [release, bom] of [['5.4.0', true], ['5.4.6', true], ['5.4.7', true], ['5.4.10', true], ['5.5.0', false], ['5.4.12', false]] as const) {
    test(`target ${release}: the BOM ${bom ? 'skips the block' : 'is fine'}; one-line Base64 is fine`, async () => {
      const messages = async (file: string) => (await service.check({ text: JSON.stringify({ ...BASE, certificates: { cert_chain: file } }), settings: { ...SETTINGS, emsVersion: release } }))
        .findings.filter((f) => f.code === 'unrecognized-content').map((f) => f.message);
      const onBom = await messages(files.bom);
      assert.equal(onBom.length, bom ? 1 : 0, onBom.join('\n'));
      if (bom) assert.match(onBom[0]!, /follows a byte-order mark .* does not drop: it does not see the BEGIN line and skips the block/);
      assert.deepEqual(await messages(files.long), []);
    });
  }
});
