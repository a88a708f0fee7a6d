import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanReportSchema, PlanSettingsSchema } from '../../src/contracts/plan-report.js';
import { countInterval } from '../../src/metrics/edge-intervals.js';
import { wilsonInterval } from '../../src/metrics/proportion.js';
import { detectableDrop, itemsAtShare, plan, planFromPrevalence, planRow } from '../../src/plan/plan.js';
import { BadInputError } from '../../src/util/errors.js';
import { expectClose } from '../metrics/vectors.js';

/**
 * Plan numbers against test/vectors/stats.json `plan` (test/vectors/stats.py: Connor's 1987 McNemar
 * formula with independent discordance, as statsmodels 0.13.5 computes it). Interval widths are
 * checked against the Wilson interval eval reports (src/metrics/proportion.ts, itself equal to
 * statsmodels' proportion_confint(method='wilson')).
 */

/** Full width of the Wilson interval eval would report for round(p·n) of n. */
const wilsonWidth = (p: number, n: number) => {
  const b = wilsonInterval(Math.round(p * n), n)!;
  return b.high - b.low;
};
interface PlanCase {
  p: number;
  width_n: number;
  p10: number;
  p01: number;
  drop_n: number;
}
const vectors = JSON.parse(readFileSync(new URL('../vectors/stats.json', import.meta.url), 'utf8')) as {
  plan: {
    prevalence_only: PlanCase;
    spamassassin_spam_v2: PlanCase & { tp: number; positives: number; items: number };
  };
};

describe('planFromPrevalence', () => {
  it('sizes a golden set from a prevalence and a recall target (statsmodels values)', () => {
    const v = vectors.plan.prevalence_only;
    const r = planFromPrevalence(0.3, 0.95);
    expect(PlanReportSchema.parse(r)).toEqual(r);
    const row = r.models[0]!.rows[0]!;
    const n = row.forWidth!.relevant;
    expect(wilsonWidth(0.95, n)).toBeLessThanOrEqual(0.04);
    expect(wilsonWidth(0.95, n - 1)).toBeGreaterThan(0.04);
    expect(row.forWidth!.items).toBe(Math.ceil(n / 0.3));
    expect(row.forDrop!.relevant).toBe(Math.ceil(v.drop_n));
    expect(row.forDrop!.more).toBe(row.forDrop!.items);
  });
  it('promises the width of the interval eval reports, at the edges too (issue 28: 93 and 134 items, not 10 and 96)', () => {
    // Wilson needs 93 items at p = 0.999 and 134 at p = 0.99 for a 4-point interval (issue 28,
    // checked against statsmodels' proportion_confint(method='wilson')); the normal approximation
    // asked for 10 and 96, whose Wilson intervals are 0.2775 and 0.0548 wide.
    for (const [target, want] of [
      [0.999, 93],
      [0.99, 134],
    ] as const) {
      const row = planFromPrevalence(0.001, target).models[0]!.rows[0]!;
      expect(row.forWidth!.relevant).toBe(want);
      expect(wilsonWidth(target, want)).toBeLessThanOrEqual(0.04);
    }
    for (const target of [0.5, 0.7, 0.9, 0.95, 0.98]) {
      for (const width of [0.02, 0.04, 0.1, 0.19]) {
        const n = planFromPrevalence(0.2, target, { width }).models[0]!.rows[0]!.forWidth!.relevant;
        expect(wilsonWidth(target, n)).toBeLessThanOrEqual(width);
        expect(n === 1 || wilsonWidth(target, n - 1) > width).toBe(true);
      }
    }
  });
  it('rounds the items at a share without float noise (21 / 0.7 is 30, not 31)', () => {
    expect(21 / 0.7).toBeGreaterThan(30);
    expect(itemsAtShare(21, 0.7)).toBe(30);
    expect(itemsAtShare(22, 0.7)).toBe(32);
    expect(itemsAtShare(30, 0.3)).toBe(100);
    expect(itemsAtShare(31, 0.3)).toBe(104);
  });
  it("says the power of the test compare runs, below the power Connor's formula promises", () => {
    const row = planFromPrevalence(0.3, 0.95).models[0]!.rows[0]!;
    expect(row.powerAtDrop!).toBeGreaterThan(0.75);
    expect(row.powerAtDrop!).toBeLessThan(0.8);
  });
  it('says why when a drop cannot be seen', () => {
    const row = planFromPrevalence(0.3, 0.01, { drop: 0.02 }).models[0]!.rows[0]!;
    expect(row.forDrop).toBeNull();
    expect(row.reason).toMatch(/below the drop/);
    expect(row.forWidth).not.toBeNull();
  });
});

