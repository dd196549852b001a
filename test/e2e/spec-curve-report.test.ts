/**
 * A pipeline whose report reads a sweep's specifications table through read-csv
 * (test/fixtures/spec-curve/pipeline.yaml on the 12-variant fixture beside it): the CLI
 * writes the robustness section with the curve of the one term in `spec_terms`, and a typo
 * in `spec_terms` fails the stage with a message naming the term and a suggestion.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agglo, edit, makeProject, repo } from './support.js';

const fixture = (name: string) => fs.readFileSync(path.join(repo, 'test', 'fixtures', 'spec-curve', name), 'utf8');

describe('report with a specifications input (e2e)', () => {
  const dir = makeProject({ 'pipeline.yaml': fixture('pipeline.yaml'), 'data/specifications.csv': fixture('specifications.csv') });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the specification curve and its summary', () => {
    const r = agglo(dir, 'run', 'pipeline.yaml');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'results', 'spec-curve.html'), 'utf8');
    expect(html).toContain('<h2>Robustness: specification curve</h2>');
    expect(html.match(/<figure class="chart" id="chart-spec-curve-\d+">/g)).toEqual(['<figure class="chart" id="chart-spec-curve-1">']);
    // 12 variants: 12 estimate points and 12 × 2 choice indicators in the chart.
    const svg = /<figure class="chart" id="chart-spec-curve-1">([\s\S]*?)<\/figure>/.exec(html)![1]!;
    const count = (mark: string) => (svg.slice(svg.indexOf(`role-mark ${mark}"`)).split('</g>')[0]!.match(/<path /g) ?? []).length;
    expect(count('estimate_points_marks')).toBe(12);
    expect(count('choices_marks')).toBe(24);
    // Hand-checked in test/steps/report-spec-curve.test.ts: 11 of 12 positive, 9 of 12 at p < 0.05.
    expect(html).toContain('<dt>same sign</dt><dd>91.7% positive (11 positive, 1 negative)</dd>');
    expect(html).toContain('<dt>significant at 0.05</dt><dd>75.0%</dd>');
    expect(html).not.toContain('digital (fe)');
  });

  it('a term not in the table fails with a suggestion, without a stack trace', () => {
    edit(dir, 'pipeline.yaml', 'spec_terms: [agglomeration]', 'spec_terms: [agglomeraton]');
    const r = agglo(dir, 'run', 'pipeline.yaml');
    expect(r.code).not.toBe(0);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toContain('spec_terms lists `agglomeraton`, which is no term of input `specifications`; did you mean `agglomeration`?');
    expect(out).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });
});
