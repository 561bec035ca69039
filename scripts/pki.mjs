// Throw-away test PKI: certificate authorities, leaves and keys in every format the EMS Config checks read.
// Library for test/fixtures/make-pki.mjs (fixed dates) and scripts/make-sample-home.mjs (real clock);
// as a CLI, `node scripts/pki.mjs <outdir> [--now ISO-date]` writes the standard set.
//
// Certificates come from @peculiar/x509 over Node's webcrypto (RSA, EC and Ed25519, any dates, any hash);
// keys are Node KeyObjects so every export format is Node's own; PKCS#12 comes from node-forge (RSA only).
// Every name says "EMS Config Test PKI": nothing here may ever be mistaken for, or used as, a real credential.
import 'reflect-metadata';
import { createHash, generateKeyPairSync, sign, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';

x509.cryptoProvider.set(webcrypto);

export const TEST_ORGANIZATION = 'EMS Config Test PKI';
/** The passphrase of every encrypted key and PKCS#12 file in the standard set. */
export const TEST_PASSPHRASE = 'test-passphrase';

const DAY = 86_400_000;

/** @typedef {'rsa-1024' | 'rsa-2048' | 'ec-p224' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519'} KeyAlgorithm */
/** @typedef {{ algorithm: KeyAlgorithm, privateKey: import('node:crypto').KeyObject, publicKey: import('node:crypto').KeyObject }} TestKey */
/** @typedef {{ name: string, cn: string, key: TestKey, pem: string, der: Buffer }} TestCertificate */

const CURVES = { 'ec-p224': 'secp224r1', 'ec-p256': 'prime256v1', 'ec-p384': 'secp384r1', 'ec-p521': 'secp521r1' };
const WEB_CURVES = { 'ec-p256': 'P-256', 'ec-p384': 'P-384', 'ec-p521': 'P-521' };

/** @param {KeyAlgorithm} algorithm @returns {TestKey} */
export function generateKey(algorithm) {
  let pair;
  if (algorithm === 'rsa-1024' || algorithm === 'rsa-2048') {
    pair = generateKeyPairSync('rsa', { modulusLength: algorithm === 'rsa-1024' ? 1024 : 2048 });
  } else if (algorithm === 'ed25519') {
    pair = generateKeyPairSync('ed25519');
  } else if (algorithm in CURVES) {
    pair = generateKeyPairSync('ec', { namedCurve: CURVES[algorithm] });
  } else {
    throw new Error(`unknown key algorithm ${algorithm}`);
  }
  return { algorithm, ...pair };
}

// Webcrypto binds the hash to an imported key, so the signing key is imported per certificate; that is
// what lets one CA key sign with SHA-1 for one certificate and SHA-256 for the next. P-224 (for the weak-key
// case) has no webcrypto support, so such keys can be certified but cannot sign.
async function signingParams(key, hash) {
  const pkcs8 = key.privateKey.export({ type: 'pkcs8', format: 'der' });
  if (key.algorithm.startsWith('rsa-')) {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash };
    return { signingKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']), signingAlgorithm: algorithm };
  }
  if (key.algorithm === 'ed25519') {
    const algorithm = { name: 'Ed25519' };
    return { signingKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']), signingAlgorithm: algorithm };
  }
  const namedCurve = WEB_CURVES[key.algorithm];
  if (!namedCurve) throw new Error(`${key.algorithm} keys cannot sign certificates here`);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
  return { signingKey, signingAlgorithm: { name: 'ECDSA', hash } };
}

function distinguishedName(cn) {
  return `CN=${cn}, O=${TEST_ORGANIZATION}`;
}

function sanEntries(sans) {
  return sans.map((value) => (/^[\d.]+$|:/.test(value) ? { type: 'ip', value } : { type: 'dns', value }));
}

/**
 * Makes a certificate for `key`, signed by `issuer` (self-signed when absent).
 * @param {{ cn: string, key: TestKey, issuer?: TestCertificate, notBefore: Date, notAfter: Date,
 *   hash?: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512', ca?: boolean, pathLength?: number, sans?: string[] }} options
 * @returns {Promise<TestCertificate>}
 */
export async function makeCertificate({ cn, key, issuer, notBefore, notAfter, hash = 'SHA-256', ca = false, pathLength, sans = [] }) {
  const signer = issuer ? issuer.key : key;
  const spki = key.publicKey.export({ type: 'spki', format: 'der' });
  const extensions = [
    new x509.BasicConstraintsExtension(ca, ca ? pathLength : undefined, true),
    new x509.KeyUsagesExtension(
      ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
  ];
  if (!ca) extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]));
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sanEntries(sans)));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: distinguishedName(cn),
    issuer: distinguishedName(issuer ? issuer.cn : cn),
    notBefore,
    notAfter,
    publicKey: spki,
    extensions,
    ...(await signingParams(signer, hash)),
  });
  const der = Buffer.from(certificate.rawData);
  return { name: distinguishedName(cn), cn, key, der, pem: new X509Certificate(der).toString() };
}

