#!/usr/bin/env node
// Runs the real OpenSSL of each EMS release on every case of cases.mjs and writes what each said to
// test/openssl-releases/recorded.json.
//
// NEVER RUN IN CI. CI has only the system openssl (3.x): it has no OpenSSL 1.0.2 or 1.1.1, and no network to
// fetch and build them. The CI test (agree.test.ts) only reads recorded.json. Run this by hand, on a machine
// where the old releases are built (README.md, "Re-recording"):
//
//   node test/openssl-releases/record.mjs --builds /tmp/build [--openssl3 openssl] [--runs 2] [--only a,b] [--out FILE]
//
// --builds holds OpenSSL_1_0_2l, OpenSSL_1_0_2q, OpenSSL_1_0_2r, OpenSSL_1_1_1c and OpenSSL_1_1_1j, each
// built from its upstream tag with `./config no-shared no-asm && make` (apps/openssl is used). --openssl3 is the
// OpenSSL 3 binary that stands in for EMS 5.5.0's 3.1.2 (default: `openssl` on the PATH, which also writes the
// cases' files). Every case's files are made afresh --runs times (new keys each time) and every run must give
// the same verdicts, or nothing is written. Only Node built-ins, node-forge and the openssl binaries are used.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, CASES_NOW, judgeWith, makeCases } from './cases.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_FILE = join(HERE, 'recorded.json');

/** The OpenSSL each release bundles (server/src/service/openssl.ts), by the release that stands for the range. */
const RELEASES = {
  '5.4.0': '1.0.2l', // 5.4.0–5.4.4
  '5.4.5': '1.0.2q',
  '5.4.6': '1.0.2r',
  '5.4.7': '1.1.1c', // 5.4.7–5.4.9
  '5.4.10': '1.1.1j',
  '5.5.0': '3', // 3.1.2; the OpenSSL 3 given stands in for it
};
const RANGES = { '1.0.2l': '5.4.0–5.4.4', '1.0.2q': '5.4.5', '1.0.2r': '5.4.6', '1.1.1c': '5.4.7–5.4.9', '1.1.1j': '5.4.10' };

const USAGE = `usage: node test/openssl-releases/record.mjs --builds DIR [--openssl3 BINARY] [--runs N] [--only name[,name...]] [--out FILE]

Runs OpenSSL 1.0.2l/q/r, 1.1.1c/j (DIR/OpenSSL_1_0_2l/apps/openssl, ...) and an OpenSSL 3 on every case of
cases.mjs and writes test/openssl-releases/recorded.json. NEVER run in CI (see README.md).`;

function parseArgs(argv) {
  const args = { builds: undefined, openssl3: 'openssl', runs: 2, only: undefined, out: OUT_FILE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--builds') args.builds = resolve(value());
    else if (a === '--openssl3') args.openssl3 = value();
    else if (a === '--runs') args.runs = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (a === '--only') args.only = (args.only ?? []).concat(value().split(',').filter(Boolean));
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    else fail(`unknown argument ${a}`);
  }
  if (!args.builds) fail('--builds is required: this recorder runs real OpenSSL 1.0.2 and 1.1.1 builds and is never run in CI.');
  return args;
}

