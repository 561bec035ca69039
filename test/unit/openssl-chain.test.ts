// Chains as `openssl verify` sees them (issue #14, item 5), on the same bytes: an identity chain whose issuer is
// in neither the file nor a CA list the config names (error 20), an expired intermediate (error 10 at depth 1),
// a self-signed v1 root (a valid trust anchor: OK), and EC keys with explicit curve parameters (error 94).
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { parsePki } from '../../server/src/pki';
import { createEmsService } from '../../server/src/service';
import type { Finding, Settings } from '../../server/src/service/types';
import { DAY, NOW, pki } from '../helpers/pki';
import { REPO_ROOT } from '../helpers/repo';
import { BASE, SETTINGS } from '../helpers/service';

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });
const dir = mkdtempSync(join(tmpdir(), 'ems-chain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function findings(groups: Record<string, unknown>, settings: Partial<Settings> = {}): Promise<Finding[]> {
  return (await service.check({ text: JSON.stringify({ ...BASE, ...groups }), settings: { ...SETTINGS, ...settings } })).findings;
}

/** openssl verify at NOW: 'OK', or the first error's number and depth ("20 at 0"). */
function verify(leaf: string, { caFile, untrusted, at = NOW }: { caFile: string; untrusted?: string; at?: Date }): string {
  const args = ['verify', '-attime', String(Math.floor(at.getTime() / 1000)), '-CAfile', caFile, ...(untrusted ? ['-untrusted', untrusted] : []), leaf];
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  const output = run.stdout + run.stderr;
  if (run.status === 0) return 'OK';
  const error = /error (\d+) at (\d+) depth/.exec(output);
  assert.ok(error, output);
  return `${error[1]} at ${error[2]}`;
}

const write = (name: string, text: string | Buffer): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('an identity chain that stops short of its issuer: chain-incomplete, as openssl verify says error 20', () => {
  const cases = [
    { name: 'the leaf alone, the root as the CA list', chain: 'server.pem', caList: 'root-ca.pem', openssl: '20 at 0', ours: true },
    { name: 'leaf and intermediate, the root as the CA list', chain: 'server-chain.pem', caList: 'root-ca.pem', openssl: 'OK', ours: false },
    { name: 'the leaf alone, the intermediate in the CA list beside the root', chain: 'server.pem', caList: 'root-and-intermediate', openssl: 'OK', ours: false },
  ];
  const rootAndIntermediate = write('root-and-intermediate.pem', readFileSync(pki('root-ca.pem'), 'utf8') + readFileSync(pki('intermediate-ca.pem'), 'utf8'));
  for (const c of cases) {
    test(`${c.name}: openssl ${c.openssl}, ours ${c.ours ? 'chain-incomplete' : 'none'}`, async () => {
      const caFile = c.caList === 'root-and-intermediate' ? rootAndIntermediate : pki(c.caList);
      assert.equal(verify(pki(c.chain), { caFile, untrusted: pki(c.chain) }), c.openssl);
      const found = (await findings({ certificates: { cert_chain: caFile, client_cert: pki(c.chain), key_file: pki('server-key.pem') } }))
        .filter((f) => f.code === 'chain-incomplete');
      assert.equal(found.length, c.ours ? 1 : 0, found.map((f) => f.message).join('\n'));
      if (c.ours) {
        assert.equal(found[0]!.pointer, '/certificates/client_cert');
        assert.match(found[0]!.message, /issued by "EMS Config Test Intermediate CA", which is neither in server\.pem nor in a CA list/);
      }
    });
  }

  test('the http_server certificate is held to the same rule, against the CA lists of the whole config', async () => {
    const http = { http_server: { ssl: true, certificate: pki('server.pem'), private_key: pki('server-key.pem') } };
    assert.equal((await findings(http)).filter((f) => f.code === 'chain-incomplete').length, 1);
    const withList = { ...http, certificates: { cert_chain: rootAndIntermediate } };
    assert.equal((await findings(withList)).filter((f) => f.code === 'chain-incomplete').length, 0);
  });

  test('a CA list that cannot be read leaves the verdict unsaid (it might hold the issuer)', async () => {
    const found = await findings({ certificates: { cert_chain: join(dir, 'missing.pem'), client_cert: pki('server.pem'), key_file: pki('server-key.pem') } });
    assert.ok(found.some((f) => f.code === 'file-not-found'));
    assert.ok(!found.some((f) => f.code === 'chain-incomplete'));
  });
});

describe('an expired or not yet valid intermediate is judged like the leaf, as openssl verify does (error 10 / 9 at depth 1)', () => {
  for (const [state, from, to, opensslError, code] of [['expired', -800, -10, '10 at 1', 'cert-expired'], ['not yet valid', 10, 800, '9 at 1', 'cert-not-yet-valid']] as const) {
    test(`leaf + ${state} intermediate`, async () => {
      const { generateKey, makeCertificate } = await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'pki.mjs')).href) as PkiScript;
      const at = (days: number) => new Date(NOW.getTime() + days * DAY);
      const root = await makeCertificate({ cn: 'Chain Test Root', key: generateKey('ec-p256'), notBefore: at(-900), notAfter: at(900), ca: true });
      const intermediate = await makeCertificate({ cn: `Chain Test ${state} Intermediate`, key: generateKey('ec-p256'), issuer: root, notBefore: at(from), notAfter: at(to), ca: true });
      const leaf = await makeCertificate({ cn: 'Chain Test Leaf', key: generateKey('ec-p256'), issuer: intermediate, notBefore: at(-5), notAfter: at(300) });
      const chain = write(`chain-${from}.pem`, leaf.pem + intermediate.pem);
      const rootFile = write(`root-${from}.pem`, root.pem);
      assert.equal(verify(chain, { caFile: rootFile, untrusted: chain }), opensslError);
      const found = await findings({ certificates: { cert_chain: rootFile, client_cert: chain, key_file: pki('server-key.pem') } });
      const ours = found.filter((f) => f.code === code && f.pointer === '/certificates/client_cert');
      assert.equal(ours.length, 1, found.map((f) => f.code).join(', '));
      assert.match(ours[0]!.message, new RegExp(`Chain Test ${state} Intermediate`));
      assert.ok(!found.some((f) => f.code === 'chain-incomplete'));
    });
  }
});

