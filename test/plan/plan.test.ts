import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanReportSchema } from '../../src/contracts/plan-report.js';
import { countInterval } from '../../src/metrics/edge-intervals.js';
import { plan, planFromPrevalence, planRow } from '../../src/plan/plan.js';
import { BadInputError } from '../../src/util/errors.js';
import { expectClose } from '../metrics/vectors.js';

/**
 * Plan numbers against test/vectors/stats.json `plan` (test/vectors/stats.py: statsmodels 0.13.5
 * samplesize_confint_proportion and Connor's 1987 McNemar formula with independent discordance).
 */
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
    expect(row.forWidth!.relevant).toBe(Math.ceil(v.width_n));
    expect(row.forWidth!.items).toBe(Math.ceil(Math.ceil(v.width_n) / 0.3));
    expect(row.forDrop!.relevant).toBe(Math.ceil(v.drop_n));
    expect(row.forDrop!.more).toBe(row.forDrop!.items);
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
    expect(row.forWidth!.relevant).toBe(Math.ceil(v.width_n));
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
    expect(planRow(null, 'spam', 200, 100, recall, { discordance: 0.01 }).reason).toMatch(
      /not above the drop/,
    );
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
