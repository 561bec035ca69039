// The certificate and key files whose verdict depends on which OpenSSL the target EMS release bundles, and how
// one OpenSSL binary judges them. Shared by record.mjs (run by hand against real 1.0.2/1.1.1 builds, never in
// CI) and agree.test.ts (CI: the same kinds of files made again, judged by the checker, compared with
// recorded.json). See README.md.
//
// Every case makes its files afresh into a folder of its own: keys are random each time, names, dates,
// algorithms and encodings are not, and no verdict depends on the key bytes. Certificates are built here
// (TBSCertificate written with node-forge's ASN.1, signed by Node's crypto.sign), so any hash (MD5 too), any
// key (RSA-PSS, Ed25519, EC with explicit parameters), v1 or v3, with dates relative to the `now` the caller
// gives; keys come from Node or scripts/pki.mjs, and from the system `openssl` (3.x) for the formats only it
// writes: scrypt PKCS#8, traditional DES-CBC PEM, PKCS#12 (default and -legacy), RSA-PSS keys.
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import forge from 'node-forge';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { exportPbes1Key } = await import(pathToFileURL(join(ROOT, 'scripts', 'pki.mjs')).href);

/** The passphrase of every encrypted key and PKCS#12 file here but one. */
export const PASSPHRASE = 'test-passphrase';
/** The non-ASCII one (UTF-8 on the command line and in config.json). */
export const NON_ASCII_PASSPHRASE = 'pässwörd';
/** The instant the files are dated from, unless the caller gives another: certificates run now - 30 d .. now + 365 d. */
export const CASES_NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const ORGANIZATION = 'EMS Config Test PKI';

// ---- certificates ----------------------------------------------------------------------------------------------

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const seq = (...items) => asn1.create(U, T.SEQUENCE, true, items);
const oid = (dotted) => asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
const int = (bytes) => asn1.create(U, T.INTEGER, false, Buffer.from(bytes).toString('binary'));
const smallInt = (n) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(U, T.NULL, false, '');
const bool = (value) => asn1.create(U, T.BOOLEAN, false, value ? '\xff' : '\x00');
const octets = (node) => asn1.create(U, T.OCTETSTRING, false, asn1.toDer(node).getBytes());
const bits = (bytes) => asn1.create(U, T.BITSTRING, false, `\x00${Buffer.from(bytes).toString('binary')}`);
const explicit = (tag, node) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [node]);
const fromDer = (der) => asn1.fromDer(Buffer.from(der).toString('binary'));
const toDer = (node) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');

function name(cn) {
  const rdn = (type, value) => asn1.create(U, T.SET, true, [seq(oid(type), asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(value)))]);
  return seq(rdn('2.5.4.10', ORGANIZATION), rdn('2.5.4.3', cn));
}

/** UTCTime YYMMDDHHMMSSZ (every date here is before 2050); with `offset`, the same instant as local time +01:00 (YYMMDDHHMMSS+0100). */
function time(date, offset = false) {
  const iso = new Date(date.getTime() + (offset ? 3_600_000 : 0)).toISOString();
  const digits = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return asn1.create(U, T.UTCTIME, false, `${digits}${offset ? '+0100' : 'Z'}`);
}

const HASH_OID = { 'SHA-1': '1.3.14.3.2.26', 'SHA-256': '2.16.840.1.101.3.4.2.1' };
const MGF1 = '1.2.840.113549.1.1.8';

