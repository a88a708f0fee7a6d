import { describe, expect, it } from 'vitest';
import { ComparisonSchema } from '../../src/contracts/gate-report.js';
import { comparePaired } from '../../src/gate/compare.js';
import { pairedBootstrapConfusionMetric } from '../../src/metrics/bootstrap.js';
import { macroF1 } from '../../src/metrics/classification.js';
import { adjustPValues } from '../../src/metrics/multiplicity.js';
import { mcnemar } from '../../src/metrics/significance.js';
import { handCountableRows, pairedSet, syntheticSpamRows } from './fixtures.js';

// SYNTHETIC: the hand-countable set (fixtures.ts handCountableRows), plus a slice where the candidate regresses.
function setA() {
  const rows = handCountableRows();
  const channel = rows.truth.map((t) => (t === 'spam' ? 'web' : 'mail'));
  return pairedSet({ ...rows, slices: { channel } });
}

describe('comparePaired', () => {
  it('puts every headline metric side by side with a paired interval of candidate − baseline', () => {
    const set = setA();
    const c = comparePaired(set, { resamples: 500, seed: 4 });
    expect(ComparisonSchema.parse(c)).toEqual(c);
    const acc = c.metrics.find((m) => m.metric === 'accuracy')!;
    expect([acc.baseline, acc.candidate, acc.delta]).toEqual([0.97, 0.97, 0]);
    const recall = c.metrics.find((m) => m.metric === 'recall' && m.class === 'spam')!;
    expect(recall.baseline).toBeCloseTo(0.9, 12);
    expect(recall.candidate).toBeCloseTo(0.95, 12);
    expect(recall.delta).toBeCloseTo(0.05, 12);
    // The interval is the shared paired bootstrap's, candidate as model A.
    const f1 = c.metrics.find((m) => m.metric === 'f1_macro')!;
    const direct = pairedBootstrapConfusionMetric(
      set.labels,
      set.truth,
      set.candidate.predicted,
      set.baseline.predicted,
      (cm) => macroF1(cm, { zeroDivision: 'nan' }),
      { resamples: 500, seed: 4, level: 0.95 },
    );
    expect(f1.interval).toEqual(direct);
    expect(c.metrics.map((m) => (m.class ? `${m.metric}[${m.class}]` : m.metric))).toContain('fpr[spam]');
  });

  it("runs McNemar's test overall and per golden class with b = newly wrong, c = newly right", () => {
    const c = comparePaired(setA(), { resamples: 200 });
    expect(c.mcnemar.overall).toMatchObject({ class: null, n: 100, b: 3, c: 3, pValue: 1 });
    expect(c.mcnemar.perClass).toEqual([
      { class: 'ham', n: 80, ...mcnemar(2, 1) },
      { class: 'spam', n: 20, ...mcnemar(1, 2) },
    ]);
  });

  it('counts and lists flips per class and slice, capped, with both models’ scores', () => {
    const c = comparePaired(setA(), { resamples: 200, listLimit: 2 });
    expect(c.flips).toMatchObject({
      n: 100,
      newlyWrong: 3,
      newlyRight: 3,
      predictionFlips: 6,
      predictionFlipRate: 0.06,
    });
    expect(c.flips.perClass).toEqual([
      { class: 'ham', n: 80, newlyWrong: 2, newlyRight: 1, predictionFlips: 3 },
      { class: 'spam', n: 20, newlyWrong: 1, newlyRight: 2, predictionFlips: 3 },
    ]);
    expect(c.flips.perSlice).toEqual([
      { column: 'channel', value: 'mail', n: 80, newlyWrong: 2, newlyRight: 1, predictionFlips: 3 },
      { column: 'channel', value: 'web', n: 20, newlyWrong: 1, newlyRight: 2, predictionFlips: 3 },
    ]);
    expect(c.flips.newlyWrongItems).toHaveLength(2);
    expect(c.flips.newlyRightItems).toHaveLength(2);
    // Equal candidate confidence everywhere (synthetic 0.9), so ties fall back to id order.
    expect(c.flips.newlyWrongItems.map((x) => x.id)).toEqual(['item-00017', 'item-00098']);
    expect(c.flips.newlyWrongItems[0]).toEqual({
      id: 'item-00017',
      truth: 'spam',
      baselinePredicted: 'spam',
      candidatePredicted: 'ham',
      baselineScores: [expect.closeTo(0.1, 6), expect.closeTo(0.9, 6)],
      candidateScores: [expect.closeTo(0.9, 6), expect.closeTo(0.1, 6)],
    });
  });

  it('ranks slice regressions by significance, then size', () => {
    const rows = syntheticSpamRows(600, 7);
    const c = comparePaired(pairedSet(rows), { resamples: 300 });
    expect(c.sliceRegressions.length).toBeGreaterThan(0);
    const top = c.sliceRegressions[0]!;
    // The synthetic candidate was made worse on group c only.
    expect([top.column, top.value]).toEqual(['group', 'c']);
    expect(top.delta!).toBeLessThan(-0.1);
    expect(top.interval.high!).toBeLessThan(0);
    expect(top.mcnemar.pValue).toBeLessThan(0.001);
    for (const r of c.sliceRegressions) expect(r.newlyWrong).toBeGreaterThan(r.newlyRight);
    const p = c.sliceRegressions.map((r) => r.mcnemar.pValue);
    expect([...p].sort((a, b) => a - b)).toEqual(p);
  });

  it('adjusts slice p-values over every slice value with a flipped item, improved ones included', () => {
    const rows = syntheticSpamRows(600, 7);
    const c = comparePaired(pairedSet(rows), { resamples: 300 });
    const family = c.flips.perSlice.filter((s) => s.newlyWrong + s.newlyRight > 0);
    const ps = family.map((s) => mcnemar(s.newlyWrong, s.newlyRight).pValue);
    const holm = adjustPValues(ps, 'holm');
    const bh = adjustPValues(ps, 'benjamini-hochberg');
    expect(family.length).toBeGreaterThan(c.sliceRegressions.length);
    for (const r of c.sliceRegressions) {
      const i = family.findIndex((s) => s.column === r.column && s.value === r.value);
      expect(r.adjusted).toEqual({ holm: holm[i], benjaminiHochberg: bh[i], family: family.length });
      expect(r.adjusted.holm).toBeGreaterThanOrEqual(r.mcnemar.pValue);
      expect(r.adjusted.benjaminiHochberg).toBeLessThanOrEqual(r.adjusted.holm);
    }
  });

  it('is deterministic given the seed', () => {
    const rows = syntheticSpamRows(300, 3);
    const a = JSON.stringify(comparePaired(pairedSet(rows), { resamples: 300, seed: 9 }));
    const b = JSON.stringify(comparePaired(pairedSet(rows), { resamples: 300, seed: 9 }));
    const other = JSON.stringify(comparePaired(pairedSet(rows), { resamples: 300, seed: 10 }));
    expect(a).toBe(b);
    expect(other).not.toBe(a);
  });
});
