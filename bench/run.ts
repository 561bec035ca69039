// `npm run bench` (issue #6): prints a table of the performance figures the issue sets targets for. A report,
// not a test: it always exits 0, and marks each figure that misses its target with "MISS".
//
// Every figure is the median (and p90) of at least 20 runs; figures compared with an anchor measure the anchor
// in the same process, on the same text, interleaved run by run with ours (order alternating); for the big
// texts each run follows a full garbage collection, so neither side pays for the other's garbage. The anchor is
// vscode-json-languageservice's doValidation (parseJSONDocument included) with schemas/ems-config.schema.json.
//
//   node out/bench/run.js            full run (about 4 minutes on 2 cores)
//   node out/bench/run.js --quick    fewer runs, for trying changes; not what the targets are judged on
//   node out/bench/run.js --only=warm,cold,big,hover,complete,start,cli,memory,hostile,latency,pkcs12
//
// tsc compiles this file with the rest (out/bench/). The in-process figures import the service façade
// (server/src/service/index.ts) and the Node ports (server/src/node/) only, as the adapters do, so a change
// behind the façade cannot break the bench without a type error; the process figures spawn the esbuild
// bundles server/out/server.js and server/out/cli.js. `npm run bench` builds both first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getLanguageService, type JSONSchema, TextDocument } from 'vscode-json-languageservice';
import { nodeFileSystem } from '../server/src/node/fileSystem';
import { WatchedStats } from '../server/src/node/watchedStats';
import { type CheckResult, createEmsService } from '../server/src/service/index';
import { CLI_JS, missingBundle, PORTS, REPO, SCHEMA, SERVER_JS, SETTINGS } from './lib/common';
import { bigConfig, fleet, type FleetSize, hostileCorpus, pkcs12Home, positionOf, sampleHome, tenFileHome } from './lib/fixtures';
import { requestLatencyDuringCheck, testPkiDir } from './lib/latency';
import { spawnServer } from './lib/lsp';
import { mb, median, ms, type Summary, summary, table, time } from './lib/stats';

const FIGURES = ['warm', 'cold', 'big', 'hover', 'complete', 'start', 'cli', 'memory', 'hostile', 'latency', 'pkcs12'] as const;
type Figure = (typeof FIGURES)[number];

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: Figure) => !ONLY || ONLY.includes(name);
/** In-process figures of a millisecond or less: many runs cost nothing and steady the median. */
const FAST_RUNS = QUICK ? 30 : 200;
/** Figures of tens of milliseconds or whole processes. */
const SLOW_RUNS = QUICK ? 5 : 20;
const CLI_RUNS = QUICK ? 3 : 20;
/** Checks per hostile input (each on a new service: nothing cached). Their worst is the figure. */
const HOSTILE_RUNS = QUICK ? 1 : 3;
const EDITS = 10_000;
const EDITS_PER_WAIT = 100;
/** Each CLI figure runs 3 sizes × 20 runs; on a slow or busy machine that alone could take many minutes. */
const CLI_BUDGET_MS = ONLY?.length === 1 ? Infinity : 180_000;

// A full collection before each timed call of the figures that allocate megabytes (40,000 lines, cold check):
// otherwise the garbage one side leaves is collected, and charged, during the other side's next run, and the
// ratio swings by ±40 %. Not for sub-millisecond figures: a full GC there costs more than it removes (cold caches).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
const errorText = (error: unknown) => (error instanceof Error ? error.stack ?? error.message : String(error));

// ─── Header ────────────────────────────────────────────────────────────────────────────────────────────────

function gitDescription(): string {
  // Read-only: GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing the index while someone else commits.
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'server', 'schemas');
    return `${commit}${dirty ? ' + uncommitted changes in server/ or schemas/' : ''}`;
  } catch {
    return 'unknown';
  }
}

