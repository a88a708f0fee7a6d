import { describe, expect, it } from 'vitest';
import type { PairedSet } from '../../src/evaluate/paired-set.js';
import { comparePaired } from '../../src/gate/compare.js';
import { evaluateRules } from '../../src/gate/evaluate-rules.js';
import { policyContext } from '../../src/gate/gate.js';
import { parsePolicy } from '../../src/gate/policy.js';
import { bindPolicy } from '../../src/gate/policy-binding.js';
import { rankingPairedDelta, rankingValue } from '../../src/gate/ranking.js';
import { fromPatterns, pairedSet, repeat } from './fixtures.js';

/**
 * SYNTHETIC scores, computable by hand. Golden: spam, spam, ham, ham (positive = spam).
 * candidate p(spam) 0.9, 0.8, 0.3, 0.1 → every spam above every ham: AUC 1, AP 1.
 * baseline  p(spam) 0.9, 0.2, 0.3, 0.1 → 3 of 4 (spam, ham) pairs ordered: AUC 0.75;
 *   ranked 0.9 spam, 0.3 ham, 0.2 spam: AP = 1/2 · 1 + 1/2 · 2/3 = 5/6.
 */
function scored(times = 1): PairedSet {
  const base = pairedSet(
    fromPatterns(
      ['ham', 'spam'],
      [
        ...repeat(times, 'spam', 'spam', 'spam'),
        ...repeat(times, 'spam', 'ham', 'spam'),
        ...repeat(times, 'ham', 'ham', 'ham'),
        ...repeat(times, 'ham', 'ham', 'ham'),
      ],
    ),
  );
  const spamScores = (p: number[]) =>
    Float32Array.from(p.flatMap((x) => Array.from({ length: times }, () => [1 - x, x])).flat());
  return {
    ...base,
    baseline: { ...base.baseline, scores: spamScores([0.9, 0.2, 0.3, 0.1]) },
    candidate: { ...base.candidate, scores: spamScores([0.9, 0.8, 0.3, 0.1]) },
  };
}

const all = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe('score metrics', () => {
  it('computes ROC-AUC and average precision of the positive label per model', () => {
    const set = scored();
    expect(rankingValue(set, all(4), set.baseline, 1, 'roc_auc')).toBeCloseTo(0.75, 12);
    expect(rankingValue(set, all(4), set.candidate, 1, 'roc_auc')).toBe(1);
    expect(rankingValue(set, all(4), set.baseline, 1, 'average_precision')).toBeCloseTo(5 / 6, 6);
    expect(rankingValue(set, all(4), set.candidate, 1, 'average_precision')).toBeCloseTo(1, 12);
  });

  it('resamples the same items for both models', () => {
    const set = scored(5);
    const delta = rankingPairedDelta(set, all(20), 1, 'roc_auc', { resamples: 400, seed: 3 });
    expect(delta.estimate).toBeCloseTo(0.25, 6);
    // The candidate ranks every resample at least as well, so no paired replicate is negative;
    // replicates without both classes are undefined and counted.
    expect(delta.low!).toBeGreaterThanOrEqual(0);
    expect(delta.high!).toBeLessThanOrEqual(0.5);
    const same = { ...set, candidate: { ...set.baseline } };
    const zero = rankingPairedDelta(same, all(20), 1, 'average_precision', { resamples: 200, seed: 3 });
    expect([zero.low, zero.high]).toEqual([0, 0]);
  });

  it('appears in the comparison of a binary task', () => {
    const c = comparePaired(scored(5), { resamples: 200 });
    const auc = c.metrics.find((m) => m.metric === 'roc_auc')!;
    expect(auc.baseline).toBeCloseTo(0.75, 12);
    expect(auc.candidate).toBe(1);
    expect(auc.delta).toBeCloseTo(0.25, 12);
    expect(c.metrics.some((m) => m.metric === 'average_precision')).toBe(true);
    const multiclass = pairedSet({
      ...fromPatterns(['a', 'b', 'c'], repeat(3, 'a', 'a', 'b')),
      positive: null,
    });
    expect(comparePaired(multiclass, { resamples: 50 }).metrics.some((m) => m.metric === 'roc_auc')).toBe(
      false,
    );
  });

  it('can be gated, absolute and relative, and needs a positive label', () => {
    const set = scored(5);
    const policy = parsePolicy(
      'resamples: 300\nrules: ["roc_auc >= baseline", "average_precision >= 0.99", "roc_auc >= 0.9"]',
      'g.yaml',
    );
    const results = evaluateRules(set, bindPolicy(policy, policyContext(set)), {
      level: 0.95,
      resamples: 300,
      seed: 0,
    });
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(results[0]!.outcomes[0]).toMatchObject({ space: 'delta', decidedOn: 'interval-low' });
    const multiclass = pairedSet({
      ...fromPatterns(['a', 'b', 'c'], repeat(3, 'a', 'a', 'b')),
      positive: null,
    });
    expect(() => bindPolicy(policy, policyContext(multiclass))).toThrow(
      /g\.yaml, line 2: rules\[0\]\.metric: metric "roc_auc" needs a binary task with a positive label/,
    );
  });
});
