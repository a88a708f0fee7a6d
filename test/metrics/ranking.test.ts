import { describe, expect, it } from 'vitest';
import {
  OperatingPointSchema,
  RankingReportSchema,
  RocCurveSchema,
} from '../../src/contracts/metric-results.js';
import {
  averagePrecision,
  downsamplePrCurve,
  downsampleRocCurve,
  operatingPoint,
  prCurve,
  rankingReport,
  rocAuc,
  rocCurve,
  simplifyCurveIndices,
  thresholdSweep,
} from '../../src/metrics/ranking.js';
import { BinaryScoreStore } from '../../src/metrics/score-store.js';
import { expectClose, loadVector } from './vectors.js';

// Source: test/vectors/classification.json `binary_ties` (copied from /work/shared/test-vectors),
// values from scikit-learn roc_auc_score / average_precision_score / roc_curve / precision_recall_curve.
interface BinaryTies {
  y: number[];
  scores: number[];
  roc_auc: number;
  average_precision: number;
  roc_curve: { fpr: number[]; tpr: number[]; thresholds_after_first: number[] };
  precision_recall_curve: { precision: number[]; recall: number[]; thresholds: number[] };
  pr_auc_trapezoid_is_not_ap: number;
}
const v = loadVector<{ binary_ties: BinaryTies }>('classification').binary_ties;

function storeOf(scores: number[], labels: number[]): BinaryScoreStore {
  const s = new BinaryScoreStore({ initialCapacity: 1 }); // tiny capacity exercises growth
  s.addAll(scores, labels);
  return s;
}

function expectAllClose(actual: readonly (number | null)[], expected: readonly number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expectClose(a, expected[i]!, tol);
  });
}

