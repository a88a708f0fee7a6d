import { describe, expect, it } from 'vitest';
import { BrierReportSchema, CalibrationReportSchema } from '../../src/contracts/metric-results.js';
import {
  argmaxRow,
  BrierAccumulator,
  equalMassCalibration,
  topLabel,
  UniformCalibrationBins,
  uniformBinIndex,
} from '../../src/metrics/calibration.js';
import { BinaryScoreStore } from '../../src/metrics/score-store.js';
import { expectClose, loadVector } from './vectors.js';

// Source: test/vectors/classification.json `calibration` (copied from /work/shared/test-vectors):
// equal-width bins, first bin [0, 1/M], later (lo, hi].
interface CalibrationVector {
  y: number[];
  p_positive: number[];
  positive_class_ece: { M10: number; M15: number };
  top_label_ece: { M10: number; M15: number };
  brier: number;
}
const v = loadVector<{ calibration: CalibrationVector }>('classification').calibration;

function positiveBins(m: number, from = 0, to = v.y.length): UniformCalibrationBins {
  const acc = new UniformCalibrationBins(m, 'positive-class');
  for (let i = from; i < to; i++) acc.addBinary(v.p_positive[i]!, v.y[i]!);
  return acc;
}

function topLabelBins(m: number): UniformCalibrationBins {
  const acc = new UniformCalibrationBins(m, 'top-label');
  v.y.forEach((y, i) => {
    acc.addTopLabel([1 - v.p_positive[i]!, v.p_positive[i]!], y);
  });
  return acc;
}

