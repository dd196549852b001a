/**
 * The pipeline DAG as a picture: a layered layout (kernels/dag-layout.ts) drawn with vega
 * marks — a box per stage (id, step, status and time, coloured by status), curved edges
 * from producer to consumer with an arrowhead.
 */
import type { Spec } from 'vega';
import { layoutDag } from '../kernels/dag-layout.js';

/** What the picture needs of a stage (a subset of engine/pipeline-info.ts StageInfo). */
export interface DagStage { id: string; step: string; deps: string[]; status: string; ms: number; items: number }

const W = 168;
const H = 52;
const GAP_X = 18;
const GAP_Y = 34;

/** Fill and stroke per status. */
const STATUS_COLORS: Record<string, [string, string]> = {
  ran: ['#fff1c2', '#9a6700'],
  cached: ['#dafbe1', '#1a7f37'],
  failed: ['#ffebe9', '#cf222e'],
  skipped: ['#f6f8fa', '#8c959f'],
};

/** "850 ms", "2.4 s", "1 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The vega spec of the DAG picture (undefined if the stages have a cycle or are none). */
export function dagSpec(stages: DagStage[]): Spec | undefined {
  const index = new Map(stages.map((s, i) => [s.id, i]));
  const edges: [number, number][] = [];
  for (const [i, s] of stages.entries()) for (const d of s.deps) if (index.has(d)) edges.push([index.get(d)!, i]);
  const layout = layoutDag(stages.length, edges, { nodeWidth: W, nodeHeight: H, gapX: GAP_X, gapY: GAP_Y });
  if (!layout || stages.length === 0) return undefined;
  const nodes = stages.map((s, i) => {
    const [fill, stroke] = STATUS_COLORS[s.status] ?? ['#ffffff', '#57606a'];
    const timing = s.status === 'ran' ? `ran · ${formatMs(s.ms)}` : s.status === 'cached' ? `cached · ${formatMs(s.ms)}` : s.status;
    return {
      id: s.id, step: s.items > 1 ? `${s.step} ×${s.items}` : s.step, timing,
      x: layout.x[i]!, y: layout.y[i]!, fill, stroke,
    };
  });
  // Each edge: from the bottom of its source through its bends (straight down across the
  // rows it crosses) to the top of its target, with S-curves between rows.
  const paths = edges.map(([a, b], e) => {
    const pts: [number, number][] = [[layout.x[a]!, layout.y[a]! + H / 2]];
    for (const [bx, by] of layout.bends[e]!) pts.push([bx, by - H / 2], [bx, by + H / 2]);
    const x2 = layout.x[b]!, y2 = layout.y[b]! - H / 2 - 4;
    pts.push([x2, y2]);
    let d = `M${pts[0]![0]},${pts[0]![1]}`;
    for (let i = 1; i < pts.length; i++) {
      const [px, py] = pts[i - 1]!;
      const [qx, qy] = pts[i]!;
      const my = (py + qy) / 2;
      d += i % 2 === 0 ? `L${qx},${qy}` : `C${px},${my} ${qx},${my} ${qx},${qy}`;
    }
    return { path: d, tx: x2, ty: y2 };
  });
  const text = (field: string, dy: number, extra: Record<string, unknown>) => ({
    type: 'text' as const,
    from: { data: 'nodes' },
    encode: { enter: { x: { field: 'x' }, y: { field: 'y', offset: dy }, text: { field }, align: { value: 'center' as const }, baseline: { value: 'middle' as const }, fill: { value: '#1f2328' }, ...extra } },
  });
  return {
    width: layout.width,
    height: layout.height,
    padding: 8,
    background: 'white',
    data: [{ name: 'nodes', values: nodes }, { name: 'edges', values: paths }],
    marks: [
      { type: 'path', from: { data: 'edges' }, encode: { enter: { path: { field: 'path' }, stroke: { value: '#8c959f' }, strokeWidth: { value: 1 }, strokeOpacity: { value: 0.8 } } } },
      { type: 'symbol', from: { data: 'edges' }, encode: { enter: { x: { field: 'tx' }, y: { field: 'ty' }, shape: { value: 'triangle-down' }, size: { value: 28 }, fill: { value: '#8c959f' } } } },
      {
        type: 'rect', from: { data: 'nodes' },
        encode: { enter: { xc: { field: 'x' }, yc: { field: 'y' }, width: { value: W }, height: { value: H }, cornerRadius: { value: 5 }, fill: { field: 'fill' }, stroke: { field: 'stroke' }, strokeWidth: { value: 1.2 } } },
      },
      text('id', -14, { fontWeight: { value: 'bold' }, fontSize: { value: 12 }, font: { value: 'system-ui, DejaVu Sans, sans-serif' } }),
      text('step', 1, { fontSize: { value: 10.5 }, font: { value: 'ui-monospace, DejaVu Sans Mono, monospace' } }),
      text('timing', 16, { fontSize: { value: 10.5 }, font: { value: 'system-ui, DejaVu Sans, sans-serif' }, fill: { field: 'stroke' } }),
    ],
  };
}
