import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BiasReportSchema } from '../../src/contracts/bias-report.js';
import {
  addBiasItem,
  BiasInputSchema,
  biasReport,
  computeBias,
  createBiasAccumulator,
  mergeBiasAccumulators,
  powerMean,
} from '../../src/metrics/bias.js';
import { BadInputError } from '../../src/util/errors.js';

/**
 * Vector: test/vectors/moderation.json `bias_auc`, copied from /work/shared/test-vectors/moderation.json.
 * Metric definitions: Borkan et al., "Nuanced Metrics for Measuring Unintended Bias with Real Data
 * for Text Classification" (WWW 2019), as scored in the Jigsaw Unintended Bias competition
 * (generalised mean p = −5, final = 0.25·overall + 0.75·mean of the three power means).
 */
interface BiasVector {
  labels: number[];
  scores: number[];
  identity_A: number[];
  identity_B: number[];
  A: { subgroup_auc: number; bpsn_auc: number; bnsp_auc: number };
  B: { subgroup_auc: number; bpsn_auc: number; bnsp_auc: number };
  overall_auc: number;
  'power_mean_p_-5': { subgroup: number; bpsn: number; bnsp: number };
  final: number;
}
const V = (
  JSON.parse(readFileSync(new URL('../vectors/moderation.json', import.meta.url), 'utf8')) as {
    bias_auc: BiasVector;
  }
).bias_auc;

const TOL = 1e-12;
const close = (actual: number | null | undefined, expected: number) => {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(TOL);
};

