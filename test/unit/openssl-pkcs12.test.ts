// PKCS#12 as OpenSSL opens it (issue #14 item 3): files `openssl pkcs12 -export` writes at test time, in every
// variant it offers (PBES2 ciphers, PKCS#12 PBE, MAC digests, iteration counts, no MAC, no MAC iteration, no
// encryption, -legacy), under ASCII, non-ASCII, non-BMP and empty passwords, each read three ways on the same
// bytes: `openssl pkcs12 -in f -nodes` (its exit status; the key and certificates it prints), Node's
// tls.createSecureContext({ pfx }) (OpenSSL's PKCS12_parse, the library call), and ours (openKey, and the
// service's finding). node-forge, which opened PKCS#12 before, is the reference where it is right (ASCII
// passwords, the algorithms it knows). Then PBMAC1, the derivation budget, and the time a default file takes.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, createPrivateKey, createPublicKey, KeyObject, pbkdf2Sync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSecureContext } from 'node:tls';
import { after, describe, test } from 'node:test';
import forge from 'node-forge';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { openKey, parsePki } from '../../server/src/pki';
import { publicKeyOf } from '../../server/src/pki/handles';
import { MAX_PKCS12_WORK } from '../../server/src/pki/kdf';
import { Budget, passwords, pkcs12Kdf } from '../../server/src/pki/pkcs12Crypto';
import { createEmsService } from '../../server/src/service';
import type { Finding } from '../../server/src/service/types';
import { NOW, pki, pkiNames } from '../helpers/pki';
import { BASE, SETTINGS } from '../helpers/service';

pkiNames(); // the fixture PKI must be there (test/fixtures/make-pki.mjs)
const work = mkdtempSync(join(tmpdir(), 'ems-pkcs12-'));
after(() => rmSync(work, { recursive: true, force: true }));
const at = (name: string): string => join(work, name);

