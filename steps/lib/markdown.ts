/** GitHub-flavoured Markdown tables for the result files. */

/** Escapes the characters that would break a table cell. */
export function mdCell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A Markdown table; `right[j]` right-aligns column j (numbers). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  const rule = `|${header.map((_, j) => (right[j] ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