/** The AlgorithmIdentifier and crypto.sign arguments of a signature by `key` (a KeyObject) with `hash`. */
function signatureScheme(key, hash) {
  const type = key.asymmetricKeyType;
  const digest = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256' }[hash];
  if (type === 'ed25519') return { algorithm: seq(oid('1.3.101.112')), digest: null, options: key };
  if (type === 'ec') {
    const ecdsa = { 'SHA-1': '1.2.840.10045.4.1', 'SHA-256': '1.2.840.10045.4.3.2' }[hash];
    return { algorithm: seq(oid(ecdsa)), digest, options: key };
  }
  if (type === 'rsa-pss' || hash === 'RSASSA-PSS') {
    // RSASSA-PSS-params { [0] SHA-256, [1] MGF1(SHA-256), [2] salt 32 }: what openssl req -x509 writes for such a key.
    const sha = seq(oid(HASH_OID['SHA-256']), nul());
    const params = seq(explicit(0, sha), explicit(1, seq(oid(MGF1), sha)), explicit(2, smallInt(32)));
    return { algorithm: seq(oid('1.2.840.113549.1.1.10'), params), digest: 'sha256', options: { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 } };
  }
  const rsa = { MD5: '1.2.840.113549.1.1.4', 'SHA-1': '1.2.840.113549.1.1.5', 'SHA-256': '1.2.840.113549.1.1.11' }[hash];
  return { algorithm: seq(oid(rsa), nul()), digest, options: key };
}

/**
 * A certificate for `publicKey`, signed by `issuer` ({ cn, privateKey }; self-signed by `privateKey` when
 * absent), hash MD5 | SHA-1 | SHA-256 | RSASSA-PSS (SHA-256; an RSA-PSS key always signs so). v3 with basicConstraints (critical) and keyUsage (critical), a leaf also extendedKeyUsage server and
 * client auth; v1 without any extension. Returns the PEM.
 */
function certificate({ cn, publicKey, privateKey, issuer, notBefore, notAfter, hash = 'SHA-256', ca = false, version = 3, timeOffset = false }) {
  const signer = issuer ?? { cn, privateKey };
  const scheme = signatureScheme(signer.privateKey, hash);
  const fields = [];
  if (version === 3) fields.push(explicit(0, smallInt(2)));
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) | 0x10; // positive, eight bytes
  fields.push(int(serial), scheme.algorithm, name(signer.cn), seq(time(notBefore, timeOffset), time(notAfter, timeOffset)), name(cn), fromDer(publicKey.export({ type: 'spki', format: 'der' })));
  if (version === 3) {
    const extension = (id, value) => seq(oid(id), bool(true), octets(value));
    const keyUsage = ca ? [0x01, 0x06] : [0x05, 0xa0]; // keyCertSign | cRLSign; digitalSignature | keyEncipherment
    const extensions = [
      extension('2.5.29.19', ca ? seq(bool(true)) : seq()),
      extension('2.5.29.15', asn1.create(U, T.BITSTRING, false, Buffer.from(keyUsage).toString('binary'))),
    ];
    if (!ca) extensions.push(seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))));
    fields.push(explicit(3, seq(...extensions)));
  }
  const tbs = seq(...fields);
  const signature = sign(scheme.digest, toDer(tbs), scheme.options);
  return pem('CERTIFICATE', toDer(seq(tbs, scheme.algorithm, bits(signature))));
}

