import { cohenKappaFromTable } from './cohen.js';
import type { ConfusionMatrix, MultilabelConfusion } from './confusion.js';
import type {
  AbsentClassPolicy,
  AveragedMetrics,
  ClassMetrics,
  MulticlassReport,
  MultilabelReport,
  ZeroDivision,
} from './schema.js';

/**
 * Classification metrics from confusion counts. Definitions follow scikit-learn so reports can be
 * checked against it: F1 = 2TP / (2TP + FP + FN) (0/0 only when the class has no true and no
 * predicted item), macro/weighted averages leave out undefined (`'nan'`) values, balanced accuracy
 * averages recall over classes present in the truth.
 */
export interface ClassificationOptions {
  /** Value of a 0/0 ratio; `'nan'` reports it as null. Default 0 (scikit-learn's "warn" value). */
  zeroDivision?: ZeroDivision;
  /** Which classes macro averages run over (see AbsentClassPolicySchema). Default include. */
  absentClasses?: AbsentClassPolicy;
}

function ratio(num: number, den: number, zd: ZeroDivision): number | null {
  if (den !== 0) return num / den;
  return zd === 'nan' ? null : zd;
}

/** Mean of the defined values (null = undefined is left out, as scikit-learn's nan-average). */
function mean(values: readonly (number | null)[], weights?: readonly number[]): number | null {
  let sum = 0;
  let wsum = 0;
  values.forEach((v, i) => {
    if (v === null) return;
    const w = weights ? weights[i]! : 1;
    sum += w * v;
    wsum += w;
  });
  return wsum === 0 ? null : sum / wsum;
}

interface CountsPerClass {
  labels: readonly string[];
  tp: ArrayLike<number>;
  fp: ArrayLike<number>;
  fn: ArrayLike<number>;
  tn: ArrayLike<number>;
}

interface CommonReport {
  labels: string[];
  zeroDivision: ZeroDivision;
  absentClasses: AbsentClassPolicy;
  perClass: ClassMetrics[];
  micro: AveragedMetrics;
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
}

function metricsOfCounts(
  label: string,
  tp: number,
  fp: number,
  fn: number,
  tn: number,
  zd: ZeroDivision,
): ClassMetrics {
  return {
    label,
    tp,
    fp,
    fn,
    tn,
    support: tp + fn,
    predicted: tp + fp,
    precision: ratio(tp, tp + fp, zd),
    recall: ratio(tp, tp + fn, zd),
    f1: ratio(2 * tp, 2 * tp + fp + fn, zd),
    fpr: ratio(fp, fp + tn, zd),
    fnr: ratio(fn, tp + fn, zd),
    absent: tp + fp + fn === 0,
  };
}

/** One class's one-vs-rest counts and ratios from a single-label confusion matrix. */
export function classMetrics(
  cm: ConfusionMatrix,
  j: number,
  options: Pick<ClassificationOptions, 'zeroDivision'> = {},
): ClassMetrics {
  let row = 0;
  let col = 0;
  for (let x = 0; x < cm.k; x++) {
    row += cm.get(j, x);
    col += cm.get(x, j);
  }
  const tp = cm.get(j, j);
  const n = cm.total();
  return metricsOfCounts(
    cm.labels[j]!,
    tp,
    col - tp,
    row - tp,
    n - row - col + tp,
    options.zeroDivision ?? 0,
  );
}

function perClassReport(c: CountsPerClass, options: ClassificationOptions): CommonReport {
  const zd = options.zeroDivision ?? 0;
  const absentClasses = options.absentClasses ?? 'include';
  const perClass: ClassMetrics[] = c.labels.map((label, j) =>
    metricsOfCounts(label, c.tp[j]!, c.fp[j]!, c.fn[j]!, c.tn[j]!, zd),
  );

  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const m of perClass) {
    tp += m.tp;
    fp += m.fp;
    fn += m.fn;
  }
  const micro = {
    precision: ratio(tp, tp + fp, zd),
    recall: ratio(tp, tp + fn, zd),
    f1: ratio(2 * tp, 2 * tp + fp + fn, zd),
  };

  const averaged =
    absentClasses === 'skip'
      ? perClass.filter((m) => !m.absent)
      : absentClasses === 'present-in-golden'
        ? perClass.filter((m) => m.support > 0)
        : perClass;
  const macroOf = (values: (number | null)[]): number | null =>
    absentClasses === 'present-in-golden' && averaged.length < 2 ? null : mean(values);
  const macro = {
    precision: macroOf(averaged.map((m) => m.precision)),
    recall: macroOf(averaged.map((m) => m.recall)),
    f1: macroOf(averaged.map((m) => m.f1)),
  };

  // Weighted by support; when no class has support the average itself is 0/0.
  const supports = perClass.map((m) => m.support);
  const totalSupport = supports.reduce((a, b) => a + b, 0);
  const weightedMean = (values: (number | null)[]): number | null =>
    totalSupport === 0 ? ratio(0, 0, zd) : mean(values, supports);
  const weighted = {
    precision: weightedMean(perClass.map((m) => m.precision)),
    recall: weightedMean(perClass.map((m) => m.recall)),
    f1: weightedMean(perClass.map((m) => m.f1)),
  };

  return { labels: [...c.labels], zeroDivision: zd, absentClasses, perClass, micro, macro, weighted };
}