function fail(message) {
  console.error(`record.mjs: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** `openssl version` of a binary, checked against the release it must be. */
function version(binary, expected, config) {
  const run = spawnSync(binary, ['version'], { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: config } });
  if (run.status !== 0) fail(`${binary} version failed: ${run.stderr || run.error?.message}`);
  const printed = run.stdout.trim();
  const number = /^OpenSSL (\S+)/.exec(printed)?.[1];
  if (!number || (expected === '3' ? !number.startsWith('3.') : number !== expected)) fail(`${binary} says "${printed}", not OpenSSL ${expected}`);
  return { printed, number };
}

function osName() {
  try {
    return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? platform();
  } catch {
    return platform();
  }
}

const args = parseArgs(process.argv.slice(2));
const started = new Date();
const work = mkdtempSync(join(tmpdir(), 'ems-openssl-releases-'));
const config = join(work, 'empty.cnf');
writeFileSync(config, '');

try {
  /** @type {Record<string, { binary: string, version: string, build: string, releases: string }>} */
  const openssl = {};
  for (const tag of Object.keys(RANGES)) {
    const binary = join(args.builds, `OpenSSL_${tag.replace(/\./g, '_')}`, 'apps', 'openssl');
    if (!existsSync(binary)) fail(`${binary} is missing: build the tag OpenSSL_${tag.replace(/\./g, '_')} there (README.md)`);
    const { printed } = version(binary, tag, config);
    openssl[tag] = { binary, version: printed, build: `upstream tag OpenSSL_${tag.replace(/\./g, '_')}, ./config no-shared no-asm && make`, releases: RANGES[tag] };
  }
  const three = version(args.openssl3, '3', config);
  openssl[three.number] = { binary: args.openssl3, version: three.printed, build: 'the system openssl', releases: '5.5.0 (bundles 3.1.2; this OpenSSL 3 stands in for it)' };
  const releases = Object.fromEntries(Object.entries(RELEASES).map(([release, tag]) => [release, tag === '3' ? three.number : tag]));

  const previous = existsSync(args.out) ? JSON.parse(readFileSync(args.out, 'utf8')) : undefined;
  const selected = CASES.filter((c) => !args.only || args.only.includes(c.name));
  if (args.only) for (const name of args.only) if (!CASES.some((c) => c.name === name)) fail(`no case ${name}`);

  const verdicts = {};
  const disagreements = [];
  for (let run = 0; run < args.runs; run++) {
    const made = await makeCases(join(work, `run-${run}`), { now: CASES_NOW, openssl: args.openssl3, only: selected.map((c) => c.name) });
    for (const c of selected) {
      const forCase = {};
      for (const [tag, { binary }] of Object.entries(openssl)) {
        const verdict = judgeWith(binary, made[c.name], { now: CASES_NOW, config });
        // Paths never go into the file: the verdicts name no folder.
        forCase[tag] = JSON.parse(JSON.stringify(verdict).split(join(work, `run-${run}`, c.name)).join('<case>'));
      }
      if (run === 0) verdicts[c.name] = forCase;
      else if (JSON.stringify(verdicts[c.name]) !== JSON.stringify(forCase)) disagreements.push(`${c.name}: run 1 ${JSON.stringify(verdicts[c.name])}\n  run ${run + 1} ${JSON.stringify(forCase)}`);
      process.stdout.write(run === 0 ? `${c.name}: ${Object.entries(forCase).map(([tag, v]) => `${tag} ${summary(v)}`).join(' | ')}\n` : '');
    }
  }
  if (disagreements.length) {
    console.error(`record.mjs: the runs disagree (a verdict depends on the key bytes?); ${args.out} is left unchanged:\n${disagreements.join('\n')}`);
    process.exit(1);
  }

  const cases = {};
  for (const c of CASES) {
    const verdict = verdicts[c.name] ?? previous?.cases?.[c.name]?.verdicts;
    if (!verdict) fail(`case ${c.name} has no verdict: record it (without --only)`);
    cases[c.name] = { kind: c.kind, about: c.about, verdicts: verdict };
  }
  const at = (date) => `${date.toISOString().slice(0, 16)}Z`;
  const recordedAt = args.only && previous?.recordedAt && previous.recordedAt < at(started) ? previous.recordedAt : at(started);
  const out = {
    recordedWith: 'test/openssl-releases/record.mjs',
    recordedAt,
    platform: `${platform()} ${arch()}, ${osName()}; node ${process.version}`,
    datedFrom: CASES_NOW.toISOString(),
    openssl: Object.fromEntries(Object.entries(openssl).map(([tag, { version: printed, build, releases: covers }]) => [tag, { version: printed, build, releases: covers }])),
    releases,
    cases,
  };
  writeFileSync(args.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${args.out}: ${Object.keys(cases).length} cases × ${Object.keys(openssl).length} OpenSSLs, ${args.runs} run(s), ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function summary(verdict) {
  if ('load' in verdict) return verdict.load;
  if (verdict.publicKey !== 'ok') return `key ${verdict.publicKey}; verify ${verdict.verify}`;
  return verdict.tls && verdict.tls !== verdict.verify ? `verify ${verdict.verify}, level 1 ${verdict.tls}` : `verify ${verdict.verify}`;
}