/**
 * The certificate with its validity rewritten as UTCTime with a +0100 offset (an hour later in local time, the
 * same instants), re-signed by `issuer`'s RSA key with SHA-256: RFC 5280 wants Z, and OpenSSL 1.0.2p and later
 * refuse the certificate (error 13). @param {TestCertificate} certificate @param {TestKey} issuerKey @returns {string}
 */
export function withOffsetTimes(certificate, issuerKey) {
  const root = forge.asn1.fromDer(certificate.der.toString('binary'));
  const tbs = root.value[0];
  const validity = tbs.value[tbs.value[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 4 : 3];
  for (const time of validity.value) {
    const date = forge.asn1.utcTimeToDate(time.value);
    const local = new Date(date.getTime() + 3_600_000).toISOString();
    time.type = forge.asn1.Type.UTCTIME;
    time.value = `${local.slice(2, 4)}${local.slice(5, 7)}${local.slice(8, 10)}${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}+0100`;
  }
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, issuerKey.privateKey);
  root.value[2] = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.BITSTRING, false, `\0${signature.toString('binary')}`);
  const der = Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary');
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

/**
 * Exports a private key. `pkcs1` (RSA) and `sec1` (EC) are the traditional OpenSSL forms; with a passphrase
 * they get the `Proc-Type: 4,ENCRYPTED` header, pkcs8 becomes `ENCRYPTED PRIVATE KEY`.
 * @param {TestKey} key @param {{ type?: 'pkcs8' | 'pkcs1' | 'sec1', format?: 'pem' | 'der', passphrase?: string }} [options]
 * @returns {string | Buffer}
 */
/**
 * An encrypted PKCS#8 DER with its PBKDF2 iteration count replaced (only the parameter: deriving it would
 * take as long as it says). @param {Buffer} der @param {number} iterations @returns {Buffer}
 */
export function withPbkdf2Iterations(der, iterations) {
  const root = forge.asn1.fromDer(der.toString('binary'));
  // EncryptedPrivateKeyInfo { { PBES2, { { PBKDF2, { salt, iterations, … } }, cipher } }, data }
  const params = root.value[0].value[1].value[0].value[1];
  params.value[1] = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, forge.asn1.integerToDer(iterations).getBytes());
  return Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary');
}

/**
 * A PKCS#8 key encrypted with PKCS#5 PBES1 pbeWithMD5AndDES-CBC, as `openssl pkcs8 -topk8 -v1 PBE-MD5-DES`
 * writes it (OpenSSL 3 reads it only with its legacy provider): PBKDF1-MD5 gives the DES key and IV, node-forge
 * does the DES. @param {TestKey} key @param {string} passphrase @returns {string}
 */
