/**
 * Charts to SVG at build time: vega-lite specs are compiled to vega, and vega specs are
 * rendered headless (`renderer: 'none'`, no canvas, no DOM) to an SVG string for inlining.
 */
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';

// Loaded on first use: vega and vega-lite take a noticeable part of a second to import,
// which every `agglo` command would otherwise pay for the one step that draws charts.
let libs: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite') }> | undefined;
function load() {
  libs ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return libs;
}

/** Shared look: the report's font, no chart background, quiet axes. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, DejaVu Sans, sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eaeef2' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** Renders a vega spec to an SVG string. */
export async function vegaToSvg(spec: Vega.Spec): Promise<string> {
  const { vega } = await load();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Compiles a vega-lite spec (with {@link CHART_CONFIG} under its own config) and renders it. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const withConfig = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const { vl } = await load();
  return vegaToSvg(vl.compile(withConfig).spec);
}
