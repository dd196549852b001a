import { describe, expect, it } from 'vitest';
import { alignRows, formatCellText, formatNumber, formatTable } from '../../engine/format-table.js';
import type { Table } from '../../engine/value.js';

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [-7, '-7'],
    [999999999999999, '999999999999999'], // largest integer below 1e15 stays plain
    [1e15, '1.000000e+15'],
    [0.1 + 0.2, '0.3'], // 10 significant digits hide the binary noise
    [1 / 3, '0.3333333333'],
    [123456.789012345, '123456.789'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234000e-5'],
    [-2.5e-7, '-2.500000e-7'],
    [1.5e20, '1.500000e+20'],
  ])('%s → %s', (n, text) => {
    expect(formatNumber(n)).toBe(text);
  });
});

describe('formatCellText', () => {
  it('shows missing as NA and other cells as text', () => {
    expect(formatCellText(null)).toBe('NA');
    expect(formatCellText(undefined)).toBe('NA');
    expect(formatCellText(true)).toBe('true');
    expect(formatCellText('BEJ')).toBe('BEJ');
    expect(formatCellText(0.1 + 0.2)).toBe('0.3');
  });
});

describe('alignRows', () => {
  it('pads to the widest cell, right-aligns where asked, trims line ends', () => {
    const text = alignRows(['name', 'n'], [['a', '1'], ['longer', '100']], [false, true]);
    expect(text).toBe(['name      n', '------  ---', 'a         1', 'longer  100', ''].join('\n'));
  });
});

describe('formatTable', () => {
  const t: Table = {
    kind: 'table',
    columns: [
      { name: 'province', values: ['BEJ', 'TJ', 'HEB'] },
      { name: 'gdp', values: [1.5, null, 12] },
    ],
  };

  it('renders a header, a rule and the rows, numbers right-aligned and missing as NA', () => {
    expect(formatTable(t)).toBe(['province  gdp', '--------  ---', 'BEJ       1.5', 'TJ         NA', 'HEB        12', ''].join('\n'));
  });

  it('cuts long tables and says how many rows are hidden', () => {
    expect(formatTable(t, 2)).toBe(['province  gdp', '--------  ---', 'BEJ       1.5', 'TJ         NA', '… 1 more rows (use --csv for all)', ''].join('\n'));
  });

  it('renders a table without rows as its header', () => {
    expect(formatTable({ kind: 'table', columns: [{ name: 'x', values: [] }] })).toBe('x\n-\n');
  });
});
