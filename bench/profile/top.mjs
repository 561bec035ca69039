// Self time by function (and by file) from a .cpuprofile written by `node --cpu-prof`.
// Usage: node bench/profile/top.mjs <file.cpuprofile> [rows=25]
import { readFileSync } from 'node:fs';

const [file, rowsArg = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const files = new Map();
for (const [id, us] of dt) {
  const { callFrame: c } = byId.get(id);
  const where = c.url ? c.url.replace(/^file:\/\//, '').replace(/.*\/(node_modules|out|server)\//, '$1/') : '(native)';
  const key = `${c.functionName || '(anonymous)'}  ${where}:${c.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  files.set(where, (files.get(where) ?? 0) + us);
}
const show = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n${show(fn, Number(rowsArg))}\n\nself time by file:\n${show(files, 12)}`);

// --callers=<functionName>: the call paths that lead to that function's self time (heaviest first).
const callersOf = process.argv.find((a) => a.startsWith('--callers='))?.slice(10);
if (callersOf) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const paths = new Map();
  for (const [id, us] of dt) {
    if (byId.get(id).callFrame.functionName !== callersOf) continue;
    const chain = [];
    for (let p = parent.get(id); p !== undefined && chain.length < 6; p = parent.get(p)) {
      const c = byId.get(p).callFrame;
      chain.push(`${c.functionName || '(anon)'}@${c.url.split('/').pop()}:${c.lineNumber + 1}`);
    }
    const key = chain.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + us);
  }
  console.log(`\ncallers of ${callersOf}:\n${show(paths, 8)}`);
}

// --inclusive=a,b,c: total (self + callees) time of the named functions, and per run with --runs=N.
const inclusive = process.argv.find((a) => a.startsWith('--inclusive='))?.slice(12).split(',');
if (inclusive) {
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 1);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map(inclusive.map((name) => [name, 0]));
  for (const [id, us] of dt) {
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const name = byId.get(p).callFrame.functionName;
      if (totals.has(name) && !seen.has(name)) { seen.add(name); totals.set(name, totals.get(name) + us); }
    }
  }
  console.log(`\ninclusive time${runs > 1 ? ` (per run of ${runs})` : ''}:`);
  for (const [name, us] of totals) console.log(`${(us / 1000 / runs).toFixed(3).padStart(10)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}
