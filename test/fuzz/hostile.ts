// Seeds for `npm run fuzz` from the hostile corpus (scripts/hostile.mjs --small: the same kinds of input as
// test/cli/hostile.test.ts runs, at sizes a fuzzer can mutate thousands of times, still past the bounds they
// probe). Each input's config and the files it names are placed in memory under the EMS home /ems, then the
// config is mutated as a tree and as text and its files as bytes: the fuzzer starts from the inputs that once
// hung the checker. Not part of `npm test` (test/unit/fuzz.test.ts keeps its fixed cases).
//
// An input the checker still hangs on would make every case drawn from it cost minutes (a derivation in
// OpenSSL cannot be interrupted), so each is first checked unmutated by the built CLI in a child process
// with a time bound; one over it is left out and reported (the run fails) until it is fixed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { parseTree } from 'jsonc-parser';
import {
  applyByteOp, applyTextOps, applyTreeOps, byteOp, CONFIG_PATH, fromNode, serialize, settings, style, textOp, type Tree, treeOp,
} from './arbitraries';
import { asyncProperty, checkCase, type FuzzProperty, positions } from './properties';
import type { MemoryEntry } from '../helpers/memoryFs';
import { MemoryFileSystem } from '../helpers/memoryFs';
import { NOW } from '../helpers/pki';
import { CLI, REPO_ROOT } from '../helpers/repo';
import { SETTINGS } from '../helpers/service';

const HOME = path.posix.dirname(path.posix.dirname(CONFIG_PATH));

export interface HostileSeed {
  name: string;
  text: string;
  tree: Tree;
  /** The files the config names, by their path in memory (/ems/etc/certs/…). */
  files: { path: string; bytes: Uint8Array }[];
}

interface Manifest { inputs: { name: string; config: string; files: string[] }[] }

/** What the small corpus gives the fuzzer: the seeds, and the inputs left out because the CLI took longer than the bound. */
export interface HostileCorpus {
  seeds: HostileSeed[];
  hanging: { name: string; ms: number }[];
}

/** test/cli/hostile.test.ts's bound: no input takes a second here. */
const SCREEN_MS = 10_000;

/** Generates the small corpus into a temp folder, screens it with the CLI, reads it into memory and removes the folder (a few seconds). */
export function hostileSeeds(): HostileCorpus {
  const dir = mkdtempSync(path.join(tmpdir(), 'ems-hostile-seeds-'));
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'hostile.mjs'), dir, '--small'], { stdio: 'ignore' });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const hanging: HostileCorpus['hanging'] = [];
    const inputs = manifest.inputs.filter((input) => {
      const started = performance.now();
      const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--jobs', '1', '--now', NOW.toISOString(), path.join(dir, input.config)],
        { stdio: 'ignore', timeout: SCREEN_MS, killSignal: 'SIGKILL' });
      if (!result.error && result.signal === null) return true;
      hanging.push({ name: input.name, ms: performance.now() - started });
      return false;
    });
    const seeds = inputs.map((input) => {
      const text = readFileSync(path.join(dir, input.config), 'utf8');
      return {
        name: input.name,
        text,
        tree: fromNode(parseTree(text, [], { allowTrailingComma: true, disallowComments: false })),
        files: input.files.map((relative) => ({ path: path.posix.join(HOME, relative), bytes: new Uint8Array(readFileSync(path.join(dir, input.name, ...relative.split('/')))) })),
      };
    });
    return { seeds, hanging };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function memoryHome(files: readonly { path: string; bytes: Uint8Array }[]): MemoryFileSystem {
  const entries = new Map<string, MemoryEntry>([[HOME, { kind: 'directory' }], [path.posix.dirname(CONFIG_PATH), { kind: 'directory' }]]);
  for (const file of files) {
    for (let dir = path.posix.dirname(file.path); dir.startsWith(HOME) && !entries.has(dir); dir = path.posix.dirname(dir)) entries.set(dir, { kind: 'directory' });
    entries.set(file.path, { kind: 'file', bytes: file.bytes, mtimeMs: 1 });
  }
  return new MemoryFileSystem(entries);
}

