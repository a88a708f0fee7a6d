import type { ReliabilityBin } from '../contracts/metric-results.js';
import type { ChartSpec } from './svg.js';

/**
 * Vega-Lite specs for the report's charts. Every builder takes display-ready values (strings
 * already cleaned and capped by escape.ts `cleanText`) and puts them in inline `values`; field
 * names are fixed identifiers, and no dataset text ever enters an expression (orders go by a
 * numeric rank), a field name or a format string.
 */

/**
 * Vega-Lite's TypeScript types are too deep to check layered specs built from data without casts
 * at every level; the compiler validates the spec at render time (and the tests render each chart).
 */
function vl(spec: object): ChartSpec {
  return spec as ChartSpec;
}

/**
 * Order of a nominal axis by a numeric rank field (legends: by their scale's domain, also data).
 * Vega-Lite turns an array `sort` into an expression holding the names; `constructor` broke Vega.
 */
function byRank(field: string) {
  return { field, op: 'min' } as const;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const UNIT = { type: 'quantitative', scale: { domain: [0, 1] } } as const;
export const MODEL_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2'];

export interface ConfusionInput {
  /** Display labels (unique), rows = golden, columns = predicted. */
  labels: string[];
  counts: number[][];
}

/** Confusion matrix as two heatmaps: counts, and shares of each golden row. */
export function confusionChart(c: ConfusionInput): ChartSpec {
  const values = c.counts.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({
      truth: c.labels[i]!,
      predicted: c.labels[j]!,
      truthRank: i,
      predictedRank: j,
      count,
      share: total > 0 ? count / total : 0,
      shareText: total > 0 ? `${(100 * (count / total)).toFixed(1)}%` : '–',
    }));
  });
  const side = Math.min(440, Math.max(200, 48 * c.labels.length));
  const fontSize = c.labels.length > 10 ? 8 : 11;
  const panel = (field: 'count' | 'share', label: 'count' | 'shareText', title: string, scheme: string) => ({
    title,
    width: side,
    height: side,
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: byRank('predictedRank'),
        title: 'predicted',
        axis: { labelAngle: -40 },
      },
      y: { field: 'truth', type: 'nominal', sort: byRank('truthRank'), title: 'golden label' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field,
            type: 'quantitative',
            scale: { scheme, ...(field === 'share' ? { domain: [0, 1] } : {}) },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', fontSize },
        encoding: {
          text: { field: label, type: field === 'count' ? 'quantitative' : 'nominal' },
          color: { condition: { test: 'datum.share > 0.55', value: 'white' }, value: '#222' },
        },
      },
    ],
  });
  return vl({
    $schema: SCHEMA,
    data: { values },
    hconcat: [
      panel('count', 'count', 'Counts', 'blues'),
      panel('share', 'shareText', 'Share of each golden row (recall on the diagonal)', 'oranges'),
    ],
    resolve: { scale: { color: 'independent' } },
  });
}

export interface ClassBarsInput {
  rows: { label: string; metric: string; estimate: number; low: number | null; high: number | null }[];
  caption: string; // which interval each whisker is, read off the intervals drawn
}

/** Precision, recall and F1 per class, bars with their intervals as whiskers. */
export function classBarsChart(input: ClassBarsInput): ChartSpec {
  const values = input.rows.map((r) => ({ ...r, low: r.low ?? r.estimate, high: r.high ?? r.estimate }));
  const x = { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelAngle: -30 } };
  const xOffset = { field: 'metric', type: 'nominal', sort: ['precision', 'recall', 'F1'] };
  return vl({
    $schema: SCHEMA,
    title: { text: 'Per-class precision, recall and F1', subtitle: `whiskers: ${input.caption}` },
    data: { values },
    width: Math.min(720, 40 + 120 * new Set(values.map((v) => v.label)).size),
    height: 220,
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          xOffset,
          y: { field: 'estimate', ...UNIT, title: 'value' },
          color: {
            field: 'metric',
            type: 'nominal',
            sort: ['precision', 'recall', 'F1'],
            scale: { range: ['#4c78a8', '#f58518', '#54a24b'] },
            title: null,
          },
        },
      },
      {
        mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
        encoding: { x, xOffset, y: { field: 'low', ...UNIT }, y2: { field: 'high' } },
      },
    ],
  });
}

export interface CurveInput {
  title: string;
  kind: 'roc' | 'pr';
  /** One series per model or label: points in threshold order. */
  series: { name: string; x: number[]; y: number[] }[];
  /** Marked points: the model's decision threshold and the operating points met. */
  points: { name: string; what: string; x: number; y: number }[];
  /** PR only: the prevalence of the positive class per series (a random ranker's precision). */
  baselines?: { name: string; y: number }[];
  /** Plot side in pixels. Default 300. */
  size?: number;
}

