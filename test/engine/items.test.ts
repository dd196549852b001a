import { describe, expect, it } from 'vitest';
import { MAX_ITEMS_PER_STAGE, alignment, distinct, expandItems, indexByShared, itemId } from '../../engine/items.js';

describe('itemId', () => {
  it('joins dimension=value pairs in the given dimension order', () => {
    expect(itemId({ province: 'BEJ', year: 2011 })).toBe('province=BEJ,year=2011');
    expect(itemId({ year: 2011, province: 'BEJ' }, ['province', 'year'])).toBe('province=BEJ,year=2011');
    expect(itemId({ province: 'BEJ', year: 2011 }, ['year'])).toBe('year=2011');
  });

  it('is "" for no item (a stage without foreach has one task)', () => {
    expect(itemId(undefined)).toBe('');
    expect(itemId(undefined, ['year'])).toBe('');
  });
});

describe('expandItems', () => {
  it('is the cartesian product with the first dimension varying slowest', () => {
    const items = expandItems([
      { name: 'p', values: ['A', 'B'] },
      { name: 'y', values: [1, 2, 3] },
    ]);
    expect(items).toEqual([
      { p: 'A', y: 1 }, { p: 'A', y: 2 }, { p: 'A', y: 3 },
      { p: 'B', y: 1 }, { p: 'B', y: 2 }, { p: 'B', y: 3 },
    ]);
  });

  it('gives one item per value for one dimension and none for no dimensions', () => {
    expect(expandItems([{ name: 'y', values: [2011] }])).toEqual([{ y: 2011 }]);
    expect(expandItems([])).toEqual([]);
  });

  it('gives no items when a dimension has no values', () => {
    expect(expandItems([{ name: 'p', values: ['A'] }, { name: 'y', values: [] }])).toEqual([]);
  });

  it('refuses a product over the per-stage limit before making any item (callers check first)', () => {
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(() => expandItems([{ name: 'i', values: range(1001) }, { name: 'j', values: range(1000) }])).toThrow(/1,001,000 items .* over the limit of 1,000,000/);
    expect(MAX_ITEMS_PER_STAGE).toBe(1_000_000);
  });
});

describe('distinct', () => {
  it('keeps first-seen order and does not conflate 1 with "1"', () => {
    expect(distinct([3, 1, 3, 2, 1])).toEqual([3, 1, 2]);
    expect(distinct([1, '1', 1])).toEqual([1, '1']);
  });
});

describe('alignment', () => {
  it('one: the consumer has exactly the producer dimensions', () => {
    expect(alignment(['year'], ['year'])).toEqual({ mode: 'one', shared: ['year'] });
  });

  it('one: the consumer has every producer dimension plus more (it is a finer fan-out)', () => {
    expect(alignment(['year'], ['province', 'year'])).toEqual({ mode: 'one', shared: ['year'] });
  });

  it('gather: a consumer without foreach takes every producer item', () => {
    expect(alignment(['province', 'year'], [])).toEqual({ mode: 'gather', shared: [] });
  });

  it('gather over the shared dimension: the consumer lacks some producer dimension', () => {
    // shared keeps the producer's dimension order
    expect(alignment(['province', 'year'], ['year'])).toEqual({ mode: 'gather', shared: ['year'] });
    expect(alignment(['year', 'province', 'sector'], ['sector', 'year'])).toEqual({ mode: 'gather', shared: ['year', 'sector'] });
  });

  it('gather everything: the dimensions are disjoint', () => {
    expect(alignment(['province'], ['year'])).toEqual({ mode: 'gather', shared: [] });
  });

  it('a producer without foreach is never "one" (the input selector treats it as single)', () => {
    expect(alignment([], ['year'])).toEqual({ mode: 'gather', shared: [] });
  });
});

describe('indexByShared', () => {
  it('maps each shared key to the producer item indices, in item order', () => {
    const items = expandItems([
      { name: 'province', values: ['A', 'B'] },
      { name: 'year', values: [2011, 2012] },
    ]);
    const idx = indexByShared(items, ['year']);
    expect([...idx.entries()]).toEqual([
      ['year=2011', [0, 2]],
      ['year=2012', [1, 3]],
    ]);
    expect(indexByShared(items, ['province', 'year']).get('province=B,year=2011')).toEqual([2]);
  });
});

describe('itemId escaping', () => {
  it('percent-encodes values holding "," or "=" so ids stay unambiguous; plain codes are unchanged', async () => {
    const { itemId } = await import('../../engine/items.js');
    expect(itemId({ province: 'BEJ', year: 2011 })).toBe('province=BEJ,year=2011');
    expect(itemId({ table: '2012_139' })).toBe('table=2012_139');
    expect(itemId({ a: 'x,y=z' })).toBe('a=x%2Cy%3Dz');
  });
});
