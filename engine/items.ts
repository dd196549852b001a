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

/** Cartesian product of the dimensions, first dimension varying slowest. */
export function expandItems(dims: readonly { name: string; values: readonly (string | number)[] }[]): ItemKey[] {
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
