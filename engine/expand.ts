/**
 * Expands a stage's `foreach` into items: literal values (already resolved from params by
 * validation), the distinct values of a CSV column, or the distinct values of an upstream
 * stage's table column (known only once that stage has run).
 */
import path from 'node:path';
import { readCsvFile } from './csv.js';
import { MAX_ITEMS_PER_STAGE, canonicalScalar, describeItemCount, distinct, expandItems, itemCount } from './items.js';
import type { PlannedStage } from './plan.js';
import { StepError } from './step.js';
import { column } from './table.js';
import { isTable, type ItemKey, type Value } from './value.js';

export interface ExpandEnv {
  readonly root: string;
  loadUpstream(stage: string, output: string | undefined): Promise<Value>;
  /** False in a dry run when the upstream stage would rerun (its values are not known yet). */
  upstreamKnown(stage: string): boolean;
}

export type Expanded = { items: ItemKey[] } | { error: string; unknown?: boolean };

export async function expandStageItems(planned: PlannedStage, env: ExpandEnv): Promise<Expanded> {
  const foreach = planned.spec.foreach;
  if (!foreach) return { items: [] };
  const dims: { name: string; values: (string | number)[] }[] = [];
  for (const [name, src] of Object.entries(foreach)) {
    let values: (string | number)[];
    try {
      if (src.kind === 'values') values = [...src.values];
      else if (src.kind === 'file') values = cellValues(column(readCsvFile(path.resolve(env.root, src.path), { file: src.path, strings: [src.column] }), src.column, `file \`${src.path}\``));
      else {
        if (!env.upstreamKnown(src.stage)) return { error: `items are known once \`${src.stage}\` has run`, unknown: true };
        const v = await env.loadUpstream(src.stage, src.output);
        if (!isTable(v)) return { error: `foreach \`${name}\` takes values from \`${src.stage}\`, whose result is not a table` };
        values = cellValues(column(v, src.column, `the result of \`${src.stage}\``));
      }
    } catch (e) {
      if (e instanceof StepError) return { error: `foreach \`${name}\`: ${e.message}` };
      throw e;
    }
    if (values.length === 0) return { error: `foreach \`${name}\` has no values: the stage would have no items` };
    dims.push({ name, values });
  }
  // Validation bounds what it can see; values from an upstream stage are known only now.
  if (itemCount(dims.map((d) => d.values.length)) > MAX_ITEMS_PER_STAGE) {
    return { error: `foreach makes ${describeItemCount(dims.map((d) => ({ name: d.name, size: d.values.length })))}, more than the limit of ${MAX_ITEMS_PER_STAGE.toLocaleString('en-US')} items per stage` };
  }
  return { items: expandItems(dims) };
}

function cellValues(cells: readonly unknown[]): (string | number)[] {
  return distinct(cells.filter((c): c is string | number => typeof c === 'string' || typeof c === 'number').map(canonicalScalar));
}
