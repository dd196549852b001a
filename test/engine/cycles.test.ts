import { expect, test } from 'vitest';
import { findCycles } from '../../engine/cycles.js';

const e = (from: string, to: string) => ({ from, to, where: `${from}->${to}` });
const walk = (c: { from: string }[]) => c.map((x) => x.from);

test('no cycles in a DAG', () => {
  expect(findCycles(['a', 'b', 'c'], [e('b', 'a'), e('c', 'a'), e('c', 'b')])).toEqual([]);
});

test('a self-reference is a cycle of one', () => {
  expect(findCycles(['a'], [e('a', 'a')])).toEqual([[e('a', 'a')]]);
});

test('each cycle once, in walk order from its first-declared stage', () => {
  // a needs c, c needs b, b needs a  → walk a → c → b; separately x ↔ y.
  const cycles = findCycles(['x', 'a', 'b', 'c', 'y', 'd'], [e('a', 'c'), e('c', 'b'), e('b', 'a'), e('d', 'a'), e('x', 'y'), e('y', 'x')]);
  expect(cycles.map(walk)).toEqual([['x', 'y'], ['a', 'c', 'b']]);
  expect(cycles[1]!.map((c) => c.where)).toEqual(['a->c', 'c->b', 'b->a']);
});

test('the shortest walk is chosen inside a larger component', () => {
  // a→b→a and a→c→d→a share a; the two-stage walk is reported.
  const cycles = findCycles(['a', 'b', 'c', 'd'], [e('a', 'c'), e('c', 'd'), e('d', 'a'), e('a', 'b'), e('b', 'a')]);
  expect(cycles.map(walk)).toEqual([['a', 'b']]);
});

test('edges to unknown stages are ignored', () => {
  expect(findCycles(['a'], [e('a', 'zzz')])).toEqual([]);
});
