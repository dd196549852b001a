/**
 * The stage DAG: nodes are stage ids, an edge `v → w` means `w` waits for `v`. Kept in Maps
 * because stage ids are user text: graphlib stores nodes as keys of plain objects, where
 * `constructor` is found before it is added and `__proto__` cannot be stored at all, so a
 * stage with such an id broke planning (GitHub issue 9). Nodes, edges and neighbours come
 * out in insertion order.
 */

/** A directed edge: `w` depends on `v`. */
export interface StageEdge {
  readonly v: string;
  readonly w: string;
}

export class StageGraph {
  private readonly succ = new Map<string, Set<string>>();
  private readonly pred = new Map<string, Set<string>>();
  private readonly edgeList: StageEdge[] = [];

  setNode(id: string): this {
    if (!this.succ.has(id)) {
      this.succ.set(id, new Set());
      this.pred.set(id, new Set());
    }
    return this;
  }

  /** Adds `v → w` (and the nodes) unless the edge exists. */
  setEdge(v: string, w: string): this {
    this.setNode(v).setNode(w);
    const out = this.succ.get(v)!;
    if (!out.has(w)) {
      out.add(w);
      this.pred.get(w)!.add(v);
      this.edgeList.push({ v, w });
    }
    return this;
  }

  hasEdge(v: string, w: string): boolean {
    return this.succ.get(v)?.has(w) ?? false;
  }

  nodes(): string[] {
    return [...this.succ.keys()];
  }

  nodeCount(): number {
    return this.succ.size;
  }

  edges(): StageEdge[] {
    return [...this.edgeList];
  }

  /** Stages that wait for `id`; undefined for an unknown node (as in graphlib). */
  successors(id: string): string[] | undefined {
    const s = this.succ.get(id);
    return s ? [...s] : undefined;
  }

  /** Stages `id` waits for; undefined for an unknown node. */
  predecessors(id: string): string[] | undefined {
    const p = this.pred.get(id);
    return p ? [...p] : undefined;
  }
}
