import { expect, test } from 'vitest';
import type { Diagnostic } from '../../engine/diagnostic.js';
import { formatDiagnostics, summaryLine } from '../../engine/diagnostics-format.js';

const source = `${'#\n'.repeat(11)}    step: panel-regresion\n`;
const unknownStep: Diagnostic = {
  severity: 'error', code: 'unknown-step', message: 'stage `fe` uses step `panel-regresion`, which is not registered',
  file: 'pipelines/paper.yaml', line: 12, col: 11, endLine: 12, endCol: 26, hint: 'did you mean `panel-regression`?',
};

test('prints the form given in the design brief, character for character', () => {
  // Expected text copied from the task description (the documented output format).
  expect(formatDiagnostics([unknownStep], new Map([['pipelines/paper.yaml', source]]))).toBe(
    'pipelines/paper.yaml:12:11 error unknown-step: stage `fe` uses step `panel-regresion`, which is not registered\n' +
    '   12 |     step: panel-regresion\n' +
    '      |           ~~~~~~~~~~~~~~~\n' +
    '  did you mean `panel-regression`?\n' +
    '\n' +
    '1 error in pipelines/paper.yaml\n',
  );
});

test('sorts by position, prints related places, and multi-line ranges underline to the end of the line', () => {
  const text = 'a: 1\nbb: [x,\n  y]\n';
  const diags: Diagnostic[] = [
    { severity: 'warning', code: 'w', message: 'second', file: 'f.yaml', line: 2, col: 5, endLine: 3, endCol: 5 },
    { severity: 'error', code: 'e', message: 'first', file: 'f.yaml', line: 1, col: 1, endLine: 1, endCol: 2, related: [{ file: 'f.yaml', line: 3, col: 3, endLine: 3, endCol: 4, message: 'here' }] },
  ];
  expect(formatDiagnostics(diags, new Map([['f.yaml', text]]))).toBe([
    'f.yaml:1:1 error e: first',
    '    1 | a: 1',
    '      | ~',
    '  f.yaml:3:3 note: here',
    '    3 |   y]',
    '      |   ~',
    '',
    'f.yaml:2:5 warning w: second',
    '    2 | bb: [x,',
    '      |     ~~~',
    '',
    '1 error and 1 warning in f.yaml',
    '',
  ].join('\n'));
});

test('a file without source prints only the header; nothing to report prints nothing', () => {
  const d: Diagnostic = { ...unknownStep, file: 'other.yaml', hint: undefined };
  expect(formatDiagnostics([d], new Map())).toBe(`other.yaml:12:11 error unknown-step: ${d.message}\n\n1 error in other.yaml\n`);
  expect(formatDiagnostics([], new Map())).toBe('');
});

test('summary counts and colour', () => {
  expect(summaryLine([unknownStep, unknownStep, { ...unknownStep, file: 'b.yaml' }])).toBe('3 errors in pipelines/paper.yaml, b.yaml');
  const colored = formatDiagnostics([unknownStep], new Map([['pipelines/paper.yaml', source]]), { color: true });
  expect(colored).toContain('\u001b[31merror\u001b[0m');
  expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(formatDiagnostics([unknownStep], new Map([['pipelines/paper.yaml', source]])));
});
