// The texts and files the bench runs on: the sample EMS home of `npm start`, a config naming 10 certificate
// and key files, a 40,000-line config, and fleets of EMS homes sharing one CA list. Everything is written
// into a temporary folder; the sample certificates are generated (scripts/make-sample-home.mjs) only when
// they are missing, then copied, so a concurrent `npm start` cannot change them under a warm cache.
import { execFileSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Position } from '../../server/src/service/index';
import { REPO } from './common';

const DAY = 86_400_000;
const SAMPLE_CERTS = ['ca-list.pem', 'edge-ca-list.pem', 'client.pem', 'client-key.pem', 'ems-http-chain.pem', 'ems-http-key.pem'];

// ─── The test PKI (scripts/pki.mjs, plain ESM shared with the tests and `npm start`) ───────────────────────

type KeyAlgorithm = 'rsa-1024' | 'rsa-2048' | 'ec-p224' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519';
interface TestKey { algorithm: KeyAlgorithm; privateKey: KeyObject; publicKey: KeyObject }
interface TestCertificate { name: string; cn: string; key: TestKey; pem: string; der: Buffer }
/** The part of scripts/pki.mjs the bench uses, as its JSDoc declares it. */
interface TestPki {
  TEST_PASSPHRASE: string;
  generateKey(algorithm: KeyAlgorithm): TestKey;
  makeCertificate(options: {
    cn: string; key: TestKey; issuer?: TestCertificate; notBefore: Date; notAfter: Date; ca?: boolean; pathLength?: number; sans?: string[];
  }): Promise<TestCertificate>;
  exportKey(key: TestKey, options?: { passphrase?: string }): string | Buffer;
}

let pki: Promise<TestPki> | undefined;
/** Loaded when first needed: an ES module, so by import() (which this CommonJS output keeps as it is). */
function testPki(): Promise<TestPki> {
  pki ??= import(pathToFileURL(join(REPO, 'scripts', 'pki.mjs')).href) as Promise<TestPki>;
  return pki;
}

// ─── Homes and texts ───────────────────────────────────────────────────────────────────────────────────────

export interface SampleHome {
  home: string;
  config: string;
  text: string;
}

/** The sample home, copied into tmp. */
export function sampleHome(tmp: string): SampleHome {
  const source = join(REPO, 'samples', 'ems-home');
  if (!SAMPLE_CERTS.every((name) => existsSync(join(source, 'etc', 'certs', name)))) {
    execFileSync(process.execPath, [join(REPO, 'scripts', 'make-sample-home.mjs')], { stdio: 'ignore' });
  }
  const home = join(tmp, 'sample-home');
  cpSync(source, home, { recursive: true });
  const config = join(home, 'etc', 'config.json');
  return { home, config, text: readFileSync(config, 'utf8') };
}

/** A home whose config names 10 certificate and key files (RSA and EC, PEM, encrypted PKCS#8 keys). */
export async function tenFileHome(tmp: string): Promise<SampleHome & { fileCount: number }> {
  const { generateKey, makeCertificate, exportKey, TEST_PASSPHRASE } = await testPki();
  const home = join(tmp, 'ten-files');
  const certs = join(home, 'etc', 'certs');
  mkdirSync(certs, { recursive: true });
  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY);
  const rootKey = generateKey('rsa-2048');
  const root = await makeCertificate({ cn: 'Bench Root CA', key: rootKey, notBefore: at(-400), notAfter: at(3000), ca: true });
  const issuingKey = generateKey('ec-p256');
  const issuing = await makeCertificate({ cn: 'Bench Issuing CA', key: issuingKey, issuer: root, notBefore: at(-400), notAfter: at(1800), ca: true, pathLength: 0 });
  const otherRootKey = generateKey('ec-p384');
  const otherRoot = await makeCertificate({ cn: 'Bench Other Root CA', key: otherRootKey, notBefore: at(-100), notAfter: at(3000), ca: true });
  const thirdRootKey = generateKey('ec-p256');
  const thirdRoot = await makeCertificate({ cn: 'Bench Third Root CA', key: thirdRootKey, notBefore: at(-100), notAfter: at(3000), ca: true });
  const httpKey = generateKey('rsa-2048');
  const http = await makeCertificate({ cn: '127.0.0.1', key: httpKey, issuer: issuing, notBefore: at(-30), notAfter: at(335), sans: ['127.0.0.1'] });
  const clientKey = generateKey('ec-p256');
  const client = await makeCertificate({ cn: 'edge-device-0001', key: clientKey, issuer: issuing, notBefore: at(-30), notAfter: at(335) });
  const files: Record<string, string | Buffer> = {
    'http-chain.pem': http.pem + issuing.pem,
    'http-key.pem': exportKey(httpKey, { passphrase: TEST_PASSPHRASE }),
    'root.pem': root.pem,
    'issuing.pem': issuing.pem,
    'other-root.pem': otherRoot.pem,
    'third-root.pem': thirdRoot.pem,
    'ca-bundle.pem': root.pem + issuing.pem + otherRoot.pem,
    'client.pem': client.pem + issuing.pem,
    'client-key.pem': exportKey(clientKey, { passphrase: TEST_PASSPHRASE }),
    'edge-ca-list.pem': issuing.pem + root.pem,
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(certs, name), content);
  const p = (name: string) => join(certs, name);
  const config = {
    ws_servers: [{ host: 'twx.example.com', port: 443 }],
    resource: '/Thingworx/WS',
    appKey: 'AES:O/V1gZmxCFmwZZ//WgZ1rrfEi/Z36AvYNF2BSLR3m0Wvk0q3ExxaH/KIUEgFhuE4',
    http_server: { host: '127.0.0.1', port: 8000, ssl: true, certificate: p('http-chain.pem'), private_key: p('http-key.pem'), passphrase: TEST_PASSPHRASE, authenticate: true, user: 'emsuser', password: 'AES:XiMSn4CukWcxRvBrzZ2Ijg==' },
    ws_connection: { encryption: 'ssl' },
    certificates: {
      validate: true,
      allow_self_signed: false,
      cert_chain: [p('root.pem'), p('issuing.pem'), p('other-root.pem'), p('third-root.pem'), p('ca-bundle.pem')],
      client_cert: p('client.pem'),
      key_file: p('client-key.pem'),
      key_passphrase: TEST_PASSPHRASE,
      http_client_ca_certs: p('edge-ca-list.pem'),
    },
  };
  const text = JSON.stringify(config, null, 2) + '\n';
  const configPath = join(home, 'etc', 'config.json');
  writeFileSync(configPath, text);
  return { home, config: configPath, text, fileCount: Object.keys(files).length };
}

