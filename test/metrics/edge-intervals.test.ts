import { describe, expect, it } from 'vitest';
import {
  CalibrationReportSchema,
  type Interval,
  IntervalSchema,
} from '../../src/contracts/metric-results.js';
import { equalMassCalibration, UniformCalibrationBins } from '../../src/metrics/calibration.js';
import {
  adaptiveBinCount,
  assignBins,
  eceWithFixedBins,
  withBinIntervals,
} from '../../src/metrics/calibration-intervals.js';
import { classificationReport } from '../../src/metrics/classification.js';
import { ConfusionMatrix } from '../../src/metrics/confusion.js';
import { countInterval, isDegenerate, widenDegenerate } from '../../src/metrics/edge-intervals.js';
import { wilsonInterval } from '../../src/metrics/proportion.js';
import { BinaryScoreStore } from '../../src/metrics/score-store.js';
import { expectClose } from './vectors.js';

// Synthetic unit fixtures: small hand-made samples whose answers can be worked out by hand.

const boot = (estimate: number | null, low: number | null, high: number | null): Interval => ({
  estimate,
  low,
  high,
  level: 0.95,
  method: 'percentile-bootstrap',
  resamples: 1000,
  undefinedResamples: 0,
  seed: 0,
});

describe('countInterval', () => {
  it('is the Wilson interval of the counts, valid under the schema', () => {
    const iv = countInterval(33, 33, 0.95, 'wilson');
    const w = wilsonInterval(33, 33)!;
    expect(iv).toMatchObject({
      estimate: 1,
      low: w.low,
      high: 1,
      method: 'wilson',
      resamples: 0,
      seed: null,
    });
    expect(iv.high! - iv.low!).toBeGreaterThan(0.1);
    expect(IntervalSchema.parse(iv)).toEqual(iv);
  });
  it('is undefined with no trials', () => {
    expect(countInterval(0, 0, 0.95, 'jeffreys')).toMatchObject({ estimate: null, low: null, high: null });
  });
});

describe('widenDegenerate', () => {
  it('opens an interval stuck at 1 inwards by the 0-of-n upper bound', () => {
    const iv = widenDegenerate(boot(1, 1, 1), 33, [0, 1], 'wilson');
    const u = wilsonInterval(0, 33)!.high;
    expectClose(iv.low, 1 - u, 1e-15);
    expect(iv.high).toBe(1);
    expect(iv.widened).toEqual({ items: 33, share: u });
    expect(IntervalSchema.parse(iv)).toEqual(iv);
  });
  it('uses the statistic range (kappa at 1 on [-1, 1]) and opens an interior point both ways', () => {
    const u = wilsonInterval(0, 10)!.high;
    const k = widenDegenerate(boot(1, 1, 1), 10, [-1, 1], 'wilson');
    expectClose(k.low, 1 - 2 * u, 1e-15);
    const mid = widenDegenerate(boot(0.5, 0.5, 0.5), 10, [0, 1], 'wilson');
    expectClose(mid.low, 0.5 - 0.5 * u, 1e-15);
    expectClose(mid.high, 0.5 + 0.5 * u, 1e-15);
  });
  it('leaves proper, undefined and itemless intervals alone; fills a defined estimate without ends', () => {
    const proper = boot(0.9, 0.85, 0.95);
    expect(widenDegenerate(proper, 100, [0, 1], 'wilson')).toBe(proper);
    const undef = boot(null, null, null);
    expect(widenDegenerate(undef, 100, [0, 1], 'wilson')).toBe(undef);
    expect(widenDegenerate(boot(1, 1, 1), 0, [0, 1], 'wilson').widened).toBeUndefined();
    expect(isDegenerate(boot(1, null, null))).toBe(true);
    expect(widenDegenerate(boot(1, null, null), 5, [0, 1], 'jeffreys').low).toBeLessThan(1);
  });
});

describe('float noise at the edges', () => {
  // Seen in demo-policies' metrics.json: AP 1.0000000000000002 with interval [1, 1.0000000000000002],
  // and MCC [0.9999999999999998, 1.0000000000000002]: collapsed intervals that escaped widening.
  it('clamps estimate and ends to the range and treats a noise-wide interval as collapsed', () => {
    const u = wilsonInterval(0, 12)!.high;
    const ap = widenDegenerate(boot(1.0000000000000002, 1, 1.0000000000000002), 12, [0, 1], 'wilson');
    expect(ap.estimate).toBe(1);
    expect(ap.high).toBe(1);
    expectClose(ap.low, 1 - u, 1e-15);
    expect(ap.widened).toEqual({ items: 12, share: u });
    const mcc = widenDegenerate(
      boot(1.0000000000000002, 0.9999999999999998, 1.0000000000000002),
      12,
      [-1, 1],
      'wilson',
    );
    expect(mcc.high).toBe(1);
    expectClose(mcc.low, 1 - 2 * u, 1e-15);
    expect(isDegenerate(boot(0.5, 0.5, 0.5 + 1e-13), [0, 1])).toBe(true);
    expect(isDegenerate(boot(0.5, 0.5, 0.5 + 1e-6), [0, 1])).toBe(false);
  });
  it('clamps a proper interval that pokes out of its range without widening it', () => {
    const iv = widenDegenerate(boot(0.99, 0.95, 1.0000000000000004), 50, [0, 1], 'wilson');
    expect(iv).toMatchObject({ estimate: 0.99, low: 0.95, high: 1 });
    expect(iv.widened).toBeUndefined();
  });
});

