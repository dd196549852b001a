import { describe, expect, it } from 'vitest';
import { explainMiss, summarizeReasons, type CurrentParts } from '../../engine/explain.js';
import type { ItemState, StageState } from '../../engine/state.js';

const prevItem: ItemState = { fp: 'fp', inputs: { data: 'in1', raw: 'raw1' }, files: { 'data/x.csv': 'f1' }, outputs: { out: 'o' } };
const prevStage: StageState = { step: 's', stepVersion: '1', stepSource: 'src1', params: { a: 1, b: [1, 2] }, items: { '': prevItem } };
const same: CurrentParts = {
  step: 's', stepVersion: '1', stepSource: 'src1', params: { b: [1, 2], a: 1 },
  inputs: { data: 'in1', raw: 'raw1' }, files: { 'data/x.csv': 'f1' },
  inputLabels: { data: '`panel`', raw: 'file `data/raw.csv`' },
};

/** Everything changed at once; each step of the chain removes the first difference. */
const allChanged: CurrentParts = {
  ...same, step: 't', stepVersion: '2', stepSource: 'src2', params: { a: 2, b: [1, 2] },
  files: { 'data/x.csv': 'f2' }, inputs: { data: 'in2', raw: 'raw2' },
};

describe('explainMiss', () => {
  it('walks the chain in order, first match wins', () => {
    // never run → step → step version → plugin source → param → (new item) → file → input/upstream → cache
    expect(explainMiss(undefined, undefined, allChanged, false)).toBe('never run');
    expect(explainMiss(prevStage, prevItem, allChanged, false)).toBe('step changed (s → t)');
    const st = { ...allChanged, step: 's' };
    expect(explainMiss(prevStage, prevItem, st, false)).toBe('step version changed (1 → 2)');
    const v = { ...st, stepVersion: '1' };
    expect(explainMiss(prevStage, prevItem, v, false)).toBe('plugin source changed');
    const s = { ...v, stepSource: 'src1' };
    expect(explainMiss(prevStage, prevItem, s, false)).toBe('param `a` changed');
    const p = { ...s, params: same.params };
    expect(explainMiss(prevStage, undefined, p, true)).toBe('new item');
    expect(explainMiss(prevStage, prevItem, p, false)).toBe('file `data/x.csv` changed');
    const f = { ...p, files: same.files };
    expect(explainMiss(prevStage, prevItem, f, false)).toBe('upstream `panel` changed');
    const u = { ...f, inputs: { data: 'in1', raw: 'raw2' } };
    expect(explainMiss(prevStage, prevItem, u, false)).toBe('input file `data/raw.csv` changed');
    expect(explainMiss(prevStage, prevItem, same, false)).toBe('cache entry missing or damaged');
  });

  it('"never run" for a stage without foreach whose item state is missing', () => {
    expect(explainMiss(prevStage, undefined, same, false)).toBe('never run');
  });

  it('names every changed param, sorted, including added and removed ones', () => {
    const cur = { ...same, params: { c: 1, b: [2, 1] } };
    expect(explainMiss(prevStage, prevItem, cur, false)).toBe('param `a` changed, param `b` changed, param `c` changed');
  });

  it('names a param whose map was reordered (order can matter, e.g. derive columns)', () => {
    const prev = { ...prevStage, params: { o: { x: 1, y: 2 } } };
    expect(explainMiss(prev, prevItem, { ...same, params: { o: { y: 2, x: 1 } } }, false)).toBe('param `o` changed');
  });

  it('falls back to the input name when it has no label', () => {
    const cur = { ...same, inputs: { data: 'in2', raw: 'raw1' }, inputLabels: {} };
    expect(explainMiss(prevStage, prevItem, cur, false)).toBe('upstream data changed');
  });

  it('reports an input that did not exist before as changed', () => {
    const cur = { ...same, inputs: { ...same.inputs, extra: 'e' }, inputLabels: { ...same.inputLabels, extra: '`other`' } };
    expect(explainMiss(prevStage, prevItem, cur, false)).toBe('upstream `other` changed');
  });
});

describe('summarizeReasons', () => {
  it('counts repeated reasons in first-seen order and words new items', () => {
    expect(summarizeReasons(['new item', 'param `x` changed', 'new item', 'param `x` changed', 'param `x` changed', 'never run']))
      .toBe('2 new items; param `x` changed (3 items); never run');
    expect(summarizeReasons(['new item'])).toBe('1 new item');
    expect(summarizeReasons([])).toBe('');
  });
});
