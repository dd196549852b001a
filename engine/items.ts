/**
 * Fan-out items: expansion of `foreach` into the cartesian product of its dimensions, and
 * the alignment rule that decides what a consumer of a fanned-out stage receives:
 * a consumer whose items carry every dimension of the producer gets the one matching item;
 * otherwise it gets every producer item that agrees on the dimensions they share, gathered.
 */
import type { ItemKey } from './value.js';

/**
 * Stable string form of an item (dimension order as declared), e.g. "province=BEJ,year=2011".
 * Values are percent-encoded where needed, so a value holding "," or "=" cannot be misread.
 */
export function itemId(item: ItemKey | undefined, dims?: readonly string[]): string {
  if (!item) return '';
  const keys = dims ?? Object.keys(item);
  return keys.map((d) => `${d}=${encodeURIComponent(String(item[d]))}`).join(',');
}

/**
 * The most items one stage may fan out to. Each item is a task with its own fingerprint,
 * cache entry and state record, so a million is far beyond any study (the paper's largest
 * stage has 30 provinces × 13 years = 390) yet small enough to plan in memory; without a
 * bound, `foreach: {i: 1..100000, j: 1..100000}` (each dimension within its own limit) asks
 * for 10^10 items and exhausts memory.
 */
export const MAX_ITEMS_PER_STAGE = 1_000_000;

/** Number of items of a product of dimensions of these sizes (inexact above 2^53, which is fine for a bound). */
export function itemCount(sizes: readonly number[]): number {
  return sizes.length === 0 ? 0 : sizes.reduce((a, b) => a * b, 1);
}

/** "10,000,000,000 items (`i` 100,000 × `j` 100,000)": a count and where it comes from. */
export function describeItemCount(dims: readonly { name: string; size: number }[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(itemCount(dims.map((d) => d.size)))} items (${dims.map((d) => `\`${d.name}\` ${n(d.size)}`).join(' × ')})`;
}

/**
 * Cartesian product of the dimensions, first dimension varying slowest. Callers bound the
 * product by {@link MAX_ITEMS_PER_STAGE} first (validation, and expand.ts for dimensions
 * known only at run time); more is a bug, caught before anything is allocated.
 */
export function expandItems(dims: readonly { name: string; values: readonly (string | number)[] }[]): ItemKey[] {
  if (itemCount(dims.map((d) => d.values.length)) > MAX_ITEMS_PER_STAGE) throw new Error(`expandItems: ${describeItemCount(dims.map((d) => ({ name: d.name, size: d.values.length })))} is over the limit of ${MAX_ITEMS_PER_STAGE.toLocaleString('en-US')}`);
  let items: ItemKey[] = [{}];
  for (const d of dims) {
    const next: ItemKey[] = [];
    for (const it of items) for (const v of d.values) next.push({ ...it, [d.name]: v });
    items = next;
  }
  return dims.length === 0 ? [] : items;
}

/** Distinct values in first-seen order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** How a consumer with `downDims` takes the output of a producer with `upDims`. */
export interface Alignment {
  /** 'one': the single matching item; 'gather': all matching items. */
  readonly mode: 'one' | 'gather';
  /** Dimensions both share (what a producer item must agree on). */
  readonly shared: readonly string[];
}

export function alignment(upDims: readonly string[], downDims: readonly string[]): Alignment {
  const shared = upDims.filter((d) => downDims.includes(d));
  return { mode: upDims.length > 0 && shared.length === upDims.length ? 'one' : 'gather', shared };
}

/**
 * Index from the shared-dimension key of each producer item to the item indices, built
 * once per (producer, consumer) pair so that 100,000 consumer items look up in O(1).
 */
export function indexByShared(items: readonly ItemKey[], shared: readonly string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  items.forEach((it, i) => {
    const k = itemId(it, shared);
    const list = index.get(k);
    if (list) list.push(i);
    else index.set(k, [i]);
  });
  return index;
}

/**
 * Text from a CSV column stays text unless it is a number written canonically: "2011" is
 * the year 2011 (so `${item.year}` fills an integer param), "01" stays the code "01".
 */
export function canonicalScalar(v: string | number): string | number {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && String(n) === v ? n : v;
}
