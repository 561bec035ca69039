// Where the test PKI lives, the moment its fixed dates are relative to (test/fixtures/make-pki.mjs), and its
// files by name: their paths on disk, and their bytes read once for the tests that place them in memory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo';

export const PKI_DIR = join(REPO_ROOT, 'test', 'fixtures', 'pki', 'out');

/** The fixtures' "today": the server certificate runs 2026-01-01..2027-06-01, expiring-soon.pem ends 2026-06-15. */
export const NOW = new Date('2026-06-01T00:00:00Z');

export const DAY = 86_400_000;

/** The passphrase of every encrypted fixture key and of server.p12. */
export const PASSPHRASE = 'test-passphrase';

/** A fixture's path on disk. */
export const pki = (name: string): string => join(PKI_DIR, name);

/** Every generated file, manifest.json included, sorted. */
export function pkiNames(): string[] {
  if (!existsSync(PKI_DIR)) throw new Error(`the fixture PKI in ${PKI_DIR} is missing: run node test/fixtures/make-pki.mjs ${PKI_DIR}`);
  return readdirSync(PKI_DIR).sort();
}

const read = new Map<string, Uint8Array>();

/** A fixture's bytes, read from disk once per test process. Shared between callers: never change them in place. */
export function pkiBytes(name: string): Uint8Array {
  let bytes = read.get(name);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(pki(name)));
    read.set(name, bytes);
  }
  return bytes;
}

export const pkiText = (name: string): string => Buffer.from(pkiBytes(name)).toString('utf8');

/** `count` certificates: the fixtures named, over and over, as a CA list from a corporate store. */
export const pemBundle = (names: string[], count: number): string => Array.from({ length: count }, (_, i) => pkiText(names[i % names.length]!)).join('');

/** The Base64 lines of the fixtures' PEM bodies: key material that must never be shown. */
export const base64Lines = (...names: string[]): string[] => names.flatMap((name) => pkiText(name).split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line)));
