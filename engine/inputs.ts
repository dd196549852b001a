/**
 * What a task receives from upstream stages: its input values and, for the fingerprint,
 * their content hashes. Implements the fan-out alignment rule of engine/items.ts and the
 * gather of many items into one value (tables stacked with the item key columns in front,
 * anything else as a Collection).
 */
import { hashOf } from './canonical.js';
import { alignment, indexByShared, itemId, type Alignment } from './items.js';
import { bindRows, withColumn, nrow } from './table.js';
import { isTable, type ItemKey, type Table, type Value } from './value.js';

/** The view of a producer stage that input resolution needs. */
export interface Producer {
  readonly id: string;
  readonly dims: readonly string[];
  /** Items (empty array for a stage without foreach, which has one task). */
  readonly items: readonly ItemKey[];
  /** Output hashes per task; undefined where not (yet) known, e.g. in a dry run. */
  outputHash(task: number, output: string): string | undefined;
}

/** Which producer tasks feed one consumer task, and how. */
export interface Selection {
  readonly mode: 'single' | 'one' | 'gather';
  readonly tasks: readonly number[];
}

/** Per (producer, consumer-dims) pair: alignment and the shared-dimension index. */
export class InputSelector {
  private readonly align: Alignment;
  private readonly index: Map<string, number[]> | undefined;

  constructor(private readonly producer: Producer, consumerDims: readonly string[]) {
    this.align = alignment(producer.dims, consumerDims);
    this.index = producer.dims.length > 0 && this.align.shared.length > 0 ? indexByShared(producer.items, this.align.shared) : undefined;
  }

  select(item: ItemKey | undefined): Selection | { error: string } {
    const p = this.producer;
    if (p.dims.length === 0) return { mode: 'single', tasks: [0] };
    let tasks: number[];
    if (this.index) {
      const key = itemId(item, this.align.shared);
      tasks = this.index.get(key) ?? [];
      if (tasks.length === 0) return { error: `upstream stage \`${p.id}\` has no item ${key}` };
    } else {
      tasks = p.items.map((_, i) => i);
    }
    return { mode: this.align.mode, tasks };
  }
}

/** Hash of the selected producer outputs, or undefined if any is unknown. */
export function selectionHash(p: Producer, sel: Selection, output: string): string | undefined {
  if (sel.mode !== 'gather') return p.outputHash(sel.tasks[0]!, output);
  // The items as JSON (types kept: item 1 and item "1" gather into different key columns).
  const parts: [unknown, string][] = [];
  for (const t of sel.tasks) {
    const h = p.outputHash(t, output);
    if (h === undefined) return undefined;
    parts.push([p.items[t], h]);
  }
  return hashOf(parts);
}

/** Gathers item values: stacked tables with the item keys as leading columns, else a Collection. */
export function gather(keys: readonly ItemKey[], values: readonly Value[], dims: readonly string[]): Value {
  if (values.length > 0 && values.every(isTable)) {
    const tables = (values as Table[]).map((t, i) => {
      let out: Table = t;
      for (const d of [...dims].reverse()) {
        if (t.columns.some((c) => c.name === d)) continue;
        const col = new Array(nrow(t)).fill(keys[i]![d]!);
        out = withColumn(out, d, col);
        // withColumn appends: move the key column to the front.
        out = { kind: 'table', columns: [out.columns[out.columns.length - 1]!, ...out.columns.slice(0, -1)] };
      }
      return out;
    });
    return bindRows(tables);
  }
  return { kind: 'collection', items: keys.map((key, i) => ({ key, value: values[i]! })) };
}
