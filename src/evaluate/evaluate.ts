import { OUTPUT_FILES, writeJsonOutput } from '../io/outputs.js';
import { addAgreementItem, agreementReport, createAgreementAccumulator } from '../metrics/agreement.js';
import { addBiasItem, biasReport, createBiasAccumulator } from '../metrics/bias.js';
import {
  argmaxRow,
  BrierAccumulator,
  equalMassCalibration,
  UniformCalibrationBins,
} from '../metrics/calibration.js';
import {
  type ClassificationOptions,
  classificationReport,
  multilabelReport,
} from '../metrics/classification.js';
import { ConfusionMatrix, MultilabelConfusion } from '../metrics/confusion.js';
import {
  averagePrecision,
  downsamplePrCurve,
  downsampleRocCurve,
  operatingPoint,
  prCurve,
  rankingReport,
  rocAuc,
  rocCurve,
  thresholdGrid,
  thresholdSweep,
} from '../metrics/ranking.js';
import type {
  AbsentClassPolicy,
  BinningRule,
  CalibrationReport,
  CalibrationVariant,
  ClassificationReport,
  Interval,
  MaybeNumber,
  MulticlassReport,
  MultilabelReport,
  OperatingConstraint,
  ZeroDivision,
} from '../metrics/schema.js';
import { BinaryScoreStore } from '../metrics/score-store.js';
import { BadInputError } from '../util/errors.js';
import { harnessVersion } from '../util/version.js';
import { type BootstrapSettings, bootstrapMany } from './intervals.js';
import {
  type EncodedColumn,
  type EvalSet,
  type EvalSetOptions,
  loadEvalSet,
  type ModelColumns,
} from './join.js';
import {
  type Calibration,
  type ClassIntervals,
  type Definitions,
  type Headline,
  type LabelRanking,
  METRICS_SCHEMA_VERSION,
  type MetricsReport,
  MetricsReportSchema,
  type ModelMetrics,
  type SliceReport,
  type SliceValue,
} from './schema.js';

/** How metrics are computed; every choice is recorded in `metrics.json` under `definitions`. */
export interface MetricOptions {
  /** Bootstrap replicates per interval. Default 1000. */
  resamples?: number;
  /** Bootstrap seed. Default 0. */
  seed?: number;
  /** Interval coverage. Default 0.95. */
  level?: number;
  /** Calibration bins. Default 15. */
  bins?: number;
  binning?: BinningRule;
  /** Slices with fewer items are flagged `small`. Default 30. */
  minSliceSupport?: number;
  /** Values measured per slice column or crossing, the largest first. Default 100. */
  maxSliceValues?: number;
  /**
   * Default `'nan'`: a 0/0 ratio is reported as undefined (null), never as a made-up 0 or 1 (a slice
   * without spam has no spam recall); macro averages leave undefined values out.
   */
  zeroDivision?: ZeroDivision;
  /** Default `skip`: a class absent from a slice on both sides does not drag its macro average. */
  absentClasses?: AbsentClassPolicy;
  /** Points kept per output curve. Default 200. */
  curvePoints?: number;
  /** Threshold sweep steps over [0, 1]. Default 20 (every 0.05). */
  sweepSteps?: number;
  /**
   * Bootstrap intervals for ROC-AUC and AP too. They resample items and re-sort the scores per
   * replicate (O(resamples · n log n) per slice). Default: on up to SCORE_INTERVALS_AUTO_MAX_ROWS
   * evaluated rows, off above (recorded in `definitions.bootstrap.scoreIntervals`).
   */
  scoreIntervals?: boolean;
}

export interface EvaluateOptions extends EvalSetOptions, MetricOptions {
  /** Folder to write `metrics.json` into (atomically). */
  out?: string;
}

/** Above this many evaluated rows, AUC/AP intervals are off unless asked for. */
export const SCORE_INTERVALS_AUTO_MAX_ROWS = 100_000;

export const OPERATING_CONSTRAINTS: readonly OperatingConstraint[] = [
  { kind: 'max-recall-at-precision', value: 0.9 },
  { kind: 'max-recall-at-precision', value: 0.95 },
  { kind: 'max-recall-at-precision', value: 0.99 },
  { kind: 'max-tpr-at-fpr', value: 0.01 },
  { kind: 'max-tpr-at-fpr', value: 0.05 },
];