/** Full report for single-label (binary or multiclass) predictions. */
export function classificationReport(
  cm: ConfusionMatrix,
  options: ClassificationOptions = {},
): MulticlassReport {
  const k = cm.k;
  const rows = cm.rowSums();
  const cols = cm.colSums();
  const n = cm.total();
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  const tn = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    tp[j] = cm.get(j, j);
    fp[j] = cols[j]! - tp[j]!;
    fn[j] = rows[j]! - tp[j]!;
    tn[j] = n - tp[j]! - fp[j]! - fn[j]!;
  }
  const common = perClassReport({ labels: cm.labels, tp, fp, fn, tn }, options);

  const recallsPresent = common.perClass.filter((m) => m.support > 0).map((m) => m.tp / m.support);

  return {
    task: 'multiclass',
    ...common,
    n,
    accuracy: accuracy(cm),
    balancedAccuracy: recallsPresent.length === 0 ? null : mean(recallsPresent),
    cohenKappa: cohenKappa(cm),
    matthews: matthewsCorrelation(cm),
    confusion: cm.toJSON(),
  };
}

/** Report for multilabel predictions: per-label binary metrics and their averages. */
export function multilabelReport(
  m: MultilabelConfusion,
  options: ClassificationOptions = {},
): MultilabelReport {
  const common = perClassReport(m, options);
  let wrong = 0;
  for (let j = 0; j < m.labels.length; j++) wrong += m.fp[j]! + m.fn[j]!;
  const decisions = m.samples * m.labels.length;
  return {
    task: 'multilabel',
    ...common,
    n: m.samples,
    subsetAccuracy: m.samples === 0 ? null : m.exactMatches / m.samples,
    hammingLoss: decisions === 0 ? null : wrong / decisions,
    samples: m.items.averages(common.zeroDivision),
    labelCardinality: m.items.cardinality(),
    confusion: m.toJSON(),
  };
}

/**
 * Cohen's kappa between golden labels (rows) and predictions (columns), the same statistic as two
 * raters' kappa in agreement.ts. Null when p_e = 1 (both sides constant on the same class) or no items.
 */
export function cohenKappa(cm: ConfusionMatrix): number | null {
  return cohenKappaFromTable(cm.toJSON().counts).kappa;
}

/**
 * Multiclass Matthews correlation (Gorodkin 2004):
 * (c·s − Σ p_k t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²)), c = correct, s = total, p/t = predicted/true
 * totals. Null when either side is constant (denominator 0); scikit-learn returns 0 there.
 */
export function matthewsCorrelation(cm: ConfusionMatrix): number | null {
  const s = cm.total();
  const rows = cm.rowSums();
  const cols = cm.colSums();
  let c = 0;
  let pt = 0;
  let pp = 0;
  let tt = 0;
  for (let j = 0; j < cm.k; j++) {
    c += cm.get(j, j);
    pt += cols[j]! * rows[j]!;
    pp += cols[j]! * cols[j]!;
    tt += rows[j]! * rows[j]!;
  }
  const den = Math.sqrt(s * s - pp) * Math.sqrt(s * s - tt);
  return den === 0 ? null : (c * s - pt) / den;
}

/** Macro-averaged F1 straight from a matrix (used per bootstrap replicate, so no report object). */
export function macroF1(cm: ConfusionMatrix, options: ClassificationOptions = {}): number | null {
  const zd = options.zeroDivision ?? 0;
  const skip = (options.absentClasses ?? 'include') === 'skip';
  const rows = cm.rowSums();
  const cols = cm.colSums();
  let sum = 0;
  let count = 0;
  for (let j = 0; j < cm.k; j++) {
    const tp = cm.get(j, j);
    const den = rows[j]! + cols[j]!; // = 2TP + FP + FN
    if (den === 0 && skip) continue;
    const f1 = ratio(2 * tp, den, zd);
    if (f1 === null) continue;
    sum += f1;
    count++;
  }
  return count === 0 ? null : sum / count;
}

/** Accuracy straight from a matrix; null when empty. */
export function accuracy(cm: ConfusionMatrix): number | null {
  const n = cm.total();
  if (n === 0) return null;
  let trace = 0;
  for (let j = 0; j < cm.k; j++) trace += cm.get(j, j);
  return trace / n;
}
