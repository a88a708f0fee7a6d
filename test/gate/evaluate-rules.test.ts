import { describe, expect, it } from 'vitest';
import type { PairedSet } from '../../src/evaluate/paired-set.js';
import { comparePaired } from '../../src/gate/compare.js';
import { describeOutcome, evaluateRules } from '../../src/gate/evaluate-rules.js';
import { policyContext } from '../../src/gate/gate.js';
import { includeNullValues, parsePolicy } from '../../src/gate/policy.js';
import { bindPolicy } from '../../src/gate/policy-binding.js';
import { wilsonInterval } from '../../src/metrics/proportion.js';
import { fromPatterns, handCountableRows, pairedSet, repeat, syntheticSpamRows } from './fixtures.js';

/** SYNTHETIC set "A" (see handCountableRows) with a `channel` slice. */
function setA(): PairedSet {
  const rows = handCountableRows();
  // Slice: the 20 spam items and 10 ham items are "web", the other 70 ham "mail".
  const channel = rows.truth.map((t, i) => (t === 'spam' || i < 30 ? 'web' : 'mail'));
  return pairedSet({ ...rows, slices: { channel } });
}

const OPTIONS = { level: 0.95, resamples: 1000, seed: 1 };

function run(set: PairedSet, yaml: string) {
  const policy = parsePolicy(yaml, 'gate.yaml');
  const bound = bindPolicy(policy, policyContext(set));
  return evaluateRules(set, bound, OPTIONS);
}

const rulesYaml = (...rules: string[]) =>
  `costs:\n  spam: { ham: 5 }\nrules:\n${rules.map((r) => `  - ${r}\n`).join('')}`;

describe('absolute rules', () => {
  it('decide on the point estimate and report the interval', () => {
    const [pass, fail, fpr, fprFail] = run(
      setA(),
      rulesYaml('recall[spam] >= 0.95', 'recall[spam] >= 0.96', 'fpr[spam] <= 0.025', 'fpr[spam] <= 0.02'),
    );
    expect(pass!.status).toBe('pass');
    const o = pass!.outcomes[0]!;
    expect(o.observed).toBeCloseTo(0.95, 12);
    expect(o.decidedOn).toBe('estimate');
    expect(o.decisive).toBeCloseTo(0.95, 12);
    expect(o.interval!.low!).toBeLessThan(0.95);
    expect(o.interval!.high!).toBeGreaterThanOrEqual(0.95);
    expect(fail!.status).toBe('fail');
    expect(fail!.message).toMatch(
      /^recall\[spam\] 0\.9500; 95% CI \[\d\.\d{4}, \d\.\d{4}\]; required >= 0\.9600$/,
    );
    // fpr[spam]: ham items flagged as spam / all ham = 2/80.
    expect(fpr!.outcomes[0]!.observed).toBeCloseTo(2 / 80, 12);
    expect(fpr!.status).toBe('pass');
    expect(fprFail!.status).toBe('fail');
  });

  it('decide on the conservative end of the interval when asked', () => {
    const [r] = run(setA(), rulesYaml('{ rule: "recall[spam] >= 0.9", decideOn: interval }'));
    const o = r!.outcomes[0]!;
    expect(o.decidedOn).toBe('interval-low');
    expect(o.decisive).toBe(o.interval!.low);
    // 19/20 resampled: the 2.5% quantile is well below 0.9, so the estimate passes but the rule fails.
    expect(o.observed).toBeCloseTo(0.95, 12);
    expect(o.decisive!).toBeLessThan(0.9);
    expect(r!.status).toBe('fail');
  });

  it('fail on an undefined metric instead of inventing a value', () => {
    const set = pairedSet(fromPatterns(['ham', 'spam', 'phish'], repeat(5, 'ham', 'ham', 'ham')));
    const [r] = run(set, 'rules: ["recall[phish] >= 0.5"]');
    expect(r!.status).toBe('fail');
    expect(r!.outcomes[0]!.observed).toBeNull();
    expect(r!.message).toMatch(/recall is undefined here \(0\/0\)/);
  });
});

