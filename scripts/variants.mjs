#!/usr/bin/env node
// `npm run variants`: the default study and its base-table variants side by side against the
// paper (issue 8, item 7): Spearman's rho of Table 2, idt's mean and SD vs Table 4, Table 5
// signs and significance, F and Hausman. Runs each pipeline through the CLI (cached runs are
// quick) and writes results/variants.md and results/variants.csv.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'agglo.js');
const VARIANTS = [
  ['default: nearest of 2012/2017 (pipelines/paper.yaml)', 'pipelines/paper.yaml'],
  ['2012 tables only', 'pipelines/examples/base-2012-only.yaml'],
  ['2007 tables (the former default)', 'pipelines/examples/base-2007.yaml'],
  ['default with complete coefficients', 'pipelines/examples/complete-coefficients.yaml'],
];

const agglo = (args) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
const rows = [];
for (const [label, file] of VARIANTS) {
  const run = agglo(['run', file]);
  if (run.status !== 0) { process.stderr.write(run.stderr); process.exit(run.status ?? 1); }
  const s = JSON.parse(agglo(['show', 'comparison', '--output', 'summary', '-p', file, '--json']).stdout);
  rows.push({ label, file, ...s });
  process.stdout.write(`${file}: done\n`);
}
const f = (x, d = 3) => (typeof x === 'number' ? x.toFixed(d) : 'NA');
const p0 = rows[0];
const head = ['base tables', 'Spearman ρ (Table 2)', 'idt mean', 'idt SD', 'Table 5 same sign', 'same significance (0.05)', 'F', 'Hausman'];
const lines = [
  '# The base-table variants against the paper',
  '',
  '| ' + head.join(' | ') + ' |',
  '|' + head.map((_, i) => (i === 0 ? '---' : '---:')).join('|') + '|',
  ...rows.map((r) => `| ${r.label} | ${f(r.spearman)} | ${f(r.idt_mean)} | ${f(r.idt_sd)} | ${r.same_sign} of ${r.coefficients_compared} | ${r.same_significance} of ${r.coefficients_compared} | ${f(r.f_individual, 2)} | ${f(r.hausman, 2)} |`),
  `| the paper | 1 | ${f(p0.paper_idt_mean)} | ${f(p0.paper_idt_sd)} | | | ${f(p0.paper_f_individual, 2)} | ${f(p0.paper_hausman, 2)} |`,
  '',
  'Written by `npm run variants` from each pipeline\'s `comparison` stage (results/…/comparison.md has the details).',
  '',
];
fs.mkdirSync(path.join(root, 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'results', 'variants.md'), lines.join('\n'));
const csvHead = ['pipeline', 'spearman', 'idt_mean', 'idt_sd', 'same_sign', 'same_significance', 'coefficients_compared', 'f_individual', 'hausman'];
fs.writeFileSync(path.join(root, 'results', 'variants.csv'), [csvHead.join(','), ...rows.map((r) => [r.file, ...csvHead.slice(1).map((k) => r[k])].join(','))].join('\n') + '\n');
process.stdout.write(lines.join('\n'));