describe('a self-signed v1 root is a trust anchor to OpenSSL: no not-a-ca', () => {
  test('openssl x509 -req -signkey writes a v1 root; openssl verify accepts a leaf under it; ours: a CA, no not-a-ca', async () => {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'v1.key', '-subj', '/CN=Chain Test v1 Root', '-out', 'v1.csr');
    run('x509', '-req', '-in', 'v1.csr', '-signkey', 'v1.key', '-days', '3650', '-out', 'v1-root.pem');
    run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'v1-leaf.key', '-subj', '/CN=Chain Test v1 Leaf', '-out', 'v1-leaf.csr');
    run('x509', '-req', '-in', 'v1-leaf.csr', '-CA', 'v1-root.pem', '-CAkey', 'v1.key', '-days', '10', '-out', 'v1-leaf.pem');
    assert.match(run('x509', '-in', 'v1-root.pem', '-noout', '-text').toString(), /Version: 1 \(0x0\)/);
    const parsed = parsePki(readFileSync(join(dir, 'v1-root.pem')));
    // openssl dated them from its clock: both verdicts are taken a day into their validity, never at the clock.
    const now = new Date(parsed.certificates[0]!.notBefore.getTime() + DAY);
    assert.equal(verify(join(dir, 'v1-leaf.pem'), { caFile: join(dir, 'v1-root.pem'), at: now }), 'OK');
    assert.equal(parsed.certificates[0]!.version, 1);
    assert.equal(parsed.certificates[0]!.isCA, true);
    const dated = createEmsService({ fs: nodeFileSystem, now: () => now });
    const result = await dated.check({ text: JSON.stringify({ ...BASE, certificates: { cert_chain: join(dir, 'v1-root.pem') } }), settings: SETTINGS });
    assert.deepEqual(result.findings.filter((f) => f.pointer === '/certificates/cert_chain').map((f) => f.code), []);
  });

  test('a v3 leaf in a CA list is still not-a-ca, and the message says OpenSSL takes it for no anchor (error 20)', async () => {
    assert.equal(verify(pki('server.pem'), { caFile: pki('server.pem') }), '20 at 0');
    const found = (await findings({ certificates: { cert_chain: pki('ca-list-with-leaf.pem') } })).filter((f) => f.code === 'not-a-ca');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /not a CA; OpenSSL does not take it as a trust anchor/);
  });
});