export interface Pkcs12Home extends SampleHome {
  /** The PKCS#12 file, as a default `openssl pkcs12 -export` writes it (OpenSSL 3: AES-256-CBC, PBKDF2-SHA256, MAC SHA-256, 2,048 iterations). */
  p12: string;
  passphrase: string;
  /** The same config with the key as a plain PEM file instead: what the check costs without PKCS#12. */
  pemText: string;
}

/** A home whose client key is a PKCS#12 file made by the system `openssl` (which must be there). */
export async function pkcs12Home(tmp: string): Promise<Pkcs12Home> {
  const { generateKey, makeCertificate, exportKey } = await testPki();
  const home = join(tmp, 'pkcs12');
  const certs = join(home, 'etc', 'certs');
  mkdirSync(certs, { recursive: true });
  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY);
  const rootKey = generateKey('ec-p256');
  const root = await makeCertificate({ cn: 'Bench PKCS#12 Root CA', key: rootKey, notBefore: at(-400), notAfter: at(3000), ca: true });
  const clientKey = generateKey('rsa-2048');
  const client = await makeCertificate({ cn: 'edge-device-p12', key: clientKey, issuer: root, notBefore: at(-30), notAfter: at(335) });
  const p = (name: string) => join(certs, name);
  writeFileSync(p('root.pem'), root.pem);
  writeFileSync(p('client.pem'), client.pem);
  writeFileSync(p('client-key.pem'), exportKey(clientKey));
  const passphrase = 'x';
  execFileSync('openssl', ['pkcs12', '-export', '-in', p('client.pem'), '-inkey', p('client-key.pem'), '-passout', `pass:${passphrase}`, '-out', p('client.p12')], { stdio: 'ignore' });
  const configWith = (key: Record<string, string>) => JSON.stringify({
    ws_servers: [{ host: 'twx.example.com', port: 443 }],
    appKey: 'AES:O/V1gZmxCFmwZZ//WgZ1rrfEi/Z36AvYNF2BSLR3m0Wvk0q3ExxaH/KIUEgFhuE4',
    certificates: { validate: true, cert_chain: [p('root.pem')], client_cert: p('client.pem'), ...key },
  }, null, 2) + '\n';
  const text = configWith({ key_file: p('client.p12'), key_passphrase: passphrase });
  const config = join(home, 'etc', 'config.json');
  writeFileSync(config, text);
  return { home, config, text, p12: p('client.p12'), passphrase, pemText: configWith({ key_file: p('client-key.pem') }) };
}

/** The sample config with its auto_bind array grown to about `lines` lines (6 lines an entry). */
export function bigConfig(sampleText: string, lines = 40_000): { text: string; entries: number; lines: number } {
  const config = JSON.parse(sampleText) as Record<string, unknown>;
  const base = JSON.stringify({ ...config, auto_bind: [] }, null, 2).split('\n').length;
  const entries = Math.ceil((lines - base) / 6);
  config.auto_bind = Array.from({ length: entries }, (_, i) => ({
    name: `PressLine${String(i + 1).padStart(5, '0')}`,
    host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    port: 1024 + (i % 60_000),
    protocol: i % 3 ? 'https' : 'http',
  }));
  const text = JSON.stringify(config, null, 2) + '\n';
  return { text, entries, lines: text.split('\n').length - 1 };
}

export type FleetSize = 100 | 500 | 1000;
export interface Fleet {
  root: string;
  shared: string;
  /** The folders to name for 100, 500 and 1,000 configs. */
  folders: Record<FleetSize, string[]>;
}