describe('ROC-AUC and average precision with tied scores', () => {
  const store = storeOf(v.scores, v.y);

  it('AUC counts ties as one half', () => {
    expectClose(rocAuc(store).value, v.roc_auc);
  });

  it('AP of a perfect ranking is exactly 1 and never above it (no float noise from 1/p steps)', () => {
    // Summing (1/p)·1 per step gives 1.0000000000000007 for p = 49 and 0.9999999999999998 for p = 7.
    for (const p of [7, 11, 49, 100]) {
      const scores = Array.from({ length: 2 * p }, (_, i) => i / (2 * p));
      const labels = scores.map((_, i) => (i >= p ? 1 : 0));
      expect(averagePrecision(storeOf(scores, labels)).value).toBe(1);
      expect(averagePrecision(storeOf(scores.slice(p), labels.slice(p))).value).toBe(1);
    }
  });

  it('AP is the step sum, not the trapezoid', () => {
    const ap = averagePrecision(store).value!;
    expectClose(ap, v.average_precision);
    expect(Math.abs(ap - v.pr_auc_trapezoid_is_not_ap)).toBeGreaterThan(0.01);
  });

  it('ROC curve matches scikit-learn (drop_intermediate) with thresholds as float32 scores', () => {
    const curve = rocCurve(store)!;
    expectAllClose(curve.fpr, v.roc_curve.fpr);
    expectAllClose(curve.tpr, v.roc_curve.tpr);
    expect(curve.thresholds[0]).toBeNull();
    expect(curve.thresholds.slice(1)).toEqual(v.roc_curve.thresholds_after_first.map(Math.fround));
    expect(RocCurveSchema.parse(JSON.parse(JSON.stringify(curve)))).toEqual(curve);
  });

  it('the full ROC curve keeps every distinct threshold and has the same area', () => {
    const full = rocCurve(store, { dropCollinear: false })!;
    expect(full.thresholds.length).toBe(9); // 8 distinct scores + the origin
    let area = 0;
    for (let i = 1; i < full.fpr.length; i++) {
      area += ((full.fpr[i]! - full.fpr[i - 1]!) * (full.tpr[i]! + full.tpr[i - 1]!)) / 2;
    }
    expectClose(area, v.roc_auc);
  });

  it('PR curve matches scikit-learn (order reversed: we start at the flag-nothing point)', () => {
    const curve = prCurve(store)!;
    const ref = v.precision_recall_curve;
    expectAllClose([...curve.precision].reverse(), ref.precision);
    expectAllClose([...curve.recall].reverse(), ref.recall);
    expect(curve.thresholds.slice(1).reverse()).toEqual(ref.thresholds.map(Math.fround));
  });

  it('operating points, each with the threshold achieving it', () => {
    const ops = loadVector<{
      binary_ties: {
        operating_points: Record<string, { tpr?: number; fpr?: number; recall?: number; threshold: number }>;
      };
    }>('classification').binary_ties.operating_points;
    const a = operatingPoint(store, { kind: 'max-tpr-at-fpr', value: 0.2 }).point!;
    expectClose(a.recall, ops['max_tpr_at_fpr_le_0.2']!.tpr!);
    expect(a.threshold).toBe(Math.fround(ops['max_tpr_at_fpr_le_0.2']!.threshold));
    const b = operatingPoint(store, { kind: 'max-tpr-at-fpr', value: 0 }).point!;
    expectClose(b.recall, ops.max_tpr_at_fpr_eq_0!.tpr!);
    expect(b.threshold).toBe(Math.fround(ops.max_tpr_at_fpr_eq_0!.threshold));
    const c = operatingPoint(store, { kind: 'max-recall-at-precision', value: 0.75 }).point!;
    expectClose(c.recall, ops['max_recall_at_precision_ge_0.75']!.recall!);
    expect(c.threshold).toBe(Math.fround(ops['max_recall_at_precision_ge_0.75']!.threshold));
    const d = operatingPoint(store, { kind: 'min-fpr-at-tpr', value: 0.9 });
    expectClose(d.point!.fpr, ops['min_fpr_at_tpr_ge_0.9']!.fpr!);
    expect(d.point!.threshold).toBe(Math.fround(ops['min_fpr_at_tpr_ge_0.9']!.threshold));
    expect(OperatingPointSchema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
    // at threshold 0.6: TP 3, FP 1 of 6 positives and 6 negatives
    expect([a.tp, a.fp, a.fn, a.tn]).toEqual([3, 1, 3, 5]);
  });

  it('an unreachable constraint gives no point and a reason', () => {
    const op = operatingPoint(store, { kind: 'max-recall-at-precision', value: 1.01 });
    expect(op.point).toBeNull();
    expect(op.reason).toMatch(/no threshold/);
  });

  it('threshold sweep at a grid, thresholds compared as float32', () => {
    const sweep = thresholdSweep(store, [0, 0.35, 0.5, 0.9, 1]);
    const counts = sweep.points.map((p) => [p.tp, p.fp]);
    expect(counts).toEqual([
      [6, 6],
      [6, 3], // the two 0.35 positives are included at threshold 0.35
      [3, 1],
      [1, 0],
      [0, 0],
    ]);
    expectClose(sweep.points[1]!.precision, 6 / 9);
    expectClose(sweep.points[1]!.f1, 12 / 15);
    expectClose(sweep.points[2]!.fpr, 1 / 6);
    expect(sweep.points[4]!.precision).toBeNull();
    expect(thresholdSweep(store).points.length).toBe(101);
  });
});

describe('edge cases', () => {
  it('all scores tied: AUC 0.5 from the tie rule, AP = prevalence', () => {
    const store = storeOf([0.3, 0.3, 0.3, 0.3, 0.3], [1, 0, 0, 1, 0]);
    expect(rocAuc(store).value).toBe(0.5);
    expectClose(averagePrecision(store).value, 2 / 5);
    const curve = rocCurve(store)!;
    expect(curve.fpr).toEqual([0, 1]);
    expect(curve.tpr).toEqual([0, 1]);
  });

  it('perfect and inverted rankings give 1 and 0', () => {
    expect(rocAuc(storeOf([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).value).toBe(1);
    expect(rocAuc(storeOf([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).value).toBe(0);
  });

  it('single-class input: AUC undefined with a reason, never 0.5', () => {
    const onlyPos = storeOf([0.2, 0.9], [1, 1]);
    const auc = rocAuc(onlyPos);
    expect(auc.value).toBeNull();
    expect(auc.reason).toMatch(/0 negative/);
    expect(averagePrecision(onlyPos).value).toBe(1);
    expect(rocCurve(onlyPos)).toBeNull();
    const onlyNeg = storeOf([0.2, 0.9], [0, 0]);
    const report = rankingReport(onlyNeg);
    expect(report.rocAuc).toBeNull();
    expect(report.averagePrecision).toBeNull();
    expect(report.averagePrecisionReason).toMatch(/without positive/);
    expect(RankingReportSchema.parse(report)).toEqual(report);
    expect(rocAuc(new BinaryScoreStore()).value).toBeNull();
  });

  it('NaN and out-of-range scores throw a RangeError naming the index', () => {
    const store = new BinaryScoreStore();
    store.add(0.5, 1);
    expect(() => store.addAll([0.1, Number.NaN], [0, 1])).toThrow(/index 2 is NaN/);
    expect(() => new BinaryScoreStore().add(1.5, 0)).toThrow(/index 0 is 1.5, outside \[0, 1\]/);
    expect(() => new BinaryScoreStore().add(0.5, 2)).toThrow(RangeError);
    // logits are accepted when the caller declares the range
    const logits = new BinaryScoreStore({ range: { min: -Infinity, max: Infinity } });
    logits.addAll([-3, 2.5], [0, 1]);
    expect(rocAuc(logits).value).toBe(1);
  });

  it('merging stores equals one store over all items (and needs no re-sort by the caller)', () => {
    // Synthetic: 2,000 pseudo-random scores quantised to force ties.
    const scores: number[] = [];
    const labels: number[] = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      labels.push(x & 1);
      scores.push(Math.round(((x >>> 8) / 2 ** 24) * 50 + (x & 1) * 10) / 60);
    }
    const whole = storeOf(scores, labels);
    const a = storeOf(scores.slice(0, 700), labels.slice(0, 700));
    const b = storeOf(scores.slice(700), labels.slice(700));
    rocAuc(a); // sorts a; appending b afterwards must still give the right answer
    a.merge(b);
    expect(rocAuc(a).value).toBe(rocAuc(whole).value);
    expect(averagePrecision(a).value).toBe(averagePrecision(whole).value);
    expect(rocCurve(a)).toEqual(rocCurve(whole));
    // brute-force Mann-Whitney check of the same data
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < scores.length; i++) {
      if (labels[i] !== 1) continue;
      for (let j = 0; j < scores.length; j++) {
        if (labels[j] !== 0) continue;
        const si = Math.fround(scores[i]!);
        const sj = Math.fround(scores[j]!);
        wins += si > sj ? 1 : si === sj ? 0.5 : 0;
        pairs++;
      }
    }
    expectClose(rocAuc(whole).value, wins / pairs);
  });
});

describe('curve downsampling', () => {
  it('keeps endpoints, respects the budget and the shape', () => {
    // Synthetic smooth concave curve with 10,001 points.
    const xs = Array.from({ length: 10001 }, (_, i) => i / 10000);
    const ys = xs.map((x) => Math.sqrt(x));
    const idx = simplifyCurveIndices(xs, ys, 50);
    expect(idx.length).toBe(50);
    expect(idx[0]).toBe(0);
    expect(idx[49]).toBe(10000);
    // max vertical error of the piecewise-linear reduction stays small
    let maxErr = 0;
    for (let k = 1; k < idx.length; k++) {
      const a = idx[k - 1]!;
      const b = idx[k]!;
      for (let i = a; i <= b; i++) {
        const t = (xs[i]! - xs[a]!) / (xs[b]! - xs[a]!);
        maxErr = Math.max(maxErr, Math.abs(ys[a]! + t * (ys[b]! - ys[a]!) - ys[i]!));
      }
    }
    expect(maxErr).toBeLessThan(0.01);
  });

  it('a straight curve reduces to its endpoints; downsampled curves stay consistent', () => {
    expect(simplifyCurveIndices([0, 0.25, 0.5, 1], [0, 0.25, 0.5, 1], 10)).toEqual([0, 3]);
    const store = storeOf(v.scores, v.y);
    const roc = downsampleRocCurve(rocCurve(store, { dropCollinear: false })!, 4);
    expect(roc.fpr.length).toBe(4);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr[3], roc.tpr[3]]).toEqual([0, 0, 1, 1]);
    const pr = downsamplePrCurve(prCurve(store)!, 3);
    expect(pr.recall.length).toBe(3);
    expect(pr.thresholds[0]).toBeNull();
    expect(pr.thresholds[2]).toBe(Math.fround(0.05));
  });
});
