/**
 * The JSON Schema of sweep files (engine/sweep-file.ts), for editors: `agglo schema --sweep`
 * prints it, schema/agglo-sweep.schema.json is the committed copy, and the sweep files in
 * pipelines/sweeps/ name it in their first line. It knows the sweep file's own keys; what an
 * overlay may set depends on the pipeline it varies, which `agglo validate FILE` checks.
 */
import { COLLECT_KEYS, OVERLAY_KEYS, SWEEP_KEYS } from './sweep-file.js';

type Schema = Record<string, unknown>;

const names = (what: string): Schema => ({ type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: what });

/** A map dimension → choice, as `exclude:` and `include:` entries write it. */
const choiceMap: Schema = { type: 'object', minProperties: 1, additionalProperties: { type: ['string', 'number'] } };

export function sweepJsonSchema(): Schema {
  const overlay: Schema = {
    description: 'An overlay merged over the pipeline like `extends`: `{}` leaves it as it is.',
    anyOf: [
      { type: 'null' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          params: { type: 'object', description: 'Pipeline params, each replacing the pipeline\'s value (the pipeline must have it).' },
          stages: {
            type: 'object',
            description: 'Stages merged deeply into the pipeline\'s (e.g. `{ within: { params: { model: random } } }`); `null` removes.',
            additionalProperties: { anyOf: [{ type: 'null' }, { type: 'object' }] },
          },
        } satisfies Record<(typeof OVERLAY_KEYS)[number], Schema>,
      },
    ],
  };
  const collect: Schema = {
    type: 'object',
    additionalProperties: false,
    required: ['stage'],
    properties: {
      stage: { type: 'string', minLength: 1, description: 'The stage to collect from (without foreach).' },
      terms: names('A panel-regression stage\'s coefficients to gather into specifications.csv (leave out for every term; the constant is `(Intercept)`).'),
      output: { type: 'string', minLength: 1, description: 'An output to collect as a table into results/<sweep>/<stage>.<output>.csv (a table\'s rows, or an object\'s fields as one row).' },
      columns: names('The columns (or fields) of `output` to keep (leave out for all).'),
    } satisfies Record<(typeof COLLECT_KEYS)[number], Schema>,
    not: { anyOf: [{ required: ['terms', 'output'] }, { required: ['terms', 'columns'] }] },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'agglo sweep file',
    description: 'A pipeline varied along dimensions of choices (docs/pipeline-reference.md, "Sweeps"); run with `agglo sweep FILE`.',
    type: 'object',
    additionalProperties: false,
    required: ['sweep', 'dimensions', 'collect'],
    properties: {
      sweep: { type: 'string', minLength: 1, description: 'The pipeline file to vary, relative to this file.' },
      dimensions: {
        type: 'object',
        minProperties: 1,
        description: 'Dimension name → choice name → overlay; choices are crossed, the first of each is its baseline.',
        additionalProperties: { type: 'object', minProperties: 1, additionalProperties: overlay },
      },
      exclude: { type: 'array', items: choiceMap, description: 'Partial choice maps: every variant matching one is dropped.' },
      include: { type: 'array', items: choiceMap, description: 'Full choice maps added after the cross product.' },
      collect: { type: 'array', minItems: 1, items: collect, description: 'What to gather from each variant: a model\'s coefficients (`terms`) or an output as a table (`output`, `columns`).' },
    } satisfies Record<(typeof SWEEP_KEYS)[number], Schema>,
  };
}