describe('macro averages over classes present in the golden labels', () => {
  it('a one-class slice has no macro average; present classes only otherwise', () => {
    // 20 ham, 2 predicted spam: spam has F1 0 (only false alarms) and would halve the average.
    const cm = new ConfusionMatrix(['ham', 'spam']);
    cm.counts.set([18, 2, 0, 0]);
    const skip = classificationReport(cm, { zeroDivision: 'nan', absentClasses: 'skip' });
    expectClose(skip.macro.f1, (36 / 38 + 0) / 2, 1e-15);
    const present = classificationReport(cm, { zeroDivision: 'nan', absentClasses: 'present-in-golden' });
    expect(present.macro).toEqual({ precision: null, recall: null, f1: null });
    expectClose(present.perClass[0]!.f1, 36 / 38, 1e-15);

    const three = new ConfusionMatrix(['a', 'b', 'c']);
    three.counts.set([5, 1, 0, 1, 3, 0, 0, 0, 0]);
    const r = classificationReport(three, { zeroDivision: 'nan', absentClasses: 'present-in-golden' });
    expectClose(r.macro.recall, (5 / 6 + 3 / 4) / 2, 1e-15);
  });
});

describe('calibration bins with intervals', () => {
  it('adaptive bin count keeps about minItems per bin', () => {
    expect(adaptiveBinCount(1183, 15, 20)).toBe(15);
    expect(adaptiveBinCount(33, 15, 20)).toBe(1);
    expect(adaptiveBinCount(0, 15, 20)).toBe(1);
    expect(adaptiveBinCount(100, 15, 20)).toBe(5);
    expect(() => adaptiveBinCount(10, 0, 5)).toThrow(RangeError);
  });

  it('adds each bin a Wilson interval of its frequency and flags sparse bins', () => {
    const bins = new UniformCalibrationBins(2, 'positive-class');
    const items: [number, number][] = [
      [0.1, 0],
      [0.2, 0],
      [0.3, 1],
      [0.9, 1],
    ];
    for (const [c, y] of items) bins.add(c, y);
    const r = withBinIntervals(bins.report(), 0.95, 'wilson', 2);
    expect(CalibrationReportSchema.parse(r)).toEqual(r);
    expect(r.reliability[0]!.interval).toEqual(wilsonInterval(1, 3));
    expect(r.reliability[1]!.interval).toEqual(wilsonInterval(1, 1));
    expect(r.reliability.map((b) => b.sparse)).toEqual([false, true]);
    expect(r.sparseBins).toBe(1);
  });

  it('assigns items to fixed bins and recovers the report ECE with unit weights', () => {
    const conf = [0.05, 0.1, 0.1, 0.3, 0.45, 0.6, 0.6, 0.8, 0.9, 0.95];
    const out = [0, 0, 1, 0, 1, 1, 0, 1, 1, 1];
    const store = new BinaryScoreStore();
    conf.forEach((c, i) => {
      store.add(c, out[i] === 1);
    });
    const f32 = Float32Array.from(conf);
    for (const report of [
      equalMassCalibration(store, 3, 'positive-class'),
      (() => {
        const u = new UniformCalibrationBins(4, 'positive-class');
        f32.forEach((c, i) => {
          u.add(c, out[i]!);
        });
        return u.report();
      })(),
    ]) {
      const binOf = assignBins(f32, report);
      expect([...binOf].every((b) => b >= 0)).toBe(true);
      expectClose(eceWithFixedBins(binOf, report.reliability.length, f32, out), report.ece!, 1e-7);
      // Doubling every weight changes nothing; a zero total is undefined.
      expectClose(
        eceWithFixedBins(binOf, report.reliability.length, f32, out, new Array(10).fill(2)),
        report.ece!,
        1e-7,
      );
      expect(eceWithFixedBins(binOf, report.reliability.length, f32, out, new Array(10).fill(0))).toBeNull();
    }
  });
});
