import {
  type ClassificationOptions,
  classificationReport,
  multilabelReport,
} from '../metrics/classification.js';
import { ConfusionMatrix, MultilabelConfusion } from '../metrics/confusion.js';
import type {
  ClassificationReport,
  Interval,
  MulticlassReport,
  MultilabelReport,
} from '../metrics/schema.js';
import { headlineEce } from './calibration-metrics.js';
import type { EvalSet, ModelColumns } from './eval-set.js';
import { honestIntervals } from './honest-intervals.js';
import { bootstrapMany } from './intervals.js';
import type { ResolvedMetricOptions } from './options.js';
import { headlineRanking } from './ranking-metrics.js';
import type { ClassIntervals, Headline } from './schema.js';

/** Headline numbers of one model over some rows, each with its bootstrap interval. */

type Extractors<T> = Record<string, (t: T) => number | null>;

function classExtractors<T extends ClassificationReport>(labels: readonly string[]): Extractors<T> {
  const out: Extractors<T> = {};
  labels.forEach((_, j) => {
    for (const f of ['precision', 'recall', 'f1', 'fpr', 'fnr'] as const)
      out[`c${j}.${f}`] = (t) => t.perClass[j]![f];
  });
  for (const avg of ['micro', 'macro', 'weighted'] as const) {
    for (const f of ['precision', 'recall', 'f1'] as const) out[`${avg}.${f}`] = (t) => t[avg][f];
  }
  return out;
}

function classIntervals(
  report: ClassificationReport,
  iv: Record<string, Interval>,
  j: number,
): ClassIntervals {
  const c = report.perClass[j]!;
  return {
    label: c.label,
    support: c.support,
    predicted: c.predicted,
    precision: iv[`c${j}.precision`]!,
    recall: iv[`c${j}.recall`]!,
    f1: iv[`c${j}.f1`]!,
    fpr: iv[`c${j}.fpr`]!,
    fnr: iv[`c${j}.fnr`]!,
  };
}

export interface HeadlineResult {
  headline: Headline;
  report: ClassificationReport;
  perClass: ClassIntervals[];
}

function averaged(iv: Record<string, Interval>, avg: 'micro' | 'macro' | 'weighted' | 'samples') {
  return { precision: iv[`${avg}.precision`]!, recall: iv[`${avg}.recall`]!, f1: iv[`${avg}.f1`]! };
}

/**
 * `bootstrapMany` over whole reports, also keeping the report of the full sample (the callback's
 * first call, see intervals.ts), so the point values and their intervals come from one pass.
 */
function bootstrapReport<T extends ClassificationReport>(
  cells: ArrayLike<number>,
  numCells: number,
  compute: (counts: Float64Array) => T,
  extract: Extractors<T>,
  r: ResolvedMetricOptions,
): { report: T; iv: Record<string, Interval> } {
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

/** Single-label items reduce to (true, predicted) cells: a replicate is K×K counts (see bootstrap.ts). */
function singleLabelIntervals(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  options: ClassificationOptions,
  r: ResolvedMetricOptions,
): { report: MulticlassReport; iv: Record<string, Interval> } {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const cells = new Uint32Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    cells[t] = set.truth[i]! * k + m.predicted[i]!;
  }
  const cm = new ConfusionMatrix(set.labels);
  const extract: Extractors<MulticlassReport> = {
    ...classExtractors<MulticlassReport>(set.labels),
    accuracy: (t) => t.accuracy,
    balancedAccuracy: (t) => t.balancedAccuracy,
    cohenKappa: (t) => t.cohenKappa,
    matthews: (t) => t.matthews,
  };
  const compute = (counts: Float64Array) => {
    cm.counts.set(counts);
    return classificationReport(cm, options);
  };
  return bootstrapReport(cells, k * k, compute, extract, r);
}

/** Multilabel items have 4^K possible cells; resample items instead (cell = item), O(n·K) per replicate. */
function multilabelIntervals(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  options: ClassificationOptions,
  r: ResolvedMetricOptions,
): { report: MultilabelReport; iv: Record<string, Interval> } {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const ids = new Uint32Array(n);
  for (let t = 0; t < n; t++) ids[t] = t;
  const extract: Extractors<MultilabelReport> = {
    ...classExtractors<MultilabelReport>(set.labels),
    subsetAccuracy: (t) => t.subsetAccuracy,
    hammingLoss: (t) => t.hammingLoss,
    'samples.precision': (t) => t.samples.precision,
    'samples.recall': (t) => t.samples.recall,
    'samples.f1': (t) => t.samples.f1,
    'cardinality.golden': (t) => t.labelCardinality.golden,
    'cardinality.predicted': (t) => t.labelCardinality.predicted,
  };
  const compute = (counts: Float64Array) => {
    const acc = new MultilabelConfusion(set.labels);
    for (let t = 0; t < n; t++) {
      const w = counts[t]!;
      if (w === 0) continue;
      const i = rows ? rows[t]! : t;
      acc.add(set.truthFlags.subarray(i * k, (i + 1) * k), m.predictedFlags.subarray(i * k, (i + 1) * k), w);
    }
    return multilabelReport(acc, options);
  };
  return bootstrapReport(ids, Math.max(1, n), compute, extract, r);
}

/** Headline metrics over `rows` (null = all rows) of one model, with bootstrap intervals. */
export function headline(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
): HeadlineResult {
  const n = rows ? rows.length : set.n;
  const opts = { zeroDivision: r.zeroDivision, absentClasses: r.absentClasses };
  const boot =
    set.task === 'multilabel'
      ? multilabelIntervals(set, m, rows, opts, r)
      : singleLabelIntervals(set, m, rows, opts, r);
  const { report } = boot;
  const iv = honestIntervals(report, boot.iv, { level: r.bootstrap.level, method: r.intervals });

  const perClass = set.labels.map((_, j) => classIntervals(report, iv, j));
  const ranking = headlineRanking(set, m, rows, r);
  const h: Headline = {
    n,
    support: report.perClass.map((c) => c.support),
    micro: averaged(iv, 'micro'),
    macro: averaged(iv, 'macro'),
    weighted: averaged(iv, 'weighted'),
    rocAuc: ranking.rocAuc,
    averagePrecision: ranking.averagePrecision,
  };
  if (report.task === 'multiclass') {
    h.accuracy = iv.accuracy!;
    h.balancedAccuracy = iv.balancedAccuracy!;
    h.cohenKappa = iv.cohenKappa!;
    h.matthews = iv.matthews!;
    h.ece = headlineEce(set, m, rows, r);
  } else {
    h.subsetAccuracy = iv.subsetAccuracy!;
    h.hammingLoss = iv.hammingLoss!;
    h.samples = averaged(iv, 'samples');
    h.labelCardinality = { golden: iv['cardinality.golden']!, predicted: iv['cardinality.predicted']! };
  }
  if (set.task === 'binary') h.positive = perClass[set.positiveIndex]!;
  return { headline: h, report, perClass };
}
