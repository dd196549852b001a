/**
 * Layered drawing of a directed acyclic graph (Sugiyama, Tagawa & Toda 1981, "Methods for
 * visual understanding of hierarchical system structures", IEEE SMC 11(2)):
 *  1. layering by longest path from the sources, layer(v) = 1 + max over predecessors u of
 *     layer(u); a source is then moved down to just above its highest successor,
 *     layer(s) = min over successors w of layer(w) − 1, so inputs sit next to their users;
 *  2. crossing reduction by the barycenter heuristic: alternately down and up, each layer is
 *     sorted by the mean position of its neighbours in the other layers (ties keep order);
 *  3. coordinates: layer l at y = l·(height + gapY); within a layer the nodes are centred on
 *     x = 0 at a pitch of width + gapX.
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
  const rows: number[][] = Array.from({ length: depth }, () => []);
  for (let v = 0; v < n; v++) rows[layer[v]!]!.push(v);

  // 2. barycenter sweeps on centred positions (layers of different widths line up)
  const pos = new Array<number>(n).fill(0);
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
    for (let l = 1; l < depth; l++) sortBy(rows[l]!, preds);
    for (let l = depth - 2; l >= 0; l--) sortBy(rows[l]!, succs);
  }

  // 3. coordinates
  const pitchX = opts.nodeWidth + opts.gapX;
  const pitchY = opts.nodeHeight + opts.gapY;
  const widest = Math.max(0, ...rows.map((r) => r.length));
  const order = new Array<number>(n).fill(0);
  const x = new Array<number>(n).fill(0);
  const y = new Array<number>(n).fill(0);
  for (const row of rows) {
    row.forEach((v, i) => {
      order[v] = i;
      x[v] = opts.nodeWidth / 2 + ((widest - row.length) / 2 + i) * pitchX;
      y[v] = opts.nodeHeight / 2 + layer[v]! * pitchY;
    });
  }
  return {
    layer, order, x, y,
    width: widest === 0 ? 0 : widest * pitchX - opts.gapX,
    height: depth === 0 ? 0 : depth * pitchY - opts.gapY,
  };
}