const cpus = os.cpus();
const header = [
  'EMS Config bench (issue #6)',
  `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} CPUs (available parallelism ${os.availableParallelism()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()} ${os.arch()}`,
  `node: ${process.version}   code: ${gitDescription()}   date: ${new Date().toISOString()}`,
  `runs: ${FAST_RUNS} per sub-millisecond figure, ${SLOW_RUNS} per slower one, ${CLI_RUNS} per CLI size${QUICK ? '   (--quick: fewer runs than the issue asks for; indicative only)' : ''}`,
];
const loadAtStart = os.loadavg();
function loadLine(end: number[]): string {
  const line = `load average (1/5/15 min): ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')} at start, ${end.map((l) => l.toFixed(2)).join(' / ')} at end`;
  const busy = Math.max(loadAtStart[0], end[0]) > cpus.length * 0.5;
  return busy ? `${line}
WARNING: other processes were using the CPUs; wall-clock figures (process start, CLI, slow checks) are inflated. Ratios to the anchor are measured interleaved and suffer less.` : line;
}

// ─── The anchor ────────────────────────────────────────────────────────────────────────────────────────────

const jsonService = getLanguageService({});
jsonService.configure({ validate: true, schemas: [{ uri: pathToFileURL(SCHEMA).href, fileMatch: ['*'], schema: JSON.parse(readFileSync(SCHEMA, 'utf8')) as JSONSchema }] });
function anchor(text: string, uri: string) {
  const document = TextDocument.create(uri, 'json', 1, text);
  return jsonService.doValidation(document, jsonService.parseJSONDocument(document));
}
/** The anchor must really validate against the schema, not just parse: a broken config gets its diagnostics. */
async function checkAnchor(): Promise<void> {
  const diagnostics = await anchor('{"ws_servers": [{"host": "a", "port": "443"}], "bogus": 1}', 'file:///sanity/etc/config.json');
  if (diagnostics.length < 3) throw new Error(`the anchor does not apply the schema (${diagnostics.length} diagnostics on a broken config)`);
}

// ─── Measuring ─────────────────────────────────────────────────────────────────────────────────────────────

type Row = [figure: string, runs: string, ours: string, p90: string, reference: string, ratio: string, verdict: string];
const rows: Row[] = [];
const details: string[] = [];
const misses: string[] = [];

/** Ours and the anchor, interleaved run by run (order alternating), after `warmup` untimed calls of each. */
async function versusAnchor(runs: number, warmup: number, ours: () => unknown, theirs: () => unknown, { gc = false } = {}): Promise<{ ours: Summary; anchor: Summary }> {
  for (let i = 0; i < warmup; i++) { await ours(); await theirs(); }
  const a: number[] = [];
  const b: number[] = [];
  const timed = (fn: () => unknown) => { if (gc) collectGarbage(); return time(fn); };
  for (let i = 0; i < runs; i++) {
    if (i % 2) { a.push(await timed(ours)); b.push(await timed(theirs)); } else { b.push(await timed(theirs)); a.push(await timed(ours)); }
  }
  return { ours: summary(a), anchor: summary(b) };
}

async function repeat(runs: number, warmup: number, fn: () => unknown, { gc = false } = {}): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (gc) collectGarbage();
    values.push(await time(fn));
  }
  return summary(values);
}

function row(figure: string, n: number, ours: string, p90: string, reference: string, ratio: string, pass: boolean): void {
  if (!pass) misses.push(figure);
  rows.push([figure, String(n), ours, p90, reference, ratio, pass ? 'pass' : 'MISS']);
}
function info(figure: string, n: number, ours: string, p90: string, note = ''): void {
  rows.push([`  (info) ${figure}`, String(n), ours, p90, note, '', 'info']);
}

/** One figure; an exception (a server that died, a fixture that could not be made) becomes a row saying so, and the bench goes on. */
async function guarded(figure: string, target: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    rows.push([figure, '', `n/a (failed: ${message.split('\n')[0].slice(0, 70)})`, '', target, '', 'n/a']);
    details.push(`${figure} failed: ${errorText(error)}`);
  }
}

// ─── The CLI ───────────────────────────────────────────────────────────────────────────────────────────────

interface CliRun { ms: number; code: number | null; stdout: string }
/** The part of `check --format json` the bench reads. */
interface CliReport { files: unknown[]; summary: { errors: number; warnings: number; information: number; hints: number } }

function runCli(folders: string[], extra: string[] = []): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI_JS, 'check', '--format', 'json', ...extra, ...folders], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ ms: performance.now() - t0, code, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

