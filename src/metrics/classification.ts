import type {
  AbsentClassPolicy,
  AveragedMetrics,
  ClassMetrics,
  MulticlassReport,
  MultilabelReport,
  ZeroDivision,
} from '../contracts/metric-results.js';
import { cohenKappaFromTable } from './cohen.js';
import type { ConfusionMatrix, MultilabelConfusion } from './confusion.js';

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

/** Running mean of defined values (null left out), weighted or not: `mean` one value at a time. */
class MeanOf {
  sum = 0;
  weight = 0;
  add(v: number | null, w = 1): void {
    if (v === null) return;
    this.sum += w * v;
    this.weight += w;
  }
  get value(): number | null {
    return this.weight === 0 ? null : this.sum / this.weight;
  }
}

/**
 * Micro, macro and weighted averages straight from the per-class counts, in one pass with no
 * per-class objects (a bootstrap replicate over K classes calls this once).
 */
function averagesOf(
  c: CountsPerClass,
  zd: ZeroDivision,
  absentClasses: AbsentClassPolicy,
): Pick<CommonReport, 'micro' | 'macro' | 'weighted'> {
  const k = c.labels.length;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let totalSupport = 0;
  let macroClasses = 0;
  const macro = { precision: new MeanOf(), recall: new MeanOf(), f1: new MeanOf() };
  const weighted = { precision: new MeanOf(), recall: new MeanOf(), f1: new MeanOf() };
  for (let j = 0; j < k; j++) {
    const a = c.tp[j]!;
    const b = c.fp[j]!;
    const d = c.fn[j]!;
    tp += a;
    fp += b;
    fn += d;
    const support = a + d;
    totalSupport += support;
    const precision = ratio(a, a + b, zd);
    const recall = ratio(a, a + d, zd);
    const f1 = ratio(2 * a, 2 * a + b + d, zd);
    const inMacro =
      absentClasses === 'skip' ? a + b + d > 0 : absentClasses === 'present-in-golden' ? support > 0 : true;
    if (inMacro) {
      macroClasses++;
      macro.precision.add(precision);
      macro.recall.add(recall);
      macro.f1.add(f1);
    }
    weighted.precision.add(precision, support);
    weighted.recall.add(recall, support);
    weighted.f1.add(f1, support);
  }
  // Weighted by support; when no class has support the average itself is 0/0.
  const w = (m: MeanOf) => (totalSupport === 0 ? ratio(0, 0, zd) : m.value);
  // Over present classes, a macro average of fewer than two classes is not an average (undefined).
  const macroOf = (m: MeanOf) => (absentClasses === 'present-in-golden' && macroClasses < 2 ? null : m.value);
  return {
    micro: {
      precision: ratio(tp, tp + fp, zd),
      recall: ratio(tp, tp + fn, zd),
      f1: ratio(2 * tp, 2 * tp + fp + fn, zd),
    },
    macro: { precision: macroOf(macro.precision), recall: macroOf(macro.recall), f1: macroOf(macro.f1) },
    weighted: { precision: w(weighted.precision), recall: w(weighted.recall), f1: w(weighted.f1) },
  };
}

/**
 * Per-class metrics and their averages. With `classes`, only those classes' entries of `perClass`
 * are filled (the rest are holes): what a bootstrap replicate needs when only some classes get
 * intervals; the averages always cover every class.
 */
function perClassReport(
  c: CountsPerClass,
  options: ClassificationOptions,
  classes?: readonly number[],
): CommonReport {
  const zd = options.zeroDivision ?? 0;
  const absentClasses = options.absentClasses ?? 'include';
  let perClass: ClassMetrics[];
  if (classes) {
    perClass = new Array<ClassMetrics>(c.labels.length);
    for (const j of classes)
      perClass[j] = metricsOfCounts(c.labels[j]!, c.tp[j]!, c.fp[j]!, c.fn[j]!, c.tn[j]!, zd);
  } else {
    perClass = c.labels.map((label, j) => metricsOfCounts(label, c.tp[j]!, c.fp[j]!, c.fn[j]!, c.tn[j]!, zd));
  }
  return {
    labels: classes ? (c.labels as string[]) : [...c.labels],
    zeroDivision: zd,
    absentClasses,
    perClass,
    ...averagesOf(c, zd, absentClasses),
  };
}

/**
 * What every single-label metric needs from a K×K confusion matrix: its margins and diagonal.
 * Counting them from the non-empty cells costs O(cells + K) instead of O(K²), which is what keeps
 * bootstrap replicates over many classes affordable (each replicate has at most n non-empty cells).
 */
export interface ConfusionMargins {
  readonly labels: readonly string[];
  /** Total weight (items). */
  readonly n: number;
  /** Per true class (row sums, support). */
  readonly trueTotals: Float64Array;
  /** Per predicted class (column sums). */
  readonly predictedTotals: Float64Array;
  /** Per class, items both true and predicted as it (the diagonal). */
  readonly correct: Float64Array;
}

export function confusionMargins(cm: ConfusionMatrix): ConfusionMargins {
  const correct = new Float64Array(cm.k);
  for (let j = 0; j < cm.k; j++) correct[j] = cm.get(j, j);
  return {
    labels: cm.labels,
    n: cm.total(),
    trueTotals: cm.rowSums(),
    predictedTotals: cm.colSums(),
    correct,
  };
}

/** A single-label report without the matrix itself (what a bootstrap replicate needs). */
export type MarginReport = Omit<MulticlassReport, 'confusion'>;

/** Every single-label metric from the margins; integer counts keep it exact whatever the summing order. */
export function reportFromMargins(
  m: ConfusionMargins,
  options: ClassificationOptions = {},
  classes?: readonly number[],
): MarginReport {
  const k = m.labels.length;
  const { n, trueTotals: rows, predictedTotals: cols } = m;
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  const tn = new Float64Array(k);
  let trace = 0;
  let chance = 0;
  let pp = 0;
  let tt = 0;
  for (let j = 0; j < k; j++) {
    tp[j] = m.correct[j]!;
    fp[j] = cols[j]! - tp[j]!;
    fn[j] = rows[j]! - tp[j]!;
    tn[j] = n - tp[j]! - fp[j]! - fn[j]!;
    trace += tp[j]!;
    chance += rows[j]! * cols[j]!;
    pp += cols[j]! * cols[j]!;
    tt += rows[j]! * rows[j]!;
  }
  const common = perClassReport({ labels: m.labels, tp, fp, fn, tn }, options, classes);
  const recallsPresent = new MeanOf();
  for (let j = 0; j < k; j++) if (rows[j]! > 0) recallsPresent.add(tp[j]! / rows[j]!);
  // Cohen's kappa (as cohenKappaFromTable) and Gorodkin's MCC (as matthewsCorrelation), from margins.
  let kappa: number | null = null;
  if (n > 0) {
    const pObserved = trace / n;
    const pExpected = chance / (n * n);
    kappa = pExpected >= 1 ? null : (pObserved - pExpected) / (1 - pExpected);
  }
  const den = Math.sqrt(n * n - pp) * Math.sqrt(n * n - tt);
  return {
    task: 'multiclass',
    ...common,
    n,
    accuracy: n === 0 ? null : trace / n,
    balancedAccuracy: recallsPresent.value,
    cohenKappa: kappa,
    matthews: den === 0 ? null : (trace * n - chance) / den,
  };
}

/** Full report for single-label (binary or multiclass) predictions. */
export function classificationReport(
  cm: ConfusionMatrix,
  options: ClassificationOptions = {},
): MulticlassReport {
  return { ...reportFromMargins(confusionMargins(cm), options), confusion: cm.toJSON() };
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
