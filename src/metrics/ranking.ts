import type {
  MaybeNumber,
  OperatingConstraint,
  OperatingPoint,
  PrCurve,
  RankingReport,
  RocCurve,
  ThresholdPoint,
  ThresholdSweep,
} from '../contracts/metric-results.js';
import { simplifyIndices } from './compact-curves.js';
import { type BinaryScoreStore, countAtLeast, ThresholdWalker } from './score-store.js';

/**
 * Threshold-free binary metrics over a BinaryScoreStore. Every item with score >= t is flagged
 * positive at threshold t; tied scores form one group, so the ROC curve moves diagonally through a
 * tie (each tied positive-negative pair counts one half), which is the Mann-Whitney/midrank AUC.
 * Undefined results are null with a reason: a one-class input has no AUC, and 0.5 is never invented.
 */

function walker(store: BinaryScoreStore): ThresholdWalker {
  return new ThresholdWalker(store.sortedPositives(), store.sortedNegatives());
}

export function rocAuc(store: BinaryScoreStore): MaybeNumber {
  const p = store.positives;
  const n = store.negatives;
  if (p === 0 || n === 0) {
    return { value: null, reason: `ROC-AUC is undefined with ${p} positive and ${n} negative items` };
  }
  // Twice the trapezoid area in count units: sum of dFP * (2 * TP_before + dTP). Integers below
  // 2^53 for any realistic n, so the sum is exact and independent of order.
  const w = walker(store);
  let twiceArea = 0;
  let prevTp = 0;
  let prevFp = 0;
  while (w.next()) {
    twiceArea += (w.fp - prevFp) * (2 * prevTp + (w.tp - prevTp));
    prevTp = w.tp;
    prevFp = w.fp;
  }
  return { value: twiceArea / (2 * p * n) };
}

/**
 * Average precision: sum over distinct thresholds of (R_i - R_{i-1}) * P_i (scikit-learn). Summed
 * as ΔTP·P_i and divided by the positives once: each term is at most ΔTP, so the sum never rounds
 * above p and AP never above 1 (adding ΔTP/p per step gave 1.0000000000000007 at p = 49), and a
 * perfect ranking is exactly 1.
 */
export function averagePrecision(store: BinaryScoreStore): MaybeNumber {
  const p = store.positives;
  if (p === 0) return { value: null, reason: 'average precision is undefined without positive items' };
  const w = walker(store);
  let sum = 0;
  let prevTp = 0;
  while (w.next()) {
    if (w.tp !== prevTp) sum += (w.tp - prevTp) * (w.tp / (w.tp + w.fp));
    prevTp = w.tp;
  }
  return { value: sum / p };
}

export function rankingReport(store: BinaryScoreStore): RankingReport {
  const auc = rocAuc(store);
  const ap = averagePrecision(store);
  return {
    positives: store.positives,
    negatives: store.negatives,
    rocAuc: auc.value,
    ...(auc.reason ? { rocAucReason: auc.reason } : {}),
    averagePrecision: ap.value,
    ...(ap.reason ? { averagePrecisionReason: ap.reason } : {}),
  };
}

/**
 * The ROC curve at every distinct score, from (0, 0) to (1, 1). With `dropCollinear` (default),
 * points lying on the straight segment between their neighbours are removed: the curve (and its
 * area) is unchanged, only redundant thresholds go; the highest score is always kept. This removes
 * a superset of what scikit-learn's `drop_intermediate` removes (it drops only collinear points
 * with equal consecutive steps). Null when one class is missing.
 */
export function rocCurve(
  store: BinaryScoreStore,
  options: { dropCollinear?: boolean } = {},
): RocCurve | null {
  const p = store.positives;
  const n = store.negatives;
  if (p === 0 || n === 0) return null;
  const drop = options.dropCollinear ?? true;
  const tps: number[] = [0];
  const fps: number[] = [0];
  const thresholds: (number | null)[] = [null];
  const w = walker(store);
  while (w.next()) {
    const last = tps.length - 1;
    // The first real threshold (index 1) is always kept, as scikit-learn does: it is the strictest
    // usable operating point even when it lies on the segment from the origin.
    if (drop && last >= 2) {
      // Cross product of the last step and the new step, in exact integer counts.
      const cross =
        (fps[last]! - fps[last - 1]!) * (w.tp - tps[last]!) -
        (tps[last]! - tps[last - 1]!) * (w.fp - fps[last]!);
      if (cross === 0) {
        tps.pop();
        fps.pop();
        thresholds.pop();
      }
    }
    tps.push(w.tp);
    fps.push(w.fp);
    thresholds.push(w.threshold);
  }
  return { fpr: fps.map((v) => v / n), tpr: tps.map((v) => v / p), thresholds };
}

/**
 * The precision-recall curve at every distinct score (no point dropped), preceded by the
 * conventional (recall 0, precision 1) point. Null without positives.
 */