function pem(label, der) {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

// ---- the cases -------------------------------------------------------------------------------------------------

/**
 * @typedef {{ dir: string, now: Date, openssl: string, at: (days: number) => Date, write: (file: string, content: string | Buffer) => string,
 *   run: (...args: string[]) => void, rsa: () => { publicKey: import('node:crypto').KeyObject, privateKey: import('node:crypto').KeyObject },
 *   rsaCa: () => { cn: string, pem: string, publicKey: import('node:crypto').KeyObject, privateKey: import('node:crypto').KeyObject } }} Maker
 * @typedef {{ key: string, certificate: string, passphrase?: string }} KeyFiles
 * @typedef {{ p12: string, certificate: string, passphrase: string }} Pkcs12Files
 * @typedef {{ ca: string, chain: string, leaf: string, key: string }} ChainFiles
 * @typedef {{ name: string, about: string, kind: 'key', make: (m: Maker) => Promise<KeyFiles> | KeyFiles }
 *   | { name: string, about: string, kind: 'pkcs12', make: (m: Maker) => Promise<Pkcs12Files> | Pkcs12Files }
 *   | { name: string, about: string, kind: 'chain', make: (m: Maker) => Promise<ChainFiles> | ChainFiles }} Case
 */

const unencrypted = (pair) => pair.privateKey.export({ type: 'pkcs8', format: 'pem' });

/** A leaf for `pair` under `issuer`, valid now - 30 d .. now + 365 d. */
function leafFor(m, cn, pair, issuer, more = {}) {
  return certificate({ cn, publicKey: pair.publicKey, issuer, notBefore: m.at(-30), notAfter: m.at(365), ...more });
}

/** A self-signed certificate for an RSA key, for the key cases (the checker wants the certificate beside its key). */
function rsaSelfSigned(m, pair, cn) {
  return m.write('certificate.pem', certificate({ cn, ...pair, notBefore: m.at(-30), notAfter: m.at(365), ca: true }));
}

/** A chain case: the trust anchor, the leaf (+ intermediates) under it, and the leaf's key. */
function chainFiles(m, { ca, leaf, intermediates = [], key }) {
  return {
    ca: m.write('ca.pem', ca),
    leaf: m.write('leaf.pem', leaf),
    chain: m.write('chain.pem', [leaf, ...intermediates].join('')),
    key: m.write('leaf.key', key),
  };
}

/** @type {Case[]} */
export const CASES = [
  // ---- key files: openssl pkey -in KEY -noout -passin pass:… ----
  {
    name: 'key-ed25519', kind: 'key', about: 'an Ed25519 private key, PKCS#8 PEM, unencrypted',
    make: (m) => {
      const pair = generateKeyPairSync('ed25519');
      return { key: m.write('key.pem', unencrypted(pair)), certificate: m.write('certificate.pem', certificate({ cn: 'Ed25519 Key Test', ...pair, notBefore: m.at(-30), notAfter: m.at(365), ca: true })) };
    },
  },
  {
    name: 'key-pkcs8-scrypt', kind: 'key', about: 'an RSA key, PKCS#8 encrypted with PBES2 scrypt + AES-256-CBC (openssl pkcs8 -topk8 -scrypt)',
    make: (m) => {
      const pair = m.rsa();
      m.write('plain.pem', unencrypted(pair));
      m.run('pkcs8', '-topk8', '-scrypt', '-in', 'plain.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'key.pem');
      return { key: join(m.dir, 'key.pem'), certificate: rsaSelfSigned(m, pair, 'Scrypt Key Test'), passphrase: PASSPHRASE };
    },
  },
  {
    name: 'key-pkcs8-pbes2-aes256', kind: 'key', about: 'control: an RSA key, PKCS#8 encrypted with PBES2 PBKDF2-HMAC-SHA256 + AES-256-CBC (Node, as openssl pkcs8 -topk8 writes since 1.1.0)',
    make: (m) => {
      const pair = m.rsa();
      return { key: m.write('key.pem', pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE })), certificate: rsaSelfSigned(m, pair, 'PBES2 Key Test'), passphrase: PASSPHRASE };
    },
  },
  {
    name: 'key-pkcs8-pbes1-md5-des', kind: 'key', about: 'an RSA key, PKCS#8 encrypted with PBES1 pbeWithMD5AndDES-CBC (the 1.0.2 pkcs8 -topk8 default; scripts/pki.mjs exportPbes1Key)',
    make: (m) => {
      const pair = m.rsa();
      return { key: m.write('key.pem', exportPbes1Key({ algorithm: 'rsa-2048', ...pair }, PASSPHRASE)), certificate: rsaSelfSigned(m, pair, 'PBES1 Key Test'), passphrase: PASSPHRASE };
    },
  },
  {
    name: 'key-pem-des-cbc', kind: 'key', about: 'an RSA key, traditional PEM (BEGIN RSA PRIVATE KEY) encrypted with DEK-Info: DES-CBC (openssl rsa -des -traditional, legacy provider)',
    make: (m) => {
      const pair = m.rsa();
      m.write('plain.pem', unencrypted(pair));
      m.run('rsa', '-in', 'plain.pem', '-des', '-traditional', '-passout', `pass:${PASSPHRASE}`, '-provider', 'legacy', '-provider', 'default', '-out', 'key.pem');
      return { key: join(m.dir, 'key.pem'), certificate: rsaSelfSigned(m, pair, 'DES Key Test'), passphrase: PASSPHRASE };
    },
  },
  {
    name: 'key-pem-aes128', kind: 'key', about: 'control: an RSA key, traditional PEM encrypted with DEK-Info: AES-128-CBC (Node)',
    make: (m) => {
      const pair = m.rsa();
      return { key: m.write('key.pem', pair.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: PASSPHRASE })), certificate: rsaSelfSigned(m, pair, 'AES-128 Key Test'), passphrase: PASSPHRASE };
    },
  },
  {
    name: 'key-rsa-pss', kind: 'key', about: 'an RSA-PSS key (id-RSASSA-PSS), PKCS#8 PEM, unencrypted (openssl genpkey -algorithm RSA-PSS)',
    make: (m) => {
      m.run('genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'key.pem');
      const privateKey = createPrivateKey(readFileSync(join(m.dir, 'key.pem')));
      const cert = certificate({ cn: 'RSA-PSS Key Test', publicKey: createPublicKey(privateKey), privateKey, notBefore: m.at(-30), notAfter: m.at(365), ca: true });
      return { key: join(m.dir, 'key.pem'), certificate: m.write('certificate.pem', cert) };
    },
  },
  {
    name: 'key-ec-explicit', kind: 'key', about: 'control: an EC P-256 key with explicit curve parameters, PKCS#8 PEM, unencrypted (Node, paramEncoding explicit)',
    make: (m) => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', paramEncoding: 'explicit' });
      return { key: m.write('key.pem', unencrypted(pair)), certificate: m.write('certificate.pem', certificate({ cn: 'Explicit EC Key Test', ...pair, notBefore: m.at(-30), notAfter: m.at(365), ca: true })) };
    },
  },

  // ---- PKCS#12: openssl pkcs12 -in P12 -noout -passin pass:… ----
  {
    name: 'p12-openssl3-default', kind: 'pkcs12', about: 'PKCS#12 as openssl 3 pkcs12 -export writes it (PBES2 AES-256-CBC bags, MAC SHA-256)',
    make: (m) => pkcs12(m, 'P12 Default Test', [], PASSPHRASE),
  },
  {
    name: 'p12-legacy-rc2', kind: 'pkcs12', about: 'PKCS#12 from openssl 3 pkcs12 -export -legacy (certificates under pbeWithSHA1And40BitRC2-CBC, key under 3DES, MAC SHA-1)',
    make: (m) => pkcs12(m, 'P12 Legacy Test', ['-legacy'], PASSPHRASE),
  },
  {
    name: 'p12-non-ascii-passphrase', kind: 'pkcs12', about: `PKCS#12 from openssl 3 pkcs12 -export with the passphrase "${NON_ASCII_PASSPHRASE}" (UTF-8 → BMPString)`,
    make: (m) => pkcs12(m, 'P12 Non-ASCII Test', [], NON_ASCII_PASSPHRASE),
  },

  // ---- chains: openssl verify -attime NOW -CAfile CA -untrusted CHAIN LEAF (and -auth_level 1 from 1.1.0) ----
  {
    name: 'chain-rsa-control', kind: 'chain', about: 'control: RSA 2048 root → RSA 2048 intermediate → RSA 2048 leaf, SHA-256; the chain file holds leaf + intermediate',
    make: (m) => {
      const root = m.rsaCa();
      const intermediatePair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const intermediate = { cn: 'Control Intermediate CA', privateKey: intermediatePair.privateKey };
      const intermediatePem = certificate({ cn: intermediate.cn, publicKey: intermediatePair.publicKey, issuer: root, notBefore: m.at(-30), notAfter: m.at(3650), ca: true });
      const pair = m.rsa();
      return chainFiles(m, { ca: root.pem, leaf: leafFor(m, 'Control Leaf', pair, intermediate), intermediates: [intermediatePem], key: unencrypted(pair) });
    },
  },
  {
    name: 'chain-ed25519', kind: 'chain', about: 'Ed25519 root CA → Ed25519 leaf (Ed25519 keys and signatures)',
    make: (m) => {
      const caPair = generateKeyPairSync('ed25519');
      const ca = { cn: 'Ed25519 Test CA', privateKey: caPair.privateKey };
      const caPem = certificate({ cn: ca.cn, ...caPair, notBefore: m.at(-30), notAfter: m.at(3650), ca: true });
      const pair = generateKeyPairSync('ed25519');
      return chainFiles(m, { ca: caPem, leaf: leafFor(m, 'Ed25519 Test Leaf', pair, ca), key: unencrypted(pair) });
    },
  },
  {
    name: 'chain-rsa-pss-self-signed', kind: 'chain', about: 'an RSA-PSS key (openssl genpkey -algorithm RSA-PSS) in its own self-signed certificate, signed RSASSA-PSS SHA-256',
    make: (m) => {
      m.run('genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'leaf.key');
      const privateKey = createPrivateKey(readFileSync(join(m.dir, 'leaf.key')));
      const cert = certificate({ cn: 'RSA-PSS Self-Signed Test', publicKey: createPublicKey(privateKey), privateKey, notBefore: m.at(-30), notAfter: m.at(365), ca: true });
      return { ca: m.write('ca.pem', cert), leaf: m.write('leaf.pem', cert), chain: m.write('chain.pem', cert), key: join(m.dir, 'leaf.key') };
    },
  },
  {
    name: 'chain-ec-explicit-leaf', kind: 'chain', about: 'EC P-256 root CA (named curve) → leaf whose P-256 key spells out its curve parameters',
    make: (m) => {
      const caPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const ca = { cn: 'Named Curve Test CA', privateKey: caPair.privateKey };
      const caPem = certificate({ cn: ca.cn, ...caPair, notBefore: m.at(-30), notAfter: m.at(3650), ca: true });
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', paramEncoding: 'explicit' });
      return chainFiles(m, { ca: caPem, leaf: leafFor(m, 'Explicit Params Test Leaf', pair, ca), key: unencrypted(pair) });
    },
  },
  {
    name: 'chain-ec-explicit-ca', kind: 'chain', about: 'EC P-256 root CA whose key spells out its curve parameters → named-curve P-256 leaf',
    make: (m) => {
      const caPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', paramEncoding: 'explicit' });
      const ca = { cn: 'Explicit Params Test CA', privateKey: caPair.privateKey };
      const caPem = certificate({ cn: ca.cn, ...caPair, notBefore: m.at(-30), notAfter: m.at(3650), ca: true });
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return chainFiles(m, { ca: caPem, leaf: leafFor(m, 'Under Explicit CA Test Leaf', pair, ca), key: unencrypted(pair) });
    },
  },
  {
    name: 'chain-md5-leaf', kind: 'chain', about: 'RSA 2048 root CA → RSA 2048 leaf signed md5WithRSAEncryption',
    make: (m) => rsaLeaf(m, 'MD5 Signed Test Leaf', m.rsa(), { hash: 'MD5' }),
  },
  {
    name: 'chain-sha1-leaf', kind: 'chain', about: 'RSA 2048 root CA → RSA 2048 leaf signed sha1WithRSAEncryption',
    make: (m) => rsaLeaf(m, 'SHA-1 Signed Test Leaf', m.rsa(), { hash: 'SHA-1' }),
  },
  {
    name: 'chain-rsa768-leaf', kind: 'chain', about: 'RSA 2048 root CA → leaf with an RSA 768-bit key, SHA-256',
    make: (m) => rsaLeaf(m, 'RSA 768 Test Leaf', generateKeyPairSync('rsa', { modulusLength: 768 })),
  },
  {
    name: 'chain-rsa1024-leaf', kind: 'chain', about: 'RSA 2048 root CA → leaf with an RSA 1024-bit key, SHA-256',
    make: (m) => rsaLeaf(m, 'RSA 1024 Test Leaf', generateKeyPairSync('rsa', { modulusLength: 1024 })),
  },
  {
    name: 'chain-rsa-pss-signed-leaf', kind: 'chain', about: 'control: RSA 2048 root CA → RSA 2048 (rsaEncryption) leaf signed RSASSA-PSS SHA-256',
    make: (m) => rsaLeaf(m, 'PSS Signed Test Leaf', m.rsa(), { hash: 'RSASSA-PSS' }),
  },
  {
    name: 'chain-time-offset', kind: 'chain', about: 'RSA 2048 root CA → RSA 2048 leaf whose validity times are UTCTime with a +0100 offset (YYMMDDHHMMSS+0100)',
    make: (m) => rsaLeaf(m, 'Time Offset Test Leaf', m.rsa(), { timeOffset: true }),
  },
  {
    name: 'chain-v1-root', kind: 'chain', about: 'a v1 (no extensions) self-signed RSA 2048 root → v3 RSA 2048 leaf',
    make: (m) => {
      const rootPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const root = { cn: 'V1 Test Root', privateKey: rootPair.privateKey };
      const rootPem = certificate({ cn: root.cn, ...rootPair, notBefore: m.at(-30), notAfter: m.at(3650), version: 1 });
      const pair = m.rsa();
      return chainFiles(m, { ca: rootPem, leaf: leafFor(m, 'Under V1 Root Test Leaf', pair, root), key: unencrypted(pair) });
    },
  },
];

