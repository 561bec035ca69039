// Where the test PKI lives and the moment its fixed dates are relative to (test/fixtures/make-pki.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Tests run from out/test/..., sources sit in test/...: walk up to the repository root either way. The
// marker is the generator, which tsc never copies to out/ (a package.json might be, if something imports it).
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures', 'make-pki.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

export const PKI_DIR = join(repositoryRoot(__dirname), 'test', 'fixtures', 'pki', 'out');

/** The fixtures' "today": the server certificate runs 2026-01-01..2027-06-01, expiring-soon.pem ends 2026-06-15. */
export const NOW = new Date('2026-06-01T00:00:00Z');

/** The passphrase of every encrypted fixture key and of server.p12. */
export const PASSPHRASE = 'test-passphrase';
