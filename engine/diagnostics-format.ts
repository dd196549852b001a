/**
 * Renders diagnostics for the terminal, compiler style:
 *
 * ```
 * pipelines/paper.yaml:12:11 error unknown-step: stage `fe` uses step `panel-regresion`, which is not registered
 *    12 |     step: panel-regresion
 *       |           ~~~~~~~~~~~~~~~
 *   did you mean `panel-regression`?
 * ```
 *
 * followed by a summary such as `2 errors in pipelines/paper.yaml`.
 */
import type { Diagnostic, SourceRange } from './diagnostic.js';

/** Printing options. */
export interface FormatOptions {
  /** ANSI colours (for a terminal); off by default so the output can be compared exactly. */
  readonly color?: boolean;
}

const ANSI = { red: '31', yellow: '33', cyan: '36', bold: '1', dim: '2' } as const;

function paint(on: boolean, code: keyof typeof ANSI, s: string): string {
  return on ? `\u001b[${ANSI[code]}m${s}\u001b[0m` : s;
}

/** Width of the line-number gutter: at least 5, as in the examples in the docs. */
function gutterWidth(diags: readonly Diagnostic[]): number {
  let max = 0;
  for (const d of diags) {
    max = Math.max(max, d.line);
    for (const r of d.related ?? []) max = Math.max(max, r.line);
  }
  return Math.max(5, String(max).length + 1);
}

/**
 * The source line of `r` with a `~` underline. A range spanning several lines is underlined
 * to the end of its first line. Tabs are shown as one space so the columns still line up.
 */
function snippet(r: SourceRange, lines: readonly string[] | undefined, width: number, color: boolean, tint: 'red' | 'yellow' | 'cyan'): string[] {
  const text = lines?.[r.line - 1];
  if (text === undefined) return [];
  const shown = text.replace(/\t/g, ' ').replace(/\r$/, '');
  const start = Math.min(Math.max(r.col, 1), shown.length + 1);
  const end = r.endLine === r.line ? Math.min(r.endCol, shown.length + 1) : shown.length + 1;
  const len = Math.max(1, end - start);
  const bar = paint(color, 'dim', '|');
  return [
    `${paint(color, 'dim', String(r.line).padStart(width))} ${bar} ${shown}`,
    `${' '.repeat(width)} ${bar} ${' '.repeat(start - 1)}${paint(color, tint, '~'.repeat(len))}`,
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The closing line: "2 errors in pipelines/paper.yaml", "1 error and 1 warning in a.yaml, b.yaml". */
export function summaryLine(diags: readonly Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(' and ');
  const files = [...new Set(diags.map((d) => d.file))];
  return `${counts} in ${files.join(', ')}`;
}

/**
 * Prints diagnostics in file and position order, each with its source line, underline,
 * hint and related places, then one summary line. `sources` maps a diagnostic's `file`
 * (the display path) to the file's text; diagnostics of unknown files print without source.
 * Returns "" when there is nothing to report.
 */
export function formatDiagnostics(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, opts: FormatOptions = {}): string {
  if (diags.length === 0) return '';
  const color = opts.color ?? false;
  const width = gutterWidth(diags);
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    if (!lineCache.has(file)) {
      const text = sources.get(file);
      if (text === undefined) return undefined;
      lineCache.set(file, text.split('\n'));
    }
    return lineCache.get(file);
  };
  const sorted = [...diags].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  const blocks: string[] = [];
  for (const d of sorted) {
    const tint = d.severity === 'error' ? 'red' : 'yellow';
    const out = [`${paint(color, 'bold', `${d.file}:${d.line}:${d.col}`)} ${paint(color, tint, d.severity)} ${paint(color, 'bold', d.code)}: ${d.message}`];
    out.push(...snippet(d, linesOf(d.file), width, color, tint));
    if (d.hint !== undefined) out.push(`  ${paint(color, 'cyan', d.hint)}`);
    for (const r of d.related ?? []) {
      out.push(`  ${paint(color, 'bold', `${r.file}:${r.line}:${r.col}`)} note: ${r.message}`);
      out.push(...snippet(r, linesOf(r.file), width, color, 'cyan'));
    }
    blocks.push(out.join('\n'));
  }
  return `${blocks.join('\n\n')}\n\n${summaryLine(diags)}\n`;
}
