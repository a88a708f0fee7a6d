import { describe, expect, it } from 'vitest';
import { IntervalSchema, McNemarResultSchema } from '../../src/contracts/metric-results.js';
import {
  bootstrapCells,
  bootstrapConfusionMetric,
  exhaustivePairedAccuracyBootstrap,
  pairedBootstrapCells,
  pairedBootstrapConfusionMetric,
  quantileSorted,
} from '../../src/metrics/bootstrap.js';
import { accuracy, classificationReport, macroF1 } from '../../src/metrics/classification.js';
import { ConfusionMatrix } from '../../src/metrics/confusion.js';
import {
  chiSquare1Survival,
  erfc,
  mcnemar,
  mcnemarFromCorrectness,
  mcnemarTable,
} from '../../src/metrics/significance.js';
import { Xoshiro128 } from '../../src/util/prng.js';
import { expectClose, loadVector } from './vectors.js';

// Source: test/vectors/comparison.json (copied from /work/shared/test-vectors): statsmodels
// contingency_tables.mcnemar values and an exhaustive 4^4 paired bootstrap.
interface McNemarCase {
  table?: number[][];
  b?: number;
  c?: number;
  exact_p: number;
  chi2_corrected: number;
  p_corrected?: number;
  chi2_uncorrected: number;
}
interface Comparison {
  mcnemar: McNemarCase[];
  exhaustive_paired_bootstrap: {
    correct_A: number[];
    correct_B: number[];
    delta_distribution_counts: Record<string, number>;
    mean: number;
    p_delta_le_0: number;
    'percentile_2.5_linear': number;
    'percentile_97.5_linear': number;
  };
  macro_f1_two_models: {
    y_true: number[];
    pred_A: number[];
    pred_B: number[];
    macro_f1_A: number;
    macro_f1_B: number;
    mcnemar_table: number[][];
    mcnemar_exact_p: number;
  };
}
const v = loadVector<Comparison>('comparison');

describe("McNemar's test (statsmodels values)", () => {
  v.mcnemar.forEach((tc, i) => {
    const b = tc.table ? tc.table[0]![1]! : tc.b!;
    const c = tc.table ? tc.table[1]![0]! : tc.c!;
    it(`case ${i}: b=${b}, c=${c}`, () => {
      const r = mcnemar(b, c);
      // p-values: relative 1e-12 (the smallest is 4e-6); statistics absolute 1e-12
      expectClose(r.exactPValue, tc.exact_p, tc.exact_p * 1e-12);
      expectClose(r.chi2Corrected, tc.chi2_corrected);
      expectClose(r.chi2Uncorrected, tc.chi2_uncorrected);
      if (tc.p_corrected !== undefined)
        expectClose(r.pValueCorrected, tc.p_corrected, tc.p_corrected * 1e-12);
      expect(r.method).toBe(b + c < 25 ? 'exact-binomial' : 'chi-square-corrected');
      expect(r.pValue).toBe(b + c < 25 ? r.exactPValue : r.pValueCorrected);
      expect(McNemarResultSchema.parse(r)).toEqual(r);
    });
  });

  it('the threshold is configurable and b + c = 0 is no evidence', () => {
    expect(mcnemar(12, 5, { exactBelow: 10 }).method).toBe('chi-square-corrected');
    const none = mcnemar(0, 0);
    expect(none.pValue).toBe(1);
    expect(none.chi2Corrected).toBeNull();
    expect(() => mcnemar(-1, 3)).toThrow(RangeError);
  });

  it('exact p-values for large discordant counts (log-space branch above n = 1000)', () => {
    // references: scipy.stats.binom.cdf (scipy 1.10), 2 * cdf(min(b, c); b + c, 1/2)
    const cases: [number, number, number][] = [
      [480, 520, 0.2174482932041409],
      [600, 650, 0.16574252848396465],
      [2000, 2400, 1.7531224449805696e-9],
      [100, 1000, 2.3274498138260934e-187],
    ];
    for (const [b, c, p] of cases) expectClose(mcnemar(b, c).exactPValue / p, 1, 1e-10);
    expectClose(mcnemar(5000, 5000).exactPValue, 1, 1e-12);
  });

  it('erfc matches Python math.erfc across the series / continued-fraction switch', () => {
    const ref: [number, number][] = [
      [0.5, 0.4795001221869535],
      [1.9999999, 0.004677737047746216],
      [2, 0.004677734981047265],
      [3.3, 3.0577097964381654e-6],
      [5, 1.5374597944280351e-12],
      [10, 2.088487583762545e-45],
      [-1, 1.842700792949715],
    ];
    for (const [x, y] of ref) expectClose(erfc(x) / y, 1, 1e-13);
    expect(erfc(0)).toBe(1);
    expectClose(chiSquare1Survival(3.841458820694124), 0.05, 1e-14);
  });
});