export function exportPbes1Key(key, passphrase) {
  const salt = webcrypto.getRandomValues(new Uint8Array(8));
  const iterations = 2048;
  let derived = createHash('md5').update(Buffer.concat([Buffer.from(passphrase, 'utf8'), salt])).digest();
  for (let i = 1; i < iterations; i++) derived = createHash('md5').update(derived).digest();
  const cipher = forge.cipher.createCipher('DES-CBC', derived.subarray(0, 8).toString('binary'));
  cipher.start({ iv: derived.subarray(8, 16).toString('binary') });
  cipher.update(forge.util.createBuffer(key.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('binary')));
  cipher.finish();
  const { asn1 } = forge;
  const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.5.3').getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, Buffer.from(salt).toString('binary')),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(iterations).getBytes()),
      ]),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, cipher.output.getBytes()),
  ]);
  const body = Buffer.from(asn1.toDer(info).getBytes(), 'binary').toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body.replace(/\n$/, '')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}

export function exportKey(key, { type = 'pkcs8', format = 'pem', passphrase } = {}) {
  const encryption = passphrase === undefined ? {} : { cipher: 'aes-256-cbc', passphrase };
  return key.privateKey.export({ type, format, ...encryption });
}

/**
 * A PKCS#12 file holding an RSA key and its certificate chain (leaf first), protected by `passphrase`.
 * @param {{ key: TestKey, chain: TestCertificate[], passphrase: string }} options @returns {Buffer}
 */