describe('EC keys with explicit curve parameters: openssl verify says error 94', () => {
  test('the explicit-parameter intermediate: openssl 94 at 0 as its own chain, 94 at 1 under a leaf', () => {
    assert.equal(verify(pki('ec-explicit-ca.pem'), { caFile: pki('ec-p256-ca.pem'), untrusted: pki('ec-explicit-ca.pem') }), '94 at 0');
    assert.equal(parsePki(readFileSync(pki('ec-explicit-ca.pem'))).certificates[0]!.explicitCurve, true);
    assert.equal(parsePki(readFileSync(pki('ec-p256-ca.pem'))).certificates[0]!.explicitCurve, false);
  });

  for (const [release, severity, says] of [
    ['5.5.0', 'error', /EMS 5\.5\.0 bundles OpenSSL 3\.1\.2.*refuses every platform certificate/],
    ['5.4.10', 'warning', /EMS 5\.4\.10 bundles OpenSSL 1\.1\.1j.*which accepts it \(1\.1\.1h and later refuse it only in strict mode, error 79/],
    ['5.4.12', 'warning', /error 94\)\. Reissue it on a named curve such as P-256\.$/],
  ] as const) {
    test(`in the CA list, target ${release}: ${severity}, saying what that release's OpenSSL does`, async () => {
      const found = (await findings({ certificates: { cert_chain: pki('ec-explicit-ca.pem') } }, { emsVersion: release })).filter((f) => f.code === 'ec-explicit-parameters');
      assert.equal(found.length, 1);
      assert.equal(found[0]!.severity, severity);
      assert.match(found[0]!.message, says);
    });
  }

  test('in an identity chain the peer verifies it: a warning whatever the release', async () => {
    const found = (await findings({ http_server: { ssl: true, certificate: pki('ec-explicit-ca.pem') } })).filter((f) => f.code === 'ec-explicit-parameters');
    assert.deepEqual(found.map((f) => f.severity), ['warning']);
  });
});

interface PkiScript {
  generateKey(algorithm: string): unknown;
  makeCertificate(options: { cn: string; key: unknown; issuer?: unknown; notBefore: Date; notAfter: Date; ca?: boolean }): Promise<{ pem: string }>;
}

describe('a CA list with a block OpenSSL cannot read loads no certificate at all', () => {
  test('corrupt-block.pem (the root, then a broken block): openssl crl2pkcs7 loads nothing; ours says the EMS trusts none of them', async () => {
    const run = spawnSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', pki('corrupt-block.pem')], { encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /PEM_X509_INFO_read_bio/);
    const found = (await findings({ certificates: { cert_chain: pki('corrupt-block.pem') } })).filter((f) => f.code === 'unrecognized-content');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /loads none of its certificates: the EMS trusts none of the 1 here\.$/);
    // As an identity chain the same words would be wrong: only the CA-file reader drops the whole file.
    const asChain = (await findings({ http_server: { ssl: true, certificate: pki('corrupt-block.pem') } })).filter((f) => f.code === 'unrecognized-content');
    assert.doesNotMatch(asChain[0]!.message, /trusts none/);
  });
});

describe('a TRUSTED CERTIFICATE after the leaf of an identity chain is not sent', () => {
  /** The subjects a TLS server of Node (which reads a chain as SSL_CTX_use_certificate_chain_file does) sends, on 127.0.0.1. */
  async function sentChain(cert: string): Promise<string[]> {
    const server = tls.createServer({ cert, key: readFileSync(pki('server-key.pem')) }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      return await new Promise((resolve, reject) => {
        const client = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
          const names: string[] = [];
          const seen = new Set<string>();
          for (let peer = client.getPeerCertificate(true); peer && !seen.has(peer.fingerprint256); peer = peer.issuerCertificate) {
            seen.add(peer.fingerprint256);
            names.push(String(peer.subject.CN));
          }
          client.end();
          resolve(names);
        });
        client.on('error', reject);
      });
    } finally {
      server.close();
    }
  }

  test('leaf + TRUSTED CERTIFICATE intermediate: OpenSSL sends the leaf alone; ours chain-incomplete on certificate 2', async () => {
    const leaf = readFileSync(pki('server.pem'), 'utf8');
    const intermediate = readFileSync(pki('intermediate-ca.pem'), 'utf8');
    const trusted = write('chain-trusted.pem', leaf + intermediate.replace(/CERTIFICATE-----/g, 'TRUSTED CERTIFICATE-----'));
    assert.deepEqual(await sentChain(leaf + intermediate), ['EMS Config Test Server', 'EMS Config Test Intermediate CA']);
    assert.deepEqual(await sentChain(readFileSync(trusted, 'utf8')), ['EMS Config Test Server']);
    const found = (await findings({ http_server: { ssl: true, certificate: trusted, private_key: pki('server-key.pem') } })).filter((f) => f.code === 'chain-incomplete');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /certificate 2 \("EMS Config Test Intermediate CA", line \d+\) is a "TRUSTED CERTIFICATE" block.*the EMS does not send it/);
    // As the first certificate the label is read (PEM_read_bio_X509_AUX), and in a CA list too.
    const first = write('trusted-first.pem', leaf.replace(/CERTIFICATE-----/g, 'TRUSTED CERTIFICATE-----') + intermediate);
    assert.deepEqual((await findings({ http_server: { ssl: true, certificate: first, private_key: pki('server-key.pem') } })).filter((f) => f.code === 'chain-incomplete'), []);
    assert.deepEqual((await findings({ certificates: { cert_chain: trusted } })).filter((f) => f.code === 'chain-incomplete'), []);
  });
});
