// Self time by function (and by file) from a .cpuprofile written by `node --cpu-prof`.
// Usage: node out/bench/profile/top.js <file.cpuprofile> [rows=25] [--callers=<function>] [--inclusive=a,b,c [--runs=N]]
import { readFileSync } from 'node:fs';

/** The parts of V8's .cpuprofile format read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

const options = process.argv.slice(2).filter((a) => a.startsWith('--'));
const [file, rowsArg = '25'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name: string) => options.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (!file) {
  console.error('usage: node out/bench/profile/top.js <file.cpuprofile> [rows=25] [--callers=<function>] [--inclusive=a,b,c [--runs=N]]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const frame = (id: number) => byId.get(id)!.callFrame;
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
/** Microseconds of self time by node id. */
const dt = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const show = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of dt) {
  const c = frame(id);
  const where = c.url ? c.url.replace(/^file:\/\//, '').replace(/.*\/(node_modules|out|server)\//, '$1/') : '(native)';
  add(byFunction, `${c.functionName || '(anonymous)'}  ${where}:${c.lineNumber + 1}`, us);
  add(byFile, where, us);
}
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n${show(byFunction, Number(rowsArg))}\n\nself time by file:\n${show(byFile, 12)}`);

// --callers=<functionName>: the call paths that lead to that function's self time (heaviest first).
const callersOf = option('callers');
if (callersOf) {
  const paths = new Map<string, number>();
  for (const [id, us] of dt) {
    if (frame(id).functionName !== callersOf) continue;
    const chain: string[] = [];
    for (let p = parent.get(id); p !== undefined && chain.length < 6; p = parent.get(p)) {
      const c = frame(p);
      chain.push(`${c.functionName || '(anon)'}@${c.url.split('/').pop()}:${c.lineNumber + 1}`);
    }
    add(paths, chain.join(' < '), us);
  }
  console.log(`\ncallers of ${callersOf}:\n${show(paths, 8)}`);
}

// --inclusive=a,b,c: total (self + callees) time of the named functions, and per run with --runs=N.
const inclusive = option('inclusive')?.split(',');
if (inclusive) {
  const runs = Number(option('runs') ?? 1);
  const totals = new Map(inclusive.map((name) => [name, 0]));
  for (const [id, us] of dt) {
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const name = frame(p).functionName;
      const sum = totals.get(name);
      if (sum !== undefined && !seen.has(name)) { seen.add(name); totals.set(name, sum + us); }
    }
  }
  console.log(`\ninclusive time${runs > 1 ? ` (per run of ${runs})` : ''}:`);
  for (const [name, us] of totals) console.log(`${(us / 1000 / runs).toFixed(3).padStart(10)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}
