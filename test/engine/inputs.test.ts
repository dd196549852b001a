import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expandItems } from '../../engine/items.js';
import { gather, InputSelector, selectionHash, type Producer, type Selection } from '../../engine/inputs.js';
import type { ItemKey, Table } from '../../engine/value.js';

/** A producer whose task t has output hash "h<t>" (or unknown where listed). */
function producer(dims: { name: string; values: (string | number)[] }[], unknown: number[] = []): Producer {
  const items = expandItems(dims);
  return {
    id: 'up',
    dims: dims.map((d) => d.name),
    items,
    outputHash: (t, o) => (unknown.includes(t) ? undefined : `${o}-h${t}`),
  };
}

const byPY = producer([
  { name: 'province', values: ['A', 'B'] },
  { name: 'year', values: [2011, 2012] },
]);
// tasks: 0 A/2011, 1 A/2012, 2 B/2011, 3 B/2012

describe('InputSelector', () => {
  it('a producer without foreach gives its single task to any consumer', () => {
    const single = producer([]);
    expect(new InputSelector(single, []).select(undefined)).toEqual({ mode: 'single', tasks: [0] });
    expect(new InputSelector(single, ['year']).select({ year: 2011 })).toEqual({ mode: 'single', tasks: [0] });
  });

  it('same dimensions: the one matching item', () => {
    const sel = new InputSelector(byPY, ['province', 'year']);
    expect(sel.select({ province: 'B', year: 2011 })).toEqual({ mode: 'one', tasks: [2] });
  });

  it('a finer consumer gets the one item matching on the producer dimensions', () => {
    const byYear = producer([{ name: 'year', values: [2011, 2012] }]);
    const sel = new InputSelector(byYear, ['province', 'year']);
    expect(sel.select({ province: 'B', year: 2012 })).toEqual({ mode: 'one', tasks: [1] });
  });

  it('a consumer without foreach gathers every item', () => {
    expect(new InputSelector(byPY, []).select(undefined)).toEqual({ mode: 'gather', tasks: [0, 1, 2, 3] });
  });

  it('a consumer sharing one dimension gathers the items that agree on it', () => {
    const sel = new InputSelector(byPY, ['year']);
    expect(sel.select({ year: 2012 })).toEqual({ mode: 'gather', tasks: [1, 3] });
  });

  it('a consumer with disjoint dimensions gathers every item', () => {
    expect(new InputSelector(byPY, ['sector']).select({ sector: 'x' })).toEqual({ mode: 'gather', tasks: [0, 1, 2, 3] });
  });

  it('names the missing item when the producer has no match', () => {
    const sel = new InputSelector(byPY, ['year']);
    const r = sel.select({ year: 2020 });
    expect(r).toEqual({ error: 'upstream stage `up` has no item year=2020' });
  });

  it('matches numeric and string item values by their text (2011 and "2011" are the same item)', () => {
    const sel = new InputSelector(byPY, ['year']);
    expect(sel.select({ year: '2011' })).toEqual({ mode: 'gather', tasks: [0, 2] });
  });
});

describe('selectionHash', () => {
  it('single and one: the output hash of that task', () => {
    expect(selectionHash(byPY, { mode: 'one', tasks: [3] }, 'table')).toBe('table-h3');
    expect(selectionHash(producer([]), { mode: 'single', tasks: [0] }, 'out')).toBe('out-h0');
  });

  it('gather: sha256 of the canonical JSON of [item, hash] pairs (item types kept), in task order', () => {
    const sel: Selection = { mode: 'gather', tasks: [1, 3] };
    // Canonical JSON written by hand for the two selected items.
    const text = '[[{"province":"A","year":2012},"t-h1"],[{"province":"B","year":2012},"t-h3"]]';
    expect(selectionHash(byPY, sel, 't')).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('gather: differs when the item set differs, even if every hash is the same', () => {
    const same: Producer = { ...byPY, outputHash: () => 'h' };
    expect(selectionHash(same, { mode: 'gather', tasks: [0, 1] }, 'o')).not.toBe(selectionHash(same, { mode: 'gather', tasks: [0, 2] }, 'o'));
  });

  it('is undefined while any selected output is unknown', () => {
    const p = producer([{ name: 'year', values: [1, 2, 3] }], [1]);
    expect(selectionHash(p, { mode: 'gather', tasks: [0, 1, 2] }, 'o')).toBeUndefined();
    expect(selectionHash(p, { mode: 'one', tasks: [1] }, 'o')).toBeUndefined();
    expect(selectionHash(p, { mode: 'gather', tasks: [0, 2] }, 'o')).toBeDefined();
  });
});

describe('gather', () => {
  const t = (x: number[]): Table => ({ kind: 'table', columns: [{ name: 'x', values: x }] });

  it('stacks tables with the item keys as leading columns, in dimension order', () => {
    const keys: ItemKey[] = [{ province: 'A', year: 2011 }, { province: 'B', year: 2012 }];
    expect(gather(keys, [t([1, 2]), t([3])], ['province', 'year'])).toEqual({
      kind: 'table',
      columns: [
        { name: 'province', values: ['A', 'A', 'B'] },
        { name: 'year', values: [2011, 2011, 2012] },
        { name: 'x', values: [1, 2, 3] },
      ],
    });
  });

  it('does not duplicate a key column the tables already have', () => {
    const withYear: Table = { kind: 'table', columns: [{ name: 'year', values: [2011] }, { name: 'x', values: [1] }] };
    const out = gather([{ year: 2011 }], [withYear], ['year']) as Table;
    expect(out.columns.map((c) => c.name)).toEqual(['year', 'x']);
  });

  it('stacks tables with different columns, filling missing cells with null', () => {
    const other: Table = { kind: 'table', columns: [{ name: 'y', values: ['u'] }] };
    const out = gather([{ k: 1 }, { k: 2 }], [t([5]), other], ['k']) as Table;
    expect(out.columns).toEqual([
      { name: 'k', values: [1, 2] },
      { name: 'x', values: [5, null] },
      { name: 'y', values: [null, 'u'] },
    ]);
  });

  it('gives a Collection keyed by item when any value is not a table', () => {
    const keys: ItemKey[] = [{ year: 2011 }, { year: 2012 }];
    expect(gather(keys, [t([1]), { a: 1 }], ['year'])).toEqual({
      kind: 'collection',
      items: [{ key: { year: 2011 }, value: t([1]) }, { key: { year: 2012 }, value: { a: 1 } }],
    });
  });
});