describe('two models on the same items', () => {
  const m = v.macro_f1_two_models;
  const labels = ['0', '1', '2'];
  const cmOf = (pred: number[]): ConfusionMatrix => {
    const cm = new ConfusionMatrix(labels);
    cm.addAll(m.y_true, pred);
    return cm;
  };

  it('macro F1 of each model and the McNemar table of their correctness', () => {
    expectClose(classificationReport(cmOf(m.pred_A)).macro.f1, m.macro_f1_A);
    expectClose(classificationReport(cmOf(m.pred_B)).macro.f1, m.macro_f1_B);
    const correctA = m.y_true.map((t, i) => t === m.pred_A[i]);
    const correctB = m.y_true.map((t, i) => t === m.pred_B[i]);
    expect(mcnemarTable(correctA, correctB)).toEqual(m.mcnemar_table);
    expectClose(mcnemarFromCorrectness(correctA, correctB).pValue, m.mcnemar_exact_p);
  });

  it('paired bootstrap of the macro-F1 delta: deterministic, brackets the estimate', () => {
    const run = (seed: number) =>
      pairedBootstrapConfusionMetric(labels, m.y_true, m.pred_B, m.pred_A, (cm) => macroF1(cm), { seed });
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    expectClose(a.estimate, m.macro_f1_B - m.macro_f1_A);
    expect(a.low!).toBeLessThan(a.estimate!);
    expect(a.high!).toBeGreaterThan(a.estimate!);
    expect(a.resamples).toBe(1000);
    expect(a.seed).toBe(7);
    expect(a.fractionAtMostZero).toBeGreaterThan(0);
    expect(a.fractionAtMostZero).toBeLessThan(0.2);
    expect(IntervalSchema.parse(a)).toEqual(a);
  });
});

describe('exhaustive paired bootstrap (all 4^4 resamples)', () => {
  const e = v.exhaustive_paired_bootstrap;
  const { interval, distribution, mean } = exhaustivePairedAccuracyBootstrap(e.correct_A, e.correct_B);

  it('reproduces the delta distribution exactly', () => {
    const counts = Object.fromEntries(distribution.map((d) => [String(d.value), d.count]));
    expect(counts).toEqual(e.delta_distribution_counts);
    expect(interval.resamples).toBe(256);
  });

  it('mean, P(delta <= 0) and linear percentiles', () => {
    expect(mean).toBe(e.mean);
    expect(interval.fractionAtMostZero).toBe(e.p_delta_le_0);
    expect(interval.low).toBe(e['percentile_2.5_linear']);
    expect(interval.high).toBe(e['percentile_97.5_linear']);
    expect(interval.estimate).toBe(0.5);
    expect(interval.method).toBe('exhaustive-bootstrap');
  });

  it('the Monte Carlo paired bootstrap converges to the exhaustive distribution', () => {
    const r = pairedBootstrapCells(
      e.correct_A,
      2,
      (c) => c[1]! / 4,
      e.correct_B,
      2,
      (c) => c[1]! / 4,
      { resamples: 20000, seed: 1 },
    );
    expect(Math.abs(r.fractionAtMostZero! - e.p_delta_le_0)).toBeLessThan(0.01);
    expect(r.low).toBe(0);
    expect(r.high).toBe(1);
  });
});

