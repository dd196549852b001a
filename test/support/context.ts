/** A StepContext for calling a step's `run` directly in unit tests. */
import path from 'node:path';
import type { StepContext } from '../../engine/step.js';
import type { ItemKey, Value } from '../../engine/value.js';

export interface TestContext<P> extends StepContext<P> {
  /** Files the step declared with writeFile. */
  readonly files: Map<string, string | Uint8Array>;
  /** Notes the step emitted. */
  readonly notes: string[];
}

export function makeContext<P>(params: P, inputs: Record<string, Value> = {}, opts: { item?: ItemKey; root?: string } = {}): TestContext<P> {
  const root = opts.root ?? process.cwd();
  const files = new Map<string, string | Uint8Array>();
  const notes: string[] = [];
  return {
    params,
    inputs,
    item: opts.item,
    root,
    resolvePath: (rel) => path.resolve(root, rel),
    writeFile: (rel, content) => { files.set(rel, content); },
    note: (m) => { notes.push(m); },
    files,
    notes,
  };
}