function openssl(...args: string[]): { ok: boolean; output: string } {
  const run = spawnSync('openssl', args, { encoding: 'utf8', cwd: work });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function mustOpenssl(...args: string[]): string {
  const run = openssl(...args);
  assert.ok(run.ok, `openssl ${args.join(' ')}:\n${run.output}`);
  return run.output;
}

const legacyProvider = ['-provider', 'legacy', '-provider', 'default'];
const hasLegacy = openssl('list', '-providers', ...legacyProvider).ok;
const opensslVersion = /OpenSSL (\d+)\.(\d+)/.exec(mustOpenssl('version'));
/** OpenSSL 3.4 and later read PBMAC1 (RFC 9579). */
const readsPbmac1 = opensslVersion ? Number(opensslVersion[1]) * 100 + Number(opensslVersion[2]) >= 304 : false;

const spki = (key: KeyObject | string | Buffer): string => (key instanceof KeyObject && key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' }).toString('base64');

interface Verdict {
  verdict: 'ok' | 'wrong' | 'unsupported';
  /** The key's SubjectPublicKeyInfo (Base64), when a key was read. */
  key?: string;
  /** SHA-256 fingerprints of the certificates, in the order given. */
  certificates?: string[];
}

let outputs = 0;
/** `openssl pkcs12 -in FILE -passin pass:P -nodes`: its exit status, the key and the certificates it prints. */
function theirs(file: string, passphrase: string): Verdict {
  const out = at(`out-${outputs++}.pem`);
  const run = openssl('pkcs12', '-in', file, '-passin', `pass:${passphrase}`, '-nodes', '-out', out);
  if (!run.ok) {
    if (/inner_evp_generic_fetch:unsupported/.test(run.output)) return { verdict: 'unsupported' };
    // A wrong key decrypts to valid padding once in about 256 tries: then the plaintext does not parse ("decode error").
    assert.match(run.output, /Mac verify error: invalid password\?|bad decrypt|PKCS12_item_decrypt_d2i_ex:decode error/, run.output);
    return { verdict: 'wrong' };
  }
  const pem = readFileSync(out, 'utf8');
  rmSync(out);
  const key = /-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/.exec(pem)?.[0];
  const certificates = [...pem.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);
  return { verdict: 'ok', ...(key ? { key: spki(key) } : {}), certificates };
}

/** OpenSSL's PKCS12_parse, through Node's TLS (SecureContext::LoadPKCS12): 'ok', else its error. */
function library(bytes: Buffer, passphrase: string | undefined): string {
  try {
    createSecureContext({ pfx: bytes, ...(passphrase === undefined ? {} : { passphrase }) });
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Ours, through openKey: the same shape, or the reason it did not open. */
function ours(bytes: Buffer, passphrase: string | undefined): Verdict | { verdict: string; detail?: unknown } {
  const result = openKey(parsePki(bytes), passphrase);
  if (!result.ok) {
    if (result.reason === 'no-key') return { verdict: 'ok' }; // a file of certificates only: nothing to compare but the verdict
    if (result.reason === 'unsupported-algorithm') return { verdict: 'unsupported', detail: result.unsupported };
    return { verdict: result.reason === 'passphrase-wrong' || result.reason === 'encrypted-no-passphrase' ? 'wrong' : result.reason };
  }
  const key = publicKeyOf(result.handle);
  return { verdict: 'ok', ...(key ? { key: spki(key) } : {}), certificates: result.contents.certificates.map((c) => c.sha256) };
}

/** What the service says about the file as the client key, beside its certificate as PEM. */
async function findings(file: string, passphrase: string | undefined, emsVersion = SETTINGS.emsVersion, certificate = pki('server.pem')): Promise<Finding[]> {
  const certificates = { client_cert: certificate, key_file: file, ...(passphrase ? { key_passphrase: passphrase } : {}) };
  const result = await createEmsService({ fs: nodeFileSystem, now: () => NOW }).check({ text: JSON.stringify({ ...BASE, certificates }), settings: { ...SETTINGS, emsVersion } });
  return result.findings.filter((f) => f.pointer === '/certificates/key_file');
}

/** node-forge, the reference where it is right: 'ok' with its key and certificates, or 'wrong'. */
function forgeReads(bytes: Buffer, passphrase: string): Verdict {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('binary')), false, passphrase);
  } catch (error) {
    // "Invalid password?", "wrong password?", or for a safe its PBES2 key from the password's low bytes fails: "Failed to decrypt".
    // Without a MAC, a wrong key decrypts to valid padding about once in 256 tries, and forge then fails to
    // parse the garbage ("Unparsed DER bytes remain", "Too few bytes to parse DER", "Only 8, 16, 24, or 32 bits supported").
    assert.match(String((error as Error).message), /password|Failed to decrypt|DER|bits supported/i);
    return { verdict: 'wrong' };
  }
  const bags = pfx.safeContents.flatMap((contents) => contents.safeBags);
  const keyBag = bags.find((bag) => bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag);
  const der = (node: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
  const key = keyBag?.key ? spki(forge.pki.privateKeyToPem(keyBag.key)) : keyBag?.asn1 ? spki(createPrivateKey({ key: der(keyBag.asn1), format: 'der', type: 'pkcs8' })) : undefined;
  const certificates = bags.filter((bag) => bag.type === forge.pki.oids.certBag && bag.cert)
    .map((bag) => new X509Certificate(der(forge.pki.certificateToAsn1(bag.cert!))).fingerprint256);
  return { verdict: 'ok', ...(key ? { key } : {}), certificates };
}

const RIGHT = 'right-passphrase';
const NON_ASCII = 'pässwörd€';
/** Above U+FFFF: a surrogate pair in the BMPString (OPENSSL_utf82uni). */
const NON_BMP = 'key🔑chain';

interface Variant {
  name: string;
  options: string[];
  password: string;
  /** Certificate and key from the fixture PKI; the chain's intermediate CA is added with -certfile. */
  identity?: 'rsa' | 'ec' | 'ed25519';
  chain?: boolean;
  /** node-forge: 'agrees' where it reads the file as OpenSSL does, 'fails' where it cannot open what OpenSSL opens. */
  forge?: 'agrees' | 'fails';
  /** Written with the legacy provider (its algorithms); skipped without one. */
  legacy?: boolean;
}

const IDENTITIES = {
  rsa: ['server.pem', 'server-key.pem'],
  ec: ['ec-p256-server.pem', 'ec-p256-server-key.pem'],
  ed25519: ['ed25519-server.pem', 'ed25519-server-key.pem'],
} as const;

const variants: Variant[] = [
  { name: 'default (PBES2 AES-256-CBC, PBKDF2-SHA256, MAC SHA-256, 2,048 iterations)', options: [], password: RIGHT, forge: 'agrees' },
  { name: 'default with the chain (-certfile)', options: [], password: RIGHT, chain: true, forge: 'agrees' },
  { name: 'default, EC P-256 key', options: [], password: RIGHT, identity: 'ec' },
  { name: 'default, Ed25519 key', options: [], password: RIGHT, identity: 'ed25519' },
  { name: '-keypbe/-certpbe AES-128-CBC', options: ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC'], password: RIGHT, forge: 'agrees' },
  { name: '-keypbe/-certpbe DES-EDE3-CBC (PBES2)', options: ['-keypbe', 'DES-EDE3-CBC', '-certpbe', 'DES-EDE3-CBC'], password: RIGHT, forge: 'agrees' },
  { name: '-keypbe/-certpbe PBE-SHA1-3DES (PKCS#12 PBE)', options: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'], password: RIGHT, forge: 'agrees' },
  { name: '-keypbe/-certpbe PBE-SHA1-2DES (PKCS#12 PBE, two-key 3DES)', options: ['-keypbe', 'PBE-SHA1-2DES', '-certpbe', 'PBE-SHA1-2DES'], password: RIGHT },
  { name: '-keypbe CAMELLIA-256-CBC -certpbe ARIA-128-CBC', options: ['-keypbe', 'CAMELLIA-256-CBC', '-certpbe', 'ARIA-128-CBC'], password: RIGHT },
  { name: '-keypbe/-certpbe NONE (a plain keyBag; the MAC only)', options: ['-keypbe', 'NONE', '-certpbe', 'NONE'], password: RIGHT, forge: 'agrees' },
  { name: '-macalg sha1', options: ['-macalg', 'sha1'], password: RIGHT, forge: 'agrees' },
  { name: '-macalg sha224', options: ['-macalg', 'sha224'], password: RIGHT },
  { name: '-macalg sha384', options: ['-macalg', 'sha384'], password: RIGHT, forge: 'agrees' },
  { name: '-macalg sha512', options: ['-macalg', 'sha512'], password: RIGHT, forge: 'agrees' },
  { name: '-macalg sha3-256', options: ['-macalg', 'sha3-256'], password: RIGHT },
  { name: '-iter 1', options: ['-iter', '1'], password: RIGHT, forge: 'agrees' },
  { name: '-iter 100000', options: ['-iter', '100000'], password: RIGHT, forge: 'agrees' },
  { name: '-nomaciter (MAC iterations left out: 1)', options: ['-nomaciter'], password: RIGHT, forge: 'agrees' },
  // The order matters to openssl pkcs12 (3.0): -nomac leaves the certificates unencrypted unless -certpbe comes
  // after it, and an -iter after it brings the MAC back.
  { name: '-nomac (the certificates unencrypted)', options: ['-nomac'], password: RIGHT, forge: 'agrees' },
  { name: '-nomac -certpbe AES-256-CBC', options: ['-nomac', '-certpbe', 'AES-256-CBC'], password: RIGHT, forge: 'agrees' },
  { name: '-nomac -keypbe NONE -certpbe NONE (nothing protected)', options: ['-nomac', '-keypbe', 'NONE', '-certpbe', 'NONE'], password: RIGHT },
  { name: 'certificates only (-nokeys)', options: ['-nokeys'], password: RIGHT },
  // node-forge derives PBES2 keys from the password's low bytes: it cannot open what OpenSSL wrote under a non-ASCII one.
  { name: 'default, non-ASCII password', options: [], password: NON_ASCII, forge: 'fails' },
  { name: 'default, non-BMP password', options: [], password: NON_BMP, forge: 'fails' },
  { name: 'PBE-SHA1-3DES, non-ASCII password (PKCS#12 KDF only: BMPString)', options: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], password: NON_ASCII, forge: 'agrees' },
  { name: '-nomac -keypbe AES-128-CBC -certpbe PBE-SHA1-3DES, non-ASCII password', options: ['-nomac', '-keypbe', 'AES-128-CBC', '-certpbe', 'PBE-SHA1-3DES'], password: NON_ASCII },
  { name: 'default, empty password (-passout pass:)', options: [], password: '', forge: 'agrees' },
  { name: 'PBE-SHA1-3DES, empty password', options: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'], password: '', forge: 'agrees' },
  { name: '-nomac PBE-SHA1-3DES, empty password', options: ['-nomac', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'], password: '' },
  { name: '-legacy (certificates RC2-40, key 3DES, MAC SHA-1)', options: ['-legacy'], password: RIGHT, legacy: true },
  { name: '-legacy, non-ASCII password', options: ['-legacy'], password: NON_ASCII, legacy: true },
];

/** The attempts at each file: its password, a wrong one, and with an empty password none configured at all. */
function attempts(password: string): (string | undefined)[] {
  return password === '' ? [undefined, '', 'not-the-passphrase'] : [password, `${password}x`, password.toUpperCase() === password ? 'x' : password.toUpperCase()];
}

describe('PKCS#12 files from openssl pkcs12 -export: ours is openssl\'s verdict, key and certificates', () => {
  variants.forEach((variant, index) => {
    const skip = variant.legacy && !hasLegacy ? 'this openssl has no legacy provider to write -legacy files with' : false;
    test(`${variant.name}`, { skip }, async () => {
      const [certificate, key] = IDENTITIES[variant.identity ?? 'rsa'];
      const file = at(`variant-${index}.p12`);
      mustOpenssl('pkcs12', '-export', ...variant.options, '-in', pki(certificate), '-inkey', pki(key), ...(variant.chain ? ['-certfile', pki('intermediate-ca.pem')] : []),
        '-name', 'identity', '-passout', `pass:${variant.password}`, '-out', file, ...(variant.legacy ? legacyProvider : []));
      const bytes = readFileSync(file);
      const leaf = new X509Certificate(readFileSync(pki(certificate))).fingerprint256;
      let opened = 0;
      for (const passphrase of attempts(variant.password)) {
        const expected = theirs(file, passphrase ?? '');
        const got = ours(bytes, passphrase);
        const what = `${variant.name} with ${passphrase === undefined ? 'no passphrase' : JSON.stringify(passphrase)}`;
        assert.equal(got.verdict, expected.verdict, `${what}: openssl ${expected.verdict}, ours ${JSON.stringify(got)}`);
        if (expected.verdict === 'ok') {
          opened++;
          const mine = got as Verdict;
          assert.equal(mine.key, expected.key, `${what}: the key`);
          if (!expected.key) continue; // -nokeys: ours says no-key (the certificates are not listed then)
          // openssl prints them in file order; ours puts the key's own certificate first, then the rest in file order.
          assert.deepEqual([...mine.certificates!].sort(), [...expected.certificates!].sort(), `${what}: the certificates`);
          assert.equal(mine.certificates![0], leaf, `${what}: the key's certificate first`);
          assert.equal(expected.key, spki(readFileSync(pki(certificate))), `${what}: openssl's key is the certificate's`);
        }
        if (expected.verdict === 'unsupported') {
          // -legacy: the MAC verified, then RC2-40 failed to load; the passphrase is said to be right.
          assert.deepEqual((got as { detail?: unknown }).detail, { algorithm: 'pbeWithSHA1And40BitRC2-CBC', refusedFrom: '3.0', passphraseChecked: true });
        }

        // PKCS12_parse (the library): the same, but for a file without a MAC under a non-empty passphrase, which
        // OpenSSL 3.0 and 3.1 refuse there ("mac absent"; openssl/openssl#21983 declined to backport the change)
        // while the openssl command opens it. And PKCS12_parse reads a MAC-less file under an empty passphrase as
        // no password (NULL), which a PKCS#12 PBE bag written under "" does not decrypt with.
        const lib = library(bytes, passphrase);
        const macless = variant.options.includes('-nomac');
        if (expected.verdict === 'unsupported') assert.notEqual(lib, 'ok');
        else if (!macless) assert.equal(lib === 'ok', expected.verdict === 'ok', `${what}: PKCS12_parse says ${lib}`);
        else if (passphrase) assert.ok(lib === 'mac absent' || lib === 'ok', `${what}: PKCS12_parse says ${lib}`);

        // node-forge, where it is the reference (ASCII passwords, its algorithms) or known wrong (non-ASCII PBES2).
        if (variant.forge && passphrase !== undefined) {
          const reference = forgeReads(bytes, passphrase);
          if (variant.forge === 'fails' && expected.verdict === 'ok') assert.equal(reference.verdict, 'wrong', `${what}: node-forge was expected to fail`);
          else {
            assert.equal(reference.verdict, expected.verdict, `${what}: node-forge`);
            if (reference.verdict === 'ok') {
              assert.equal(reference.key, expected.key);
              assert.deepEqual(reference.certificates!.sort(), [...expected.certificates!].sort());
            }
          }
        }
      }
      assert.equal(opened, variant.legacy ? 0 : variant.password === '' ? 2 : variant.options.includes('-nomac') && variant.options.includes('NONE') ? 3 : 1);

      // Through the service: the finding on key_file says what openssl says.
      const right = await findings(file, variant.password || undefined, SETTINGS.emsVersion, pki(certificate));
      const keyCodes = right.map((f) => f.code).filter((code) => code.startsWith('key-') || code === 'unrecognized-content' || code === 'wrong-content-kind');
      if (variant.legacy) assert.deepEqual(keyCodes, ['key-algorithm-unsupported']);
      else if (variant.options.includes('-nokeys')) assert.deepEqual(keyCodes, ['wrong-content-kind']);
      else assert.deepEqual(keyCodes, [], JSON.stringify(right.map((f) => [f.code, f.message])));
      if (variant.password !== '' && !(variant.options.includes('-nomac') && variant.options.includes('NONE'))) {
        const wrong = await findings(file, `${variant.password}x`, SETTINGS.emsVersion, pki(certificate));
        assert.ok(wrong.some((f) => f.code === 'key-passphrase-wrong') || variant.options.includes('-nokeys'), JSON.stringify(wrong.map((f) => f.code)));
      }
      for (const finding of right) assert.ok(!variant.password || !finding.message.includes(variant.password), 'a finding shows the passphrase');
    });
  });

  test('a non-ASCII passphrase opens on OpenSSL 1.1.0 and later only: release-openssl-unsupported for a 1.0.2 release (5.4.5)', async () => {
    const file = at('non-ascii.p12');
    mustOpenssl('pkcs12', '-export', '-in', pki('server.pem'), '-inkey', pki('server-key.pem'), '-passout', `pass:${NON_ASCII}`, '-out', file);
    const old = await findings(file, NON_ASCII, '5.4.5');
    assert.deepEqual(old.map((f) => f.code), ['release-openssl-unsupported'], JSON.stringify(old.map((f) => f.message)));
    assert.deepEqual((await findings(file, NON_ASCII, '5.4.7')).map((f) => f.code), []);
    // OpenSSL 1.0.2's encoding (each UTF-8 byte a character, OPENSSL_asc2uni) is not the one that opens it.
    const asc2uni = Buffer.from(NON_ASCII, 'utf8').toString('latin1');
    assert.equal(theirs(file, asc2uni).verdict, 'wrong');
    assert.equal(ours(readFileSync(file), asc2uni).verdict, 'wrong');
  });
});

describe('the PKCS#12 KDF and password encodings against node-forge', () => {
  const digests = [['sha1', 64, 20, () => forge.md.sha1.create()], ['sha256', 64, 32, () => forge.md.sha256.create()], ['sha512', 128, 64, () => forge.md.sha512.create()]] as const;
  for (const [name, block, size, md] of digests) {
    test(`${name}: the same bytes as forge.pkcs12.generateKey for IDs 1-3, several lengths, iterations and passwords`, () => {
      for (const password of ['', 'x', RIGHT, 'a'.repeat(70), NON_ASCII, NON_BMP]) {
        for (const [id, length, iterations] of [[1, 24, 1], [2, 8, 3], [3, size, 2048], [1, 3 * size + 5, 2]] as const) {
          const salt = randomBytes(8 + (iterations % 5));
          // forge writes each UTF-16 code unit and two zero bytes: BMPString, what OPENSSL_utf82uni gives.
          const reference = Buffer.from(forge.pkcs12.generateKey(password, forge.util.createBuffer(salt.toString('binary')), id, iterations, length, md()).getBytes(), 'binary');
          const mine = pkcs12Kdf({ name, block, size }, passwords(password).at(-1)!.bmp, salt, id, iterations, length, new Budget());
          assert.deepEqual(mine, reference, `${name} ${JSON.stringify(password)} id ${id} length ${length} × ${iterations}`);
        }
      }
    });
  }

  test('an empty password is two candidates, NULL (no bytes) then "" (two zero bytes), as PKCS12_parse tries them', () => {
    assert.deepEqual(passwords('').map((p) => p.bmp.toString('hex')), ['', '0000']);
    assert.deepEqual(passwords('é€🔑').map((p) => [p.bmp.toString('hex'), p.utf8.toString('hex')]), [['00e920acd83ddd110000', 'c3a9e282acf09f9491']]);
  });
});

describe('what OpenSSL before 3.4 cannot read, and what the checker will not derive', () => {
  /** A default openssl file with its MAC replaced by a PBMAC1 one (RFC 9579: PBKDF2-HMAC-SHA256 key, HMAC-SHA256). */
  function withPbmac1(file: string, password: string): Buffer {
    const { asn1 } = forge;
    const U = asn1.Class.UNIVERSAL;
    const T = asn1.Type;
    const seq = (...items: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, items);
    const oid = (dotted: string) => asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
    const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
    const octet = (bytes: Buffer) => asn1.create(U, T.OCTETSTRING, false, bytes.toString('binary'));
    const root = asn1.fromDer(readFileSync(file).toString('binary'));
    const authSafe = (root.value as forge.asn1.Asn1[])[1]!;
    const content = Buffer.from((((authSafe.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as string), 'binary');
    const salt = randomBytes(16);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 2048, 32, 'sha256');
    const mac = createHmac('sha256', key).update(content).digest();
    const hmacSha256 = seq(oid('1.2.840.113549.2.9'), asn1.create(U, T.NULL, false, ''));
    const params = seq(seq(oid('1.2.840.113549.1.5.12'), seq(octet(salt), int(2048), int(32), hmacSha256)), hmacSha256);
    (root.value as forge.asn1.Asn1[])[2] = seq(seq(seq(oid('1.2.840.113549.1.5.14'), params), octet(mac)), octet(salt), int(2048));
    return Buffer.from(asn1.toDer(root).getBytes(), 'binary');
  }

  test('a PBMAC1 MAC: unsupported with any passphrase, as OpenSSL before 3.4 (every EMS release\'s) fails it', () => {
    const plain = at('for-pbmac1.p12');
    mustOpenssl('pkcs12', '-export', '-in', pki('server.pem'), '-inkey', pki('server-key.pem'), '-passout', `pass:${RIGHT}`, '-out', plain);
    const file = at('pbmac1.p12');
    writeFileSync(file, withPbmac1(plain, RIGHT));
    for (const passphrase of [RIGHT, 'not-the-passphrase']) {
      const result = openKey(parsePki(readFileSync(file)), passphrase);
      assert.ok(!result.ok && result.reason === 'unsupported-algorithm', JSON.stringify(result));
      assert.deepEqual(result.unsupported, { algorithm: 'PBMAC1 (RFC 9579; read by OpenSSL 3.4 and later only)', refusedFrom: 'every', passphraseChecked: false });
      // OpenSSL 3.0-3.3 fetches a digest named PBMAC1 and fails ("inner_evp_generic_fetch:unsupported"), whatever the passphrase.
      const expected = readsPbmac1 ? (passphrase === RIGHT ? 'ok' : 'wrong') : 'unsupported';
      assert.equal(theirs(file, passphrase).verdict, expected);
      if (!readsPbmac1) assert.notEqual(library(readFileSync(file), passphrase), 'ok');
    }
  });

  test(`bags that each stay under the per-step bound but add up past ${MAX_PKCS12_WORK.toLocaleString('en-US')}: refused before the derivation that would pass it`, async () => {
    const base = at('costly-base.p12');
    // 400,000 iterations for each safe; no MAC (else its 400,000 count first): -iter, then -nomac, then -certpbe.
    mustOpenssl('pkcs12', '-export', '-iter', '400000', '-nomac', '-certpbe', 'AES-256-CBC', '-in', pki('server.pem'), '-inkey', pki('server-key.pem'), '-passout', `pass:${RIGHT}`, '-out', base);
    const root = forge.asn1.fromDer(readFileSync(base).toString('binary'));
    const authSafe = (root.value as forge.asn1.Asn1[])[1]!;
    const holder = ((authSafe.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!;
    const safes = forge.asn1.fromDer(holder.value as string);
    const encrypted = (safes.value as forge.asn1.Asn1[])[0]!;
    // The encrypted certificate safe five times over, before the key's: 5 × 400,000 PBKDF2 iterations.
    safes.value = [encrypted, encrypted, encrypted, encrypted, ...(safes.value as forge.asn1.Asn1[])];
    holder.value = forge.asn1.toDer(safes).getBytes();
    const file = at('costly.p12');
    writeFileSync(file, Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary'));
    assert.equal(theirs(file, RIGHT).verdict, 'ok'); // OpenSSL has no such bound: it derives them all
    const started = performance.now();
    const result = openKey(parsePki(readFileSync(file)), RIGHT);
    const took = performance.now() - started;
    assert.ok(!result.ok && result.reason === 'too-costly', JSON.stringify(result));
    assert.deepEqual(result.refusal, { what: 'the sum of the file\'s key derivations (iterations × hash output blocks)', asked: 1_600_000, bound: MAX_PKCS12_WORK });
    assert.ok(took < 5000, `${took} ms`);
    const finding = (await findings(file, RIGHT)).find((f) => f.code === 'key-not-tried');
    assert.match(finding?.message ?? '', /asks for 1,600,000, more than any real tool uses \(this checker's bound is 1,500,000\)/);
    // The base file, 800,000 in all, opens.
    assert.ok(openKey(parsePki(readFileSync(base)), RIGHT).ok);
  });

  test('a default openssl PKCS#12 file opens in under 20 ms (median of 15)', () => {
    const file = at('timed.p12');
    mustOpenssl('pkcs12', '-export', '-in', pki('server.pem'), '-inkey', pki('server-key.pem'), '-passout', `pass:${RIGHT}`, '-out', file);
    const bytes = readFileSync(file);
    const times: number[] = [];
    for (let i = 0; i < 17; i++) {
      const started = performance.now();
      assert.ok(openKey(parsePki(bytes), RIGHT).ok);
      if (i >= 2) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    assert.ok(times[7]! < 20, `median ${times[7]!.toFixed(1)} ms`);
  });
});
