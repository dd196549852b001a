/**
 * "Why does this rerun?": a chain of cheap checks against the previous state, first match
 * wins (missing record → step version → params → inputs → upstream), as in wireit/DVC.
 */
import { canonicalJson } from './canonical.js';
import { own } from './dict.js';
import type { ItemState, StageState } from './state.js';

export interface CurrentParts {
  readonly step: string;
  readonly stepVersion: string;
  readonly stepSource: string;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, string>;
  readonly files: Record<string, string>;
  /** Input name → "file data/x.csv" or "stage panel", to word the reason. */
  readonly inputLabels: Record<string, string>;
}

export function explainMiss(prevStage: StageState | undefined, prevItem: ItemState | undefined, cur: CurrentParts, isItem: boolean): string {
  if (!prevStage) return 'never run';
  if (prevStage.step !== cur.step) return `step changed (${prevStage.step} → ${cur.step})`;
  if (prevStage.stepVersion !== cur.stepVersion) return `step version changed (${prevStage.stepVersion} → ${cur.stepVersion})`;
  if (prevStage.stepSource !== cur.stepSource) {
    if (!cur.stepSource.startsWith('agglo@')) return 'plugin source changed';
    const before = prevStage.stepSource.startsWith('agglo@') ? prevStage.stepSource.slice(6) : 'an earlier build';
    return `agglo upgraded (${before} → ${cur.stepSource.slice(6)})`;
  }
  const changed = changedKeys(prevStage.params, cur.params);
  if (changed.length > 0) return changed.map((k) => `param \`${k}\` changed`).join(', ');
  if (!prevItem) return isItem ? 'new item' : 'never run';
  for (const [name, h] of Object.entries(cur.files)) {
    if (own(prevItem.files, name) !== h) return `file \`${name}\` changed`;
  }
  for (const [name, h] of Object.entries(cur.inputs)) {
    if (own(prevItem.inputs, name) !== h) {
      const label = own(cur.inputLabels, name) ?? name;
      return label.startsWith('file ') ? `input ${label} changed` : `upstream ${label} changed`;
    }
  }
  return 'cache entry missing or damaged';
}

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(own(a, k), true) !== canonicalJson(own(b, k), true)).sort();
}

/** One line for a stage from its items' reasons, e.g. "2 new items; param `x` changed (3 items)". */
export function summarizeReasons(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()]
    .map(([r, n]) => (r === 'new item' ? `${n} new item${n === 1 ? '' : 's'}` : n === 1 ? r : `${r} (${n} items)`))
    .join('; ');
}
