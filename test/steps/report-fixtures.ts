/** Small inputs for the report step's unit tests: 3 provinces × 2 years, two models, a 3-stage pipeline. */
import type { PipelineInfo } from '../../engine/pipeline-info.js';
import { tableFromColumns } from '../../engine/table.js';
import type { Json, Value } from '../../engine/value.js';

export const pipelineInfo: PipelineInfo = {
  kind: 'pipeline-info',
  agglo: '9.9.9',
  pipeline: 'pipelines/tiny.yaml',
  stages: [
    { id: 'panel', step: 'read-csv', stepVersion: '1', source: 'builtin', deps: [], dims: [], items: 1, status: 'cached', reason: 'up to date', ms: 3, fingerprint: 'aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111' },
    { id: 'lq', step: 'location-quotient', stepVersion: '2', source: 'builtin', deps: ['panel'], dims: [], items: 1, status: 'ran', reason: 'params changed', ms: 1520, fingerprint: 'bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222' },
    { id: 'fe', step: 'panel-regression', stepVersion: '1.0.0', source: 'plugins/fe.mjs', deps: ['lq'], dims: [], items: 1, status: 'ran', reason: 'upstream `lq` changed', ms: 42, fingerprint: 'cccccccccccc3333333333333333333333333333333333333333333333333333' },
  ],
  files: [
    { path: 'data/tidy/panel.csv', hash: 'd'.repeat(64) },
    { path: 'data/tidy/provinces.csv', hash: 'e'.repeat(64) },
  ],
  builtAt: '2026-01-02T03:04:05.000Z',
};

/** A fitted model in panel-regression's shape. */
function model(kind: string, distribution: string, df: number, coefs: [string, number, number][]): Json {
  return {
    kind: 'panel-model', model: kind, distribution, df_resid: df, nobs: 6, r2: 0.5,
    coefficients: coefs.map(([term, estimate, se]) => ({ term, estimate, std_error: se, statistic: estimate / se, p_value: 0.01 })),
  };
}

export function reportInputs(): Record<string, Value> {
  return {
    lq: tableFromColumns({
      province: ['AAA', 'AAA', 'BBB', 'BBB', 'CCC', 'CCC'],
      year: [2011, 2012, 2011, 2012, 2011, 2012],
      lq: [2.2705, 1.5, 0.8, null, 0.4, 0.5],
    }),
    ranking: tableFromColumns({ province: ['AAA', 'BBB', 'CCC'], mean: [1.88525, 0.8, 0.45], rank: [1, 2, 3] }),
    provinces: tableFromColumns({ code: ['AAA', 'BBB', 'CCC'], name_en: ['Alpha & <Beta>', 'Bravo', 'Charlie'], region: ['East', 'West', 'East'] }),
    paper_ranking: tableFromColumns({ rank: [1, 2, 3], region: ['Bravo', 'Alpha & <Beta>', 'Charlie'], average_agglomeration: [1.5, 1.2, 0.3] }),
    within: model('within', 't', 351, [['gdp', -0.15082009499948376, 0.05128873010668477], ['pcw', 0.2, 0.1]]),
    random: model('random', 'normal', 380, [['(Intercept)', 2.862867783538372, 0.48323113834903647], ['gdp', -0.1, 0.05], ['pcw', 0.3, 0.1]]),
    table4: tableFromColumns({ variable: ['idt', 'gdp'], n: [6, 6], mean: [0.963222, 9.9375], sd: [0.31, 0.87] }),
    table5: {
      title: 'Table 5. Fixed effects',
      columns: ['idt (FE)'],
      rows: [
        { term: 'gdp', kind: 'coefficient', cells: ['-0.151**'] },
        { term: '', kind: 'statistic', cells: ['(-2.941)'] },
        { term: 'N', kind: 'summary', cells: ['390'] },
      ],
      note: 't statistics in parentheses.',
    },
    comparison: { spearman: 0.7595416, n: 3, top_ours: ['Alpha', 'Bravo'], top_paper: ['Bravo', 'Alpha'] },
    dictionary: tableFromColumns({
      file: ['tidy/panel.csv', 'tidy/panel.csv', 'tidy/other.csv'],
      column: ['employment', 'gdp', 'secret'],
      description: ['STAND-IN for employment', 'gross regional product', 'not read by this pipeline'],
      unit: ['10k persons', '100m yuan', ''],
      status: ['synthetic', 'real', 'synthetic'],
    }),
    pipeline: pipelineInfo as unknown as Value,
  };
}
