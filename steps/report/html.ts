/**
 * HTML building blocks for the report: escaping, tables, figures and the page shell with
 * its inline stylesheet. Every piece of text from data goes through {@link esc}; the only
 * markup taken as is is SVG produced by vega's renderer (which escapes its own text).
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(text: string | number | boolean | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for a table cell: integers as they are, others with `digits` decimals. */
export function fmtNumber(v: unknown, digits = 3): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '' : String(v);
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** One cell of {@link htmlTable}: text, or text with a class (e.g. "num"). */
export type HtmlCell = string | { text: string; cls?: string };

/** A table with a header row; cells are escaped here. */
export function htmlTable(head: string[], rows: HtmlCell[][], opts: { caption?: string; cls?: string; numeric?: boolean[]; rowClass?: (i: number) => string | undefined } = {}): string {
  const td = (c: HtmlCell, i: number, tag: 'td' | 'th') => {
    const text = typeof c === 'string' ? c : c.text;
    const cls = [typeof c === 'string' ? undefined : c.cls, opts.numeric?.[i] ? 'num' : undefined].filter(Boolean).join(' ');
    return `<${tag}${cls ? ` class="${esc(cls)}"` : ''}>${esc(text)}</${tag}>`;
  };
  return [
    `<table${opts.cls ? ` class="${esc(opts.cls)}"` : ''}>`,
    opts.caption ? `<caption>${esc(opts.caption)}</caption>` : '',
    `<thead><tr>${head.map((h, i) => td(h, i, 'th')).join('')}</tr></thead>`,
    `<tbody>${rows.map((r, ri) => {
      const rc = opts.rowClass?.(ri);
      return `<tr${rc ? ` class="${esc(rc)}"` : ''}>${r.map((c, i) => td(c, i, 'td')).join('')}</tr>`;
    }).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** A chart: trusted SVG markup from vega with an id and a caption. */
export function figure(id: string, svg: string, caption: string): string {
  return `<figure class="chart" id="${esc(id)}">\n${svg}\n<figcaption>${esc(caption)}</figcaption>\n</figure>`;
}

/** A report section. `body` is already HTML. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; margin: 0 0 1rem; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
.warning strong { color: #7d4e00; }
nav ol { columns: 2; padding-left: 1.25rem; }
figure.chart { margin: 1rem 0; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #57606a; font-size: .9rem; margin-top: .25rem; }
table { border-collapse: collapse; margin: .75rem 0; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .35rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #d8dee4; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #8c959f; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.hash, code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .82rem; }
td.hash { word-break: break-all; }
tr.synthetic td { background: #fff8c5; }
table.regression td { border-bottom: none; padding: .05rem .6rem; }
table.regression tr.statistic td { color: #57606a; font-size: .85rem; padding-bottom: .3rem; }
table.regression tr.first-summary td { border-top: 1px solid #8c959f; }
table.regression tbody tr:last-child td { border-bottom: 2px solid #8c959f; }
.status-ran { color: #9a6700; font-weight: 600; }
.status-cached { color: #1a7f37; }
.status-failed, .status-skipped { color: #cf222e; font-weight: 600; }
.note { color: #57606a; font-size: .9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
@media print { figure.chart { break-inside: avoid; } }
`;

/** The whole self-contained page: no scripts, no external resources. */
export function page(title: string, meta: string, banner: string, sections: Section[]): string {
  const nav = `<nav aria-label="Contents"><ol>${sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`).join('')}</ol></nav>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty icon keeps the browser from asking for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">${meta}</p>`,
    banner,
    nav,
    ...sections.map((s) => `<section id="${esc(s.id)}">\n<h2>${esc(s.title)}</h2>\n${s.body}\n</section>`),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