describe('uniform-width ECE', () => {
  it('positive-class ECE with 10 and 15 bins', () => {
    expectClose(positiveBins(10).report().ece, v.positive_class_ece.M10);
    expectClose(positiveBins(15).report().ece, v.positive_class_ece.M15);
  });

  it('top-label ECE with 10 and 15 bins', () => {
    expectClose(topLabelBins(10).report().ece, v.top_label_ece.M10);
    expectClose(topLabelBins(15).report().ece, v.top_label_ece.M15);
  });

  it('reliability diagram data per bin', () => {
    const report = positiveBins(10).report();
    expect(report.reliability.length).toBe(10);
    expect(report.reliability.map((b) => b.count)).toEqual([0, 2, 2, 0, 0, 0, 3, 2, 1, 2]);
    const b6 = report.reliability[6]!; // (0.6, 0.7]: 0.61 (y=1), 0.63 (y=0), 0.67 (y=1)
    expectClose(b6.meanConfidence, (0.61 + 0.63 + 0.67) / 3);
    expectClose(b6.accuracy, 2 / 3);
    expect(b6.lo).toBe(0.6);
    expect(b6.hi).toBe(0.7);
    expect(report.reliability[0]!.meanConfidence).toBeNull();
    expect(CalibrationReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('bin edges: first bin is closed at 0, later bins are (lo, hi]', () => {
    expect(uniformBinIndex(0, 10)).toBe(0);
    expect(uniformBinIndex(0.1, 10)).toBe(0);
    expect(uniformBinIndex(0.3, 10)).toBe(2); // 0.3*10 = 3.0000000000000004 must not push it up
    expect(uniformBinIndex(0.30000000000000004, 10)).toBe(3);
    expect(uniformBinIndex(1, 10)).toBe(9);
    expect(uniformBinIndex(0.7, 10)).toBe(6);
    expect(() => new UniformCalibrationBins(10, 'positive-class').add(Number.NaN, 1)).toThrow(RangeError);
    expect(() => new UniformCalibrationBins(10, 'positive-class').add(1.2, 1)).toThrow(RangeError);
  });

  it('merging partial bins equals one pass (counts exact, sums to rounding)', () => {
    const whole = positiveBins(15);
    const merged = UniformCalibrationBins.fromJSON(JSON.parse(JSON.stringify(positiveBins(15, 0, 5))));
    merged.merge(positiveBins(15, 5));
    expect(Array.from(merged.count)).toEqual(Array.from(whole.count));
    expect(Array.from(merged.sumOutcome)).toEqual(Array.from(whole.sumOutcome));
    merged.sumConfidence.forEach((s, b) => {
      expectClose(s, whole.sumConfidence[b]!, 1e-15);
    });
    expectClose(merged.report().ece, v.positive_class_ece.M15);
    expect(() => merged.merge(new UniformCalibrationBins(10, 'positive-class'))).toThrow(RangeError);
  });

  it('top label takes the first class on ties, like argmax', () => {
    expect(topLabel([0.4, 0.4, 0.2], 0)).toEqual({ confidence: 0.4, correct: true });
    expect(topLabel([0.4, 0.4, 0.2], 1)).toEqual({ confidence: 0.4, correct: false });
    expect(argmaxRow([0.9, 0.1, 0.2, 0.5, 0.5, 0.3], 3, 3)).toBe(0);
  });

  it('rows of a flat probability array give the same result as per-row arrays', () => {
    // Synthetic 3-class rows, flattened row-major like an Arrow FixedSizeList<Float32> child.
    const rows = [
      [0.7, 0.2, 0.1],
      [0.1, 0.3, 0.6],
      [0.34, 0.33, 0.33],
      [0.2, 0.5, 0.3],
    ];
    const truth = [0, 1, 2, 1];
    const flat = Float32Array.from(rows.flat());
    const perRow = new UniformCalibrationBins(5, 'top-label');
    const inPlace = new UniformCalibrationBins(5, 'top-label');
    const brierRow = new BrierAccumulator('multiclass-sum-of-squares');
    const brierFlat = new BrierAccumulator('multiclass-sum-of-squares');
    rows.forEach((r, i) => {
      perRow.addTopLabel(Float32Array.from(r), truth[i]!);
      inPlace.addTopLabelRow(flat, i * 3, 3, truth[i]!);
      brierRow.addMulticlass(Float32Array.from(r), truth[i]!);
      brierFlat.addMulticlassRow(flat, i * 3, 3, truth[i]!);
    });
    expect(inPlace.toJSON()).toEqual(perRow.toJSON());
    expect(brierFlat.report()).toEqual(brierRow.report());
    // only rows 0 (confidence 0.7, bin 3) and 3 (0.5, bin 2) are right
    expect(Array.from(inPlace.sumOutcome)).toEqual([0, 0, 1, 1, 0]);
  });
});

describe('equal-mass ECE', () => {
  it('splits sorted confidences into bins of n/M items', () => {
    const store = new BinaryScoreStore();
    store.addAll(v.p_positive, v.y);
    const report = equalMassCalibration(store, 4, 'positive-class');
    // Bins of 3 in confidence order (values are float32 in the store):
    // {.12,.18,.22} y=0,1,0 | {.28,.61,.63} y=1,1,0 | {.67,.71,.74} y=1,1,0 | {.86,.93,.97} y=1,1,0
    expect(report.reliability.map((b) => b.count)).toEqual([3, 3, 3, 3]);
    const f = Math.fround;
    const gaps = [
      Math.abs(1 / 3 - (f(0.12) + f(0.18) + f(0.22)) / 3),
      Math.abs(2 / 3 - (f(0.28) + f(0.61) + f(0.63)) / 3),
      Math.abs(2 / 3 - (f(0.67) + f(0.71) + f(0.74)) / 3),
      Math.abs(2 / 3 - (f(0.86) + f(0.93) + f(0.97)) / 3),
    ];
    expectClose(report.ece, gaps.reduce((a, b) => a + b, 0) / 4);
    expect(report.reliability[1]!.lo).toBe(f(0.28));
    expect(report.reliability[1]!.hi).toBe(f(0.63));
  });

  it('never splits a run of equal confidences', () => {
    const store = new BinaryScoreStore();
    store.addAll([0.1, 0.5, 0.5, 0.5, 0.9, 0.9], [0, 1, 0, 1, 1, 1]);
    const report = equalMassCalibration(store, 3, 'positive-class');
    // boundaries at ranks 2 and 4; the 0.5 run (ranks 1-3) goes wholly to the higher bin
    expect(report.reliability.map((b) => b.count)).toEqual([1, 3, 2]);
    expectClose(report.reliability[1]!.accuracy, 2 / 3);
  });
});

describe('Brier score', () => {
  it('binary definition', () => {
    const acc = new BrierAccumulator('binary');
    v.y.forEach((y, i) => {
      acc.addBinary(v.p_positive[i]!, y);
    });
    const report = acc.report();
    expectClose(report.brier, v.brier);
    expect(BrierReportSchema.parse(report)).toEqual(report);
  });

  it('multiclass sum-of-squares definition is twice the binary one for two classes', () => {
    const multi = new BrierAccumulator('multiclass-sum-of-squares');
    const a = new BrierAccumulator('multiclass-sum-of-squares');
    v.y.forEach((y, i) => {
      const probs = [1 - v.p_positive[i]!, v.p_positive[i]!];
      (i < 6 ? multi : a).addMulticlass(probs, y);
    });
    multi.merge(a);
    expectClose(multi.report().brier, 2 * v.brier);
    // three classes, by hand: (0.7-1)^2 + 0.2^2 + 0.1^2 = 0.14
    const three = new BrierAccumulator('multiclass-sum-of-squares');
    three.addMulticlass([0.7, 0.2, 0.1], 0);
    expectClose(three.report().brier, 0.14);
    expect(() => three.addBinary(0.5, 1)).toThrow(RangeError);
    expect(new BrierAccumulator('binary').report().brier).toBeNull();
  });
});
