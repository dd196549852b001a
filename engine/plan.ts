/**
 * Planning: the stages as a DAG (engine/stage-graph.ts), in topological order, each with
 * its step and its fan-out dimensions. Items themselves are expanded by the runner, because
 * a foreach can take its values from an upstream stage's table, known only once that stage ran.
 */
import type { Pipeline, StageSpec } from './pipeline.js';
import type { RegisteredStep, StepRegistry } from './registry.js';
import { StageGraph } from './stage-graph.js';

export interface PlannedStage {
  readonly spec: StageSpec;
  readonly step: RegisteredStep;
  /** Upstream stage ids (inputs and foreach sources), de-duplicated. */
  readonly deps: readonly string[];
  /** For a step that observes the pipeline: the other stages it waits for (not data inputs). */
  readonly observed: readonly string[];
  /** foreach dimension names in declaration order ([] when not fanned out). */
  readonly dims: readonly string[];
}

export interface Plan {
  readonly pipeline: Pipeline;
  readonly stages: ReadonlyMap<string, PlannedStage>;
  /** Topological order; ties keep declaration order. */
  readonly order: readonly string[];
  readonly graph: StageGraph;
}

export function stageDeps(spec: StageSpec): string[] {
  const deps = new Set<string>();
  for (const ref of Object.values(spec.inputs)) if (ref.kind === 'stage') deps.add(ref.stage);
  for (const src of Object.values(spec.foreach ?? {})) if (src.kind === 'stage') deps.add(src.stage);
  return [...deps];
}

/** Builds the plan of a validated pipeline (validation has already rejected cycles). */
export function planPipeline(pipeline: Pipeline, registry: StepRegistry): Plan {
  const graph = new StageGraph();
  const stages = new Map<string, PlannedStage>();
  for (const spec of pipeline.stages) {
    const step = registry.get(spec.step);
    if (!step) throw new Error(`bug: stage ${spec.id} has unknown step ${spec.step} after validation`);
    stages.set(spec.id, { spec, step, deps: stageDeps(spec), observed: [], dims: Object.keys(spec.foreach ?? {}) });
    graph.setNode(spec.id);
  }
  for (const s of stages.values()) for (const d of s.deps) graph.setEdge(d, s.spec.id);
  addObservers(stages, graph);
  return { pipeline, stages, order: topoOrder(pipeline, graph), graph };
}

/**
 * A stage whose step observes the pipeline waits for every stage that is neither
 * downstream of it nor another observer (which would make a cycle).
 */
function addObservers(stages: Map<string, PlannedStage>, graph: StageGraph): void {
  const observers = [...stages.values()].filter((s) => s.step.def.observesPipeline);
  for (const o of observers) {
    const down = new Set<string>();
    const stack = [o.spec.id];
    while (stack.length) for (const m of graph.successors(stack.pop()!) ?? []) if (!down.has(m)) { down.add(m); stack.push(m); }
    const observed = [...stages.values()]
      .filter((s) => s.spec.id !== o.spec.id && !down.has(s.spec.id) && !s.step.def.observesPipeline)
      .map((s) => s.spec.id);
    stages.set(o.spec.id, { ...o, deps: [...new Set([...o.deps, ...observed])], observed });
    for (const d of observed) graph.setEdge(d, o.spec.id);
  }
}

/** Kahn's algorithm, picking the earliest-declared ready stage first (stable output). */
function topoOrder(pipeline: Pipeline, graph: StageGraph): string[] {
  const pos = new Map(pipeline.stages.map((s, i) => [s.id, i]));
  const indeg = new Map<string, number>();
  for (const n of graph.nodes()) indeg.set(n, graph.predecessors(n)?.length ?? 0);
  const ready = graph.nodes().filter((n) => indeg.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => pos.get(a)! - pos.get(b)!);
    const n = ready.shift()!;
    order.push(n);
    for (const m of graph.successors(n) ?? []) {
      const d = indeg.get(m)! - 1;
      indeg.set(m, d);
      if (d === 0) ready.push(m);
    }
  }
  if (order.length !== graph.nodeCount()) {
    const stuck = graph.nodes().filter((n) => !order.includes(n));
    throw new Error(`bug: cycle among ${stuck.join(', ')} after validation`);
  }
  return order;
}

/** Every stage downstream of `id` (not including it). */
export function downstreamOf(plan: Plan, id: string): Set<string> {
  const out = new Set<string>();
  const stack = [id];
  while (stack.length) for (const m of plan.graph.successors(stack.pop()!) ?? []) if (!out.has(m)) { out.add(m); stack.push(m); }
  return out;
}