export function prCurve(store: BinaryScoreStore): PrCurve | null {
  const p = store.positives;
  if (p === 0) return null;
  const precision: number[] = [1];
  const recall: number[] = [0];
  const thresholds: (number | null)[] = [null];
  const w = walker(store);
  while (w.next()) {
    precision.push(w.tp / (w.tp + w.fp));
    recall.push(w.tp / p);
    thresholds.push(w.threshold);
  }
  return { precision, recall, thresholds };
}

function pointAt(threshold: number, tp: number, fp: number, p: number, n: number): ThresholdPoint {
  const fn = p - tp;
  const tn = n - fp;
  const orNull = (num: number, den: number): number | null => (den === 0 ? null : num / den);
  return {
    threshold,
    tp,
    fp,
    fn,
    tn,
    precision: orNull(tp, tp + fp),
    recall: orNull(tp, p),
    f1: orNull(2 * tp, 2 * tp + fp + fn),
    fpr: orNull(fp, n),
  };
}

/**
 * Best threshold under a constraint. Only real thresholds (score values) count: "flag nothing" is
 * not an operating point. Ties are broken towards the dominating point: among equal recall/TPR the
 * one with fewer false positives, among equal FPR the one with more true positives.
 */
export function operatingPoint(store: BinaryScoreStore, constraint: OperatingConstraint): OperatingPoint {
  const p = store.positives;
  const n = store.negatives;
  const { kind, value } = constraint;
  if (p === 0) return { constraint, point: null, reason: 'no positive items: recall/TPR is undefined' };
  if (n === 0 && kind !== 'max-recall-at-precision') {
    return { constraint, point: null, reason: 'no negative items: FPR is undefined' };
  }
  // The best point so far in three numbers (found = tp >= 0): no object per threshold walked.
  let bt = 0;
  let btp = -1;
  let bfp = 0;
  const w = walker(store);
  while (w.next()) {
    const { tp, fp } = w;
    if (kind === 'max-recall-at-precision') {
      if (tp / (tp + fp) >= value && tp > btp) [bt, btp, bfp] = [w.threshold, tp, fp];
    } else if (kind === 'max-tpr-at-fpr') {
      if (fp / n > value) break; // FPR only grows from here
      if (tp > btp) [bt, btp, bfp] = [w.threshold, tp, fp];
    } else {
      if (btp >= 0 && fp > bfp) break;
      if (tp / p >= value && (btp < 0 || fp < bfp || tp > btp)) [bt, btp, bfp] = [w.threshold, tp, fp];
    }
  }
  if (btp < 0) return { constraint, point: null, reason: `no threshold satisfies ${kind} ${value}` };
  return { constraint, point: pointAt(bt, btp, bfp, p, n) };
}

/** Evenly spaced thresholds 0, 1/steps, ..., 1. */
export function thresholdGrid(steps = 100): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => i / steps);
}

/**
 * Counts and rates at each given threshold (binary search per threshold: O(G log n)). Thresholds
 * are rounded to float32 before comparing, so a threshold written as 0.35 selects a score the
 * model wrote as float32 0.35.
 */
export function thresholdSweep(
  store: BinaryScoreStore,
  thresholds: ArrayLike<number> = thresholdGrid(),
): ThresholdSweep {
  const pos = store.sortedPositives();
  const neg = store.sortedNegatives();
  const points: ThresholdPoint[] = [];
  for (let i = 0; i < thresholds.length; i++) {
    const t = thresholds[i]!;
    if (Number.isNaN(t)) throw new RangeError(`threshold at index ${i} is NaN`);
    const t32 = Math.fround(t);
    points.push(pointAt(t, countAtLeast(pos, t32), countAtLeast(neg, t32), pos.length, neg.length));
  }
  return { points };
}

/**
 * Indices of at most `maxPoints` curve points that keep its shape for plotting: both endpoints,
 * then greedily the point farthest from the current polyline (top-down Douglas-Peucker with a
 * budget). Points on the polyline already are never added, so a budget larger than the curve's
 * corners returns only the corners.
 */
export function simplifyCurveIndices(
  xs: readonly number[],
  ys: readonly number[],
  maxPoints: number,
): number[] {
  if (xs.length !== ys.length) throw new RangeError('curve coordinates differ in length');
  return simplifyIndices(
    xs.length,
    (i) => xs[i]!,
    (i) => ys[i]!,
    maxPoints,
  );
}

function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i) => values[i]!);
}

/** ROC curve reduced to at most `maxPoints` points for output (endpoints and shape kept). */
export function downsampleRocCurve(curve: RocCurve, maxPoints: number): RocCurve {
  const idx = simplifyCurveIndices(curve.fpr, curve.tpr, maxPoints);
  return { fpr: pick(curve.fpr, idx), tpr: pick(curve.tpr, idx), thresholds: pick(curve.thresholds, idx) };
}

/** PR curve reduced to at most `maxPoints` points for output (endpoints and shape kept). */
export function downsamplePrCurve(curve: PrCurve, maxPoints: number): PrCurve {
  const idx = simplifyCurveIndices(curve.recall, curve.precision, maxPoints);
  return {
    precision: pick(curve.precision, idx),
    recall: pick(curve.recall, idx),
    thresholds: pick(curve.thresholds, idx),
  };
}
