import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SafeHtml } from '../render/html.js';
import { auditMarkup } from './audit.js';

export type ChartSpec = TopLevelSpec;

/** Shared look: system font stack (no web fonts), quiet axes, no actions, no tooltips. */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 180, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 200 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/**
 * Render a Vega-Lite spec to an SVG string in Node (no browser, no canvas, no network: data must be
 * inline `values`). The SVG is audited like the whole page, so a chart cannot smuggle markup in.
 */
export async function renderSvg(spec: ChartSpec): Promise<SafeHtml> {
  assertInlineData(spec);
  const vgSpec = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), {
    renderer: 'none',
    // No loader: a spec that asks for a URL fails instead of fetching.
    loader: {
      load: () => Promise.reject(new Error('charts load no external data')),
    } as unknown as vega.Loader,
  });
  try {
    const svg = await view.toSVG();
    const problems = auditMarkup(svg);
    if (problems.length > 0) throw new Error(`chart SVG failed the markup audit: ${problems[0]}`);
    return new SafeHtml(svg);
  } finally {
    view.finalize();
  }
}

/** Charts take data inline only: a `url` anywhere in a data block is a programming error. */
function assertInlineData(node: unknown): void {
  if (Array.isArray(node)) {
    for (const v of node) assertInlineData(v);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const data = obj.data as Record<string, unknown> | undefined;
  if (data && typeof data === 'object' && 'url' in data) throw new Error('chart data must be inline values');
  for (const [k, v] of Object.entries(obj)) if (k !== 'values') assertInlineData(v);
}