describe('cost-weighted error', () => {
  it('weighs a missed spam 5 and a flagged ham 1', () => {
    // candidate: 1 spam missed, 2 ham flagged → (5 + 2) / 100; baseline: 2 missed, 1 flagged → 11 / 100.
    const [ok, tooHigh, rel] = run(setA(), rulesYaml('cost <= 0.07', 'cost <= 0.069', 'cost <= baseline'));
    expect(ok!.outcomes[0]!.observed).toBeCloseTo(0.07, 12);
    expect(ok!.outcomes[0]!.baseline).toBeCloseTo(0.11, 12);
    expect(ok!.status).toBe('pass');
    expect(tooHigh!.status).toBe('fail');
    const o = rel!.outcomes[0]!;
    expect(o.delta).toBeCloseTo(-0.04, 12);
    expect(o.decidedOn).toBe('interval-high');
    expect(o.decisive).toBe(o.interval!.high);
    expect(rel!.status).toBe(o.interval!.high! <= 0 ? 'pass' : 'fail');
  });

  it('uses a rule-level matrix over the policy one', () => {
    const [r] = run(setA(), rulesYaml('{ rule: "cost <= 1", costs: { ham: { spam: 10 } } }'));
    // spam→ham back to the default 1: candidate (1 × 1 + 2 × 10) / 100.
    expect(r!.outcomes[0]!.observed).toBeCloseTo(0.21, 12);
  });
});

describe('flip rules', () => {
  it('count newly wrong and newly right items per golden class and overall', () => {
    const results = run(
      setA(),
      rulesYaml(
        'newly_wrong[spam] <= 1',
        'newly_wrong[ham] <= 1',
        'newly_wrong <= 3',
        'newly_right[spam] >= 2',
        'flip_rate <= 0.05',
      ),
    );
    expect(results.map((r) => r.outcomes[0]!.observed)).toEqual([1, 2, 3, 2, 0.06]);
    expect(results.map((r) => r.status)).toEqual(['pass', 'fail', 'pass', 'pass', 'fail']);
    expect(results[1]!.message).toBe('newly_wrong[ham] 2; required <= 1');
    expect(results[0]!.outcomes[0]!.interval).toBeNull();
  });
});

describe('non-inferiority against the baseline', () => {
  /** Same accuracy for both models (delta exactly 0), but `scale` × 3 items flip each way. */
  function tied(scale: number): PairedSet {
    return pairedSet(
      fromPatterns(
        ['ham', 'spam'],
        [
          ...repeat(44 * scale, 'ham', 'ham', 'ham'),
          ...repeat(44 * scale, 'spam', 'spam', 'spam'),
          ...repeat(3 * scale, 'ham', 'ham', 'spam'),
          ...repeat(3 * scale, 'spam', 'ham', 'spam'),
          ...repeat(3 * scale, 'spam', 'spam', 'ham'),
          ...repeat(3 * scale, 'ham', 'spam', 'ham'),
        ],
      ),
    );
  }

  it('is decided by the lower end of the paired interval, not the point estimate', () => {
    const [small] = run(tied(1), 'rules: ["accuracy >= baseline - 0.01"]');
    const [large] = run(tied(50), 'rules: ["accuracy >= baseline - 0.01"]');
    for (const r of [small!, large!]) {
      const o = r.outcomes[0]!;
      expect(o.delta).toBe(0);
      expect(o.space).toBe('delta');
      expect(o.decidedOn).toBe('interval-low');
      expect(o.decisive).toBe(o.interval!.low);
      expect(o.bound).toBe(-0.01);
    }
    // 100 items, 12 discordant: the interval reaches well below -0.01 → not shown non-inferior.
    expect(small!.outcomes[0]!.decisive!).toBeLessThan(-0.01);
    expect(small!.status).toBe('fail');
    // 5,000 items, 600 discordant: sd of the delta ≈ sqrt(600)/5000 ≈ 0.005, low end ≈ -0.0096.
    expect(large!.outcomes[0]!.decisive!).toBeGreaterThan(-0.01);
    expect(large!.status).toBe('pass');
    expect(small!.message).toMatch(/required Δ CI low >= -0\.0100 \(accuracy >= 0\.9300\)/);
  });

  it('gives a zero-width paired interval when the models agree on every item', () => {
    const base = setA();
    const same: PairedSet = { ...base, candidate: { ...base.baseline, name: 'candidate' } };
    const [r] = run(same, 'rules: ["f1_macro >= baseline"]');
    expect(r!.outcomes[0]!.interval).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(r!.status).toBe('pass');
  });
});

