// The fuzz properties of issue #7, shared by `npm test` (test/unit/fuzz.test.ts: fixed seed, fixed counts)
// and `npm run fuzz` (test/fuzz/run.ts: random seed, many more runs). Each property: the service never
// throws or rejects, and its result is well-formed (wellFormed.ts). Hovers at any position, inside the
// document or not, never throw and stay inside the document.
import fc from 'fast-check';
import { createEmsService, type CheckResult } from '../../server/src/service';
import { decodeConfig } from '../../server/src/service/document/decode';
import { hover } from '../../server/src/service/features/hover';
import type { Position, Settings } from '../../server/src/service/types';
import {
  CONFIG_PATH, configPath, filesCase, filesConfig, filesEntries, mutatedConfig, mutatedText, randomText, schemaConfig, SEED_TEXTS,
  serialize, settings, style,
} from './arbitraries';
import { MemoryFileSystem } from '../helpers/memoryFs';
import { NOW } from '../helpers/pki';
import { SETTINGS } from '../helpers/service';
import { assertWellFormed, checkRange, lineLengths } from './wellFormed';


export interface CheckCase {
  text: string;
  path?: string | undefined;
  settings?: Settings;
  invalidUtf8At?: number | undefined;
  fs?: MemoryFileSystem;
  now?: Date;
  positions?: Position[];
}

/** One check on a fresh service (no cache shared between cases), then every well-formedness rule. */
export async function checkCase(c: CheckCase): Promise<CheckResult> {
  const fs = c.fs ?? new MemoryFileSystem();
  const service = createEmsService({ fs, now: () => c.now ?? NOW });
  const result = await service.check({ text: c.text, path: c.path, settings: c.settings ?? SETTINGS, invalidUtf8At: c.invalidUtf8At });
  assertWellFormed(c.text, result);
  const lines = lineLengths(c.text);
  for (const position of c.positions ?? []) {
    const answer = hover(result, position);
    if (answer === undefined) continue;
    if (typeof answer.contents !== 'string' || !answer.contents) throw new Error(`hover at ${JSON.stringify(position)}: empty contents`);
    checkRange(answer.range, lines, `hover at ${JSON.stringify(position)}`);
  }
  return result;
}

/** Positions anywhere: inside lines, past their ends, past the last line, negative. */
export const positions = fc.array(fc.record({
  line: fc.oneof({ arbitrary: fc.nat({ max: 200 }), weight: 8 }, { arbitrary: fc.constantFrom(-1, 2 ** 31, Number.MAX_SAFE_INTEGER), weight: 1 }),
  character: fc.oneof({ arbitrary: fc.nat({ max: 120 }), weight: 8 }, { arbitrary: fc.constantFrom(-1, 2 ** 31), weight: 1 }),
}), { maxLength: 4 });

export interface FuzzProperty {
  name: string;
  /** Runs in `npm test`; `npm run fuzz` scales them. */
  runs: number;
  property: fc.IAsyncPropertyWithHooks<never> | fc.IAsyncProperty<never>;
}

/**
 * Cases slower than `limitMs`, recorded rather than failed: a check stuck in OpenSSL or a synchronous loop
 * cannot be interrupted (fc.timeout fires only when it returns), and shrinking a case that takes minutes
 * would take hours. `npm run fuzz` sets the limit and reports them; `npm test` leaves it off.
 */
export const slowCases: { limitMs: number; found: { ms: number; value: string }[] } = { limitMs: Infinity, found: [] };

export function asyncProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<unknown>) {
  return fc.asyncProperty(arbitrary, async (value) => {
    const started = performance.now();
    await predicate(value);
    const ms = performance.now() - started;
    if (ms > slowCases.limitMs) slowCases.found.push({ ms, value: fc.stringify(value) });
  }) as unknown as fc.IAsyncProperty<never>;
}

export const PROPERTIES: FuzzProperty[] = [
  {
    name: 'random JSON, token soup and random UTF-16 text',
    runs: 2500,
    property: asyncProperty(fc.record({ text: randomText, settings, path: configPath, positions }), (c) => checkCase(c)),
  },
  {
    name: 'random bytes decoded as a config file (invalid UTF-8 included)',
    runs: 1000,
    property: asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))).chain((b) => fc.nat().map((i) => {
      const out = b.slice(); if (out.length) out[i % out.length] = 0x80 | (i & 0x7f); return out;
    }))), async (bytes) => {
      const { text, invalidUtf8At } = decodeConfig(bytes);
      await checkCase({ text, invalidUtf8At, path: CONFIG_PATH, positions: [{ line: 0, character: 0 }, { line: 1, character: 2 }] });
    }),
  },
  {
    name: 'configs shaped by the schema, any keys and values, any settings',
    runs: 2500,
    property: asyncProperty(fc.record({ tree: schemaConfig, style, settings, path: configPath, positions }), (c) => checkCase({ ...c, text: serialize(c.tree, c.style) })),
  },
  {
    name: 'real configs mutated: swapped types, deleted, duplicated and renamed keys, escapes, junk, truncation',
    runs: 3000,
    property: asyncProperty(fc.record({ mutation: mutatedConfig, settings, path: configPath, positions }), (c) => checkCase({ ...c, text: mutatedText(c.mutation) })),
  },
  {
    name: 'certificate and key files: truncated and mutated PEM, DER, PKCS#8, PKCS#12, random bytes, failing reads',
    runs: 1000,
    property: asyncProperty(filesCase, async (c) => {
      const fs = new MemoryFileSystem(filesEntries(c));
      const text = filesConfig(c.names, { key: c.keyPassphrase, http: c.httpPassphrase });
      await checkCase({ text, fs, path: CONFIG_PATH, now: new Date(c.now), settings: { ...SETTINGS, emsVersion: c.emsVersion, expiryWarningDays: c.expiryWarningDays } });
    }),
  },
];

/** Every seed config's bytes cut at every byte: the prefix of a file still being written, or open mid-edit. */
export async function truncateEverywhere(names: readonly string[] | 'all', step = 1): Promise<number> {
  let cases = 0;
  for (const seed of SEED_TEXTS) {
    if (names !== 'all' && !names.includes(seed.name)) continue;
    const bytes = Buffer.from(seed.text, 'utf8');
    for (let at = 0; at <= bytes.length; at += step) {
      const { text, invalidUtf8At } = decodeConfig(bytes.subarray(0, at));
      try {
        await checkCase({ text, invalidUtf8At, path: CONFIG_PATH, positions: [{ line: 0, character: 0 }, { line: 1, character: 2 }] });
      } catch (error) {
        throw new Error(`${seed.name} bytes cut at ${at}: ${(error as Error).stack ?? error}`, { cause: error });
      }
      cases++;
    }
  }
  return cases;
}
