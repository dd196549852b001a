/**
 * Provenance: what produced the report (agglo version, pipeline, build time), every stage's
 * step, version, status, time and fingerprint, every input file's sha256, and which inputs
 * are synthetic (from the data dictionary's `status` column).
 */
import type { PipelineInfo } from '../../engine/pipeline-info.js';
import { column, numericColumn } from '../../engine/table.js';
import { estimatesListedIn } from '../cell-flags.js';
import type { Table } from '../../engine/value.js';
import { formatMs } from './dag-chart.js';
import { sameFile, type DictionaryEntry } from './data.js';
import { esc, htmlTable, type HtmlCell } from './html.js';

/** Dictionary entries marked synthetic, limited to the files the pipeline reads (all of them when it reads none). */
export function syntheticEntries(dict: DictionaryEntry[], info: PipelineInfo | undefined): DictionaryEntry[] {
  const synthetic = dict.filter((d) => d.status === 'synthetic');
  const files = info?.files ?? [];
  if (files.length === 0) return synthetic;
  return synthetic.filter((d) => files.some((f) => sameFile(f.path, d.file)));
}

/** The warning shown under the title when any input is synthetic or a note is given. */
export function syntheticBanner(note: string | undefined, synthetic: DictionaryEntry[]): string {
  if (!note && synthetic.length === 0) return '';
  const byFile = new Map<string, string[]>();
  for (const s of synthetic) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s.column]);
  const list = [...byFile.entries()].map(([f, cols]) => `<li><code>${esc(f)}</code>: ${cols.map((c) => `<code>${esc(c)}</code>`).join(', ')}</li>`).join('');
  return [
    '<div class="warning" id="synthetic-warning" role="note">',
    // The paper pipeline's note already starts with "SYNTHETIC INPUTS:"; no second label then.
    note && /^\s*synthetic inputs\b/i.test(note) ? '' : '<strong>Synthetic inputs.</strong> ',
    note ? esc(note) : '',
    list ? `<p>Columns marked <code>synthetic</code> in the data dictionary:</p><ul>${list}</ul>` : '',
    '</div>',
  ].join('');
}

/** The box under the title saying how many cells of each model variable are estimated (cell-flags summary). */
export function estimatesBanner(summary: Table): string {
  const v = column(summary, 'variable', 'input `estimates`'), n = numericColumn(summary, 'estimated', 'input `estimates`');
  const cells = numericColumn(summary, 'cells', 'input `estimates`'), where = column(summary, 'where', 'input `estimates`');
  const listed = estimatesListedIn(summary);
  const items = v.map((name, i) => (n[i]! > 0 ? `<li><code>${esc(String(name))}</code>: ${n[i]} of ${cells[i]} cells estimated (${esc(String(where[i] ?? ''))})</li>` : '')).join('');
  if (!items) return '<div class="note" id="estimates-note" role="note">Every cell of the model variables is real or derived from real data.</div>';
  return [
    '<div class="warning" id="estimates-warning" role="note">',
    `<strong>Estimated cells.</strong> Where no published value exists, a cell is estimated along a real related series (methods in docs/data.md${listed ? `; every cell in ${esc(listed)}` : ''}):`,
    `<ul>${items}</ul>`,
    '</div>',
  ].join('');
}

/** The provenance section body. */
export function provenanceHtml(info: PipelineInfo, synthetic: DictionaryEntry[]): string {
  const counts = new Map<string, number>();
  for (const s of info.stages) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const facts = [
    ['agglo version', info.agglo],
    ['Pipeline', info.pipeline],
    ['Built at', info.builtAt],
    // The report's own stage is not among them: `agglo run` counts it too (one more).
    ['Stages', `${info.stages.length} besides this report (${[...counts.entries()].map(([k, n]) => `${n} ${k}`).join(', ')})`],
  ];
  const factsHtml = `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
  const explain = '<p class="note">Statuses and times are those of the run that built this report. The report is cached like any stage: it is rebuilt only when a result it shows (a stage fingerprint or an input file) changes.</p>';
  const stageRows: HtmlCell[][] = info.stages.map((s) => [
    s.id, s.step, s.stepVersion, s.source, String(s.items),
    { text: s.status, cls: `status-${s.status}` }, formatMs(s.ms),
    { text: s.fingerprint.slice(0, 12), cls: 'hash' }, s.reason,
  ]);
  const stages = htmlTable(['Stage', 'Step', 'Version', 'Source', 'Items', 'Status', 'Time', 'Fingerprint', 'Why it ran'], stageRows, { caption: 'Stages', numeric: [false, false, false, false, true, false, true, false, false], cls: 'data provenance-stages' });
  const fileSynthetic = info.files.map((f) => synthetic.filter((s) => sameFile(f.path, s.file)).map((s) => s.column));
  const fileRows: HtmlCell[][] = info.files.map((f, i) => [f.path, f.hash ? { text: f.hash, cls: 'hash' } : '(does not exist)', fileSynthetic[i]!.join(', ')]);
  const files = htmlTable(['File', 'sha256', 'Synthetic columns'], fileRows, { caption: 'Input files', cls: 'data provenance-files', rowClass: (i) => (fileSynthetic[i]!.length > 0 ? 'synthetic' : undefined) });
  const synth = synthetic.length === 0 ? '' : htmlTable(['File', 'Column', 'Description'], synthetic.map((s) => [s.file, s.column, s.description]), { caption: 'Synthetic columns (data dictionary)', cls: 'data provenance-synthetic' });
  return [factsHtml, explain, stages, files, synth].join('\n');
}