/** Brute-force Mann–Whitney AUC over all positive/negative pairs, ties = 1/2 (independent reference). */
function pairwiseAuc(pos: number[], neg: number[]): number {
  let s = 0;
  for (const p of pos) for (const q of neg) s += p > q ? 1 : p === q ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

describe('bias AUCs (moderation.json vector)', () => {
  const report = computeBias({
    scores: V.scores,
    labels: V.labels,
    identities: { A: V.identity_A, B: V.identity_B },
  });

  it('subgroup, BPSN and BNSP AUC per identity', () => {
    for (const [i, name] of (['A', 'B'] as const).entries()) {
      const s = report.subgroups[i]!;
      expect(s.subgroup).toBe(name);
      close(s.subgroupAuc.value, V[name].subgroup_auc);
      close(s.bpsnAuc.value, V[name].bpsn_auc);
      close(s.bnspAuc.value, V[name].bnsp_auc);
    }
    expect(report.subgroups[0]).toMatchObject({ size: 5, positives: 2, negatives: 3 });
  });

  it('overall AUC, power means (p = −5) and the final score', () => {
    close(report.overallAuc.value, V.overall_auc);
    close(report.powerMeans.subgroup.value, V['power_mean_p_-5'].subgroup);
    close(report.powerMeans.bpsn.value, V['power_mean_p_-5'].bpsn);
    close(report.powerMeans.bnsp.value, V['power_mean_p_-5'].bnsp);
    close(report.finalScore.value, V.final);
    expect(BiasReportSchema.parse(report)).toEqual(report);
  });

  it('BPSN agrees with a brute-force pairwise AUC on its defining item sets', () => {
    const inA = (i: number) => V.identity_A[i] === 1;
    const pos = V.scores.filter((_, i) => !inA(i) && V.labels[i] === 1);
    const neg = V.scores.filter((_, i) => inA(i) && V.labels[i] === 0);
    close(report.subgroups[0]!.bpsnAuc.value, pairwiseAuc(pos, neg));
  });
});

describe('bias edge cases (synthetic data)', () => {
  it('a subgroup with a single class has an undefined subgroup AUC with a reason, never 0.5', () => {
    const r = computeBias({
      scores: [0.9, 0.8, 0.2, 0.1, 0.7, 0.3],
      labels: [1, 1, 0, 0, 0, 1],
      identities: { onlyToxic: [1, 1, 0, 0, 0, 0], mixed: [0, 0, 1, 1, 1, 1] },
    });
    const only = r.subgroups[0]!;
    expect(only.subgroupAuc.value).toBeNull();
    expect(only.subgroupAuc.reason).toMatch(/2 positive and 0 negative/);
    expect(only.bpsnAuc.value).toBeNull(); // no subgroup negatives
    expect(only.bnspAuc.value).toBe(1); // subgroup positives 0.9, 0.8 vs background negatives 0.2, 0.1, 0.7
    // The power mean of subgroup AUCs uses the one defined subgroup only.
    expect(r.powerMeans.subgroup.used).toBe(1);
    expect(r.powerMeans.subgroup.value).toBe(r.subgroups[1]!.subgroupAuc.value);
    expect(r.finalScore.value).not.toBeNull();
  });

  it('subgroups named like Object properties are subgroups like any other, through the input schema', () => {
    const input = BiasInputSchema.parse({
      scores: [0.9, 0.2, 0.8, 0.1],
      labels: [1, 0, 1, 0],
      identities: JSON.parse('{"__proto__":[1,1,0,0],"constructor":[0,0,1,1]}'),
    });
    const r = computeBias(input);
    expect(r.subgroups.map((s) => [s.subgroup, s.subgroupAuc.value])).toEqual([
      ['__proto__', 1],
      ['constructor', 1],
    ]);
  });

  it('the final score is undefined when a metric has no defined subgroup', () => {
    const r = computeBias({ scores: [0.9, 0.1], labels: [1, 0], identities: { g: [1, 0] } });
    expect(r.powerMeans.subgroup).toMatchObject({ value: null, used: 0 });
    expect(r.finalScore.value).toBeNull();
    expect(r.finalScore.reason).toBeTypeOf('string');
  });

  it('merging shards equals one pass', () => {
    const n = 200;
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const scores = Array.from({ length: n }, () => Math.round(rand() * 50) / 50); // many ties
    const labels = scores.map((s) => (rand() < s ? 1 : 0));
    const g1 = scores.map(() => (rand() < 0.3 ? 1 : 0));
    const g2 = scores.map(() => (rand() < 0.2 ? 0.6 : 0.1));
    const one = createBiasAccumulator(['g1', 'g2']);
    const a = createBiasAccumulator(['g1', 'g2']);
    const b = createBiasAccumulator(['g1', 'g2']);
    for (let i = 0; i < n; i++) {
      addBiasItem(one, scores[i]!, labels[i]!, [g1[i], g2[i]], i);
      addBiasItem(i % 3 === 0 ? a : b, scores[i]!, labels[i]!, [g1[i], g2[i]], i);
    }
    const merged = biasReport(mergeBiasAccumulators(b, a));
    expect(merged).toEqual(biasReport(one));
    // And every AUC matches the brute-force reference.
    const f32 = (x: number) => Math.fround(x);
    const inG1 = (i: number) => g1[i] === 1;
    const pos = scores.map(f32).filter((_, i) => inG1(i) && labels[i] === 1);
    const neg = scores.map(f32).filter((_, i) => inG1(i) && labels[i] === 0);
    close(merged.subgroups[0]!.subgroupAuc.value, pairwiseAuc(pos, neg));
    const bgNeg = scores.map(f32).filter((_, i) => !inG1(i) && labels[i] === 0);
    close(merged.subgroups[0]!.bnspAuc.value, pairwiseAuc(pos, bgNeg));
  });

  it('power mean: p = 1 is the arithmetic mean, p = 0 the geometric mean, a zero AUC pulls p < 0 to 0', () => {
    expect(powerMean([0.5, 1], 1).value).toBe(0.75);
    close(powerMean([0.25, 1], 0).value, 0.5);
    expect(powerMean([0, 0.9], -5).value).toBe(0);
    const single = powerMean([null, 0.8], -5);
    expect(single.used).toBe(1);
    close(single.value, 0.8);
  });

  it('rejects bad input with the row', () => {
    expect(() => computeBias({ scores: [0.5, 1.5], labels: [0, 1], identities: { g: [0, 1] } })).toThrow(
      BadInputError,
    );
    expect(() =>
      computeBias({ scores: [0.5, Number.NaN], labels: [0, 1], identities: { g: [0, 1] } }),
    ).toThrow(/row 1, field "scores"/);
    expect(() => computeBias({ scores: [0.5], labels: [0], identities: { g: [0, 1] } })).toThrow(/field "g"/);
  });
});
