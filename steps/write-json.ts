/** write-json: writes any stage result (a fitted model, test results, a table) as JSON under results/. */
import { encodeValue } from '../engine/canonical.js';
import { defineStep, StepError } from '../engine/step.js';
import { tableRows } from '../engine/table.js';
import { isTable } from '../engine/value.js';

/** Params of {@link writeJson}. */
export interface WriteJsonParams {
  path: string;
}

export const writeJson = defineStep<WriteJsonParams>({
  name: 'write-json',
  version: '1',
  description: 'Writes its input as pretty-printed JSON under results/ (a table as an array of row objects).',
  params: {
    type: 'object',
    properties: { path: { type: 'string', pattern: '^results/.*\\.json$', description: 'Output file under results/, ending in .json.' } },
    required: ['path'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'Any value.' } },
  outputs: { file: 'JSON {path}.' },
  // Its output is JSON about the file it writes, not a table.
  columns: () => ({}),
  run(ctx) {
    const { path } = ctx.params;
    if (path.split('/').includes('..')) throw new StepError('bad-path', `write-json: path \`${path}\` must stay under results/`);
    const v = ctx.inputs.data;
    // encodeValue keeps NaN/Infinity/-0 readable ({"$f": "NaN"}) instead of JSON's silent null.
    const plain = JSON.parse(encodeValue(isTable(v) ? tableRows(v) : v));
    ctx.writeFile(path, JSON.stringify(plain, null, 2) + '\n');
    return { file: { path } };
  },
});
