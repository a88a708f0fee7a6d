import type {
  ClassificationReport,
  Interval,
  MaybeNumber,
  MulticlassReport,
  MultilabelReport,
} from '../contracts/metric-results.js';
import type { ClassIntervals, Headline } from '../contracts/metrics-report.js';
import {
  type ClassificationOptions,
  classificationReport,
  type MarginReport,
  multilabelReport,
  reportFromMargins,
} from '../metrics/classification.js';
import { ConfusionMatrix, MultilabelConfusion } from '../metrics/confusion.js';
import { undefinedInterval } from '../metrics/edge-intervals.js';
import {
  CLASS_METRICS,
  classIntervalKey,
  type IntervalMap,
  multilabelMetrics,
  OVERALL_METRICS,
  type ReportMetric,
  singleLabelMetrics,
} from '../metrics/registry/index.js';
import { taskViewOf } from '../task/index.js';
import { headlineEce } from './calibration-metrics.js';
import { type EvalSet, type ModelColumns, NOT_SCORED, scoredLabels } from './eval-set.js';
import { honestIntervals } from './honest-intervals.js';
import { bootstrapMany } from './intervals.js';
import type { ResolvedMetricOptions } from './options.js';
import { headlinePositive, headlineRanking } from './ranking-metrics.js';

/** Headline numbers of one model over some rows, each with its interval: the registry's metrics. */

type Extractors<T> = Record<string, (t: T) => number | null>;

/** The bootstrap extractors of the registry's metrics: the overall ones, and the class ones of `classes`. */
function extractorsOf<R>(metrics: readonly ReportMetric<R>[], classes: readonly number[]): Extractors<R> {
  const out: Extractors<R> = {};
  for (const m of metrics) {
    if (m.scope === 'overall') out[m.key] = (t) => m.value(t, -1);
    else for (const j of classes) out[`c${j}.${m.key}`] = (t) => m.value(t, j);
  }
  return out;
}

/** The declared metrics a report of this kind has on this task. */
function metricsFor<R>(metrics: readonly ReportMetric<R>[], task: EvalSet['task']): ReportMetric<R>[] {
  return metrics.filter((m) => m.tasks.includes(task));
}

/** An interval the registry declares; missing means an extractor went missing, which is a bug. */
function need(iv: IntervalMap, key: string): Interval {
  const v = (iv as Record<string, Interval | undefined>)[key];
  if (v === undefined) throw new Error(`headline: no interval for ${key}`);
  return v;
}

function classIntervals(
  report: Pick<ClassificationReport, 'perClass'>,
  iv: IntervalMap,
  j: number,
): ClassIntervals {
  const c = report.perClass[j]!;
  const out: Record<string, unknown> = { label: c.label, support: c.support, predicted: c.predicted };
  for (const d of CLASS_METRICS) out[d.key] = need(iv, classIntervalKey(j, d.key));
  return out as ClassIntervals;
}

export interface HeadlineResult {
  headline: Headline;
  report: ClassificationReport;
  perClass: ClassIntervals[];
}

/**
 * `bootstrapMany` over whole reports, also keeping the report of the full sample (the callback's
 * first call, see intervals.ts), so the point values and their intervals come from one pass.
 */
function bootstrapReport<T>(
  cells: ArrayLike<number>,
  numCells: number,
  compute: (counts: Float64Array) => T,
  extract: Extractors<T>,
  r: ResolvedMetricOptions,
): { report: T; iv: IntervalMap } {
  let full: T | undefined;
  const iv = bootstrapMany(
    cells,
    numCells,
    (counts) => {
      const rep = compute(counts);
      full ??= rep;
      return rep;
    },
    extract,
    r.bootstrap,
  );
  return { report: full!, iv };
}

/**
 * The distinct cells in ascending order, and each item's cell as its index among them (`cells` is
 * rewritten in place and returned as `compact`).
 * A dense table when the K×K space is small enough (one pass, no hashing: the common case, which
 * a 10 M-row set made slow through a Map), else a Map.
 */
function numberCells(cells: Uint32Array, space: number): { keys: Uint32Array; compact: Uint32Array } {
  if (space <= 1 << 22) {
    const index = new Int32Array(space).fill(-1);
    for (let t = 0; t < cells.length; t++) index[cells[t]!] = 0;
    const keys: number[] = [];
    for (let c = 0; c < space; c++) if (index[c] === 0) index[c] = keys.push(c) - 1;
    for (let t = 0; t < cells.length; t++) cells[t] = index[cells[t]!]!;
    return { keys: Uint32Array.from(keys), compact: cells };
  }
  const keys = Uint32Array.from(new Set(cells)).sort();
  const indexOf = new Map<number, number>();
  for (const [x, key] of keys.entries()) indexOf.set(key, x);
  for (let t = 0; t < cells.length; t++) cells[t] = indexOf.get(cells[t]!)!;
  return { keys, compact: cells };
}