interface Resolved {
  bootstrap: BootstrapSettings;
  bins: number;
  binning: BinningRule;
  minSliceSupport: number;
  maxSliceValues: number;
  zeroDivision: ZeroDivision;
  absentClasses: AbsentClassPolicy;
  curvePoints: number;
  sweep: number[];
  scoreIntervals: boolean;
}

function resolveOptions(o: MetricOptions, rows = 0): Resolved {
  const int = (v: number | undefined, d: number, min: number, name: string): number => {
    const x = v ?? d;
    if (!(Number.isInteger(x) && x >= min))
      throw new BadInputError(`${name} must be an integer >= ${min}, got ${x}`);
    return x;
  };
  const level = o.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new BadInputError(`level must be in (0, 1), got ${level}`);
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new BadInputError(`seed must be an integer, got ${seed}`);
  return {
    bootstrap: { resamples: int(o.resamples, 1000, 1, 'resamples'), seed, level },
    bins: int(o.bins, 15, 1, 'bins'),
    binning: o.binning ?? 'uniform',
    minSliceSupport: int(o.minSliceSupport, 30, 0, 'min-slice-support'),
    maxSliceValues: int(o.maxSliceValues, 100, 1, 'max-slice-values'),
    zeroDivision: o.zeroDivision ?? 'nan',
    absentClasses: o.absentClasses ?? 'skip',
    curvePoints: int(o.curvePoints, 200, 2, 'curve points'),
    sweep: thresholdGrid(int(o.sweepSteps, 20, 1, 'sweep steps')),
    scoreIntervals: o.scoreIntervals ?? rows <= SCORE_INTERVALS_AUTO_MAX_ROWS,
  };
}

