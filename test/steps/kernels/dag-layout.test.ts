import { describe, expect, it } from 'vitest';
import { layoutDag } from '../../../steps/kernels/dag-layout.js';

const opts = { nodeWidth: 100, nodeHeight: 40, gapX: 20, gapY: 30 };

describe('layoutDag', () => {
  it('layers a diamond by longest path and centres each layer', () => {
    // a→b, a→c, b→d, c→d: layers 0,1,1,2 (by hand). Widest layer has 2 nodes, so the
    // drawing is 2·100 + 20 = 220 wide and 3·40 + 2·30 = 180 high; a and d sit at x = 110.
    const l = layoutDag(4, [[0, 1], [0, 2], [1, 3], [2, 3]], opts)!;
    expect(l.layer).toEqual([0, 1, 1, 2]);
    expect(l.width).toBe(220);
    expect(l.height).toBe(180);
    expect(l.x).toEqual([110, 50, 170, 110]);
    expect(l.y).toEqual([20, 90, 90, 160]);
  });

  it('moves a source down to just above its first user', () => {
    // a→b→c→d and e→d: longest path puts e at 0; it is used only by d (layer 3), so layer 2.
    const l = layoutDag(5, [[0, 1], [1, 2], [2, 3], [4, 3]], opts)!;
    expect(l.layer).toEqual([0, 1, 2, 3, 2]);
  });

  it('removes a crossing with the barycenter heuristic', () => {
    // a→d and b→c drawn in input order cross; sorting the bottom layer by the position of
    // its parents (d under a at −0.5, c under b at +0.5) gives d, c: no crossing.
    const l = layoutDag(4, [[0, 3], [1, 2]], opts)!;
    expect(l.layer).toEqual([0, 0, 1, 1]);
    expect(l.order[0]! < l.order[1]!).toBe(true);
    expect(l.order[3]! < l.order[2]!).toBe(true);
  });

  it('returns undefined for a cycle and handles the empty graph', () => {
    expect(layoutDag(2, [[0, 1], [1, 0]], opts)).toBeUndefined();
    expect(layoutDag(1, [[0, 0]], opts)).toBeUndefined();
    const empty = layoutDag(0, [], opts)!;
    expect(empty.width).toBe(0);
    expect(empty.height).toBe(0);
  });
});

describe('layoutDag long edges', () => {
  it('gives an edge across several layers a dummy slot in each layer it crosses', () => {
    // a→b→c and a→c: a→c spans layers 0→2, so it bends through one dummy in layer 1, beside
    // b. Layer 1 is b (100) + gap (20) + dummy (10) = 130 wide, the widest; the barycenter
    // sweeps keep b first. So b is centred at 50, the dummy at 100 + 20 + 5 = 125, and a and
    // c, alone in their layers, at 130 / 2 = 65.
    const l = layoutDag(3, [[0, 1], [1, 2], [0, 2]], opts)!;
    expect(l.layer).toEqual([0, 1, 2]);
    expect(l.width).toBe(130);
    expect(l.x).toEqual([65, 50, 65]);
    expect(l.bends).toEqual([[], [], [[125, 90]]]);
  });
});
