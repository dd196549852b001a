/**
 * `panel-threshold-chunk`: one chunk of panel-threshold's bootstrap replications, so that a
 * large bootstrap fans out like any other items (`foreach: { chunk: 0..7 }`, on worker
 * threads or a SLURM cluster). Chunk c of n computes replications ⌊cB/n⌋ … ⌊(c+1)B/n⌋ − 1 of
 * every test, each from its own seeded stream (steps/kernels/panel-threshold.ts
 * replicationSeed), so the gathered chunks given to panel-threshold as its `chunks` input give
 * exactly the p values and critical values of the single-task run.
 */
import { defineStep, StepError } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';
import { bootstrapChunk, nullModel, prepareThreshold } from './kernels/panel-threshold.js';
import { panelThreshold, readData, REPLICATION_COLUMNS, thresholdFits, type PanelThresholdParams } from './panel-threshold.js';

/** Params of panel-threshold-chunk: panel-threshold's, and which chunk of how many. */
export interface PanelThresholdChunkParams extends PanelThresholdParams {
  chunk: number;
  chunks: number;
}

export const panelThresholdChunk = defineStep<PanelThresholdChunkParams>({
  name: 'panel-threshold-chunk',
  version: '1.0.0',
  description: "One chunk of panel-threshold's bootstrap replications (same params), for fanning a large bootstrap out over items; panel-threshold combines the chunks (its `chunks` input).",
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'z', 'q', 'entity', 'time', 'chunk', 'chunks'],
    properties: {
      ...(panelThreshold.params.properties as Record<string, unknown>),
      chunk: { type: 'integer', minimum: 0, description: 'Which chunk, 0 … chunks − 1 (usually `${item.chunk}` of a `foreach: { chunk: 0..N }`).' },
      chunks: { type: 'integer', minimum: 1, maximum: 100000, description: 'How many chunks the replications are split into (the same in every item).' },
    },
  },
  // CPU-bound: chunks run on worker threads side by side (and go to the cluster with --executor slurm).
  heavy: true,
  inputs: { data: { description: 'Balanced long panel: one row per entity and period (as for panel-threshold).' } },
  outputs: { replications: `Table ${REPLICATION_COLUMNS.join(', ')}: the bootstrap statistic of each replication of this chunk, per test (1: no threshold vs one; 2: one vs two), with the sample statistic and seed; give the gathered chunks to panel-threshold as input \`chunks\`.` },
  columns(ctx) {
    requireInputColumns(ctx, 'data', ['y', 'z', 'q', 'x', 'entity', 'time'].flatMap((k) => paramColumns(ctx.params, k)));
    return { replications: [...REPLICATION_COLUMNS] };
  },
  run(ctx) {
    const p = ctx.params;
    if (p.chunk >= p.chunks) throw new StepError('bad-chunk', `chunk ${p.chunk} is not one of 0…${p.chunks - 1} (chunks: ${p.chunks})`);
    const prepared = prepareThreshold(readData(ctx.inputs.data, p), { trim: p.trim, grid: p.grid, names: { x: p.x, z: p.z } });
    if (!prepared.ok) throw new StepError(prepared.failure.reason, prepared.failure.message);
    const prep = prepared.prep;
    const { single, dbl } = thresholdFits(prep, p.thresholds);
    const from = Math.floor((p.chunk * p.bootstrap) / p.chunks);
    const to = Math.floor(((p.chunk + 1) * p.bootstrap) / p.chunks);
    const cols: Record<string, number[]> = Object.fromEntries(REPLICATION_COLUMNS.map((c) => [c, []]));
    const add = (test: 1 | 2, f: number, stats: Float64Array) => stats.forEach((s, i) => {
      cols.test!.push(test); cols.replication!.push(from + i); cols.F!.push(s); cols.f_sample!.push(f); cols.seed!.push(p.seed);
    });
    add(1, single.f, bootstrapChunk(prep, nullModel(prep, 1), p.seed, from, to));
    if (dbl) add(2, dbl.f, bootstrapChunk(prep, nullModel(prep, 2, single.index), p.seed, from, to));
    return { replications: tableFromColumns(cols) };
  },
});
