import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../engine/table.js';
import { dagSpec, formatMs } from '../../steps/report/dag-chart.js';
import { coefPoints, entityNames, entityOrder, heatCells, rankLines, sameFile } from '../../steps/report/data.js';
import { esc, htmlTable } from '../../steps/report/html.js';
import { reportInputs } from './report-fixtures.js';

describe('report data', () => {
  it('95% intervals use t(df_resid) or the normal, as R confint()', () => {
    const inputs = reportInputs();
    const { points, terms } = coefPoints([['within', inputs.within as never], ['random', inputs.random as never]], 0.95);
    expect(terms).toEqual(['gdp', 'pcw']);
    const within = points.find((p) => p.model === 'within' && p.term === 'gdp')!;
    // R: -0.15082009499948376 + c(-1, 1) * qt(0.975, 351) * 0.05128873010668477
    expect(within.lo).toBeCloseTo(-0.2516919772634482, 10);
    expect(within.hi).toBeCloseTo(-0.0499482127355193, 10);
    // The constant is left out of the plot (random has one).
    expect(points.filter((p) => p.model === 'random').map((p) => p.term)).toEqual(['gdp', 'pcw']);
    const random = points.find((p) => p.model === 'random' && p.term === 'gdp')!;
    // R: -0.1 + c(-1, 1) * qnorm(0.975) * 0.05
    expect(random.lo).toBeCloseTo(-0.1979981992270027, 10);
    expect(random.hi).toBeCloseTo(-0.0020018007729973, 10);
  });

  it('a 90% interval with 10 df', () => {
    const m = { distribution: 't', df_resid: 10, coefficients: [{ term: 'x', estimate: 0.5, std_error: 0.25 }] };
    const [p] = coefPoints([['m', m]], 0.9).points;
    // R: 0.5 + c(-1, 1) * qt(0.95, 10) * 0.25
    expect(p!.lo).toBeCloseTo(0.0468847192970811, 10);
    expect(p!.hi).toBeCloseTo(0.9531152807029188, 10);
  });

  it('joins our ranking to the published one by name and orders the heatmap by our rank', () => {
    const inputs = reportInputs();
    const { name, region } = entityNames(inputs.provinces as never);
    expect(region.get('CCC')).toBe('East');
    const paper = tableFromColumns({ rank: [1, 2], region: ['bravo ', 'Nowhere'], average_agglomeration: [1.5, 0.1] });
    const cols = { entity: 'province', time: 'year', value: 'lq' };
    const { lines, unmatched } = rankLines(inputs.ranking as never, cols, name, paper, { name: 'region', value: 'average_agglomeration', rank: 'rank' });
    expect(lines.map((l) => [l.name, l.rank, l.paperRank, l.paper])).toEqual([['Alpha & <Beta>', 1, null, null], ['Bravo', 2, 1, 1.5], ['Charlie', 3, null, null]]);
    expect(unmatched).toEqual(['nowhere']);
    const cells = heatCells(inputs.lq as never, cols, name);
    expect(cells).toHaveLength(5); // 6 rows, one null
    expect(entityOrder(cells, lines)).toEqual(['Alpha & <Beta>', 'Bravo', 'Charlie']);
    // Without a ranking: by mean, highest first (Alpha 1.885, Bravo 0.8, Charlie 0.45).
    expect(entityOrder(cells, undefined)).toEqual(['Alpha & <Beta>', 'Bravo', 'Charlie']);
  });

  it('matches pipeline paths to dictionary paths relative to data/', () => {
    expect(sameFile('data/tidy/panel.csv', 'tidy/panel.csv')).toBe(true);
    expect(sameFile('data/tidy/panel.csv', 'panel.csv')).toBe(true);
    expect(sameFile('data/tidy/panel.csv', 'el.csv')).toBe(false);
    expect(sameFile('data/tidy/panel.csv', 'tidy/provinces.csv')).toBe(false);
  });
});

describe('report html and DAG', () => {
  it('escapes the five HTML specials', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(htmlTable(['<h>'], [['1 < 2']], { numeric: [true] })).toContain('<td class="num">1 &lt; 2</td>');
  });

  it('formats times', () => {
    expect(formatMs(3.4)).toBe('3 ms');
    expect(formatMs(1520)).toBe('1.5 s');
    expect(formatMs(65_000)).toBe('1 min 5 s');
  });

  it('draws a box per stage and an edge per dependency', () => {
    const spec = dagSpec([
      { id: 'a', step: 'read-csv', deps: [], status: 'cached', ms: 1, items: 1 },
      { id: 'b', step: 'gras', deps: ['a', 'not-observed'], status: 'ran', ms: 2000, items: 390 },
    ])!;
    const data = spec.data as { name: string; values: Record<string, unknown>[] }[];
    const nodes = data.find((d) => d.name === 'nodes')!.values;
    expect(nodes.map((n) => [n.id, n.step, n.timing])).toEqual([['a', 'read-csv', 'cached · 1 ms'], ['b', 'gras ×390', 'ran · 2.0 s']]);
    expect(nodes[1]!.y as number).toBeGreaterThan(nodes[0]!.y as number);
    expect(data.find((d) => d.name === 'edges')!.values).toHaveLength(1);
    expect(dagSpec([])).toBeUndefined();
  });
});
