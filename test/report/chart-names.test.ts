import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import {
  barsChart,
  classBarsChart,
  confusionChart,
  curveChart,
  forestChart,
  histogramChart,
} from '../../src/report/charts.js';
import { type ChartSpec, renderSvg } from '../../src/report/svg.js';

/**
 * Names from data in every chart builder (SYNTHETIC values: property names of Object, Vega field
 * and expression syntax, markup). Each chart must render, keep the order it was given, and no
 * name may appear in anything Vega parses as an expression.
 */
const NAMES = [
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'a.b',
  "datum['x']",
  '"quoted"',
  '<script>',
  '\\',
  '{}',
];

/** Every string under a key Vega parses as an expression (`expr`, `signal`, `test`, `update`). */
function expressions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) expressions(v, out);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'values') continue;
      if (typeof v === 'string' && ['expr', 'signal', 'test', 'update'].includes(k)) out.push(v);
      else expressions(v, out);
    }
  }
  return out;
}

/** The names in the order their SVG text elements come (text content escapes &, < and >). */
function textOrder(svg: string, names: readonly string[]): string[] {
  const escaped = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return names
    .map((n) => ({ n, at: svg.indexOf(`>${escaped(n)}</text>`) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.n);
}

async function check(spec: ChartSpec): Promise<string> {
  const exprs = expressions(compile(spec as TopLevelSpec).spec).join('\n');
  for (const name of NAMES) {
    if (/^[a-z_]+$/i.test(name)) expect(exprs).not.toMatch(new RegExp(`["']${name}["']`));
    else expect(exprs).not.toContain(name);
  }
  return (await renderSvg(spec)).value;
}

describe('chart specs carry names from data as values only', () => {
  it('confusion matrix: every label renders, in the given order', async () => {
    const counts = NAMES.map((_, i) => NAMES.map((__, j) => (i === j ? 5 : 1)));
    const svg = await check(confusionChart({ labels: NAMES, counts }));
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(svg).toContain(`>${name}</text>`);
    }
    // Not alphabetical: the order given (rows = golden, top to bottom).
    expect(
      textOrder(svg.slice(svg.indexOf('golden label') - 20000), ['toString', 'constructor', '__proto__']),
    ).toEqual(['toString', 'constructor', '__proto__']);
  });

  it('forest and bars: rows in the given order, names escaped', async () => {
    const rows = NAMES.map((name, i) => ({
      name,
      estimate: 0.5 + i / 40,
      low: 0.4,
      high: 0.9,
      group: i % 2 ? 'constructor' : '__proto__',
    }));
    const groups = [
      { name: '__proto__', color: '#4c78a8' },
      { name: 'constructor', color: '#f58518' },
    ];
    const forest = await check(
      forestChart({
        title: 't',
        xTitle: 'x',
        rows,
        groups,
        reference: { x: 0.5, label: 'toString' },
        unit: true,
      }),
    );
    expect(textOrder(forest, NAMES)).toEqual(NAMES);
    expect(forest).not.toContain('<script>');
    const bars = await check(
      barsChart({ title: 't', xTitle: 'x', rows: rows.map((r) => ({ ...r, value: r.estimate })), groups }),
    );
    expect(textOrder(bars, NAMES)).toEqual(NAMES);
  });

  it('curves, class bars and histograms with names as series, classes and groups', async () => {
    const series = NAMES.slice(0, 4).map((name, k) => ({ name, x: [0, 0.1 * (k + 1), 1], y: [0, 0.8, 1] }));
    const points = series.map((s) => ({ name: s.name, what: `threshold of ${s.name}`, x: 0.1, y: 0.8 }));
    const roc = await check(curveChart({ title: 'ROC', kind: 'roc', series, points }));
    expect(textOrder(roc, NAMES.slice(0, 4))).toEqual(NAMES.slice(0, 4));
    await check(
      curveChart({ title: 'PR', kind: 'pr', series, points, baselines: [{ name: 'constructor', y: 0.3 }] }),
    );
    await check(
      classBarsChart({
        caption: '95% intervals: Wilson for precision, recall; percentile bootstrap for F1',
        rows: NAMES.flatMap((label) =>
          ['precision', 'recall', 'F1'].map((metric) => ({
            label,
            metric,
            estimate: 0.5,
            low: 0.4,
            high: 0.6,
          })),
        ),
      }),
    );
    const hist = await check(
      histogramChart({
        title: 'h',
        xTitle: 'score',
        groups: ['toString', 'constructor'],
        bins: [
          { lo: 0, hi: 0.5, group: 'toString', count: 3 },
          { lo: 0.5, hi: 1, group: 'constructor', count: 4 },
        ],
      }),
    );
    expect(textOrder(hist, ['toString', 'constructor'])).toEqual(['toString', 'constructor']);
  });
});
