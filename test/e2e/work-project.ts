/**
 * A small project for the kill-recovery and corruption tests: a plugin step fanned out over
 * 8 items (each does a fixed amount of CPU work in a worker thread under --jobs 2, returns a
 * table and writes a results file), then a chain of built-in steps ending in write-csv and
 * write-json. Every result is deterministic, so two clean runs give byte-identical folders.
 */
import { makeProject } from './support.js';

const plugin = `
// Deterministic: the hashing only burns time; its value depends on nothing but its count.
export const grow = {
  name: 'grow', version: '1', description: 'scales v by the factor, after a fixed amount of hashing work',
  heavy: true,
  params: { type: 'object', properties: { factor: { type: 'number' }, rounds: { type: 'number' } }, required: ['factor', 'rounds'] },
  inputs: { data: { description: 'a table with columns k, v' } },
  outputs: { table: 'k, v, w' },
  run(ctx) {
    let h = 2166136261;
    for (let n = 0; n < ctx.params.rounds; n++) h = Math.imul(h ^ n, 16777619) >>> 0;
    const col = (name) => ctx.inputs.data.columns.find((c) => c.name === name).values;
    const k = col('k');
    const v = col('v').map((x) => x * ctx.params.factor);
    ctx.writeFile('results/items/item-' + ctx.params.factor + '.csv', 'k,v\\n' + k.map((x, i) => x + ',' + v[i]).join('\\n') + '\\n');
    return { table: { kind: 'table', columns: [
      { name: 'k', values: k },
      { name: 'v', values: v },
      { name: 'w', values: v.map((_, i) => ((h + i) % 1000) / 7) },
    ] } };
  },
};
`;

const pipeline = (rounds: number) => `plugins: [plugins/work.mjs]
stages:
  base: { step: read-csv, params: { path: data/base.csv } }
  grown:
    step: grow
    foreach: { i: 1..8 }
    inputs: { data: base }
    params: { factor: "\${item.i}", rounds: ${rounds} }
  vars:
    step: derive
    inputs: { data: grown }
    params: { columns: { lv: "log(abs(v) + 1)", ratio: "w / (abs(v) + 1)" } }
  stats: { step: describe, inputs: { data: vars }, params: { columns: [v, w, lv, ratio] } }
  all_csv: { step: write-csv, inputs: { data: vars }, params: { path: results/all.csv } }
  stats_json: { step: write-json, inputs: { data: stats }, params: { path: results/stats.json } }
`;

/** The stage ids of the work project, in pipeline order. */
export const WORK_STAGES = ['base', 'grown', 'vars', 'stats', 'all_csv', 'stats_json'] as const;

/** A fresh copy of the work project; `rounds` sets the CPU work per item (3e6 ≈ 60 ms). */
export function makeWorkProject(rounds: number): string {
  return makeProject({
    'plugins/work.mjs': plugin,
    'data/base.csv': 'k,v\na,1.5\nb,2.25\nc,-3\nd,10\n',
    'pipelines/paper.yaml': pipeline(rounds),
  });
}