/** Mostly the pinned settings (so the files resolve in the home), sometimes anything. */
const someSettings = fc.oneof({ arbitrary: fc.constant(SETTINGS), weight: 3 }, { arbitrary: settings, weight: 1 });

/** Byte operations on the seed's files: which file (modulo their count) and what. */
const fileOps = fc.array(fc.tuple(fc.nat(), byteOp), { maxLength: 3 });

function mutatedFiles(seed: HostileSeed, ops: readonly [number, Parameters<typeof applyByteOp>[1]][]) {
  const files = seed.files.map((f) => ({ ...f }));
  for (const [which, op] of ops) {
    const file = files[which % Math.max(1, files.length)];
    if (file) file.bytes = applyByteOp(file.bytes, op);
  }
  return files;
}

/** An input of the corpus as it is, or its config mutated as text, its files as bytes. */
export function hostileTextCase(seeds: readonly HostileSeed[]) {
  return fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    textOps: fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(textOp, { minLength: 1, maxLength: 3 }), weight: 3 }),
    fileOps, settings: someSettings, positions,
  });
}
export type HostileTextCase = typeof hostileTextCase extends (s: never) => fc.Arbitrary<infer T> ? T : never;

export function checkHostileText(seeds: readonly HostileSeed[], c: HostileTextCase) {
  const s = seeds[c.seed]!;
  return checkCase({ text: applyTextOps(s.text, c.textOps), fs: memoryHome(mutatedFiles(s, c.fileOps)), path: CONFIG_PATH, now: NOW, settings: c.settings, positions: c.positions });
}

/**
 * The seeds this harness can mutate as trees: its own clone and serializer recurse, and a tree nested 1,100
 * objects deep overflows structuredClone's stack (the text mutations above still reach those).
 */
export const treeSeeds = (seeds: readonly HostileSeed[]) => seeds.filter((s) => depth(s.tree) <= MAX_TREE_DEPTH);
const MAX_TREE_DEPTH = 100;

function depth(tree: Tree): number {
  let deepest = 0;
  const stack: [Tree, number][] = [[tree, 1]];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    deepest = Math.max(deepest, d);
    if (d > MAX_TREE_DEPTH) break;
    if (node.t === 'object') for (const [, v] of node.entries) stack.push([v, d + 1]);
    if (node.t === 'array') for (const v of node.items) stack.push([v, d + 1]);
  }
  return deepest;
}

/** A seed's config mutated as a tree (types, deletions, duplicates, renames) and written in any style. */
export function hostileTreeCase(seeds: readonly HostileSeed[]) {
  return fc.record({ seed: fc.nat({ max: seeds.length - 1 }), treeOps: fc.array(treeOp, { minLength: 1, maxLength: 4 }), style, settings: someSettings });
}
export type HostileTreeCase = typeof hostileTreeCase extends (s: never) => fc.Arbitrary<infer T> ? T : never;

export function checkHostileTree(seeds: readonly HostileSeed[], c: HostileTreeCase) {
  const s = seeds[c.seed]!;
  return checkCase({ text: serialize(applyTreeOps(s.tree, c.treeOps), c.style), fs: memoryHome(s.files), path: CONFIG_PATH, now: NOW, settings: c.settings });
}

/** The properties over these seeds, weighted as the ones in properties.ts are (runs in a `npm test`-sized share). */
export function hostileProperties(seeds: readonly HostileSeed[]): FuzzProperty[] {
  if (!seeds.length) throw new Error('no hostile seeds');
  const trees = treeSeeds(seeds);
  return [
    {
      name: 'hostile corpus (small): each input as it is, its config mutated as text and its files as bytes',
      runs: 400,
      property: asyncProperty(hostileTextCase(seeds), (c) => checkHostileText(seeds, c)),
    },
    {
      name: 'hostile corpus (small): configs mutated as trees (types, deletions, duplicates, renames) and written in any style',
      runs: 200,
      property: asyncProperty(hostileTreeCase(trees), (c) => checkHostileTree(trees, c)),
    },
  ];
}
