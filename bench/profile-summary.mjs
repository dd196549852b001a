#!/usr/bin/env node
// Summarises a V8 CPU profile (`node --cpu-prof …`, or bench/cli.bench.mjs --cpu-prof DIR):
// total sampled time, then the milliseconds spent in each file or package itself ("self") and
// with everything it called ("inclusive"), and the functions with the most self time.
//   node bench/profile-summary.mjs FILE.cpuprofile [--top 25]
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length !== 1) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const prof = JSON.parse(fs.readFileSync(positionals[0], 'utf8'));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** dist/engine/csv.js, node_modules/ajv, node:fs, or a V8 pseudo-frame such as (garbage collector). */
function where(n) {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName || '(native)';
  const m = /\/(node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(url) ?? /\/((?:dist|bin|scripts)\/.*)$/.exec(url);
  return m ? m[1] : url;
}

const self = new Map();
const inclusive = new Map();
const fns = new Map();
let total = 0;
const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  total += dt;
  const n = nodes.get(id);
  add(self, where(n), dt);
  add(fns, `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`, dt);
  // Each file or package once per sample, however often it is on the stack.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const w = where(nodes.get(at));
    if (!seen.has(w)) { seen.add(w); add(inclusive, w, dt); }
  }
});

const table = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`).join('\n');
console.log(`sampled: ${(total / 1000).toFixed(0)} ms`);
console.log(`\nself time by file or package:\n${table(self)}`);
console.log(`\ninclusive time by file or package:\n${table(inclusive)}`);
console.log(`\nfunctions by self time:\n${table(fns)}`);
