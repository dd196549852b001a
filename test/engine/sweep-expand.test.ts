import { describe, expect, test } from 'vitest';
import type { SourceRange } from '../../engine/diagnostic.js';
import { crossSize, expandVariants, variantId } from '../../engine/sweep-expand.js';
import type { SweepDimension } from '../../engine/sweep-file.js';

const at: SourceRange = { file: 's.yaml', line: 1, col: 1, endLine: 1, endCol: 1 };
const dims: SweepDimension[] = [
  { name: 'years', choices: [{ name: 'all' }, { name: 'late' }] },
  { name: 'est', choices: [{ name: 'within' }, { name: 'random' }, { name: 'pooled' }] },
];

describe('sweep variants', () => {
  test('the cross product, last dimension fastest, ids in dimension order', () => {
    const vs = expandVariants({ dimensions: dims, exclude: [], include: [] });
    expect(crossSize(dims)).toBe(6);
    expect(vs.map((v) => v.id)).toEqual([
      'years=all,est=within', 'years=all,est=random', 'years=all,est=pooled',
      'years=late,est=within', 'years=late,est=random', 'years=late,est=pooled',
    ]);
    expect(vs[4]!.choices).toEqual({ years: 'late', est: 'random' });
  });

  test('exclude drops every combination a partial map matches', () => {
    const vs = expandVariants({ dimensions: dims, exclude: [{ choices: { years: 'late' }, at }, { choices: { years: 'all', est: 'pooled' }, at }], include: [] });
    expect(vs.map((v) => v.id)).toEqual(['years=all,est=within', 'years=all,est=random']);
  });

  test('include adds excluded combinations back once, after the cross product', () => {
    const late = { choices: { est: 'random', years: 'late' }, at };
    const vs = expandVariants({ dimensions: dims, exclude: [{ choices: { years: 'late' }, at }], include: [late, late, { choices: { years: 'all', est: 'within' }, at }] });
    expect(vs.map((v) => v.id)).toEqual(['years=all,est=within', 'years=all,est=random', 'years=all,est=pooled', 'years=late,est=random']);
  });

  test('an id lists the dimensions in declaration order whatever the order of the map', () => {
    expect(variantId(dims, { est: 'pooled', years: 'all' })).toBe('years=all,est=pooled');
  });
});