/** An RSA leaf under the shared RSA root. */
function rsaLeaf(m, cn, pair, more = {}) {
  const root = m.rsaCa();
  return chainFiles(m, { ca: root.pem, leaf: leafFor(m, cn, pair, root, more), key: unencrypted(pair) });
}

/** A PKCS#12 of an RSA key and its self-signed certificate, written by the system openssl. */
function pkcs12(m, cn, options, passphrase) {
  const pair = m.rsa();
  const cert = rsaSelfSigned(m, pair, cn);
  m.write('plain.pem', unencrypted(pair));
  m.run('pkcs12', '-export', ...options, '-in', 'certificate.pem', '-inkey', 'plain.pem', '-name', cn, '-passout', `pass:${passphrase}`, '-out', 'identity.p12');
  return { p12: join(m.dir, 'identity.p12'), certificate: cert, passphrase };
}

/**
 * Makes every case's files under `dir` (one folder per case), dated from `now`, with `openssl` (a 3.x binary)
 * for the formats only it writes. Returns, per case name, its kind and absolute file paths.
 * @param {string} dir @param {{ now?: Date, openssl?: string, only?: string[] }} [options]
 */
export async function makeCases(dir, { now = CASES_NOW, openssl = 'openssl', only } = {}) {
  // RSA 2048 generation is the slow part: one key serves every leaf and key case where the key's bytes do not
  // matter, one more the shared root CA (the control chain's intermediate has its own).
  let shared;
  const rsa = () => (shared ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
  let rootCa;
  const made = {};
  for (const c of CASES) {
    if (only && !only.includes(c.name)) continue;
    const caseDir = join(dir, c.name);
    mkdirSync(caseDir, { recursive: true });
    /** @type {Maker} */
    const m = {
      dir: caseDir,
      now,
      openssl,
      at: (days) => new Date(now.getTime() + days * DAY),
      write: (file, content) => {
        writeFileSync(join(caseDir, file), content);
        return join(caseDir, file);
      },
      run: (...args) => {
        execFileSync(openssl, args, { cwd: caseDir, stdio: ['ignore', 'ignore', 'pipe'] });
      },
      rsa,
      rsaCa: () => {
        if (!rootCa) {
          const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
          const cn = 'RSA Test Root CA';
          rootCa = { cn, ...pair, pem: certificate({ cn, ...pair, notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() + 3650 * DAY), ca: true }) };
        }
        return rootCa;
      },
    };
    made[c.name] = { kind: c.kind, files: await c.make(m) };
  }
  return made;
}