/** ROC (FPR → TPR) or precision-recall (recall → precision) curves with marked operating points. */
export function curveChart(c: CurveInput): ChartSpec {
  const names = c.series.map((s) => s.name);
  const color = {
    field: 'name',
    type: 'nominal',
    scale: { domain: names, range: MODEL_COLORS },
    title: null,
    legend: names.length > 1 ? { orient: 'bottom' } : null,
  };
  const lines = c.series.flatMap((s) => s.x.map((x, i) => ({ name: s.name, x, y: s.y[i]!, order: i })));
  // Good moderation models live at FPR < 0.05: a square-root axis gives that corner room.
  const xTitle = c.kind === 'roc' ? 'false positive rate (√ scale)' : 'recall';
  const xScale = c.kind === 'roc' ? { domain: [0, 1], type: 'sqrt' } : { domain: [0, 1] };
  const yTitle = c.kind === 'roc' ? 'true positive rate (recall)' : 'precision';
  const layer: unknown[] = [];
  if (c.kind === 'roc') {
    // Enough points that the chance line bends correctly on the square-root axis.
    const chance = Array.from({ length: 41 }, (_, i) => ({ x: (i / 40) ** 2, y: (i / 40) ** 2 }));
    layer.push({
      data: { values: chance },
      mark: { type: 'line', color: '#bbb', strokeDash: [4, 4] },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
  }
  for (const b of c.baselines ?? []) {
    layer.push({
      data: { values: [{ name: b.name, y: b.y }] },
      mark: { type: 'rule', strokeDash: [4, 4], opacity: 0.6 },
      encoding: { y: { field: 'y', type: 'quantitative' }, color },
    });
  }
  layer.push({
    data: { values: lines },
    mark: { type: 'line', strokeWidth: 2, interpolate: c.kind === 'pr' ? 'step-after' : 'linear' },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: xScale, title: xTitle },
      y: { field: 'y', ...UNIT, title: yTitle },
      order: { field: 'order', type: 'quantitative' },
      color,
    },
  });
  if (c.points.length > 0) {
    const whats = [...new Set(c.points.map((p) => p.what))];
    layer.push({
      data: { values: c.points },
      mark: { type: 'point', filled: true, size: 90, stroke: '#222', strokeWidth: 1 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        color,
        shape: {
          field: 'what',
          type: 'nominal',
          scale: {
            domain: whats,
            range: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'],
          },
          title: 'marked',
          legend: { orient: 'bottom', direction: 'vertical', labelLimit: 320 },
        },
      },
    });
  }
  return vl({
    $schema: SCHEMA,
    title: c.title,
    width: c.size ?? 300,
    height: c.size ?? 300,
    layer,
    resolve: { legend: { shape: 'independent' } },
  });
}

export interface ReliabilityInput {
  title: string;
  bins: ReliabilityBin[];
}

/**
 * Reliability diagram: observed frequency against mean confidence per bin, each bin's point with
 * its proportion interval (a vertical rule); bins flagged sparse are open circles. The items per
 * bin are drawn as bars below (the report also lists them in a table).
 */
export function reliabilityChart(r: ReliabilityInput): ChartSpec {
  const values = r.bins
    .filter((b) => b.count > 0 && b.meanConfidence !== null && b.accuracy !== null)
    .map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.count,
      confidence: b.meanConfidence,
      accuracy: b.accuracy,
      low: b.interval?.low ?? b.accuracy,
      high: b.interval?.high ?? b.accuracy,
      sparse: b.sparse === true ? 'sparse' : 'enough',
    }));
  const all = r.bins.map((b) => ({ lo: b.lo, hi: b.hi, count: b.count }));
  return vl({
    $schema: SCHEMA,
    title: r.title,
    vconcat: [
      {
        width: 300,
        height: 260,
        layer: [
          {
            data: {
              values: [
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ],
            },
            mark: { type: 'line', color: '#bbb', strokeDash: [4, 4] },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
          },
          {
            data: { values },
            mark: { type: 'rule', color: '#4c78a8', strokeWidth: 2, opacity: 0.45 },
            encoding: {
              x: { field: 'confidence', type: 'quantitative' },
              y: { field: 'low', type: 'quantitative' },
              y2: { field: 'high' },
            },
          },
          {
            data: { values },
            mark: { type: 'line', color: '#4c78a8', opacity: 0.5 },
            encoding: {
              x: { field: 'confidence', ...UNIT, title: 'mean predicted probability' },
              y: { field: 'accuracy', ...UNIT, title: 'observed frequency' },
            },
          },
          {
            data: { values },
            mark: { type: 'point', color: '#4c78a8', size: 40 },
            encoding: {
              x: { field: 'confidence', type: 'quantitative' },
              y: { field: 'accuracy', type: 'quantitative' },
              fill: {
                field: 'sparse',
                type: 'nominal',
                scale: { domain: ['enough', 'sparse'], range: ['#4c78a8', 'white'] },
                legend: null,
              },
            },
          },
        ],
      },
      {
        width: 300,
        height: 70,
        data: { values: all },
        mark: { type: 'rect', color: '#9ecae9', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'lo', ...UNIT, title: 'items per bin' },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: null, axis: { tickCount: 3 } },
          y2: { datum: 0 },
        },
      },
    ],
  });
}