describe('planRow', () => {
  it('plans from the Wilson end nearest 1/2 (real SpamAssassin counts of spam-v2)', () => {
    const v = vectors.plan.spamassassin_spam_v2;
    const recall = countInterval(v.tp, v.positives, 0.95, 'wilson');
    const row = planRow(null, 'spam', v.items, v.positives, recall);
    expectClose(row.planningRecall, v.p, 1e-12);
    const n = row.forWidth!.relevant;
    expect(wilsonWidth(v.p, n)).toBeLessThanOrEqual(0.04);
    expect(wilsonWidth(v.p, n - 1)).toBeGreaterThan(0.04);
    // Near the normal approximation's answer away from the edges (p ≈ 0.92 here).
    expect(Math.abs(n - v.width_n) / v.width_n).toBeLessThan(0.05);
    expect(row.forDrop!.relevant).toBe(Math.ceil(v.drop_n));
    expect(row.forDrop!.items).toBe(Math.ceil(Math.ceil(v.drop_n) / (v.positives / v.items)));
    expect(row.forDrop!.more).toBe(row.forDrop!.items - v.items);
    expect(row.powerNow!).toBeGreaterThan(0.05);
    expect(row.powerNow!).toBeLessThan(0.8);
  });
  it('a slice without the class has no plan, with the reason; a perfect slice still plans', () => {
    const none = planRow(
      { columns: ['tld'], values: ['edu'] },
      'spam',
      33,
      0,
      countInterval(0, 0, 0.95, 'wilson'),
    );
    expect(none.forWidth).toBeNull();
    expect(none.reason).toMatch(/no golden spam items/);
    const perfect = planRow(
      { columns: ['size'], values: ['>=10k'] },
      'spam',
      33,
      10,
      countInterval(10, 10, 0.95, 'wilson'),
    );
    expect(perfect.planningRecall!).toBeLessThan(1);
    expect(perfect.forWidth!.more).toBeGreaterThan(0);
    expect(perfect.forDrop!.more).toBeGreaterThan(0);
  });
  it('uses a given discordance', () => {
    const recall = countInterval(90, 100, 0.95, 'wilson');
    const given = planRow(null, 'spam', 200, 100, recall, { discordance: 0.06 });
    const assumed = planRow(null, 'spam', 200, 100, recall);
    expect(given.forDrop!.relevant).toBeLessThan(assumed.forDrop!.relevant);
    expect(given.powerAtDrop!).toBeGreaterThan(0.7);
    expect(planRow(null, 'spam', 200, 100, recall, { discordance: 0.01 }).reason).toMatch(
      /not above the drop/,
    );
  });
});

describe('detectableDrop (issue 26: a slice that cannot reach the drop is told what it can see)', () => {
  const s = PlanSettingsSchema.parse({});
  // Connor's size computed here from its formula (Biometrics 43, p. 209), independent of sample-size.ts.
  const connor = (p: number, drop: number) => {
    const p10 = p * (1 - p + drop);
    const p01 = (1 - p) * (p - drop);
    const psi = p10 + p01;
    const za = 1.959963984540054; // z_{0.975}
    const zb = 0.8416212335729143; // z_{0.80}
    return Math.ceil(((za * Math.sqrt(psi) + zb * Math.sqrt(psi - drop * drop)) / drop) ** 2);
  };
  it("is the smallest drop whose Connor size today's items reach", () => {
    for (const [p, relevant] of [
      [0.95, 80],
      [0.9, 100],
      [0.7, 35],
    ] as const) {
      const d = detectableDrop(p, relevant, s)!;
      expect(connor(p, d)).toBeLessThanOrEqual(relevant);
      expect(connor(p, d - 1e-4)).toBeGreaterThan(relevant);
      // And the plan row of such a slice carries it: the 2-point drop needs far more than it has.
      const row = planRow(null, 'spam', relevant * 2, relevant, {
        estimate: p,
        low: null,
        high: null,
        level: 0.95,
        method: 'wilson',
        resamples: 0,
        undefinedResamples: 0,
        seed: null,
      });
      expect(row.forDrop!.more).toBeGreaterThan(10 * row.items);
      expectClose(row.dropNow!, d, 1e-12);
    }
  });
  it('is null when not even the whole recall can be seen to drop', () => {
    expect(detectableDrop(0.95, 1, s)).toBeNull();
  });
});

describe('plan (library entry point)', () => {
  it('refuses bad options and files as bad input', async () => {
    await expect(plan({ prevalence: 0.3 })).rejects.toThrow(BadInputError);
    await expect(plan({ prevalence: 0.3, target: 0.9, metrics: 'x.json' })).rejects.toThrow(BadInputError);
    await expect(plan({ prevalence: 1.3, target: 0.9 })).rejects.toThrow(BadInputError);
    await expect(plan({ metrics: '/nonexistent/metrics.json' })).rejects.toThrow(
      /cannot read the metrics report/,
    );
    await expect(
      plan({ metrics: new URL('../vectors/stats.json', import.meta.url).pathname }),
    ).rejects.toThrow(/not a modeval metrics.json/);
  });
});