export function makePkcs12({ key, chain, passphrase }) {
  const forgeKey = forge.pki.privateKeyFromPem(exportKey(key, { type: 'pkcs1' }));
  const certificates = chain.map((certificate) => forge.pki.certificateFromPem(certificate.pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(forgeKey, certificates, passphrase, { algorithm: 'aes256', friendlyName: chain[0].cn });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

const concat = (...parts) => parts.map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join('');

/**
 * Writes the standard test set into `outDir`, with every date relative to `now`, and returns its manifest
 * (also written as manifest.json): each file with what it holds. Existing files of the same name are replaced,
 * and files an earlier manifest listed that this set no longer writes are removed (nothing else is touched).
 * @param {string} outDir @param {{ now?: Date }} [options]
 */
export async function makeSet(outDir, { now = new Date() } = {}) {
  const at = (days) => new Date(now.getTime() + days * DAY);
  const span = (from, to) => `${at(from).toISOString().slice(0, 10)}..${at(to).toISOString().slice(0, 10)}`;
  const files = [];
  mkdirSync(outDir, { recursive: true });
  const write = (name, content, holds) => {
    writeFileSync(join(outDir, name), content);
    files.push({ name, holds });
  };

  // RSA key generation is the slow part: the cases that do not care about the key share the server's.
  const rootKey = generateKey('rsa-2048');
  const intermediateKey = generateKey('rsa-2048');
  const serverKey = generateKey('rsa-2048');
  const otherKey = generateKey('rsa-2048');

  const root = await makeCertificate({ cn: 'EMS Config Test Root CA', key: rootKey, notBefore: at(-516), notAfter: at(3136), ca: true });
  const intermediate = await makeCertificate({
    cn: 'EMS Config Test Intermediate CA', key: intermediateKey, issuer: root, notBefore: at(-516), notAfter: at(2406), ca: true, pathLength: 0,
  });
  const leaf = (cn, key, notBefore, notAfter, more = {}) =>
    makeCertificate({ cn, key, issuer: intermediate, notBefore: at(notBefore), notAfter: at(notAfter), sans: ['localhost', '127.0.0.1'], ...more });
  const server = await leaf('EMS Config Test Server', serverKey, -151, 365);

  write('root-ca.pem', root.pem, `RSA 2048 root CA, self-signed, SHA-256, ${span(-516, 3136)}`);
  write('intermediate-ca.pem', intermediate.pem, `RSA 2048 intermediate CA (pathlen 0) issued by the root, ${span(-516, 2406)}`);
  write('server.pem', server.pem, `RSA 2048 server leaf issued by the intermediate, SANs localhost and 127.0.0.1, ${span(-151, 365)}`);
  write('server.der', server.der, 'the server leaf, DER');
  write('server-chain.pem', concat(server.pem, intermediate.pem), 'server leaf + intermediate (right order)');
  write('server-chain-full.pem', concat(server.pem, intermediate.pem, root.pem), 'server leaf + intermediate + root (right order)');
  write('server-chain-reversed.pem', concat(intermediate.pem, server.pem), 'intermediate + server leaf (wrong order)');
  write('server-key.pem', exportKey(serverKey), "the server's key, PKCS#8 PEM");
  write('server-key.der', exportKey(serverKey, { format: 'der' }), "the server's key, PKCS#8 DER");
  write('server-key-encrypted.pem', exportKey(serverKey, { passphrase: TEST_PASSPHRASE }), "the server's key, encrypted PKCS#8 PEM (passphrase)");
  write('server-key-encrypted-huge-kdf.der', withPbkdf2Iterations(exportKey(serverKey, { format: 'der', passphrase: TEST_PASSPHRASE }), 2 ** 31 - 1),
    "the server's key, encrypted PKCS#8 DER whose PBKDF2 asks for 2^31 - 1 iterations (hostile: never derive it)");
  write('server-key-encrypted-pbes1.pem', exportPbes1Key(serverKey, TEST_PASSPHRASE),
    "the server's key, PKCS#8 PEM encrypted with PBES1 pbeWithMD5AndDES-CBC (passphrase; OpenSSL 3 needs its legacy provider)");
  write('server-key-rsa.pem', exportKey(serverKey, { type: 'pkcs1' }), "the server's key, traditional PKCS#1 PEM (BEGIN RSA PRIVATE KEY)");
  write('server-key-rsa-encrypted.pem', exportKey(serverKey, { type: 'pkcs1', passphrase: TEST_PASSPHRASE }),
    "the server's key, traditional PKCS#1 PEM encrypted with Proc-Type/DEK-Info (passphrase)");
  write('server.p12', makePkcs12({ key: serverKey, chain: [server, intermediate], passphrase: TEST_PASSPHRASE }),
    "PKCS#12: the server's key, leaf and intermediate (passphrase)");
  write('server-bundle.pem', concat('Server bundle: key first, then the chain.\n', exportKey(serverKey), 'leaf:\n', server.pem, intermediate.pem),
    "text, the server's key (PKCS#8), leaf, intermediate: several blocks, key first, text between");
  write('other-key.pem', exportKey(otherKey), 'an RSA 2048 key that belongs to no certificate here');

  for (const [algorithm, hash] of [['ec-p256', 'SHA-256'], ['ec-p384', 'SHA-384'], ['ec-p521', 'SHA-512']]) {
    const curve = `P-${algorithm.slice(4)}`;
    const caKey = generateKey(algorithm);
    const leafKey = generateKey(algorithm);
    const ca = await makeCertificate({ cn: `EMS Config Test EC ${curve} CA`, key: caKey, notBefore: at(-516), notAfter: at(3136), hash, ca: true });
    const ecLeaf = await makeCertificate({
      cn: `EMS Config Test EC ${curve} Server`, key: leafKey, issuer: ca, notBefore: at(-151), notAfter: at(365), hash, sans: ['localhost'],
    });
    write(`${algorithm}-ca.pem`, ca.pem, `EC ${curve} root CA, self-signed, ECDSA with ${hash}`);
    write(`${algorithm}-server.pem`, ecLeaf.pem, `EC ${curve} server leaf issued by the EC ${curve} CA, ECDSA with ${hash}`);
    write(`${algorithm}-server-key.pem`, exportKey(leafKey), `the EC ${curve} server's key, PKCS#8 PEM`);
    write(`${algorithm}-server-key-sec1.pem`, exportKey(leafKey, { type: 'sec1' }), `the EC ${curve} server's key, traditional SEC1 PEM (BEGIN EC PRIVATE KEY)`);
    if (algorithm === 'ec-p256') {
      write('ec-p256-server-key-sec1-encrypted.pem', exportKey(leafKey, { type: 'sec1', passphrase: TEST_PASSPHRASE }),
        "the EC P-256 server's key, traditional SEC1 PEM encrypted with Proc-Type/DEK-Info (passphrase)");
      write('ec-p256-other-key.pem', exportKey(generateKey('ec-p256')), 'an EC P-256 key that belongs to no certificate here');
      write('ca-list.pem', concat(root.pem, ca.pem), 'CA list: the RSA root and the EC P-256 root');
      // Explicit curve parameters: Node writes the curve out when asked; webcrypto cannot sign with it, the CA does.
      const explicitPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', paramEncoding: 'explicit' });
      const explicitCa = await makeCertificate({
        cn: 'EMS Config Test EC Explicit CA', key: { algorithm: 'ec-explicit', ...explicitPair }, issuer: ca, notBefore: at(-516), notAfter: at(3136), hash, ca: true,
      });
      write('ec-explicit-ca.pem', explicitCa.pem, 'EC P-256 intermediate CA with explicit curve parameters, issued by the EC P-256 CA (OpenSSL 3: error 94)');
    }
  }

  const edCaKey = generateKey('ed25519');
  const edLeafKey = generateKey('ed25519');
  const edCa = await makeCertificate({ cn: 'EMS Config Test Ed25519 CA', key: edCaKey, notBefore: at(-516), notAfter: at(3136), ca: true });
  const edLeaf = await makeCertificate({ cn: 'EMS Config Test Ed25519 Server', key: edLeafKey, issuer: edCa, notBefore: at(-151), notAfter: at(365) });
  write('ed25519-ca.pem', edCa.pem, 'Ed25519 root CA, self-signed');
  write('ed25519-server.pem', edLeaf.pem, 'Ed25519 server leaf issued by the Ed25519 CA');
  write('ed25519-server-key.pem', exportKey(edLeafKey), "the Ed25519 server's key, PKCS#8 PEM");
  write('ed25519-other-key.pem', exportKey(generateKey('ed25519')), 'an Ed25519 key that belongs to no certificate here');

  write('expired.pem', (await leaf('EMS Config Test Expired', serverKey, -516, -92)).pem, `server leaf, ${span(-516, -92)} (expired)`);
  write('not-yet-valid.pem', (await leaf('EMS Config Test Not Yet Valid', serverKey, 92, 500)).pem, `server leaf, ${span(92, 500)} (not yet valid)`);
  write('expiring-soon.pem', (await leaf('EMS Config Test Expiring Soon', serverKey, -300, 14)).pem, `server leaf, ${span(-300, 14)} (expires in 14 days)`);
  write('sha1.pem', (await leaf('EMS Config Test SHA-1', serverKey, -151, 365, { hash: 'SHA-1' })).pem, 'server leaf signed by the intermediate with SHA-1');
  write('sha384.pem', (await leaf('EMS Config Test SHA-384', serverKey, -151, 365, { hash: 'SHA-384' })).pem, 'server leaf signed by the intermediate with SHA-384');
  write('sha1-root.pem', (await makeCertificate({ cn: 'EMS Config Test SHA-1 Root CA', key: rootKey, notBefore: at(-516), notAfter: at(3136), hash: 'SHA-1', ca: true })).pem,
    'self-signed root CA signed with SHA-1 (same key as the root)');
  write('rsa1024.pem', (await leaf('EMS Config Test RSA 1024', generateKey('rsa-1024'), -151, 365)).pem, 'server leaf with an RSA 1024 key');
  write('time-offset.pem', withOffsetTimes(await leaf('EMS Config Test Time Offset', serverKey, -151, 365), intermediateKey),
    'server leaf issued by the intermediate whose validity times are UTCTime with a +0100 offset (OpenSSL 1.0.2p+: error 13)');
  write('ec-p224.pem', (await leaf('EMS Config Test EC P-224', generateKey('ec-p224'), -151, 365)).pem, 'server leaf with an EC P-224 key');

  write('ca-list-with-leaf.pem', concat(root.pem, server.pem), 'CA list: the root and the server leaf (not a CA)');
  write('ca-list-with-key.pem', concat(root.pem, exportKey(otherKey)), 'CA list: the root and a private key');
  write('garbage.bin', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 73 + 41) % 256)), '512 bytes of neither PEM nor DER');
  write('whitespace.pem', ' \n\t\n  \n', 'whitespace only');
  write('truncated.pem', server.pem.slice(0, Math.floor(server.pem.length / 2)), 'the first half of the server PEM: BEGIN without END');
  const lines = server.pem.split('\n');
  write('corrupt-block.pem', concat(root.pem, [...lines.slice(0, 5), ...lines.slice(8)].join('\n')),
    'the root, then a CERTIFICATE block with three body lines missing (block 2 does not parse)');
  write('csr-only.pem', '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n', 'a PEM block that is neither certificate nor key');

  // For the connection test's loopback servers: a client PKI of its own, a self-signed server, a wrong name.
  const clientCaKey = generateKey('ec-p256');
  const clientCa = await makeCertificate({ cn: 'EMS Config Test Client CA', key: clientCaKey, notBefore: at(-516), notAfter: at(3136), ca: true });
  const clientKey = generateKey('ec-p256');
  const client = await makeCertificate({ cn: 'EMS Config Test Device', key: clientKey, issuer: clientCa, notBefore: at(-516), notAfter: at(3136) });
  write('client-ca.pem', clientCa.pem, `EC P-256 root CA for client certificates, self-signed, ${span(-516, 3136)}`);
  write('client.pem', client.pem, `EC P-256 client (device) certificate issued by the client CA, ${span(-516, 3136)}`);
  write('client-key.pem', exportKey(clientKey), "the client certificate's key, PKCS#8 PEM");
  write('client-key-encrypted.pem', exportKey(clientKey, { passphrase: TEST_PASSPHRASE }), "the client certificate's key, encrypted PKCS#8 PEM (passphrase)");
  const strayKey = generateKey('ec-p256');
  const strayCa = await makeCertificate({ cn: 'EMS Config Test Stray CA', key: generateKey('ec-p256'), notBefore: at(-516), notAfter: at(3136), ca: true });
  const stray = await makeCertificate({ cn: 'EMS Config Test Stray Device', key: strayKey, issuer: strayCa, notBefore: at(-516), notAfter: at(3136) });
  write('stray-client.pem', stray.pem, 'EC P-256 client certificate issued by a CA no server here trusts');
  write('stray-client-key.pem', exportKey(strayKey), "the stray client certificate's key, PKCS#8 PEM");
  const selfKey = generateKey('ec-p256');
  const selfSigned = await makeCertificate({ cn: 'EMS Config Test Self-Signed Server', key: selfKey, notBefore: at(-151), notAfter: at(365), sans: ['localhost', '127.0.0.1'] });
  write('self-signed.pem', selfSigned.pem, `EC P-256 self-signed server certificate (not a CA), SANs localhost and 127.0.0.1, ${span(-151, 365)}`);
  write('self-signed-key.pem', exportKey(selfKey), "the self-signed server's key, PKCS#8 PEM");
  const selfExpired = await makeCertificate({ cn: 'EMS Config Test Self-Signed Server', key: selfKey, notBefore: at(-516), notAfter: at(-92), sans: ['localhost', '127.0.0.1'] });
  write('self-signed-expired.pem', selfExpired.pem, `the self-signed server certificate again, ${span(-516, -92)} (expired; the same key)`);
  write('wrong-host.pem', (await leaf('platform.example.com', serverKey, -151, 365, { sans: ['platform.example.com'] })).pem,
    "server leaf issued by the intermediate for platform.example.com only (the server's key)");

  const manifestPath = join(outDir, 'manifest.json');
  const written = new Set(files.map((file) => file.name));
  const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')).files ?? [] : [];
  for (const { name } of previous) if (!written.has(name) && !/[\\/]/.test(name)) rmSync(join(outDir, name), { force: true });
  const manifest = { now: now.toISOString(), passphrase: TEST_PASSPHRASE, files };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [outDir, flag, date] = process.argv.slice(2);
  if (!outDir || (flag !== undefined && (flag !== '--now' || Number.isNaN(Date.parse(date ?? ''))))) {
    console.error('usage: node scripts/pki.mjs <outdir> [--now 2026-06-01T00:00:00Z]');
    process.exit(2);
  }
  const manifest = await makeSet(outDir, { now: date ? new Date(date) : new Date() });
  console.log(`wrote ${manifest.files.length} test PKI files to ${outDir}`);
}