describe('bootstrap machinery', () => {
  it('the PRNG is deterministic per seed and uniform enough', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(new Xoshiro128(43).nextUint32()).not.toBe(xs[0]);
    const rng = new Xoshiro128(3);
    const hist = new Array<number>(7).fill(0);
    for (let i = 0; i < 70000; i++) hist[rng.nextInt(7)]!++;
    for (const h of hist) expect(Math.abs(h - 10000)).toBeLessThan(400);
    const f = rng.nextFloat();
    expect(f >= 0 && f < 1).toBe(true);
    expect(() => new Xoshiro128(0.5)).toThrow(RangeError);
  });

  it('one-model interval of accuracy is close to the binomial normal interval', () => {
    // Synthetic: 1,000 items, 800 correct (cells 1 = correct).
    const cells = Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const r = bootstrapCells(cells, 2, (c) => c[1]! / (c[0]! + c[1]!), { seed: 11, resamples: 2000 });
    expect(r.estimate).toBe(0.8);
    const se = Math.sqrt((0.8 * 0.2) / 1000);
    expect(Math.abs(r.low! - (0.8 - 1.96 * se))).toBeLessThan(0.006);
    expect(Math.abs(r.high! - (0.8 + 1.96 * se))).toBeLessThan(0.006);
  });

  it('confusion-metric bootstrap and undefined replicates', () => {
    const r = bootstrapConfusionMetric(['a', 'b'], [0, 0, 1, 1], [0, 1, 1, 1], accuracy, {
      seed: 5,
      resamples: 200,
    });
    expect(r.estimate).toBe(0.75);
    expect(r.undefinedResamples).toBe(0);
    // kappa-like statistic undefined when a resample has a single cell
    const s = bootstrapCells([0, 1], 2, (c) => (c[0] === 0 || c[1] === 0 ? null : 1), {
      seed: 1,
      resamples: 400,
    });
    expect(s.undefinedResamples).toBeGreaterThan(100);
    expect(s.undefinedResamples).toBeLessThan(300);
    expect(() => bootstrapCells([0, 2], 2, () => 0)).toThrow(/index 1/);
  });

  it('multinomial replicates agree with naive per-item resampling', () => {
    // Synthetic 3-class data, 3,000 items; the naive bootstrap draws item indices one by one.
    const rng = new Xoshiro128(77);
    const n = 3000;
    const truth: number[] = [];
    const predA: number[] = [];
    const predB: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = rng.nextInt(3);
      truth.push(t);
      predA.push(rng.nextFloat() < 0.8 ? t : rng.nextInt(3));
      predB.push(rng.nextFloat() < 0.75 ? t : rng.nextInt(3));
    }
    const labels = ['a', 'b', 'c'];
    const fast = pairedBootstrapConfusionMetric(labels, truth, predA, predB, (cm) => macroF1(cm), {
      resamples: 3000,
      seed: 3,
    });
    const naiveRng = new Xoshiro128(4);
    const deltas: number[] = [];
    for (let r = 0; r < 3000; r++) {
      const a = new ConfusionMatrix(labels);
      const b = new ConfusionMatrix(labels);
      for (let d = 0; d < n; d++) {
        const i = naiveRng.nextInt(n);
        a.add(truth[i]!, predA[i]!);
        b.add(truth[i]!, predB[i]!);
      }
      deltas.push(macroF1(a)! - macroF1(b)!);
    }
    deltas.sort((x, y) => x - y);
    // Monte Carlo error of a 2.5% quantile with 3,000 replicates is about 0.002 here
    expect(Math.abs(fast.low! - quantileSorted(deltas, 0.025))).toBeLessThan(0.006);
    expect(Math.abs(fast.high! - quantileSorted(deltas, 0.975))).toBeLessThan(0.006);
  });

  it('a large joint cell space (sparse counting) gives the same replicates as a small one', () => {
    // Synthetic cells 0..3 declared inside a 200-cell space (dense joint) and a 300-cell one (sparse).
    const a = [0, 1, 1, 2, 3, 0, 1, 2, 2, 3, 1, 0];
    const b = [1, 1, 0, 2, 3, 3, 1, 2, 0, 3, 2, 0];
    const stat = (c: Float64Array) => (c[1]! + c[2]!) / 12;
    const dense = pairedBootstrapCells(a, 200, stat, b, 200, stat, { seed: 9, resamples: 300 });
    const sparse = pairedBootstrapCells(a, 300, stat, b, 300, stat, { seed: 9, resamples: 300 });
    expect(sparse).toEqual(dense);
  });

  it('linear quantiles like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([0, 10], 0.025)).toBeCloseTo(0.25, 15);
    expect(quantileSorted([7], 0.975)).toBe(7);
  });
});
