// The hostile corpus: inputs that each once made the checker hang for minutes (or would have), every one
// under the 1 MiB file bound. `node scripts/hostile.mjs <outDir> [--small]` writes each input as an EMS home,
// `<outDir>/<name>/etc/config.json` plus the files it names (relative to that home), and
// `<outDir>/manifest.json`: every input's name, config, files and what it probes.
//
// Used by test/cli/hostile.test.ts (the real CLI on each, in bounded time), `npm run bench` (the worst time
// per input) and `npm run fuzz` (the --small corpus as seeds). Generated at test time into a temp folder:
// nothing here is ever committed, keys least of all.
//
// Fast (about a second): certificates are DER written here and signed by Node's crypto with one throw-away
// EC P-256 key (the 1,000-certificate chain has a key per certificate, so that signatures tell them apart;
// one RSA key serves the PKCS#12 inputs, which node-forge needs); key-derivation parameters are patched after
// a cheap real derivation. Deterministic where the script chooses: every config, name, typo, salt, IV and the
// order of the shuffled chain come from a seeded generator, so the configs and the manifest are the same each
// run (only keys and ECDSA signatures are new). Certificate names say "EMS Config Test" or "EMS Test": nothing
// here may be mistaken for a real credential.
import { createCipheriv, generateKeyPairSync, pbkdf2Sync, scryptSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';

/** The instant the corpus's certificates are valid at (they run 2026-01-01 .. 2036-01-01); check with --now. */
export const CORPUS_NOW = '2026-06-01T00:00:00Z';
/** The passphrase of every encrypted key here. */
export const CORPUS_PASSPHRASE = 'test-passphrase';
const SEED = 20260601;
const GUID = '080107d9-0af5-409f-b0d7-7ef5ccf3d797';
const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const NOT_AFTER = new Date('2036-01-01T00:00:00Z');
const HUGE = 2 ** 31 - 1;

// ─── A seeded generator (mulberry32) ───────────────────────────────────────────────────────────────────────

function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    below: (n) => Math.floor(next() * n),
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

// ─── DER, written directly (fast for 60,000 names) ─────────────────────────────────────────────────────────

function length(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, ...parts) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...parts) => tlv(0x30, ...parts);
const set = (...parts) => tlv(0x31, ...parts);
const octets = (bytes) => tlv(0x04, bytes);
const bitString = (bytes, unused = 0) => tlv(0x03, Buffer.from([unused]), bytes);
const utf8 = (text) => tlv(0x0c, Buffer.from(text, 'utf8'));
const bool = (value) => tlv(0x01, Buffer.from([value ? 0xff : 0]));
const nul = () => Buffer.from([0x05, 0x00]);
const explicit = (n, ...parts) => tlv(0xa0 + n, ...parts);
const utcTime = (date) => tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'latin1'));
function integer(value) {
  const bytes = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (!bytes.length || bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}
function oid(dotted) {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const digits = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) digits.unshift(0x80 | (v & 0x7f));
    out.push(...digits);
  }
  return tlv(0x06, Buffer.from(out));
}
const name = (cn) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const pem = (label, der) => `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;

// ─── Certificates ──────────────────────────────────────────────────────────────────────────────────────────

const SIGNATURE = {
  ec: { algorithm: () => seq(oid('1.2.840.10045.4.3.2')), sign: (tbs, key) => sign('sha256', tbs, key) },
  rsa: { algorithm: () => seq(oid('1.2.840.113549.1.1.11'), nul()), sign: (tbs, key) => sign('sha256', tbs, key) },
};

/**
 * One X.509 v3 certificate, DER, for `key`, signed by `signer` (self-signed when absent).
 * @typedef {{ type: 'ec' | 'rsa', privateKey: import('node:crypto').KeyObject, spki: Buffer }} CorpusKey
 * @param {{ serial: number, subject: string, issuer?: string, ca?: boolean, keyUsage?: boolean, sans?: string[],
 *   key: CorpusKey, signer?: CorpusKey }} options
 */
function certificate({ serial, subject, issuer = subject, ca = false, keyUsage = true, sans = [], key, signer = key }) {
  const extensions = [seq(oid('2.5.29.19'), bool(true), octets(ca ? seq(bool(true)) : seq()))];
  // keyCertSign + cRLSign (bits 5, 6) for a CA; digitalSignature (bit 0) for a leaf.
  if (keyUsage) extensions.push(seq(oid('2.5.29.15'), bool(true), octets(ca ? bitString(Buffer.from([0x06]), 1) : bitString(Buffer.from([0x80]), 7))));
  if (!ca) extensions.push(seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))));
  if (sans.length) extensions.push(seq(oid('2.5.29.17'), octets(seq(...sans.map((dns) => tlv(0x82, Buffer.from(dns, 'latin1')))))));
  const signature = SIGNATURE[signer.type];
  const tbs = seq(
    explicit(0, integer(2)), integer(serial), signature.algorithm(), name(issuer),
    seq(utcTime(NOT_BEFORE), utcTime(NOT_AFTER)), name(subject), key.spki, explicit(3, seq(...extensions)),
  );
  return seq(tbs, signature.algorithm(), bitString(signature.sign(tbs, signer.privateKey)));
}

// ─── Keys, encrypted with parameters nobody should derive ──────────────────────────────────────────────────

const PBES2 = '1.2.840.113549.1.5.13';
const AES_256_CBC = '2.16.840.1.101.3.4.1.42';

/**
 * An encrypted PKCS#8 (PBES2, AES-256-CBC) whose KDF parameters say `claimed` but whose data was encrypted
 * with the cheap `real` ones: the file is well formed, and deriving it as it says would take minutes or hours.
 */
function encryptedPkcs8(pkcs8, random, kdf, real, claimed) {
  const salt = random.bytes(16);
  const iv = random.bytes(16);
  const secret = kdf === 'pbkdf2'
    ? pbkdf2Sync(CORPUS_PASSPHRASE, salt, real.iterations, 32, 'sha256')
    : scryptSync(CORPUS_PASSPHRASE, salt, 32, { N: real.N, r: real.r, p: real.p });
  const cipher = createCipheriv('aes-256-cbc', secret, iv);
  const data = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const params = kdf === 'pbkdf2'
    ? seq(oid('1.2.840.113549.1.5.12'), seq(octets(salt), integer(claimed.iterations), seq(oid('1.2.840.113549.2.9'), nul())))
    : seq(oid('1.3.6.1.4.1.11591.4.11'), seq(octets(salt), integer(claimed.N), integer(claimed.r), integer(claimed.p), integer(32)));
  return seq(seq(oid(PBES2), seq(params, seq(oid(AES_256_CBC), octets(iv)))), octets(data));
}

/** Sets the INTEGER at `path` (child indexes from the root) of a node-forge ASN.1 tree. */
function setInteger(root, path, value) {
  let node = root;
  for (const i of path) node = node.value[i];
  if (node.type !== forge.asn1.Type.INTEGER) throw new Error(`no INTEGER at ${path.join('.')}`);
  node.value = forge.asn1.integerToDer(value).getBytes();
}

/** Every PBKDF2 iteration count inside a PKCS#12 file (its safe contents are DER inside OCTET STRINGs) set to `value`. */
function withBagIterations(der, value) {
  const pbkdf2 = forge.asn1.oidToDer('1.2.840.113549.1.5.12').getBytes();
  let found = 0;
  const walk = (node) => {
    if (Array.isArray(node.value)) {
      const [id, params] = node.value;
      if (id?.type === forge.asn1.Type.OID && id.value === pbkdf2 && Array.isArray(params?.value)) {
        params.value[1].value = forge.asn1.integerToDer(value).getBytes();
        found++;
      }
      node.value.forEach(walk);
    } else if (node.type === forge.asn1.Type.OCTETSTRING && node.value.charCodeAt(0) === 0x30) {
      try {
        const inner = forge.asn1.fromDer(node.value);
        const before = found;
        walk(inner);
        if (found > before) node.value = forge.asn1.toDer(inner).getBytes();
      } catch {
        // not DER: bytes
      }
    }
  };
  const root = forge.asn1.fromDer(der.toString('binary'));
  walk(root);
  if (!found) throw new Error('no PBKDF2 parameters in the PKCS#12 file');
  return Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary');
}

// ─── The corpus ────────────────────────────────────────────────────────────────────────────────────────────

const base = (groups = {}) => ({ ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: GUID, ...groups });
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
/** Keys people mistype, for the unknown-key inputs (each gets a typo and a number: all distinct, all unknown). */
const KNOWN_KEYS = ['ws_servers', 'appKey', 'resource', 'certificates', 'validate', 'allow_self_signed', 'cert_chain', 'client_cert',
  'key_file', 'key_passphrase', 'http_server', 'private_key', 'passphrase', 'ws_connection', 'encryption', 'max_frame_size', 'auto_bind',
  'logger', 'level', 'publish_directory', 'file', 'idle_timeout', 'tunnel', 'buffer_size'];

function typo(random, key) {
  const at = random.below(key.length);
  switch (random.below(3)) {
    case 0: return key.slice(0, at) + key.slice(at + 1); // a letter dropped
    case 1: return key.slice(0, at) + key[at + 1 === key.length ? at : at + 1] + key[at] + key.slice(at + 2); // two swapped
    default: return key.slice(0, at) + 'aeiouxyz'[random.below(8)] + key.slice(at); // one added
  }
}

/**
 * Writes the corpus into `outDir` (replacing what a previous run wrote there) and returns the manifest.
 * `small` writes the same kinds of input at sizes a fuzzer can mutate thousands of times (still past every
 * bound they probe: more than 10 certificates in a chain, 1,000 levels, 50 similar-file searches, …).
 * @param {string} outDir @param {{ small?: boolean }} [options]
 */
export function makeCorpus(outDir, { small = false } = {}) {
  const size = (full, reduced) => (small ? reduced : full);
  const random = generator(SEED);
  const inputs = [];
  mkdirSync(outDir, { recursive: true });
  // The inputs an earlier run listed go (the full and the small corpus have different names); nothing else is touched.
  const manifestPath = join(outDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    for (const { name } of JSON.parse(readFileSync(manifestPath, 'utf8')).inputs ?? []) {
      if (typeof name === 'string' && /^[a-z0-9-]+$/.test(name)) rmSync(join(outDir, name), { recursive: true, force: true });
    }
  }

  const ecKeyPair = (pair) => ({ type: 'ec', privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecKey = ecKeyPair(ec);
  const ecPkcs8 = ec.privateKey.export({ type: 'pkcs8', format: 'der' });
  const ecKeyPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const ecCert = pem('CERTIFICATE', certificate({ serial: 1, subject: 'EMS Config Test Hostile Client', key: ecKey, sans: ['localhost'] }));

  /** One input: its config (an object, or text written as it is) and the files it names, relative to its home. */
  const add = (inputName, probes, config, files = {}) => {
    const home = join(outDir, inputName);
    rmSync(home, { recursive: true, force: true });
    const text = typeof config === 'string' ? config : json(config);
    const written = { 'etc/config.json': text, ...files };
    let bytes = 0;
    for (const [relative, content] of Object.entries(written)) {
      const file = join(home, ...relative.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      bytes = Math.max(bytes, Buffer.byteLength(content));
    }
    if (bytes >= 2 ** 20) throw new Error(`${inputName}: a file of ${bytes} bytes, over the 1 MiB bound`);
    inputs.push({ name: inputName, config: `${inputName}/etc/config.json`, files: Object.keys(files), probes });
  };
  const clientKey = (keyFile, extra = {}) => base({
    certificates: { validate: true, client_cert: 'etc/certs/client.pem', key_file: keyFile, key_passphrase: CORPUS_PASSPHRASE, ...extra },
  });

  // ── Key derivation that would take hours ──
  // The small corpus asks for just past each bound instead: a case whose bound is bypassed then costs
  // seconds (which `npm run fuzz` reports as slow), not the hours that would stall the fuzzer.
  const iterations = size(HUGE, 40_000_000); // ~7 s of OpenSSL for the small one
  const lanes = size(4096, 256); // scrypt p; ~25 ms a lane
  const pkcs12Iterations = size(HUGE, 20_000_000); // ~17 s of the native PKCS#12 KDF for the small one: over the fuzzer's 10 s
  const figure = (n) => (n === HUGE ? '2^31 - 1' : n.toLocaleString('en-US'));
  const pbkdf2Key = () => encryptedPkcs8(ecPkcs8, random, 'pbkdf2', { iterations: 2048 }, { iterations });
  const scryptKey = () => encryptedPkcs8(ecPkcs8, random, 'scrypt', { N: 1024, r: 8, p: 1 }, { N: 16384, r: 8, p: lanes });
  add('pkcs8-pbkdf2-iterations', `encrypted PKCS#8 whose PBKDF2 asks for ${figure(iterations)} iterations (about 0.7 ms of OpenSSL per 2,048: ${small ? 'seconds' : '12 minutes'})`,
    clientKey('etc/certs/client-key.der'), { 'etc/certs/client.pem': ecCert, 'etc/certs/client-key.der': pbkdf2Key() });
  add('pkcs8-scrypt-p', `encrypted PKCS#8 with scrypt N = 16384, r = 8, p = ${lanes} (16 MiB per lane, ${lanes.toLocaleString('en-US')} lanes: ${small ? 'seconds' : 'minutes'})`,
    clientKey('etc/certs/client-key.pem'), { 'etc/certs/client.pem': ecCert, 'etc/certs/client-key.pem': pem('ENCRYPTED PRIVATE KEY', scryptKey()) });
  // The same keys with one byte after the DER: OpenSSL reads the key and ignores what follows it.
  const trailing = (der) => Buffer.concat([der, Buffer.from([0])]);
  add('pkcs8-pbkdf2-trailing-byte', `the PBKDF2 ${figure(iterations)} key as DER with one byte after it (OpenSSL decodes the key and ignores the byte)`,
    clientKey('etc/certs/client-key.der'), { 'etc/certs/client.pem': ecCert, 'etc/certs/client-key.der': trailing(pbkdf2Key()) });
  add('pkcs8-scrypt-trailing-byte', `the scrypt p = ${lanes} key as PEM whose DER has one byte after it`,
    clientKey('etc/certs/client-key.pem'), { 'etc/certs/client.pem': ecCert, 'etc/certs/client-key.pem': pem('ENCRYPTED PRIVATE KEY', trailing(scryptKey())) });
  add('pkcs8-scrypt-n', 'encrypted PKCS#8 with scrypt N = 2^20, r = 8, p = 1 (1 GiB of memory)',
    clientKey('etc/certs/client-key.pem'),
    { 'etc/certs/client.pem': ecCert, 'etc/certs/client-key.pem': pem('ENCRYPTED PRIVATE KEY', encryptedPkcs8(ecPkcs8, random, 'scrypt', { N: 1024, r: 8, p: 1 }, { N: 2 ** 20, r: 8, p: 1 })) });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaKey = { type: 'rsa', privateKey: rsa.privateKey, spki: rsa.publicKey.export({ type: 'spki', format: 'der' }) };
  const rsaCert = pem('CERTIFICATE', certificate({ serial: 2, subject: 'EMS Config Test Hostile PKCS#12 Client', key: rsaKey, sans: ['localhost'] }));
  const p12 = (() => {
    const forgeKey = forge.pki.privateKeyFromPem(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const asn1 = forge.pkcs12.toPkcs12Asn1(forgeKey, [forge.pki.certificateFromPem(rsaCert)], CORPUS_PASSPHRASE, { algorithm: 'aes256', count: 2048, friendlyName: 'hostile' });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  })();
  const macPatched = forge.asn1.fromDer(p12.toString('binary'));
  setInteger(macPatched, [2, 2], pkcs12Iterations); // PFX { version, authSafe, macData { mac, macSalt, iterations } }
  add('pkcs12-mac-iterations', `PKCS#12 whose MAC asks for ${figure(pkcs12Iterations)} iterations (the PKCS#12 KDF, one hash call an iteration, about 0.85 s per million: ${small ? 'seconds' : 'half an hour'})`,
    clientKey('etc/certs/client.p12'),
    { 'etc/certs/client.pem': rsaCert, 'etc/certs/client.p12': Buffer.from(forge.asn1.toDer(macPatched).getBytes(), 'binary') });
  add('pkcs12-bag-iterations', `PKCS#12 whose shrouded key bag (PBKDF2, inside the safe contents) asks for ${figure(pkcs12Iterations)} iterations`,
    clientKey('etc/certs/client.p12'),
    { 'etc/certs/client.pem': rsaCert, 'etc/certs/client.p12': withBagIterations(p12, pkcs12Iterations) });

  // ── Certificates: many names, long chains, many blocks ──
  const sanCount = size(60_000, 2_000);
  const manyNames = Array.from({ length: sanCount }, (_, i) => `h${i}.ex`);
  add(`san-${sanCount}`, `a client certificate with ${sanCount.toLocaleString('en-US')} subjectAltNames (the names kept and shown are capped; the count is said)`,
    clientKey('etc/certs/client-key.pem', { key_passphrase: undefined }),
    { 'etc/certs/client.pem': pem('CERTIFICATE', certificate({ serial: 3, subject: 'EMS Config Test Many Names', key: ecKey, sans: manyNames })), 'etc/certs/client-key.pem': ecKeyPem });

  // A real chain (each certificate issued by the next, the last self-signed), shuffled: ordering it would try every pair.
  const chainLength = size(1000, 30);
  const subject = (i) => (i === 0 ? 'EMS Config Test Hostile Leaf' : `EMS Config Test Hostile CA ${i}`);
  // Each its own key (EC keys cost ~0.1 ms): with one key shared, every certificate would verify as issued by every other.
  const chainKeys = Array.from({ length: chainLength }, (_, i) => (i === 0 ? ecKey : ecKeyPair(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }))));
  const chain = Array.from({ length: chainLength }, (_, i) => {
    const issuer = Math.min(i + 1, chainLength - 1);
    return certificate({ serial: 1000 + i, subject: subject(i), issuer: subject(issuer), ca: i > 0, key: chainKeys[i], signer: chainKeys[issuer], sans: i === 0 ? ['localhost'] : [] });
  });
  for (let i = chain.length - 1; i > 1; i--) {
    const j = 1 + random.below(i); // the leaf stays first
    [chain[i], chain[j]] = [chain[j], chain[i]];
  }
  add(`chain-${chainLength}`, `an identity chain of ${chainLength.toLocaleString('en-US')} certificates (one PEM file), the leaf first and the rest shuffled`,
    clientKey('etc/certs/client-key.pem', { key_passphrase: undefined }),
    { 'etc/certs/client.pem': chain.map((der) => pem('CERTIFICATE', der)).join(''), 'etc/certs/client-key.pem': ecKeyPem });

  const caCount = size(2000, 40);
  const caList = Array.from({ length: caCount }, (_, i) => pem('CERTIFICATE', certificate({ serial: 5000 + i, subject: `EMS Test CA ${i}`, ca: true, keyUsage: false, key: ecKey }))).join('');
  add(`ca-list-${caCount}`, `a CA list of ${caCount.toLocaleString('en-US')} small valid self-signed CA certificates (the PEM block bound is 2,000)`,
    base({ certificates: { validate: true, cert_chain: 'etc/certs/ca-list.pem' } }), { 'etc/certs/ca-list.pem': caList });

  const pemBytes = size(1_000_000, 20_000);
  for (const [inputName, block, what] of [
    ['pem-tiny', '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n', 'tiny PEM certificate blocks (BEGIN, "A", END)'],
    ['pem-unterminated', '-----BEGIN CERTIFICATE-----\nA\n', 'unterminated PEM blocks (BEGIN and "A", no END)'],
  ]) {
    add(`${inputName}-${small ? '20kb' : '1mb'}`, `${(pemBytes / 1000).toLocaleString('en-US')} KB of ${what} as a CA list`,
      base({ certificates: { validate: true, cert_chain: 'etc/certs/ca-list.pem' } }), { 'etc/certs/ca-list.pem': block.repeat(Math.floor(pemBytes / block.length)) });
  }

  // ── Configs: many keys, many paths, deep nesting, long lines ──
  for (const count of small ? [300] : [10_000, 40_000]) {
    const keys = Array.from({ length: count }, (_, i) => `"${typo(random, KNOWN_KEYS[random.below(KNOWN_KEYS.length)])}${i}":${i}`);
    add(`unknown-keys-${count}`, `${count.toLocaleString('en-US')} unknown top-level keys on one line, each a typo of a known key with a number (a nearest-key search and a removal edit for each)`,
      `${JSON.stringify(base()).slice(0, -1)},${keys.join(',')}}\n`);
  }

  const missing = size(5000, 200);
  const decoys = Object.fromEntries(Array.from({ length: size(1000, 20) }, (_, i) => [`etc/certs/edge-device-certificate-${i}.pem`, '']));
  add(`missing-paths-${missing}`, `a CA list naming ${missing.toLocaleString('en-US')} missing files in one folder that holds ${Object.keys(decoys).length + 1} others ("similar files" searched for each)`,
    base({ certificates: { validate: true, cert_chain: Array.from({ length: missing }, (_, i) => `etc/certs/ca-lst-${i}.pem`) } }),
    { 'etc/certs/ca-list.pem': caList.slice(0, caList.indexOf('-----END CERTIFICATE-----') + 26), ...decoys });

  const prefix = JSON.stringify(base()).slice(0, -1);
  for (const depth of small ? [1100] : [5000, 20_000]) {
    add(`nested-arrays-${depth}`, `a config with a value nested ${depth.toLocaleString('en-US')} arrays deep (${((2 * depth) / 1000).toFixed(0)} KB; the EMS's cJSON stops at 1,000)`,
      `${prefix},"auto_bind":${'['.repeat(depth)}${']'.repeat(depth)}}\n`);
  }
  const objectDepth = size(20_000, 1100);
  add(`nested-objects-${objectDepth}`, `a config with a value nested ${objectDepth.toLocaleString('en-US')} objects deep ({"a": …)`,
    `${prefix},"logger":${'{"a":'.repeat(objectDepth)}1${'}'.repeat(objectDepth)}}\n`);

  // A minified config of about 1 MiB on one line: an auto_bind list of many entries.
  const lineBytes = size(1_040_000, 20_000);
  const binds = [];
  for (let length = prefix.length; length < lineBytes - 200;) {
    const entry = { name: `PressLine${binds.length}`, host: 'localhost', port: 8000 + (binds.length % 1000), protocol: 'http', user: 'ems', password: 'AES:wPUJ0SYov0r6yH+BDMbeMA==' };
    binds.push(entry);
    length += JSON.stringify(entry).length + 1;
  }
  add(`single-line-${small ? '20kb' : '1mib'}`, `a minified config of ${(lineBytes / 1000).toLocaleString('en-US')} KB on one line (${binds.length.toLocaleString('en-US')} auto_bind entries)`,
    `${JSON.stringify(base({ auto_bind: binds }))}\n`);

  const duplicates = size(100_000, 500);
  add(`duplicate-keys-${duplicates}`, `one ws_servers entry with its "port" key ${duplicates.toLocaleString('en-US')} times (duplicate-key for each but the first)`,
    `{"ws_servers":[{"host":"twx.example.com",${'"port":1,'.repeat(duplicates)}"port":443}],"appKey":"${GUID}"}\n`);

  const longBytes = size(1_000_000, 20_000);
  add(`long-key-${small ? '20kb' : '1mb'}`, `a key of ${(longBytes / 1000).toLocaleString('en-US')} KB that is almost "certificates" (edit distance to every known key)`,
    `${prefix},"${'certificates'.repeat(Math.floor(longBytes / 12))}x":1}\n`);
  add(`long-path-${small ? '20kb' : '1mb'}`, `a cert_chain path of ${(longBytes / 1000).toLocaleString('en-US')} KB (stat, "similar files" and messages on a name no file system allows)`,
    base({ certificates: { validate: true, cert_chain: `etc/certs/${'ca-list-'.repeat(Math.floor(longBytes / 8))}.pem` } }));

  const syntaxCount = size(100_000, 500);
  add(`comments-${syntaxCount}`, `${syntaxCount.toLocaleString('en-US')} /* */ comments between the keys (json-comment, capped)`,
    `${prefix.replace(',"appKey"', `,${'/**/'.repeat(syntaxCount)}"appKey"`)}}\n`);
  add(`bad-escapes-${syntaxCount}`, `a path with ${syntaxCount.toLocaleString('en-US')} invalid escapes ("C:\\q\\q…": json-invalid-escape, capped)`,
    `${prefix},"certificates":{"cert_chain":"C:${'\\q'.repeat(syntaxCount)}.pem"}}\n`);

  const manifest = { now: CORPUS_NOW, passphrase: CORPUS_PASSPHRASE, seed: SEED, small, inputs };
  writeFileSync(manifestPath, json(manifest));
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const small = args.includes('--small');
  const [outDir, ...rest] = args.filter((a) => a !== '--small');
  if (!outDir || rest.length) {
    console.error('usage: node scripts/hostile.mjs <outDir> [--small]');
    process.exit(2);
  }
  const started = performance.now();
  const manifest = makeCorpus(resolve(outDir), { small });
  console.log(`wrote ${manifest.inputs.length} hostile inputs${small ? ' (small)' : ''} to ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
