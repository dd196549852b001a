/**
 * Issue 10, item 2: labels follow the params. A copy of the project runs pipelines/paper.yaml,
 * then a variation of it (`extends`) with other years (2013..2023), the `within` stage
 * switched to random effects and `urban` replaced by a new regressor `urban_sq` in `x`.
 * Every output that carries a year span, an estimator or the model's variables must say the
 * variation's and never the paper's: the tables in results/, the report's title and table
 * captions, and comparison.md (which names the terms it could not match).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo, repo } from './support.js';

const variation = `extends: paper.yaml
params:
  results: results/labels
  years: 2013..2023
  x: [gdp, pcw, del, estr, pdl, rd, urban_sq, med, psl]
stages:
  variables: { params: { columns: { urban_sq: "urbanization_rate * urbanization_rate" } } }
  within: { params: { model: random } }
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'agglo-labels-'));
  for (const sub of ['data', 'pipelines']) fs.cpSync(path.join(repo, sub), path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'pipelines', 'labels.yaml'), variation);
  const paper = agglo(dir, 'run');
  expect(paper.code, paper.stderr).toBe(0);
  const varied = agglo(dir, 'run', 'pipelines/labels.yaml');
  expect(varied.code, varied.stderr).toBe(0);
}, 300_000);
afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const read = (folder: string, file: string) => fs.readFileSync(path.join(dir, folder, file), 'utf8');
const paper = (file: string) => read('results', file);
const varied = (file: string) => read('results/labels', file);
/** The first column of a CSV (no quoted commas in it here). */
const firstColumn = (csv: string) => csv.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
const captions = (html: string) => [...html.matchAll(/<caption>([^<]*)<\/caption>/g)].map((m) => m[1]);
const tag = (html: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(html)?.[1];

// The paper's variables (pipelines/paper.yaml: y idt, x as listed there) and the variation's.
const paperVariables = ['idt', 'gdp', 'pcw', 'del', 'estr', 'pdl', 'rd', 'urban', 'med', 'psl'];
const variedVariables = ['idt', 'gdp', 'pcw', 'del', 'estr', 'pdl', 'rd', 'urban_sq', 'med', 'psl'];

describe('the paper\'s own labels (the baseline the variation must not repeat)', () => {
  it('Table 5, Table 4, comparison.md and the report say fixed effects, 2011–2023 and urban', () => {
    expect(paper('table5_regression.md').split('\n').slice(0, 3)).toEqual(['**Table 5. Individual fixed-effects regression of idt**', '', '| | idt (FE) |']);
    expect(firstColumn(paper('table4_descriptive.csv'))).toEqual(paperVariables);
    expect(paper('comparison.md')).toContain('## Individual fixed-effects coefficients (Table 5)');
    expect(paper('comparison.md')).toContain('The constant (`_cons` in the paper) is not compared.');
    const html = paper('report.html');
    expect(tag(html, 'title')).toBe('Agglomeration of industrial digitalization talents in China, 2011–2023: study report');
    expect(captions(html)).toContain('Table 5. Individual fixed-effects regression of idt');
  });
});

describe('a variation with years 2013..2023, model: random and urban_sq in x', () => {
  it('Table 5 (.md, .tex, .csv): the random-effects title, heading and z statistics; urban_sq, not urban', () => {
    const md = varied('table5_regression.md');
    expect(md.split('\n').slice(0, 3)).toEqual(['**Table 5. Individual random-effects regression of idt**', '', '| | idt (RE) |']);
    expect(md).toMatch(/^\| urban_sq \| /m);
    expect(md).not.toMatch(/^\| urban \| /m);
    // N = 30 provinces × 11 years (2013–2023).
    expect(md).toContain('| N | 330 |');
    // panel-regression's random-effects model reports z statistics (distribution: normal).
    expect(md).toMatch(/^z statistics in parentheses; /m);
    const tex = varied('table5_regression.tex');
    expect(tex).toContain('\\caption{Table 5. Individual random-effects regression of idt}');
    expect(tex).toContain(' & idt (RE) \\\\');
    expect(varied('table5_regression.csv').split('\n')[0]).toBe('term,idt (RE)');
    for (const text of [md, tex, varied('table5_regression.csv')]) {
      expect(text).not.toMatch(/fixed-effects|fixed effects|\(FE\)|t statistics/);
    }
  });

  it('Table 4: one row per variable of the new model, each with its own description, 330 observations', () => {
    const csv = varied('table4_descriptive.csv');
    expect(firstColumn(csv)).toEqual(variedVariables);
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('variable,description,n,mean,sd,min,max,missing,estimated,note');
    // urban_sq has no entry in paper.yaml's `descriptions`: its own name, not urban's text.
    expect(rows.find((l) => l.startsWith('urban_sq,'))).toMatch(/^urban_sq,urban_sq,330,/);
    expect(csv).not.toContain('Urbanization rate');
    expect(rows.slice(1).every((l) => /,330,/.test(l))).toBe(true);
  });

  it('Table 1: the variation\'s years as columns', () => {
    const years = Array.from({ length: 11 }, (_, i) => String(2013 + i));
    expect(varied('table1_agglomeration.md').split('\n')[2]).toBe(`| province | ${years.join(' | ')} |`);
    expect(varied('table1_agglomeration.csv').split('\n')[0]).toBe(`code,province,${years.join(',')}`);
  });

  it('comparison.md: names our estimator, says it is not the paper\'s, and lists the unmatched terms', () => {
    const md = varied('comparison.md');
    expect(md).toContain('## Individual random-effects coefficients (Table 5)');
    expect(md).toContain("> The paper's Table 5 is estimated with individual fixed effects, ours with individual random effects: the coefficients come from different estimators.");
    // 8 of the paper's 9 slopes are compared: urban has no estimate here, urban_sq is not in the paper.
    expect(md).toMatch(/Same sign: \d of 8; same significance at 0\.05: \d of 8\. Terms not in the paper's Table 5: urban_sq\. Paper terms without an estimate here: urban\. The constant \(`_cons` in the paper\) is not compared\./);
    expect(md).not.toContain('fixed-effects coefficients');
    expect(md).not.toMatch(/^\| urban \| /m);
    expect(md).toMatch(/cells per variable: idt \d+ of 330 /);
  });

  it('the report: title, Table 4 and 5 captions and rows, coefficient plot and comparison follow', () => {
    const html = varied('report.html');
    expect(tag(html, 'title')).toBe('Agglomeration of industrial digitalization talents in China, 2013–2023: study report');
    expect(tag(html, 'h1')).toBe('Agglomeration of industrial digitalization talents in China, 2013–2023: study report');
    expect(captions(html)).toEqual(expect.arrayContaining(['Table 4. Descriptive statistics of the regression variables', 'Table 5. Individual random-effects regression of idt']));
    expect(html).toContain('<th class="num">idt (RE)</th>');
    expect(html).toContain('<td>urban_sq</td><td>urban_sq</td>');
    expect(html).not.toContain('<td>urban</td>');
    expect(html).toContain('one row per model: pooled (pooled OLS), within (individual random effects), random (individual random effects).');
    expect(html).toContain('<dt>Our model (compared with the paper&#39;s Table 5)</dt><dd>individual random effects</dd>');
    expect(html).toContain('<dt>Terms not in the paper&#39;s Table 5</dt><dd>urban_sq</dd>');
    expect(html).toContain('<dt>Paper terms without an estimate here</dt><dd>urban</dd>');
  });

  it('no output of the variation repeats the paper\'s year span or estimator', () => {
    const files = fs.readdirSync(path.join(dir, 'results/labels')).filter((f) => fs.statSync(path.join(dir, 'results/labels', f)).isFile());
    expect(files.sort()).toEqual(['comparison.md', 'estimated_cells.csv', 'model_tests.json', 'report.html', 'table1_agglomeration.csv', 'table1_agglomeration.md', 'table2_ranking.csv', 'table4_descriptive.csv', 'table5_regression.csv', 'table5_regression.md', 'table5_regression.tex']);
    for (const f of files) {
      const text = varied(f);
      expect(text, f).not.toMatch(/2011[-–]2023|idt \(FE\)|fixed-effects regression|Individual fixed-effects/);
      // Only comparison.md may speak of fixed effects: the paper's estimator, in its caution.
      if (f !== 'comparison.md') expect(text, f).not.toMatch(/fixed effects/i);
    }
  });
});
