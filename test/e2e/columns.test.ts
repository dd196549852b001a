/**
 * Columns known before running, through the CLI (issue 10): a misspelt regressor is a located
 * error from validate, status and run alike (exit 2, nothing run), with "did you mean"; where
 * columns cannot be known before running, validate says so once; and a column missing at run
 * time is one short message per stage, not a list of every column.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, makeProject } from './support.js';

// 5 provinces × 3 years: enough entities for the random-effects model of two regressors.
const PANEL = `province,year,gdp,rd_spend,urban,wage
A,2011,100,2,50,10
A,2012,110,2.5,52,11
A,2013,118,2.6,55,11.8
B,2011,80,1,40,9
B,2012,85,1.2,41,9.5
B,2013,93,1.5,44,9.9
C,2011,60,0.5,30,8
C,2012,66,0.7,33,8.1
C,2013,70,0.75,34,8.6
D,2011,120,3,61,12
D,2012,126,3.1,62,12.4
D,2013,140,3.9,66,13.5
E,2011,45,0.2,25,7
E,2012,52,0.3,27,7.3
E,2013,55,0.28,29,7.9
`;

const pipeline = (x: string) => `params:
  x: ${x}
stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  vars:
    step: derive
    inputs: { data: panel }
    params: { columns: { lgdp: log(gdp), rd: rd_spend / gdp } }
  pooled: { step: panel-regression, inputs: { data: vars }, params: { y: rd, x: "\${params.x}", entity: province, time: year, model: pooled } }
  within: { step: panel-regression, inputs: { data: vars }, params: { y: rd, x: "\${params.x}", entity: province, time: year } }
  random: { step: panel-regression, inputs: { data: vars }, params: { y: rd, x: "\${params.x}", entity: province, time: year, model: random } }
  tests: { step: panel-tests, inputs: { data: vars }, params: { y: rd, x: "\${params.x}", entity: province, time: year } }
  summary: { step: describe, inputs: { data: vars }, params: { columns: ["\${params.x}"] } }
`;

// One error where the name is written, naming every param and stage that reads it.
const URBN = `pipelines/paper.yaml:2:13 error unknown-column: param \`x[1]\` of stages \`pooled\`, \`within\`, \`random\` and \`tests\` and param \`columns[0][1]\` of stage \`summary\` name column \`urbn\`, which input \`data\` (from stage \`vars\`) does not have
    2 |   x: [lgdp, urbn]
      |             ~~~~
  did you mean \`urban\`?

1 error in pipelines/paper.yaml
`;

describe('a misspelt regressor', () => {
  const dir = makeProject({ 'data/panel.csv': PANEL, 'pipelines/paper.yaml': pipeline('[lgdp, urbn]') });

  it('is one located error from validate, status and run, and nothing runs', () => {
    for (const command of ['validate', 'status', 'run']) {
      const r = agglo(dir, command);
      expect([command, r.code, r.stdout, r.stderr]).toEqual([command, 2, '', URBN]);
    }
    expect(fs.existsSync(path.join(dir, 'results'))).toBe(false);
    const objects = path.join(dir, 'cache', 'objects');
    expect(fs.existsSync(objects) ? fs.readdirSync(objects) : []).toEqual([]);
  });

  it('fixed, validates with no note and runs', () => {
    fs.writeFileSync(path.join(dir, 'pipelines/paper.yaml'), pipeline('[lgdp, urban]'));
    expect(agglo(dir, 'validate')).toEqual({ code: 0, stdout: 'pipelines/paper.yaml: ok (7 stages)\n', stderr: '' });
    expect(agglo(dir, 'run').code).toBe(0);
  });
});

const plugin = `export default {
  name: 'passthrough', version: '1', description: 'Returns its input unchanged.',
  params: { type: 'object', properties: {}, additionalProperties: false },
  inputs: { data: { description: 'a table' } },
  outputs: { table: 'the input' },
  run: (ctx) => ({ table: ctx.inputs.data }),
};
`;

describe('after a step that does not declare its columns', () => {
  const text = `plugins: [plugins/pass.mjs]
stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  same: { step: passthrough, inputs: { data: panel } }
  fe: { step: panel-regression, inputs: { data: same }, params: { y: gdp, x: [urbn], entity: province, time: year } }
  fe2: { step: panel-regression, inputs: { data: same }, params: { y: gdp, x: [qqqqqq], entity: province, time: year } }
`;
  const dir = makeProject({ 'data/panel.csv': PANEL, 'plugins/pass.mjs': plugin, 'pipelines/paper.yaml': text });

  it('validate says once that the columns are not checked', () => {
    expect(agglo(dir, 'validate', '--load-plugins')).toEqual({
      code: 0,
      stdout: 'pipelines/paper.yaml: ok (4 stages)\nnote: columns not checked after stage `same` (step `passthrough` does not declare its output columns)\n',
      stderr: '',
    });
  });

  it('a column missing at run time is one short message per stage', () => {
    const r = agglo(dir, 'run', '--jobs', '1', '--keep-going');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      'error: stage `fe`: param `x[0]` names column `urbn` (did you mean `urban`?), which input `data` does not have',
      'error: stage `fe2`: param `x[0]` names column `qqqqqq`, which input `data` does not have; columns are: province, year, gdp, rd_spend, urban, wage',
      '',
    ].join('\n'));
  });
});