/**
 * 1,000 EMS homes shaped like the sample (same text, 6 file references), both CA-list settings naming one
 * shared CA list by absolute path. Each home's own four files depend on `devices`:
 * - 'unique': as a real fleet has them, every device its own client certificate, encrypted client key,
 *   HTTP server certificate (chained to the shared issuing CA) and key, so every file is read and parsed;
 * - 'copies': as an image-based fleet has them, byte-identical copies of the sample's.
 * Homes are split into folders of 100, 400 and 500 so that 100, 500 and 1,000 configs are checked by naming
 * one, two or three folders.
 */
export async function fleet(tmp: string, sample: SampleHome, devices: 'unique' | 'copies'): Promise<Fleet> {
  const { generateKey, makeCertificate, exportKey, TEST_PASSPHRASE } = await testPki();
  const root = join(tmp, `fleet-${devices}`);
  const shared = join(root, 'shared', 'ca-list.pem');
  mkdirSync(join(root, 'shared'), { recursive: true });
  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY);
  const rootCa = await makeCertificate({ cn: 'Fleet Root CA', key: generateKey('ec-p384'), notBefore: at(-400), notAfter: at(3000), ca: true });
  const issuing = await makeCertificate({ cn: 'Fleet Issuing CA', key: generateKey('ec-p256'), issuer: rootCa, notBefore: at(-400), notAfter: at(1800), ca: true, pathLength: 0 });
  writeFileSync(shared, devices === 'unique' ? rootCa.pem + issuing.pem : readFileSync(join(sample.home, 'etc', 'certs', 'ca-list.pem')));
  const config = JSON.parse(sample.text) as { certificates: Record<string, unknown>; auto_bind: { name: string }[] };
  config.certificates.cert_chain = shared;
  config.certificates.http_client_ca_certs = shared;
  type DeviceFiles = [name: string, bytes: string | Buffer][];
  const copies: DeviceFiles = ['client.pem', 'client-key.pem', 'ems-http-chain.pem', 'ems-http-key.pem'].map((name) => [name, readFileSync(join(sample.home, 'etc', 'certs', name))]);
  const own = async (n: number): Promise<DeviceFiles> => {
    if (devices === 'copies') return copies;
    const device = `edge-device-${String(n).padStart(4, '0')}`;
    const clientKey = generateKey('ec-p256');
    const client = await makeCertificate({ cn: device, key: clientKey, issuer: issuing, notBefore: at(-30), notAfter: at(335) });
    const httpKey = generateKey('ec-p256');
    const http = await makeCertificate({ cn: '127.0.0.1', key: httpKey, issuer: issuing, notBefore: at(-30), notAfter: at(335), sans: ['127.0.0.1'] });
    return [['client.pem', client.pem], ['client-key.pem', exportKey(clientKey, { passphrase: TEST_PASSPHRASE })], ['ems-http-chain.pem', http.pem + issuing.pem], ['ems-http-key.pem', exportKey(httpKey)]];
  };
  const parts: [string, number][] = [['part-a', 100], ['part-b', 400], ['part-c', 500]];
  const homes = parts.flatMap(([part, size]) => Array.from({ length: size }, () => part));
  // Certificates are signed asynchronously: 50 devices at a time keeps both cores busy.
  for (let from = 0; from < homes.length; from += 50) {
    const batch = homes.slice(from, from + 50);
    const files = await Promise.all(batch.map((_, i) => own(from + i)));
    batch.forEach((part, i) => {
      const n = from + i;
      const home = join(root, part, `dev-${String(n).padStart(4, '0')}`);
      mkdirSync(join(home, 'etc', 'certs'), { recursive: true });
      for (const [name, bytes] of files[i]) writeFileSync(join(home, 'etc', 'certs', name), bytes);
      config.auto_bind[0].name = `PressLine${String(n).padStart(4, '0')}`;
      writeFileSync(join(home, 'etc', 'config.json'), JSON.stringify(config, null, 2) + '\n');
    });
  }
  const [a, b, c] = parts.map(([part]) => join(root, part));
  return { root, shared, folders: { 100: [a], 500: [a, b], 1000: [a, b, c] } };
}

/** Position (0-based line, character) of the first occurrence of `needle` in text, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0): Position {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The hostile corpus of scripts/hostile.mjs, as its manifest says: each input's config, and the instant to check at. */
export interface HostileCorpus {
  now: Date;
  inputs: { name: string; probes: string; config: string }[];
}

/** Writes the hostile corpus (scripts/hostile.mjs, about a second) into tmp/hostile. */
export function hostileCorpus(tmp: string): HostileCorpus {
  const dir = join(tmp, 'hostile');
  execFileSync(process.execPath, [join(REPO, 'scripts', 'hostile.mjs'), dir], { stdio: 'ignore' });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { now: string; inputs: { name: string; probes: string; config: string }[] };
  return { now: new Date(manifest.now), inputs: manifest.inputs.map((input) => ({ ...input, config: join(dir, ...input.config.split('/')) })) };
}