// ─── The figures ───────────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const started = performance.now();
  const missing = missingBundle();
  if (missing) {
    console.log(`bench: ${missing} is missing; run \`npm run build\` first.`);
    return;
  }
  const unknown = ONLY?.filter((name) => !(FIGURES as readonly string[]).includes(name)) ?? [];
  if (unknown.length) progress(`unknown figure ${unknown.join(', ')} in --only (the figures: ${FIGURES.join(', ')})`);

  const tmp = mkdtempSync(join(os.tmpdir(), 'ems-config-bench-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  progress(`fixtures in ${tmp}`);
  const sample = sampleHome(tmp);
  const sampleUri = pathToFileURL(sample.config).href;
  const big = bigConfig(sample.text, 40_000);

  // 1. Warm re-check of the typical config vs the anchor, configured as the language server runs it when the
  // editor watches the files the config names (VS Code does): stats remembered until a watcher reports a change.
  const warmService = createEmsService({ ...PORTS, fs: new WatchedStats(nodeFileSystem) });
  const checkSample = () => warmService.check({ text: sample.text, path: sample.config, settings: SETTINGS });
  if (wanted('warm')) await guarded('warm re-check, typical config', '≤ 1.5× the anchor', async () => {
    progress('warm re-check of the typical config');
    await checkAnchor();
    const first = await checkSample();
    const anchorFindings = await anchor(sample.text, sampleUri);
    const r = await versusAnchor(FAST_RUNS, 30, checkSample, () => anchor(sample.text, sampleUri));
    const ratio = r.ours.median / r.anchor.median;
    const lines = sample.text.split('\n').length - 1;
    const files = first.files.filter((f) => f.role !== 'directory').length;
    row(`warm re-check, typical config (${lines} lines, ${files} files + ${first.files.length - files} folder)`, r.ours.n, ms(r.ours.median), ms(r.ours.p90),
      `anchor ${ms(r.anchor.median)} (p90 ${ms(r.anchor.p90)}); ≤ 1.5×`, `${ratio.toFixed(2)}×`, ratio <= 1.5);
    details.push(`typical config: ours ${first.findings.length} findings, ${first.files.filter((f) => f.status === 'ok').length}/${first.files.length} files read; anchor ${anchorFindings.length} diagnostics`);
  });

  // 2. Cold first check naming 10 certificate and key files: a new service (empty cache) each run.
  if (wanted('cold')) await guarded('cold first check, 10 cert/key files', '≤ 30 ms', async () => {
    progress('cold first check, 10 certificate files');
    const ten = await tenFileHome(tmp);
    let okFiles = 0;
    const once = async () => {
      const result = await createEmsService(PORTS).check({ text: ten.text, path: ten.config, settings: SETTINGS });
      okFiles = result.files.filter((f) => f.status === 'ok').length;
    };
    const r = await repeat(SLOW_RUNS, 3, once, { gc: true });
    row(`cold first check, ${ten.fileCount} cert/key files (new service each run)`, r.n, ms(r.median), ms(r.p90), '≤ 30 ms', '', r.median <= 30);
    details.push(`cold check: ${okFiles} of ${ten.fileCount} files read and parsed per run (RSA-2048 and EC P-256/P-384; 2 encrypted PKCS#8 keys opened)`);
    // The same in a fresh process: JIT and module caches cold too (informational, no target).
    const fresh: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < SLOW_RUNS; i++) {
      const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'lib', 'firstCheck.js'), ten.config], { encoding: 'utf8' })) as { loadMs: number; checkMs: number };
      fresh.push(out.checkMs);
      load.push(out.loadMs);
    }
    const f = summary(fresh);
    info('same, first check in a fresh Node process', f.n, ms(f.median), ms(f.p90), `modules loaded before it in ${ms(median(load))}`);
  });

  // 3. A 40,000-line config vs the anchor (same warm service: the sample's certificate files are cached).
  if (wanted('big')) await guarded('40,000-line config', '≤ 1.2× the anchor', async () => {
    progress(`${big.lines}-line config`);
    await checkAnchor();
    await checkSample();
    const checkBig = () => warmService.check({ text: big.text, path: sample.config, settings: SETTINGS });
    const firstBig = await checkBig();
    const anchorBig = await anchor(big.text, sampleUri);
    const r = await versusAnchor(SLOW_RUNS, 2, checkBig, () => anchor(big.text, sampleUri), { gc: true });
    const ratio = r.ours.median / r.anchor.median;
    row(`${big.lines.toLocaleString('en-US')}-line config (${big.entries.toLocaleString('en-US')} auto_bind entries)`, r.ours.n, ms(r.ours.median), ms(r.ours.p90),
      `anchor ${ms(r.anchor.median)} (p90 ${ms(r.anchor.p90)}); ≤ 1.2×`, `${ratio.toFixed(2)}×`, ratio <= 1.2);
    details.push(`40k-line config: ${(big.text.length / 1024).toFixed(0)} KiB; ours ${firstBig.findings.length} findings, ${firstBig.document.visits.length} visits; anchor ${anchorBig.length} diagnostics`);
  });

  // 4. Hover on a certificate path, caches warm (the LSP answers hovers from the latest check).
  if (wanted('hover')) await guarded('hover on a certificate path, warm', '≤ 5 ms', async () => {
    progress('hover');
    const result = await checkSample();
    const position = positionOf(sample.text, '"etc/certs/ca-list.pem"', 5);
    const answer = warmService.hover(result, position);
    const r = await repeat(FAST_RUNS, 30, () => warmService.hover(result, position));
    row('hover on a certificate path (cert_chain), warm', r.n, ms(r.median), ms(r.p90), '≤ 5 ms', '', r.median <= 5);
    details.push(`hover: ${answer ? `${answer.contents.length} characters of Markdown` : 'NO HOVER returned at the certificate path'}`);
    if (!answer) misses.push('hover returned nothing');
  });

  // 5. Completion in the certificates group: a blank line among its keys. The service's own cache, as the
  // language server completes: warm from the check, and from the untimed first calls.
  if (wanted('complete')) await guarded('completion in the certificates group', '≤ 10 ms', async () => {
    progress('completion');
    const text = sample.text.replace('"certificates": {\n', '"certificates": {\n    \n');
    const result: CheckResult = await warmService.check({ text, path: sample.config, settings: SETTINGS });
    const position = positionOf(text, '"certificates": {\n    \n', '"certificates": {\n    '.length);
    const answer = await warmService.complete(result, position);
    const r = await repeat(FAST_RUNS, 30, () => warmService.complete(result, position));
    row('completion in the certificates group (key position)', r.n, ms(r.median), ms(r.p90), '≤ 10 ms', '', r.median <= 10);
    details.push(`completion: ${answer.length} items`);
    if (!answer.length) misses.push('completion returned nothing');
    // A file path in the same group: completing it lists a folder (informational).
    const pathPosition = positionOf(text, '"etc/certs/client.pem"', '"etc/certs/'.length);
    const pathAnswer = await warmService.complete(result, pathPosition);
    const p = await repeat(FAST_RUNS, 10, () => warmService.complete(result, pathPosition));
    info('completion of a file path in the group (warm cache)', p.n, ms(p.median), ms(p.p90), `${pathAnswer.length} entries`);
  });

  // 6. Server process start to first publishDiagnostics (bundled server, editor-like capabilities).
  if (wanted('start')) await guarded('server start → first publishDiagnostics', '≤ 400 ms', async () => {
    progress('server start to first diagnostics');
    const first: number[] = [];
    const init: number[] = [];
    for (let i = 0; i < SLOW_RUNS; i++) {
      const client = spawnServer(SERVER_JS);
      try {
        await client.initialize();
        init.push(performance.now() - client.t0);
        const diagnostics = client.diagnostics(sampleUri);
        await client.open(sampleUri, sample.text);
        first.push((await diagnostics).at - client.t0);
      } finally {
        await client.close();
      }
    }
    const r = summary(first);
    row('server start → first publishDiagnostics (server.js --stdio)', r.n, ms(r.median), ms(r.p90), '≤ 400 ms', '', r.median <= 400);
    info('of which: spawn → initialize answered', init.length, ms(median(init)), ms(summary(init).p90));
    // What any Node process costs here before our code runs: the floor under this figure.
    const bare: number[] = [];
    for (let i = 0; i < SLOW_RUNS; i++) bare.push(await time(() => new Promise((done) => spawn(process.execPath, ['-e', '0']).on('close', done))));
    info('bare `node -e 0` spawn → exit, for scale', bare.length, ms(median(bare)), ms(summary(bare).p90));
  });

  // 7. CLI over 1,000 configs sharing one CA list: 100, 500 and 1,000 configs, interleaved. The issue's figure
  // copies the sample home 1,000 times around one CA list (an image-based fleet: every device file a byte-identical
  // copy). A stricter one gives every device its own certificates and keys: each one read, parsed and unlocked.
  async function cliFigure(devices: 'copies' | 'unique', label: string, { stricter = false } = {}): Promise<void> {
    progress(`CLI over 100 / 500 / 1,000 configs, ${label}`);
    const fleetDirs = await fleet(tmp, sample, devices);
    const sizes: FleetSize[] = [100, 500, 1000];
    const times: Record<FleetSize, number[]> = { 100: [], 500: [], 1000: [] };
    for (const n of sizes) {
      const out = await runCli(fleetDirs.folders[n]);
      const report = JSON.parse(out.stdout) as CliReport;
      if (report.files.length !== n) throw new Error(`CLI checked ${report.files.length} configs, expected ${n}`);
      if (n === 1000) details.push(`CLI (${label}): exit ${out.code}; per config ${(report.summary.errors + report.summary.warnings + report.summary.information + report.summary.hints) / n} findings; ${(out.stdout.length / 1024).toFixed(0)} KiB of JSON for 1,000`);
    }
    // The first pass is timed too; runs stop early (but never below 5) when they would pass the time budget.
    let cliRuns = 0;
    const cliStart = performance.now();
    for (let i = 0; i < CLI_RUNS; i++) {
      for (const n of i % 2 ? [...sizes].reverse() : sizes) times[n].push((await runCli(fleetDirs.folders[n])).ms);
      cliRuns++;
      const perRound = (performance.now() - cliStart) / cliRuns;
      if (cliRuns >= 5 && (performance.now() - cliStart) + perRound > CLI_BUDGET_MS) break;
    }
    if (cliRuns < CLI_RUNS) details.push(`CLI (${label}): only ${cliRuns} runs per size fitted the ${CLI_BUDGET_MS / 1000} s budget (the issue asks for 20: rerun on an idle machine, or with --only=cli)`);
    const m: Record<FleetSize, Summary> = { 100: summary(times[100]), 500: summary(times[500]), 1000: summary(times[1000]) };
    const rate = (n: FleetSize) => n / (m[n].median / 1000);
    // Marginal cost per config between sizes: linear means the same cost per config at any size.
    const perConfig1 = (m[500].median - m[100].median) / 400;
    const perConfig2 = (m[1000].median - m[500].median) / 500;
    // Linear: the 500 configs from 500 to 1,000 cost at most 25 % more each than the 400 from 100 to 500 (differences
    // of medians amplify noise). Cheaper is fine: that is the JIT and the caches warming, not a cost that grows.
    const linear = perConfig2 <= perConfig1 * 1.25;
    const fixed = m[100].median - 100 * perConfig1;
    const figure = `CLI over 1,000 configs sharing one CA list, ${label} (--format json)`;
    const rateText = `${rate(1000).toFixed(0)} configs/s`;
    const p90Text = `${(1000 / (m[1000].p90 / 1000)).toFixed(0)} configs/s`;
    const met = rate(1000) >= 500 && linear;
    // The stricter figure is reported against the same target, but it is not one of the issue's.
    if (stricter) rows.push([`${figure} (stricter)`, String(m[1000].n), rateText, p90Text, '≥ 500 configs/s, linear', linear ? 'linear' : 'NOT linear', met ? 'meets' : 'below']);
    else row(figure, m[1000].n, rateText, p90Text, '≥ 500 configs/s, linear', linear ? 'linear' : 'NOT linear', met);
    details.push(`CLI (${label}) series (median wall time, spawn to exit): ${sizes.map((n) => `${n} → ${ms(m[n].median)} (${rate(n).toFixed(0)}/s, p90 ${ms(m[n].p90)})`).join('; ')}`);
    details.push(`CLI (${label}) marginal cost per config: ${perConfig1.toFixed(2)} ms (100→500), ${perConfig2.toFixed(2)} ms (500→1,000) → ${(1000 / perConfig2).toFixed(0)} configs/s at the margin; fixed cost (process start, discovery) ≈ ${ms(fixed)}`);
    // What the child processes add: the same 1,000 configs in this one process.
    const alone: number[] = [];
    for (let i = 0; i < Math.min(5, CLI_RUNS); i++) alone.push((await runCli(fleetDirs.folders[1000], ['--jobs', '1'])).ms);
    details.push(`CLI (${label}) with --jobs 1 (no child process): 1,000 → ${ms(median(alone))} (${(1000 / (median(alone) / 1000)).toFixed(0)}/s, ${alone.length} runs), against ${ms(m[1000].median)} by default (up to ${os.availableParallelism()} processes, children only when the fleet is heavy)`);
  }

  if (wanted('cli')) {
    await guarded('CLI over 1,000 configs, copied device files', '≥ 500 configs/s, linear', () => cliFigure('copies', 'device files byte-identical copies'));
    await guarded('CLI over 1,000 configs, every device its own files', '≥ 500 configs/s, linear', () => cliFigure('unique', 'every device its own certificates and keys', { stricter: true }));
  }

  // 8. Server memory over 10,000 didChange edits (full-text changes, two alternating small edits).
  if (wanted('memory')) await guarded('server RSS after 10,000 didChange edits', '≤ 120 MB, flat', async () => {
    progress(`${EDITS.toLocaleString('en-US')} didChange edits`);
    const client = spawnServer(SERVER_JS);
    const samples: [edits: number, rss: number][] = [];
    let seconds: number;
    try {
      await client.initialize();
      const opened = client.diagnostics(sampleUri);
      await client.open(sampleUri, sample.text, 0);
      await opened;
      samples.push([0, client.rss()]);
      const editStart = performance.now();
      for (let version = 1; version <= EDITS; version++) {
        // Odd edits rename the auto_bind Thing, even ones change a port: the text and the check result change each time.
        const text = version % 2
          ? sample.text.replace('"PressLine01"', `"PressLine${version}"`)
          : sample.text.replace('"port": 8001', `"port": ${8001 + (version % 1000)}`);
        await client.change(sampleUri, version, text);
        if (version % EDITS_PER_WAIT === 0) {
          await client.diagnostics(sampleUri, (p) => p.version === version);
          if (version % 2500 === 0) samples.push([version, client.rss()]);
        }
      }
      seconds = (performance.now() - editStart) / 1000;
    } finally {
      await client.close();
    }
    const last = samples[samples.length - 1][1];
    const peak = Math.max(...samples.map(([, rss]) => rss));
    const growth = last - samples[1][1];
    const flat = growth <= Math.max(10 * 2 ** 20, samples[1][1] * 0.1);
    row(`server RSS after ${EDITS.toLocaleString('en-US')} didChange edits`, 1, mb(last), `peak ${mb(peak)}`, '≤ 120 MB, flat',
      flat ? `flat (${growth >= 0 ? '+' : ''}${mb(growth)} 2.5k→10k)` : `GROWS ${mb(growth)} 2.5k→10k`, peak <= 120 * 2 ** 20 && flat);
    details.push(`server RSS by edits: ${samples.map(([n, rss]) => `${n.toLocaleString('en-US')} → ${mb(rss)}`).join(', ')} (${seconds.toFixed(1)} s; waited for the diagnostics of every ${EDITS_PER_WAIT}th version, so ${EDITS / EDITS_PER_WAIT} checks ran)`);
  });

  // 9. Hostile inputs (scripts/hostile.mjs): each once hung the checker for minutes. Each is checked
  // HOSTILE_RUNS times through the façade and the Node port, a new service each time (nothing cached, every
  // file read and parsed, keys looked at), after a full GC; the worst is the figure. No target: the bound is
  // test/cli/hostile.test.ts's (10 s a process); this says how far below it each one is.
  if (wanted('hostile')) await guarded('hostile inputs', 'no target', async () => {
    progress('hostile inputs (scripts/hostile.mjs)');
    const corpus = hostileCorpus(tmp);
    rows.push([`hostile inputs (scripts/hostile.mjs, ${corpus.inputs.length}): ${HOSTILE_RUNS} cold checks each, the worst`, '', '', '', 'no target', '', '']);
    let worst = { name: '', ms: -1 };
    for (const input of corpus.inputs) {
      const text = readFileSync(input.config, 'utf8');
      const times: number[] = [];
      let findings = 0;
      for (let i = 0; i < HOSTILE_RUNS; i++) {
        collectGarbage();
        const service = createEmsService({ fs: nodeFileSystem, now: () => corpus.now });
        times.push(await time(async () => { findings = (await service.check({ text, path: input.config, settings: SETTINGS })).findings.length; }));
      }
      const s = summary(times);
      if (s.max > worst.ms) worst = { name: input.name, ms: s.max };
      info(`hostile: ${input.name}`, s.n, ms(s.median), `worst ${ms(s.max)}`, `${findings.toLocaleString('en-US')} findings`);
    }
    info(`worst hostile input: ${worst.name}`, HOSTILE_RUNS, ms(worst.ms), `worst ${ms(worst.ms)}`, 'no target (tests: 10 s a CLI run)');
    details.push(`hostile inputs: ${corpus.inputs.length} inputs, each under the 1 MiB file bound (scripts/hostile.mjs, its manifest says what each probes); worst ${worst.name} at ${ms(worst.ms)}`);
  });

  // 10. The server is never deaf (issue 13): requests sent every 20 ms while it checks two keys that cost
  // the PKCS#12 KDF ~0.85 s each (MAC iterations at the 1,000,000 bound). The anchor is the check itself: a server that checked on its own thread would
  // answer a request sent at its start only after it.
  if (wanted('latency')) await guarded('request latency during a check', '< 200 ms', async () => {
    progress('request latency during a slow check (language server)');
    const pkiDir = testPkiDir(tmp);
    const runs = [];
    for (let i = 0; i < (QUICK ? 2 : 5); i++) runs.push(await requestLatencyDuringCheck(SERVER_JS, pkiDir, i));
    const worst = Math.max(...runs.map((r) => r.worstMs));
    const check = median(runs.map((r) => r.checkMs));
    const requests = runs.reduce((n, r) => n + r.requests, 0);
    row('request latency during a check (documentSymbol every 20 ms)', runs.length, ms(median(runs.map((r) => r.medianMs))), `worst ${ms(worst)}`,
      `< 200 ms; check ${ms(check)} (on one thread: ≈ the check)`, (worst / check).toFixed(2), worst < 200);
    details.push(`request latency during a check: ${requests} requests over ${runs.length} checks of ${ms(check)} (median), worst answer ${ms(worst)}`);
  });

  // 11. A PKCS#12 key (issue #14): a config whose client key is a default `openssl pkcs12 -export` file, checked
  // in-process by a new service each run (nothing cached: the file is read, its MAC verified, its bags
  // decrypted, the key matched with its certificate), against `openssl pkcs12 -in f -noout -passin pass:x` run
  // as a process in the same bench run. The two are not the same kind of figure: OpenSSL's includes starting a
  // process (`openssl version` says how much), ours does not; ours through the CLI process is given too. And
  // -noout verifies the MAC and decrypts the certificates but not the key bag (it derives nothing for the key);
  // `-nodes -out /dev/null` does all of it, as the check does.
  if (wanted('pkcs12')) await guarded('PKCS#12 check, default openssl pkcs12 -export file', '< 20 ms', async () => {
    progress('PKCS#12 check vs openssl pkcs12 -noout');
    const p12 = await pkcs12Home(tmp);
    const checkWith = (text: string) => async () => {
      const result = await createEmsService(PORTS).check({ text, path: p12.config, settings: SETTINGS });
      return result;
    };
    const first = await checkWith(p12.text)();
    const keyFindings = first.findings.filter((f) => f.pointer === '/certificates/key_file').map((f) => f.code);
    if (keyFindings.some((code) => code.startsWith('key-') || code === 'unrecognized-content')) throw new Error(`the PKCS#12 key did not open: ${keyFindings.join(', ')}`);
    const r = await repeat(FAST_RUNS, 10, checkWith(p12.text));
    const pem = await repeat(FAST_RUNS, 10, checkWith(p12.pemText));
    const openssl = (opensslArgs: string[]) => () => {
      const run = spawnSync('openssl', opensslArgs, { stdio: 'ignore' });
      if (run.status !== 0) throw new Error(`openssl ${opensslArgs[0]} exited with ${run.status ?? run.signal}`);
    };
    const theirs = await repeat(SLOW_RUNS, 2, openssl(['pkcs12', '-in', p12.p12, '-noout', '-passin', `pass:${p12.passphrase}`]));
    const all = await repeat(SLOW_RUNS, 2, openssl(['pkcs12', '-in', p12.p12, '-nodes', '-out', os.devNull, '-passin', `pass:${p12.passphrase}`]));
    const floor = await repeat(SLOW_RUNS, 2, openssl(['version']));
    row('PKCS#12 check: default openssl pkcs12 -export file as key_file (new service each run)', r.n, ms(r.median), ms(r.p90),
      `< 20 ms; openssl pkcs12 -noout ${ms(theirs.median)} (a process)`, `${(r.median / theirs.median).toFixed(2)}×`, r.median < 20);
    info('same config, the key as plain PEM (the check without PKCS#12)', pem.n, ms(pem.median), ms(pem.p90), `PKCS#12 adds ${ms(r.median - pem.median)}`);
    info('openssl pkcs12 -in f -noout -passin pass:x (spawn → exit; MAC and certificates)', theirs.n, ms(theirs.median), ms(theirs.p90), `${spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim()}`);
    info('openssl pkcs12 -in f -nodes -out /dev/null (spawn → exit; the key bag too)', all.n, ms(all.median), ms(all.p90), '');
    info('bare `openssl version` spawn → exit, for scale', floor.n, ms(floor.median), ms(floor.p90), `openssl's own work ≈ ${ms(theirs.median - floor.median)} (-noout), ${ms(all.median - floor.median)} (-nodes)`);
    const cli: number[] = [];
    for (let i = 0; i < CLI_RUNS + 1; i++) {
      const run = await runCli([p12.home]);
      if (run.code !== 0 && run.code !== 1) throw new Error(`the CLI exited with ${run.code}`);
      if (i > 0) cli.push(run.ms);
    }
    const c = summary(cli);
    info('ours through the CLI process (cli.js check, spawn → exit)', c.n, ms(c.median), ms(c.p90), 'a process, like openssl\'s');
    details.push(`PKCS#12: ${p12.p12.split('/').pop()} ${readFileSync(p12.p12).length.toLocaleString('en-US')} bytes (RSA-2048 key and certificate); key_file findings: ${keyFindings.length ? keyFindings.join(', ') : 'none (opened, matches its certificate)'}`);
  });

  // ─── Report ──────────────────────────────────────────────────────────────────────────────────────────────

  console.log(header.join('\n'));
  console.log();
  console.log(loadLine(os.loadavg()));
  console.log();
  console.log(table(['figure', 'runs', 'ours (median)', 'ours p90', 'anchor / target', 'ratio', 'verdict'], rows));
  console.log();
  for (const line of details) console.log(`- ${line}`);
  console.log();
  console.log(misses.length ? `MISSED ${misses.length}: ${misses.join('; ')}` : 'All measured targets met.');
  console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

// A report, not a test: whatever goes wrong outside a figure is printed, and the exit status stays 0.
process.on('uncaughtException', (error) => {
  console.log(`bench: could not finish: ${errorText(error)}`);
  process.exit(0);
});
main().then(() => { process.exitCode = 0; }, (error: unknown) => {
  console.log(`bench: could not finish: ${errorText(error)}`);
  process.exit(0);
});