describe('slices', () => {
  it('checks every value of a column, skipping small or undefined ones', () => {
    const [perChannel, small, nothing] = run(
      setA(),
      rulesYaml(
        'recall[ham] >= 0.99 per channel',
        '{ rule: "recall[ham] >= 0.99 per channel", minSupport: 31 }',
        '{ rule: "recall[spam] >= 0.5 where channel = mail" }',
      ),
    );
    // web: 10 ham, of which (items 20..29) all right by the candidate; mail: 70 ham with 1 + 2 flips.
    const web = perChannel!.outcomes.find((o) => o.slice?.value === 'web')!;
    const mail = perChannel!.outcomes.find((o) => o.slice?.value === 'mail')!;
    expect(web).toMatchObject({ n: 30, status: 'pass', observed: 1 });
    // Recall is a proportion of the slice's 10 ham items: their Wilson interval, as eval reports
    // it (not a bootstrap widened on the slice's 30 items).
    const wilson = wilsonInterval(10, 10, 0.95)!;
    expect(web.interval).toMatchObject({ method: 'wilson', estimate: 1, low: wilson.low, high: 1 });
    expect(web.interval!.widened).toBeUndefined();
    expect(mail.n).toBe(70);
    expect(mail.observed).toBeCloseTo(68 / 70, 12);
    expect(mail.status).toBe('fail');
    expect(perChannel!.status).toBe('fail');
    expect(perChannel!.message).toMatch(/^channel="mail" \(n=70\): .*\[1 of 2 slice values fail\]$/);
    // minSupport 31 skips web (30 items): only mail is checked.
    expect(small!.outcomes.map((o) => o.status)).toEqual(['fail', 'skipped']);
    // A fixed slice with no spam: recall undefined → the rule fails rather than passing vacuously.
    expect(nothing!.status).toBe('fail');
  });

  it('fails a per-slice rule that has nothing left to check', () => {
    const [r] = run(setA(), 'rules: [{ rule: "accuracy >= 0.5 per channel", minSupport: 1000 }]');
    expect(r!.status).toBe('fail');
    expect(r!.outcomes.every((o) => o.status === 'skipped')).toBe(true);
    expect(r!.message).toMatch(/nothing to check/);
  });
});

describe('slice values that are null', () => {
  /**
   * Set A with a `region` column: null on the six items the two models disagree on (rows 17-19,
   * 97-99; the candidate is right on 18, 19 and 97: 3/6), "eu" on the 94 others (all right).
   */
  function withNullRegion(): PairedSet {
    const set = setA();
    const codes = Int32Array.from({ length: 100 }, (_, i) => ([17, 18, 19, 97, 98, 99].includes(i) ? -1 : 0));
    return { ...set, slices: [{ name: 'region', values: ['eu'], codes }] };
  }

  it('are listed as skipped with their count, not dropped unsaid', () => {
    const [r] = run(withNullRegion(), 'rules: ["accuracy >= 0.99 per region"]');
    expect(r!.status).toBe('pass');
    expect(r!.outcomes.map((o) => [o.slice, o.n, o.status])).toEqual([
      [{ column: 'region', value: 'eu' }, 94, 'pass'],
      [{ column: 'region', value: null }, 6, 'skipped'],
    ]);
    expect(r!.outcomes[1]!.reason).toBe(
      'no region value (null); includeNull: true or --include-null checks them',
    );
    expect(r!.message).toMatch(
      /\[0 of 1 slice values fail, 1 skipped; 6 items with no region value skipped \(--include-null checks them\)\]$/,
    );
    expect(describeOutcome(r!.rule, r!.outcomes[1]!)).toBe(
      'region=(null) (n=6): skipped: no region value (null); includeNull: true or --include-null checks them',
    );
  });

  it('are checked as one more value with includeNull (the rule option or --include-null)', () => {
    const yaml = 'rules: [{ rule: "accuracy >= 0.99 per region", includeNull: true }]';
    const [own] = run(withNullRegion(), yaml);
    const set = withNullRegion();
    const policy = includeNullValues(parsePolicy('rules: ["accuracy >= 0.99 per region"]', 'gate.yaml'));
    const [flag] = evaluateRules(set, bindPolicy(policy, policyContext(set)), OPTIONS);
    for (const r of [own!, flag!]) {
      expect(r.rule.includeNull).toBe(true);
      expect(r.status).toBe('fail');
      const o = r.outcomes.find((x) => x.slice?.value === null)!;
      expect(o).toMatchObject({ n: 6, status: 'fail', observed: 0.5 });
      expect(r.message).toMatch(
        /^region=\(null\) \(n=6\): accuracy 0\.5000; .*\[1 of 2 slice values fail\]$/,
      );
    }
    // minSupport applies to the null items as to any value.
    const [small] = run(
      withNullRegion(),
      'rules: [{ rule: "accuracy >= 0.99 per region", includeNull: true, minSupport: 7 }]',
    );
    expect(small!.outcomes[1]).toMatchObject({
      status: 'skipped',
      reason: '6 items, fewer than minSupport 7',
    });
  });

  it('includeNull is refused where no rule spans every value', () => {
    for (const rule of [
      '{ rule: "accuracy >= 0.9", includeNull: true }',
      '{ rule: "accuracy >= 0.9 where region = eu", includeNull: true }',
      '{ rule: "slice_regressions <= 0 per region", includeNull: true }',
    ]) {
      expect(() => parsePolicy(`rules:\n  - ${rule}\n`, 'gate.yaml')).toThrow(
        /gate\.yaml, line 2: rules\[0\]\.includeNull: includeNull only applies to a rule over every value/,
      );
    }
  });
});

