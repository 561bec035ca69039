// Where the repository and its built entry points are. Tests run from out/test/..., sources sit in test/...:
// walk up to the repository root either way. The marker is the PKI generator, which tsc never copies to out/
// (a package.json might be, if something imports it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures', 'make-pki.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

export const REPO_ROOT = repositoryRoot(__dirname);

/** The built command line (`npm run build`). */
export const CLI = join(REPO_ROOT, 'server', 'out', 'cli.js');