/**
 * Single-label items reduce to (true, predicted) cells: a replicate is K×K counts (see bootstrap.ts).
 * Only the non-empty cells (at most n, whatever K) are resampled, numbered in ascending cell order
 * so the draws are those over the K×K space; a replicate's report comes from the margins of its
 * cells, never from a K×K matrix. `withMatrix` adds the full sample's matrix to its report.
 */
function singleLabelIntervals(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  options: ClassificationOptions,
  classes: readonly number[],
  withMatrix: boolean,
  r: ResolvedMetricOptions,
): { report: MulticlassReport | MarginReport; iv: IntervalMap } {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const cells = new Uint32Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    cells[t] = set.truth[i]! * k + m.predicted[i]!;
  }
  const { keys, compact } = numberCells(cells, k * k);
  const margins = {
    labels: set.labels,
    n: 0,
    trueTotals: new Float64Array(k),
    predictedTotals: new Float64Array(k),
    correct: new Float64Array(k),
  };
  const marginsOf = (counts: Float64Array) => {
    margins.trueTotals.fill(0);
    margins.predictedTotals.fill(0);
    margins.correct.fill(0);
    let total = 0;
    for (let x = 0; x < keys.length; x++) {
      const c = counts[x]!;
      if (c === 0) continue;
      const key = keys[x]!;
      const truth = Math.floor(key / k);
      const predicted = key - truth * k;
      margins.trueTotals[truth]! += c;
      margins.predictedTotals[predicted]! += c;
      if (truth === predicted) margins.correct[truth]! += c;
      total += c;
    }
    margins.n = total;
    return margins;
  };
  const metrics = metricsFor(singleLabelMetrics(), set.task);
  const compute = (counts: Float64Array) => reportFromMargins(marginsOf(counts), options, classes);
  const boot = bootstrapReport(compact, Math.max(1, keys.length), compute, extractorsOf(metrics, classes), r);
  let report: MulticlassReport | MarginReport;
  if (withMatrix) {
    const cm = new ConfusionMatrix(set.labels);
    for (const x of compact) cm.counts[keys[x]!]!++;
    report = classificationReport(cm, options);
  } else {
    const full = new Float64Array(keys.length);
    for (const x of compact) full[x]!++;
    report = reportFromMargins(marginsOf(full), options);
  }
  return { report, iv: honestIntervals(report, metrics, classes, boot.iv, settingsOf(r)) };
}

/**
 * Multilabel items have 4^K possible cells; resample items instead (cell = item), O(n·K) per
 * replicate. Only the labels in `cols` (those the model scores) are counted.
 */
function multilabelIntervals(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  cols: readonly number[],
  options: ClassificationOptions,
  classes: readonly number[],
  r: ResolvedMetricOptions,
): { report: MultilabelReport; iv: IntervalMap } {
  const k = set.labels.length;
  const labels = cols.map((j) => set.labels[j]!);
  const n = rows ? rows.length : set.n;
  const ids = new Uint32Array(n);
  for (let t = 0; t < n; t++) ids[t] = t;
  const metrics = metricsFor(multilabelMetrics(), set.task);
  const all = cols.length === k;
  const truth = new Uint8Array(cols.length);
  const predicted = new Uint8Array(cols.length);
  const compute = (counts: Float64Array) => {
    const acc = new MultilabelConfusion(labels);
    for (let t = 0; t < n; t++) {
      const w = counts[t]!;
      if (w === 0) continue;
      const i = rows ? rows[t]! : t;
      if (all) {
        acc.add(
          set.truthFlags.subarray(i * k, (i + 1) * k),
          m.predictedFlags.subarray(i * k, (i + 1) * k),
          w,
        );
        continue;
      }
      cols.forEach((j, c) => {
        truth[c] = set.truthFlags[i * k + j]!;
        predicted[c] = m.predictedFlags[i * k + j]!;
      });
      acc.add(truth, predicted, w);
    }
    return multilabelReport(acc, options);
  };
  const boot = bootstrapReport(ids, Math.max(1, n), compute, extractorsOf(metrics, classes), r);
  return { report: boot.report, iv: honestIntervals(boot.report, metrics, classes, boot.iv, settingsOf(r)) };
}

