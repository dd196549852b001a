/**
 * Layered drawing of a directed acyclic graph (Sugiyama, Tagawa & Toda 1981, "Methods for
 * visual understanding of hierarchical system structures", IEEE SMC 11(2)):
 *  1. layering by longest path from the sources, layer(v) = 1 + max over predecessors u of
 *     layer(u); a source is then moved down to just above its highest successor,
 *     layer(s) = min over successors w of layer(w) − 1, so inputs sit next to their users;
 *  2. an edge spanning k > 1 layers is split by k − 1 dummy nodes, one per layer it crosses
 *     (Sugiyama's "proper hierarchy"), so it gets its own slot instead of running through boxes;
 *  3. crossing reduction by the barycenter heuristic: alternately down and up, each layer is
 *     sorted by the mean position of its neighbours in the adjacent layer (ties keep order);
 *  4. coordinates: layer l at y = l·(height + gapY) + height/2; each layer is centred, its
 *     nodes (width) and dummies (dummyWidth) side by side gapX apart.
 * Pure: plain arrays in, plain arrays out; no IO, no engine imports.
 */

/** Where each node goes. Arrays are indexed like the input nodes. */
export interface DagLayout {
  /** Layer (row) of each node, 0 at the top. */
  readonly layer: number[];
  /** Position of each node within its layer, 0 at the left. */
  readonly order: number[];
  /** Centre of each node; x ≥ 0 after shifting the whole drawing right. */
  readonly x: number[];
  readonly y: number[];
  /** For each input edge, the centres of its dummy nodes, top to bottom ([] for adjacent layers). */
  readonly bends: [number, number][][];
  /** Size of the drawing (node boxes included). */
  readonly width: number;
  readonly height: number;
}

/** Box size and spacing for {@link layoutDag}. */
export interface DagLayoutOptions {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly gapX: number;
  readonly gapY: number;
  /** Width of the slot a long edge takes in each layer it crosses (default 10). */
  readonly dummyWidth?: number;
  /** Down/up sweep pairs of the barycenter heuristic. */
  readonly sweeps?: number;
}

/**
 * Lays out `n` nodes joined by `edges` ([from, to] index pairs). Returns undefined when the
 * graph has a cycle (callers validate acyclic pipelines before this is reached).
 */
export function layoutDag(n: number, edges: readonly (readonly [number, number])[], opts: DagLayoutOptions): DagLayout | undefined {
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    if (a === b) return undefined;
    preds[b]!.push(a);
    succs[a]!.push(b);
  }
  // 1. longest-path layering in topological (Kahn) order
  const indeg = preds.map((p) => p.length);
  const queue = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  const layer = new Array<number>(n).fill(0);
  let seen = 0;
  while (queue.length > 0) {
    const v = queue.shift()!;
    seen++;
    for (const w of succs[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--indeg[w]! === 0) queue.push(w);
    }
  }
  if (seen < n) return undefined;
  for (let v = 0; v < n; v++) {
    if (preds[v]!.length === 0 && succs[v]!.length > 0) layer[v] = Math.min(...succs[v]!.map((w) => layer[w]!)) - 1;
  }
  const depth = n === 0 ? 0 : Math.max(...layer) + 1;

  // 2. dummy nodes n, n+1, … on long edges; up/down are the neighbours in adjacent layers
  const up: number[][] = preds.map(() => []);
  const down: number[][] = preds.map(() => []);
  const dummiesOf: number[][] = [];
  for (const [a, b] of edges) {
    const chain: number[] = [];
    let prev = a;
    for (let l = layer[a]! + 1; l < layer[b]!; l++) {
      const d = layer.length;
      layer.push(l);
      up.push([prev]);
      down.push([]);
      down[prev]!.push(d);
      chain.push(d);
      prev = d;
    }
    down[prev]!.push(b);
    up[b]!.push(prev);
    dummiesOf.push(chain);
  }
  const total = layer.length;
  const rows: number[][] = Array.from({ length: depth }, () => []);
  for (let v = 0; v < total; v++) rows[layer[v]!]!.push(v);

  // 3. barycenter sweeps on centred positions (layers of different widths line up)
  const pos = new Array<number>(total).fill(0);
  const place = (row: number[]) => row.forEach((v, i) => { pos[v] = i - (row.length - 1) / 2; });
  rows.forEach(place);
  const sortBy = (row: number[], neighbours: number[][]) => {
    const key = new Map(row.map((v) => {
      const ns = neighbours[v]!;
      return [v, ns.length === 0 ? pos[v]! : ns.reduce((s, u) => s + pos[u]!, 0) / ns.length] as const;
    }));
    const sorted = row.map((v, i) => ({ v, i })).sort((a, b) => key.get(a.v)! - key.get(b.v)! || a.i - b.i).map((e) => e.v);
    row.splice(0, row.length, ...sorted);
    place(row);
  };
  for (let s = 0; s < (opts.sweeps ?? 4); s++) {
    for (let l = 1; l < depth; l++) sortBy(rows[l]!, up);
    for (let l = depth - 2; l >= 0; l--) sortBy(rows[l]!, down);
  }

  // 4. coordinates
  const size = (v: number) => (v < n ? opts.nodeWidth : opts.dummyWidth ?? 10);
  const rowWidth = (row: number[]) => row.reduce((s, v) => s + size(v), 0) + Math.max(0, row.length - 1) * opts.gapX;
  const width = Math.max(0, ...rows.map(rowWidth));
  const order = new Array<number>(n).fill(0);
  const xs = new Array<number>(total).fill(0);
  const ys = new Array<number>(total).fill(0);
  for (const row of rows) {
    let left = (width - rowWidth(row)) / 2;
    row.forEach((v, i) => {
      if (v < n) order[v] = i;
      xs[v] = left + size(v) / 2;
      ys[v] = opts.nodeHeight / 2 + layer[v]! * (opts.nodeHeight + opts.gapY);
      left += size(v) + opts.gapX;
    });
  }
  const x = xs.slice(0, n);
  const y = ys.slice(0, n);
  const bends = dummiesOf.map((chain) => chain.map((d) => [xs[d]!, ys[d]!] as [number, number]));
  return {
    layer: layer.slice(0, n), order, x, y, bends, width,
    height: depth === 0 ? 0 : depth * (opts.nodeHeight + opts.gapY) - opts.gapY,
  };
}
