/**
 * `wild-bootstrap-chunk`: one chunk of a wild cluster bootstrap's replications, so that a
 * large B fans out like any other items (`foreach: { chunk: 0..7 }`, on worker threads or a
 * SLURM cluster). Chunk c of n computes replications ⌊cB/n⌋ … ⌊(c+1)B/n⌋ − 1 with the draws
 * the whole run would use there (the seeded stream is indexed by replication), and outputs
 * their pieces; `wild-bootstrap` with the gathered chunks as its `chunks` input gives exactly
 * the p values and intervals of the single-task run (test/steps/wild-bootstrap.test.ts).
 */
import { defineStep, StepError } from '../engine/step.js';
import { drawWeights } from './kernels/wild-bootstrap.js';
import { requirePanelColumns } from './panel-regression.js';
import { piecesRows, PIECE_COLUMNS, wildBootstrap, wildSetup, type WildBootstrapParams } from './wild-bootstrap.js';

/** Params of wild-bootstrap-chunk: wild-bootstrap's, and which chunk of how many. */
export interface WildBootstrapChunkParams extends WildBootstrapParams {
  chunk: number;
  chunks: number;
}

const shared = wildBootstrap.params.properties as Record<string, unknown>;

export const wildBootstrapChunk = defineStep<WildBootstrapChunkParams>({
  name: 'wild-bootstrap-chunk',
  version: '1.0.0',
  description: 'One chunk of the replications of a wild cluster bootstrap (as wild-bootstrap, same params), for fanning a large B out over items; wild-bootstrap combines the chunks (its `chunks` input).',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'x', 'entity', 'time', 'chunk', 'chunks'],
    properties: {
      ...shared,
      chunk: { type: 'integer', minimum: 0, description: 'Which chunk, 0 … chunks − 1 (usually `${item.chunk}` of a `foreach: { chunk: 0..N }`).' },
      chunks: { type: 'integer', minimum: 1, maximum: 100000, description: 'How many chunks the replications are split into (the same in every chunk stage item).' },
    },
  },
  // CPU-bound: chunks run on worker threads side by side (and go to the cluster with --executor slurm).
  heavy: true,
  inputs: { data: { description: 'Long panel table: one row per entity and period (as for wild-bootstrap).' } },
  outputs: { pieces: `Table ${PIECE_COLUMNS.join(', ')}: per tested term and replication of this chunk, what the test at any null value is made from; give the gathered chunks to wild-bootstrap as input \`chunks\`.` },
  columns(ctx) {
    requirePanelColumns(ctx);
    return { pieces: [...PIECE_COLUMNS] };
  },
  run(ctx) {
    const p = ctx.params;
    if (p.chunk >= p.chunks) throw new StepError('bad-chunk', `chunk ${p.chunk} is not one of 0…${p.chunks - 1} (chunks: ${p.chunks})`);
    const { estimated, terms, G, enumerate, draws, d } = wildSetup(ctx, p);
    const from = Math.floor((p.chunk * draws.B) / p.chunks);
    const to = Math.floor(((p.chunk + 1) * draws.B) / p.chunks);
    const mine = drawWeights(G, draws.B, p.weights, p.seed, enumerate, from, to - from);
    return { pieces: piecesRows(terms, estimated, d, mine, from, p) };
  },
});