/** A label the model does not score: its golden support, and every ratio undefined with the reason. */
function notScoredClass(label: string, support: number, level: number): ClassIntervals {
  const none = undefinedInterval(
    {
      estimate: null,
      low: null,
      high: null,
      level,
      method: 'percentile-bootstrap',
      resamples: 0,
      undefinedResamples: 0,
      seed: null,
    },
    NOT_SCORED,
  );
  const out: Record<string, unknown> = { label, support, predicted: null, notScored: NOT_SCORED };
  for (const d of CLASS_METRICS) out[d.key] = none;
  return out as ClassIntervals;
}

/** Golden items per label over `rows` (multilabel), unscored labels included. */
function goldenSupport(set: EvalSet, rows: Uint32Array | null): number[] {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const out = new Array<number>(k).fill(0);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    for (let j = 0; j < k; j++) out[j]! += set.truthFlags[i * k + j]!;
  }
  return out;
}

/** Headline metrics over `rows` (null = all rows) of one model, with bootstrap intervals. */
export function headline(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): HeadlineResult {
  const { headline: h, report, perClass } = headlineOf(set, m, rows, r, true);
  // With the matrix asked for, a single-label report is a full MulticlassReport.
  if (!('confusion' in report)) throw new Error('headline: the full report lost its confusion matrix');
  return { headline: h, report, perClass };
}

/**
 * The headline of one slice value: no per-class intervals (a slice does not report them, and with
 * K classes they cost 5·K statistics per replicate) except the positive class of a binary task,
 * and no K×K matrix.
 */
export function sliceHeadline(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array,
  r: ResolvedMetricOptions,
): Headline {
  return headlineOf(set, m, rows, r, false).headline;
}

function headlineOf(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
  full: boolean,
): { headline: Headline; report: ClassificationReport | MarginReport; perClass: ClassIntervals[] } {
  const n = rows ? rows.length : set.n;
  const opts = { zeroDivision: r.zeroDivision, absentClasses: r.absentClasses };
  const cols = scoredLabels(set.labels, m);
  const own = headlinePositive(set);
  // Every class with the full report; a slice reports only the class the task singles out.
  const classes = full ? set.labels.map((_, j) => j) : own === undefined ? [] : [own];
  // The report covers the labels the model scores (all of them, but for a multi-policy model that
  // scores a subset); its classes are their positions among those.
  const position = new Map(cols.map((j, p) => [j, p] as const));
  const positions = classes.flatMap((j) => {
    const p = position.get(j);
    return p === undefined ? [] : [p];
  });
  // How items are counted follows how their labels are held: K flags each, or one label.
  const { report, iv } = taskViewOf(set).multiLabel
    ? multilabelIntervals(set, m, rows, cols, opts, positions, r)
    : singleLabelIntervals(set, m, rows, opts, positions, full, r);

  const support =
    cols.length === set.labels.length ? report.perClass.map((c) => c.support) : goldenSupport(set, rows);
  const perClass = classes.map((j) => {
    const p = position.get(j);
    return p === undefined
      ? notScoredClass(set.labels[j]!, support[j]!, r.bootstrap.level)
      : classIntervals(report, iv, p);
  });
  const scores = scoreValues(set, m, rows, r);
  const h: Record<string, unknown> = { n, support };
  for (const d of OVERALL_METRICS) {
    if (!d.tasks.includes(set.task)) continue;
    const value = d.source === 'scores' ? scores.get(d.key) : need(iv, d.key);
    if (value === undefined) throw new Error(`headline: no section computes the score metric ${d.key}`);
    setPath(h, d.key, value);
  }
  if (own !== undefined) h.positive = classIntervals(report, iv, own);
  return { headline: h as Headline, report, perClass };
}

type ScoreValue = MaybeNumber & { interval: Interval | null };

/** The score metrics' values of the ranking and calibration sections, by metric key, for the task. */
function scoreValues(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): Map<string, ScoreValue> {
  const wanted = new Set(
    OVERALL_METRICS.filter((d) => d.tasks.includes(set.task)).map((d) => d.key as string),
  );
  const out = new Map<string, ScoreValue>();
  if (wanted.has('rocAuc') || wanted.has('averagePrecision')) {
    const ranking = headlineRanking(set, m, rows, r);
    out.set('rocAuc', ranking.rocAuc);
    out.set('averagePrecision', ranking.averagePrecision);
  }
  if (wanted.has('ece')) out.set('ece', headlineEce(set, m, rows, r)!);
  return out;
}

/** Sets `a.b` (a metrics.json path) in a headline being built, creating the inner object. */
function setPath(h: Record<string, unknown>, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  if (dot < 0) {
    h[path] = value;
    return;
  }
  const head = path.slice(0, dot);
  if (h[head] === undefined) h[head] = {};
  (h[head] as Record<string, unknown>)[path.slice(dot + 1)] = value;
}

function settingsOf(r: ResolvedMetricOptions) {
  return { level: r.bootstrap.level, method: r.intervals };
}