function definitions(r: Resolved): Definitions {
  return {
    zeroDivision: r.zeroDivision,
    absentClasses: r.absentClasses,
    averaging: {
      micro: 'ratios of the summed TP/FP/FN over classes',
      macro: `unweighted mean over classes of the defined per-class values${r.absentClasses === 'skip' ? ', classes with no true and no predicted item left out' : ''}`,
      weighted: 'mean over classes weighted by golden support',
      balancedAccuracy: 'mean recall over classes present in the golden labels',
      aucMacro: 'unweighted mean of one-vs-rest ROC-AUC (and AP) over labels with both classes present',
    },
    bootstrap: {
      method: 'percentile-bootstrap',
      ...r.bootstrap,
      scoreIntervals: r.scoreIntervals,
      unit: r.scoreIntervals
        ? 'items, resampled with replacement within the set or slice; the confusion-based intervals of one set or slice share the same replicates, ROC-AUC and AP intervals are drawn separately with the same seed'
        : 'items, resampled with replacement within the set or slice; the confusion-based intervals of one set or slice share the same replicates; ROC-AUC and AP have no interval (turned off)',
    },
    calibration: {
      bins: r.bins,
      binning: r.binning,
      rule:
        r.binning === 'uniform'
          ? 'equal-width bins: bin 0 = [0, 1/M], bin i = (i/M, (i+1)/M]; ECE = sum of (count/n)·|accuracy − mean confidence|'
          : 'equal-mass bins of about n/M items by sorted confidence, ties never split; ECE = sum of (count/n)·|accuracy − mean confidence|',
    },
    ranking: {
      auc: 'ROC-AUC over all scores, tied scores counting one half (Mann-Whitney); null with a reason when a class is missing',
      averagePrecision: 'step sum over distinct thresholds of (R_i − R_{i−1})·P_i (no interpolation)',
      curvePoints: r.curvePoints,
    },
    operatingPoints: [...OPERATING_CONSTRAINTS],
    sweep: { thresholds: r.sweep },
    slices: {
      minSupport: r.minSliceSupport,
      maxValues: r.maxSliceValues,
      rule: 'each value of each slice column and declared crossing (null values form their own group), the maxValues largest measured and the rest counted under omitted; support < minSupport is flagged small',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Score stores and ranking

/**
 * One-vs-rest scores of label j over the given rows (all rows when `rows` is null); `weights`
 * (a bootstrap replicate's multiplicity per row) adds each row that many times.
 */
function labelStore(
  set: EvalSet,
  m: ModelColumns,
  j: number,
  rows: Uint32Array | null,
  weights?: Float64Array,
  order?: Uint32Array,
): BinaryScoreStore {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const store = new BinaryScoreStore({ initialCapacity: n });
  for (let u = 0; u < n; u++) {
    const t = order ? order[u]! : u;
    const i = rows ? rows[t]! : t;
    const positive = set.task === 'multilabel' ? set.truthFlags[i * k + j] === 1 : set.truth[i] === j;
    const score = m.scores[i * k + j]!;
    const w = weights ? weights[t]! : 1;
    for (let c = 0; c < w; c++) store.add(score, positive);
  }
  return store;
}

/** Labels whose ranking is reported: the positive one for binary, every label otherwise. */
function rankedLabels(set: EvalSet): number[] {
  return set.task === 'binary' ? [set.positiveIndex] : set.labels.map((_, j) => j);
}

function macroOf(values: MaybeNumber[], what: string): MaybeNumber {
  const defined = values.filter((v) => v.value !== null).map((v) => v.value!);
  if (defined.length === 0) {
    return {
      value: null,
      reason: `${what} is undefined for every label (${values[0]?.reason ?? 'no labels'})`,
    };
  }
  return { value: defined.reduce((a, b) => a + b, 0) / defined.length };
}

/** Positive-class AUC and AP (binary), else their macro one-vs-rest averages. */
function rankingValues(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  weights?: Float64Array,
  orders?: Uint32Array[],
): { auc: MaybeNumber; ap: MaybeNumber } {
  const stores = rankedLabels(set).map((j, o) => labelStore(set, m, j, rows, weights, orders?.[o]));
  if (set.task === 'binary') return { auc: rocAuc(stores[0]!), ap: averagePrecision(stores[0]!) };
  return {
    auc: macroOf(stores.map(rocAuc), 'ROC-AUC'),
    ap: macroOf(stores.map(averagePrecision), 'average precision'),
  };
}

/**
 * AUC and AP with bootstrap intervals. Scores do not reduce to a few cells, so items are the cells
 * here (each replicate rebuilds the score stores: O(n log n) per replicate).
 */
function headlineRanking(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: Resolved,
): { rocAuc: Headline['rocAuc']; averagePrecision: Headline['averagePrecision'] } {
  const point = rankingValues(set, m, rows);
  const n = rows ? rows.length : set.n;
  let iv: Record<'auc' | 'ap', Interval> | undefined;
  if (r.scoreIntervals && n > 0 && (point.auc.value !== null || point.ap.value !== null)) {
    const items = new Uint32Array(n);
    for (let t = 0; t < n; t++) items[t] = t;
    // Feeding each replicate's stores in score order makes their sort (the main cost) cheaper.
    const k = set.labels.length;
    const orders = rankedLabels(set).map((j) => {
      const score = (t: number) => m.scores[(rows ? rows[t]! : t) * k + j]!;
      return items.slice().sort((a, b) => score(a) - score(b));
    });
    iv = bootstrapMany(
      items,
      n,
      (counts) => rankingValues(set, m, rows, counts, orders),
      { auc: (t) => t.auc.value, ap: (t) => t.ap.value },
      r.bootstrap,
    );
  }
  const withInterval = (v: MaybeNumber, interval: Interval | undefined) => ({
    ...v,
    interval: v.value === null || interval === undefined ? null : interval,
  });
  return { rocAuc: withInterval(point.auc, iv?.auc), averagePrecision: withInterval(point.ap, iv?.ap) };
}

function labelRanking(set: EvalSet, m: ModelColumns, j: number, r: Resolved): LabelRanking {
  const store = labelStore(set, m, j, null);
  const roc = rocCurve(store);
  const pr = prCurve(store);
  return {
    label: set.labels[j]!,
    ranking: rankingReport(store),
    roc: roc ? downsampleRocCurve(roc, r.curvePoints) : null,
    pr: pr ? downsamplePrCurve(pr, r.curvePoints) : null,
    operatingPoints: OPERATING_CONSTRAINTS.map((c) => operatingPoint(store, c)),
    sweep: thresholdSweep(store, r.sweep),
  };
}

// ---------------------------------------------------------------------------------------------
// Calibration

function calibrate(
  confidence: Float32Array,
  outcome: Uint8Array,
  variant: CalibrationVariant,
  r: Resolved,
): CalibrationReport {
  if (r.binning === 'uniform') {
    const bins = new UniformCalibrationBins(r.bins, variant);
    for (let i = 0; i < confidence.length; i++) bins.add(confidence[i]!, outcome[i]!);
    return bins.report();
  }
  const store = new BinaryScoreStore({ initialCapacity: confidence.length });
  for (let i = 0; i < confidence.length; i++) store.add(confidence[i]!, outcome[i]!);
  return equalMassCalibration(store, r.bins, variant);
}

function positiveClassCalibration(
  set: EvalSet,
  m: ModelColumns,
  j: number,
  rows: Uint32Array | null,
  r: Resolved,
) {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const conf = new Float32Array(n);
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    conf[t] = m.scores[i * k + j]!;
    out[t] = (set.task === 'multilabel' ? set.truthFlags[i * k + j] === 1 : set.truth[i] === j) ? 1 : 0;
  }
  return calibrate(conf, out, 'positive-class', r);
}

function topLabelCalibration(set: EvalSet, m: ModelColumns, rows: Uint32Array | null, r: Resolved) {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const conf = new Float32Array(n);
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    const best = argmaxRow(m.scores, i * k, k);
    conf[t] = m.scores[i * k + best]!;
    out[t] = best === set.truth[i] ? 1 : 0;
  }
  return calibrate(conf, out, 'top-label', r);
}

function calibration(set: EvalSet, m: ModelColumns, r: Resolved): Calibration {
  const k = set.labels.length;
  if (set.task === 'multilabel') {
    return {
      positiveClass: set.labels.map((label, j) => ({
        label,
        report: positiveClassCalibration(set, m, j, null, r),
      })),
      topLabel: null,
      brier: set.labels.map((label, j) => {
        const acc = new BrierAccumulator('binary');
        for (let i = 0; i < set.n; i++) acc.addBinary(m.scores[i * k + j]!, set.truthFlags[i * k + j]!);
        return { label, report: acc.report() };
      }),
    };
  }
  const p = set.positiveIndex;
  const positiveClass =
    p >= 0 ? [{ label: set.labels[p]!, report: positiveClassCalibration(set, m, p, null, r) }] : [];
  let brier: Calibration['brier'];
  if (set.task === 'binary') {
    const acc = new BrierAccumulator('binary');
    for (let i = 0; i < set.n; i++) acc.addBinary(m.scores[i * k + p]!, set.truth[i] === p);
    brier = [{ label: set.labels[p]!, report: acc.report() }];
  } else {
    const acc = new BrierAccumulator('multiclass-sum-of-squares');
    for (let i = 0; i < set.n; i++) acc.addMulticlassRow(m.scores, i * k, k, set.truth[i]!);
    brier = [{ label: null, report: acc.report() }];
  }
  return { positiveClass, topLabel: topLabelCalibration(set, m, null, r), brier };
}

// ---------------------------------------------------------------------------------------------
// Headline numbers with intervals

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

interface HeadlineResult {
  headline: Headline;
  report: ClassificationReport;
  perClass: ClassIntervals[];
}

function averaged(iv: Record<string, Interval>, avg: 'micro' | 'macro' | 'weighted') {
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
  r: Resolved,
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
  r: Resolved,
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
  r: Resolved,
): { report: MultilabelReport; iv: Record<string, Interval> } {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const ids = new Uint32Array(n);
  for (let t = 0; t < n; t++) ids[t] = t;
  const extract: Extractors<MultilabelReport> = {
    ...classExtractors<MultilabelReport>(set.labels),
    subsetAccuracy: (t) => t.subsetAccuracy,
    hammingLoss: (t) => t.hammingLoss,
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
function headline(set: EvalSet, m: ModelColumns, rows: Uint32Array | null, r: Resolved): HeadlineResult {
  const n = rows ? rows.length : set.n;
  const opts = { zeroDivision: r.zeroDivision, absentClasses: r.absentClasses };
  const { report, iv } =
    set.task === 'multilabel'
      ? multilabelIntervals(set, m, rows, opts, r)
      : singleLabelIntervals(set, m, rows, opts, r);

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
    const cal =
      set.task === 'binary'
        ? positiveClassCalibration(set, m, set.positiveIndex, rows, r)
        : topLabelCalibration(set, m, rows, r);
    h.ece = cal.ece === null ? { value: null, reason: 'no items' } : { value: cal.ece };
  } else {
    h.subsetAccuracy = iv.subsetAccuracy!;
    h.hammingLoss = iv.hammingLoss!;
  }
  if (set.task === 'binary') h.positive = perClass[set.positiveIndex]!;
  return { headline: h, report, perClass };
}

// ---------------------------------------------------------------------------------------------
// Slices

/** Row groups of one slice column or crossing, in value order (null last). */
function groups(columns: readonly EncodedColumn[]): { values: (string | null)[]; rows: Uint32Array }[] {
  const n = columns[0]!.codes.length;
  const byKey = new Map<string, { codes: number[]; rows: number[] }>();
  for (let i = 0; i < n; i++) {
    const codes = columns.map((c) => c.codes[i]!);
    const key = codes.join(',');
    let g = byKey.get(key);
    if (!g) {
      g = { codes, rows: [] };
      byKey.set(key, g);
    }
    g.rows.push(i);
  }
  const order = (c: number) => (c < 0 ? Number.MAX_SAFE_INTEGER : c);
  return [...byKey.values()]
    .sort((a, b) => {
      for (let d = 0; d < a.codes.length; d++) {
        const diff = order(a.codes[d]!) - order(b.codes[d]!);
        if (diff !== 0) return diff;
      }
      return 0;
    })
    .map((g) => ({
      values: g.codes.map((c, d) => (c < 0 ? null : columns[d]!.values[c]!)),
      rows: Uint32Array.from(g.rows),
    }));
}

function sliceReports(set: EvalSet, m: ModelColumns, r: Resolved): SliceReport[] {
  const byName = new Map(set.slices.map((s) => [s.name, s] as const));
  const dims: (readonly string[])[] = [...set.slices.map((s) => [s.name]), ...set.crossings];
  return dims.map((names) => {
    const columns = names.map((name) => byName.get(name)!);
    const all = set.n === 0 ? [] : groups(columns);
    // A column with very many values (an id-like column) would cost one bootstrap per value and
    // say little: only the largest values are measured, the rest are counted.
    const kept = new Set(
      all
        .map((g, index) => ({ index, size: g.rows.length }))
        .sort((a, b) => b.size - a.size || a.index - b.index)
        .slice(0, r.maxSliceValues)
        .map((g) => g.index),
    );
    const values: SliceValue[] = [];
    let omittedRows = 0;
    all.forEach((g, index) => {
      if (!kept.has(index)) {
        omittedRows += g.rows.length;
        return;
      }
      values.push({
        values: g.values,
        small: g.rows.length < r.minSliceSupport,
        metrics: headline(set, m, g.rows, r).headline,
      });
    });
    return {
      columns: [...names],
      values,
      omitted: { values: all.length - values.length, rows: omittedRows },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Bias and agreement

function bias(set: EvalSet, m: ModelColumns): ModelMetrics['bias'] {
  if (set.identity.length === 0) return null;
  if (set.task === 'multilabel' || set.positiveIndex < 0) {
    return { value: null, reason: 'bias AUCs need a positive label (binary task or a declared positive)' };
  }
  // A Bool identity column is one subgroup (true = mentions it); other columns give one subgroup per value.
  const groupsOf: { name: string; column: EncodedColumn; code: number }[] = [];
  for (const col of set.identity) {
    const isBool = col.values.every((v) => v === 'true' || v === 'false');
    if (isBool) groupsOf.push({ name: col.name, column: col, code: col.values.indexOf('true') });
    else
      col.values.forEach((v, code) => {
        groupsOf.push({ name: `${col.name}=${v}`, column: col, code });
      });
  }
  const acc = createBiasAccumulator(groupsOf.map((g) => g.name));
  const k = set.labels.length;
  const p = set.positiveIndex;
  const membership = new Array<boolean>(groupsOf.length);
  for (let i = 0; i < set.n; i++) {
    groupsOf.forEach((g, s) => {
      membership[s] = g.code >= 0 && g.column.codes[i] === g.code;
    });
    addBiasItem(acc, m.scores[i * k + p]!, set.truth[i] === p, membership, i);
  }
  return biasReport(acc);
}

function agreement(set: EvalSet): MetricsReport['agreement'] {
  const ann = set.annotations;
  if (!ann) return null;
  if (set.task === 'multilabel') {
    return {
      value: null,
      reason: 'agreement statistics are nominal; multilabel annotations are not supported',
    };
  }
  const a = ann.annotators.length;
  const acc = createAgreementAccumulator(a, ann.categories.length);
  const row = new Array<number | null>(a);
  for (let i = 0; i < set.n; i++) {
    for (let j = 0; j < a; j++) {
      const v = ann.ratings[i * a + j]!;
      row[j] = v < 0 ? null : v;
    }
    addAgreementItem(acc, row, set.truth[i]!, i);
  }
  return agreementReport(acc, { annotators: ann.annotators, categories: ann.categories }, true);
}

// ---------------------------------------------------------------------------------------------

function modelMetrics(set: EvalSet, m: ModelColumns, r: Resolved): ModelMetrics {
  const overall = headline(set, m, null, r);
  return {
    model: {
      name: m.meta.model.name,
      version: m.meta.model.version,
      sha256: m.meta.model.sha256,
      task: m.meta.model.task,
      predictionsFile: m.file,
      datasetFingerprint: m.meta.dataset.fingerprint,
    },
    join: {
      predictionRows: m.rows,
      missing: m.missing,
      unknown: m.unknown,
      unlabelled: m.unlabelled,
      rejected: m.rejected,
    },
    overall: overall.headline,
    perClass: overall.perClass,
    classification: overall.report,
    ranking: set.n === 0 ? [] : rankedLabels(set).map((j) => labelRanking(set, m, j, r)),
    calibration: calibration(set, m, r),
    slices: sliceReports(set, m, r),
    bias: bias(set, m),
  };
}

/** Every metric of every model in an evaluation set (pure: same set and options, same report). */
export function computeMetrics(set: EvalSet, options: MetricOptions = {}): MetricsReport {
  const r = resolveOptions(options, set.n);
  return {
    schemaVersion: METRICS_SCHEMA_VERSION,
    kind: 'modeval.metrics',
    harness: { name: 'modeval', version: harnessVersion() },
    dataset: {
      file: set.dataset.file,
      fingerprint: set.dataset.fingerprint,
      spec: set.dataset.specOrigin,
      rows: set.counts.datasetRows,
      rejected: set.counts.rejected,
      unlabelled: set.counts.unlabelled,
      labelled: set.counts.labelled,
      evaluated: set.n,
      droppedMissingPrediction: set.counts.droppedMissingPrediction,
    },
    task: set.task,
    labels: [...set.labels],
    positive: set.positive,
    definitions: definitions(r),
    models: set.models.map((m) => modelMetrics(set, m, r)),
    agreement: agreement(set),
    warnings: [...set.warnings],
  };
}

/** Validate against the schema and write `<dir>/metrics.json` atomically; returns the path. */
export async function writeMetrics(report: MetricsReport, dir: string): Promise<string> {
  return writeJsonOutput(OUTPUT_FILES.metrics, dir, MetricsReportSchema.parse(report));
}

/** Load, join, compute and (with `out`) write: the library form of `modeval eval`. */
export async function evaluate(options: EvaluateOptions): Promise<{ report: MetricsReport; path?: string }> {
  // Options are checked before any file is read, so a bad flag fails fast.
  resolveOptions(options);
  const set = await loadEvalSet(options);
  if (set.n === 0) {
    const hint = set.models
      .filter((m) => m.unknown.count > 0)
      .map(
        (m) =>
          `${m.unknown.count} ids of ${m.file} are not in the dataset (e.g. ${JSON.stringify(m.unknown.examples[0])})`,
      )
      .join('; ');
    throw new BadInputError(
      `no labelled row has a prediction from every model: nothing to evaluate${hint ? `; ${hint}` : ''}`,
      { file: options.dataset },
    );
  }
  const report = computeMetrics(set, options);
  if (options.out === undefined) return { report };
  return { report, path: await writeMetrics(report, options.out) };
}
