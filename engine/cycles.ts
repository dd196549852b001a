/**
 * Dependency cycles between stages. Each cycle is reported once, as an ordered walk that
 * starts at its first-declared stage, so the message can name every stage on it in order.
 */

/** A dependency: `from` needs a result of `to`; `where` locates the reference in the YAML. */
export interface DependencyEdge<W = unknown> {
  readonly from: string;
  readonly to: string;
  readonly where: W;
}

/**
 * Finds one elementary cycle per strongly connected component that has one (including a
 * stage that reads itself). `order` is the declaration order of the stages; the returned
 * edges of each cycle are in walk order, the first edge leaving the earliest-declared stage.
 */
export function findCycles<W>(order: readonly string[], edges: readonly DependencyEdge<W>[]): DependencyEdge<W>[][] {
  const out = new Map<string, DependencyEdge<W>[]>();
  for (const id of order) out.set(id, []);
  for (const e of edges) if (out.has(e.from) && out.has(e.to)) out.get(e.from)!.push(e);

  const cycles: DependencyEdge<W>[][] = [];
  for (const scc of stronglyConnected(order, out)) {
    const members = new Set(scc);
    const start = order.find((id) => members.has(id))!;
    const walk = shortestCycle(start, members, out);
    if (walk) cycles.push(walk);
  }
  const rank = new Map(order.map((id, i) => [id, i]));
  return cycles.sort((a, b) => rank.get(a[0]!.from)! - rank.get(b[0]!.from)!);
}

/** Tarjan's algorithm (iterative, so long chains of stages cannot overflow the stack). */
function stronglyConnected<W>(order: readonly string[], out: Map<string, DependencyEdge<W>[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let next = 0;
  for (const root of order) {
    if (index.has(root)) continue;
    const frames: { v: string; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, next); low.set(root, next); next++;
    stack.push(root); onStack.add(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      const succ = out.get(f.v)!;
      if (f.i < succ.length) {
        const w = succ[f.i++]!.to;
        if (!index.has(w)) {
          index.set(w, next); low.set(w, next); next++;
          stack.push(w); onStack.add(w);
          frames.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(f.v, Math.min(low.get(f.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(f.v)!));
      if (low.get(f.v) === index.get(f.v)) {
        const comp: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== f.v);
        const selfLoop = out.get(f.v)!.some((e) => e.to === f.v);
        if (comp.length > 1 || selfLoop) result.push(comp);
      }
    }
  }
  return result;
}

/** Breadth-first search inside one component for the shortest walk from `start` back to it. */
function shortestCycle<W>(start: string, members: Set<string>, out: Map<string, DependencyEdge<W>[]>): DependencyEdge<W>[] | undefined {
  const via = new Map<string, DependencyEdge<W>>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const e of out.get(v)!) {
      if (!members.has(e.to)) continue;
      if (e.to === start) {
        const walk = [e];
        for (let cur = v; cur !== start; cur = via.get(cur)!.from) walk.unshift(via.get(cur)!);
        return walk;
      }
      if (!via.has(e.to)) { via.set(e.to, e); queue.push(e.to); }
    }
  }
  return undefined;
}