// ---- how one OpenSSL judges them -------------------------------------------------------------------------------

/** Per binary: whether its verify has -auth_level (1.1.0 and later). */
const authLevel = new Map();

/**
 * One OpenSSL binary's verdict on one case's files, with the library's defaults (an empty config file, so
 * neither a distribution's openssl.cnf nor a provider it loads changes anything):
 * - key: `openssl pkey -in KEY -noout [-passin pass:P]` → load: ok | unsupported | wrong-passphrase | unreadable
 * - pkcs12: `openssl pkcs12 -in P12 -noout -passin pass:P` → the same
 * - chain: `openssl x509 -in LEAF -noout -pubkey` → publicKey: ok | unsupported | unreadable (can this
 *   OpenSSL use the certificate's key at all); `openssl verify -attime NOW -CAfile CA -untrusted CHAIN LEAF`
 *   → verify: "OK" or "N at D: reason"; and, from 1.1.0, the same with `-auth_level 1`, the security level
 *   TLS applies by default → tls (null where the binary has no -auth_level: 1.0.2 has no security levels).
 * `why` holds OpenSSL's own words (function:reason of its error lines), never key material.
 * @param {string} binary @param {{ kind: string, files: Record<string, string> }} made @param {{ now: Date, config: string }} options
 */
export function judgeWith(binary, made, { now, config }) {
  const run = (...args) => {
    const result = spawnSync(binary, args, { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: config }, timeout: 60_000 });
    return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`, err: result.stderr ?? '' };
  };
  const { files } = made;
  const pass = files.passphrase === undefined ? [] : ['-passin', `pass:${files.passphrase}`];
  if (made.kind === 'key' || made.kind === 'pkcs12') {
    const result = made.kind === 'key' ? run('pkey', '-in', files.key, '-noout', ...pass) : run('pkcs12', '-in', files.p12, '-noout', ...pass);
    return result.ok ? { load: 'ok' } : { load: loadFailure(result.err), why: reasons(result.err) };
  }
  const publicKey = run('x509', '-in', files.leaf, '-noout', '-pubkey');
  const attime = String(Math.floor(now.getTime() / 1000));
  const verifyArgs = ['-attime', attime, '-CAfile', files.ca, '-untrusted', files.chain, files.leaf];
  const verify = verifyVerdict(run('verify', ...verifyArgs));
  if (!authLevel.has(binary)) authLevel.set(binary, /-auth_level/.test(run('verify', '-help').out));
  const hasAuthLevel = authLevel.get(binary);
  const tls = hasAuthLevel ? verifyVerdict(run('verify', '-auth_level', '1', ...verifyArgs)) : null;
  return {
    publicKey: publicKey.ok ? 'ok' : /unsupported|unknown/i.test(publicKey.err) ? 'unsupported' : 'unreadable',
    ...(publicKey.ok ? {} : { publicKeyWhy: reasons(publicKey.err) }),
    verify: verify.verdict,
    tls: tls?.verdict ?? null,
    ...(verify.why || tls?.why ? { why: [...new Set([verify.why, tls?.why].filter(Boolean))].join('; ') } : {}),
  };
}

function loadFailure(stderr) {
  if (/unsupported|unknown (cipher|algorithm|digest)/i.test(stderr)) return 'unsupported';
  if (/bad decrypt|mac verify|invalid password|bad password/i.test(stderr)) return 'wrong-passphrase';
  return 'unreadable';
}

/** "68 at 0: CA signature digest algorithm too weak", or "OK"; openssl verify stops at its first error. */
function verifyVerdict({ ok, out }) {
  const error = /error (\d+) at (\d+) depth lookup: ?(.*)/.exec(out);
  if (ok && /: OK\s*$/m.test(out) && !error) return { verdict: 'OK' };
  // The reason is in the verdict; only library error lines (an algorithm it does not know) add to it.
  if (error) return { verdict: `${error[1]} at ${error[2]}: ${error[3].trim()}`, why: reasons(out, false) };
  return { verdict: 'unreadable', why: reasons(out) };
}

/**
 * OpenSSL's error lines as "function:reason" (1.0.2: …:error:CODE:lib:func:reason:file:line:; 3.x the same
 * with the library's name), distinct, at most 4; else (with `fallback`) its first line that names no file.
 */
function reasons(text, fallback = true) {
  const found = [];
  for (const line of text.split('\n')) {
    const match = /:error:[0-9A-Fa-f]+:[^:]*:([^:]*):([^:]*):/.exec(line);
    if (!match) continue;
    const reason = match[1] ? `${match[1]}:${match[2]}` : match[2];
    if (!found.includes(reason)) found.push(reason);
  }
  if (found.length || !fallback) return found.slice(0, 4).join(', ');
  return text.split('\n').map((line) => line.trim()).find((line) => line && !/^usage/i.test(line) && !line.includes('/')) ?? '';
}