export interface ForestInput {
  title: string;
  xTitle: string;
  /** Rows top to bottom. */
  rows: { name: string; estimate: number; low: number | null; high: number | null; group: string }[];
  /** Colour per group, in legend order. */
  groups: { name: string; color: string }[];
  /** A vertical reference line (the overall value, or 0 for deltas). */
  reference: { x: number; label: string } | null;
  /** Fixed [0, 1] axis for ratios; null lets deltas pick their own. */
  unit: boolean;
  /** Plot width in pixels. Default 360. */
  width?: number;
}

/** Point estimates with interval whiskers, one row each: slices, or metric deltas. */
export function forestChart(f: ForestInput): ChartSpec {
  const values = f.rows.map((r, i) => ({
    ...r,
    low: r.low ?? r.estimate,
    high: r.high ?? r.estimate,
    order: i,
  }));
  const y = { field: 'name', type: 'nominal', sort: byRank('order'), title: null };
  // Ratios: no forced zero (accuracies near 1 would be squeezed), never past 1.
  const xScale = f.unit ? { zero: false, domainMax: 1, clamp: true } : { zero: true };
  const color = {
    field: 'group',
    type: 'nominal',
    scale: { domain: f.groups.map((g) => g.name), range: f.groups.map((g) => g.color) },
    title: null,
    legend: { orient: 'bottom' },
  };
  const layer: unknown[] = [
    {
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        y,
        x: { field: 'low', type: 'quantitative', scale: xScale, title: f.xTitle },
        x2: { field: 'high' },
        color,
      },
    },
    {
      mark: { type: 'point', filled: true, size: 60 },
      encoding: { y, x: { field: 'estimate', type: 'quantitative' }, color },
    },
  ];
  if (f.reference) {
    layer.unshift({
      data: { values: [{ x: f.reference.x, label: f.reference.label }] },
      mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
      encoding: { x: { field: 'x', type: 'quantitative' } },
    });
  }
  return vl({
    $schema: SCHEMA,
    title: f.title,
    data: { values },
    width: f.width ?? 360,
    height: { step: 18 },
    layer,
  });
}

export interface BarsInput {
  title: string;
  xTitle: string;
  rows: { name: string; value: number; group: string }[];
  groups: { name: string; color: string }[];
}

/** Horizontal bars, one row each (cluster sizes). */
export function barsChart(b: BarsInput): ChartSpec {
  return vl({
    $schema: SCHEMA,
    title: b.title,
    data: { values: b.rows.map((r, i) => ({ ...r, order: i })) },
    width: 360,
    height: { step: 18 },
    mark: 'bar',
    encoding: {
      y: { field: 'name', type: 'nominal', sort: byRank('order'), title: null },
      // One bar a row: no stacking, whose order Vega-Lite would write as an expression of the groups.
      x: { field: 'value', type: 'quantitative', title: b.xTitle, stack: null },
      color: {
        field: 'group',
        type: 'nominal',
        scale: { domain: b.groups.map((g) => g.name), range: b.groups.map((g) => g.color) },
        title: null,
        legend: { orient: 'bottom' },
      },
    },
  });
}

export interface HistogramInput {
  title: string;
  xTitle: string;
  groups: string[];
  bins: { lo: number; hi: number; group: string; count: number }[];
}

/** Overlaid histograms per group on a square-root count axis (scores pile up near 0 and 1). */
export function histogramChart(h: HistogramInput): ChartSpec {
  return vl({
    $schema: SCHEMA,
    title: h.title,
    data: { values: h.bins.filter((b) => b.count > 0) },
    width: 320,
    height: 200,
    mark: { type: 'rect', opacity: 0.55, stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', scale: { domain: [0, 1] }, title: h.xTitle },
      x2: { field: 'hi' },
      y: {
        field: 'count',
        type: 'quantitative',
        scale: { type: 'sqrt' },
        title: 'items (√ scale)',
        stack: null,
      },
      y2: { datum: 0 },
      color: {
        field: 'group',
        type: 'nominal',
        scale: { domain: h.groups, range: ['#4c78a8', '#e45756', ...MODEL_COLORS.slice(2)] },
        title: null,
        legend: { orient: 'bottom' },
      },
    },
  });
}