describe('determinism', () => {
  it('gives identical results for the same seed, and other intervals for another', () => {
    const yaml = 'rules: ["f1_macro >= baseline - 0.01", "recall[spam] >= 0.9 per channel"]';
    const a = run(setA(), yaml);
    const b = run(setA(), yaml);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const policy = parsePolicy(yaml, 'gate.yaml');
    const set = setA();
    const bound = bindPolicy(policy, policyContext(set));
    const c = evaluateRules(set, bound, { ...OPTIONS, seed: 2 });
    expect(c[0]!.outcomes[0]!.interval!.seed).toBe(2);
    expect(c[0]!.outcomes[0]!.interval!.low).not.toBe(a[0]!.outcomes[0]!.interval!.low);
  });
});

describe('slice_regressions (multiplicity-adjusted)', () => {
  // SYNTHETIC: the candidate was made worse on group c only (see fixtures.syntheticSpamRows).
  const set = pairedSet(syntheticSpamRows(600, 7));
  const comparison = comparePaired(set, { resamples: 200 });

  it('counts the slice values whose Holm-adjusted McNemar p is at most alpha, naming them', () => {
    const [holm] = run(set, rulesYaml('slice_regressions <= 0'));
    const o = holm!.outcomes[0]!;
    const expected = comparison.sliceRegressions.filter((r) => r.adjusted.holm <= 0.05);
    expect(expected.length).toBeGreaterThan(0);
    expect(o.observed).toBe(expected.length);
    expect(holm!.status).toBe('fail');
    expect(o.reason).toMatch(/adjusted by holm at alpha 0\.05: group="c"/);
    expect(holm!.rule.adjust).toEqual({ method: 'holm', alpha: 0.05 });
  });

  it('takes the adjustment and alpha from the rule, and a column', () => {
    const [bh] = run(
      set,
      rulesYaml('{ rule: "slice_regressions <= 0", adjust: benjamini-hochberg, alpha: 1e-9 }'),
    );
    const n = comparison.sliceRegressions.filter((r) => r.adjusted.benjaminiHochberg < 1e-9).length;
    expect(bh!.outcomes[0]!.observed).toBe(n);
    const [col] = run(set, rulesYaml('{ rule: "slice_regressions <= 5", slice: group }'));
    expect(col!.outcomes[0]!.reason).toMatch(/group=/);
    expect(col!.status).toBe('pass');
  });

  it('counts a slice value whose adjusted p equals alpha (rejected at p <= alpha, as statsmodels)', () => {
    // SYNTHETIC: slice values x and y each have 4 spam items the candidate newly misses (McNemar
    // exact p = 2·2^-4 = 0.125, exact in float64) and value z has none flipped. Holm over the
    // family {x, y}: 2·0.125 = 0.25; Benjamini-Hochberg: 0.125. Both are exactly the alpha given.
    const rows = fromPatterns(
      ['ham', 'spam'],
      [...repeat(8, 'spam', 'spam', 'ham'), ...repeat(4, 'ham', 'ham', 'ham')],
    );
    const part = rows.truth.map((_, i) => ['x', 'y', 'z'][Math.floor(i / 4)]!);
    const edge = pairedSet({ ...rows, slices: { part } });
    const [holm, bh, below] = run(
      edge,
      rulesYaml(
        '{ rule: "slice_regressions <= 0", alpha: 0.25 }',
        '{ rule: "slice_regressions <= 0", adjust: benjamini-hochberg, alpha: 0.125 }',
        '{ rule: "slice_regressions <= 0", alpha: 0.2499 }',
      ),
    );
    expect(holm!.outcomes[0]!.observed).toBe(2);
    expect(holm!.outcomes[0]!.reason).toMatch(/part="x" \(adjusted p 0\.25\)/);
    expect(holm!.status).toBe('fail');
    expect(bh!.outcomes[0]!.observed).toBe(2);
    expect(below!.outcomes[0]!.observed).toBe(0);
  });

  it('refuses adjust on other metrics and a single slice value', () => {
    expect(() =>
      parsePolicy(rulesYaml('{ rule: "recall[spam] >= 0.9", adjust: holm }'), 'gate.yaml'),
    ).toThrow(/adjust and alpha only apply to metric "slice_regressions"/);
    expect(() =>
      parsePolicy(rulesYaml('{ rule: "slice_regressions <= 0", slice: { group: c } }'), 'gate.yaml'),
    ).toThrow(/name the column only/);
  });
});
