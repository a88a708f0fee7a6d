import { z } from 'zod';
import type { BiasReport, PowerMean, SubgroupBias } from '../contracts/bias-report.js';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import { BadInputError } from '../util/errors.js';
import { rocAuc } from './ranking.js';
import { BinaryScoreStore, PROBABILITY_RANGE, type ScoreRange } from './score-store.js';

/**
 * Unintended-bias AUCs for identity subgroups (Borkan, Dixon, Sorensen, Thain & Vasserman,
 * "Nuanced Metrics for Measuring Unintended Bias with Real Data for Text Classification", WWW 2019
 * companion; the Jigsaw Unintended Bias in Toxicity Classification scoring):
 *
 * - Subgroup AUC: items that mention the identity only.
 * - BPSN (background positive, subgroup negative): negatives in the subgroup vs positives outside it.
 *   Low when non-toxic identity mentions score higher than toxic background items.
 * - BNSP (background negative, subgroup positive): positives in the subgroup vs negatives outside it.
 * - Generalised mean M_p(m) = (mean m_s^p)^(1/p) over subgroups per metric, p = −5 by default, and
 *   final = w·overall AUC + (1 − w)·mean(M_p(subgroup), M_p(BPSN), M_p(BNSP)), w = 0.25.
 *
 * AUCs come from ranking.ts (ties count one half). An AUC with one class missing is null with a
 * reason, never 0.5; the power means skip such subgroups and say how many they used. Labels and
 * identity values are binarised at 0.5 (Jigsaw's fractions of raters); a null identity value
 * counts as "not mentioned", as in the Jigsaw scoring code.
 */

export const BiasOptionsSchema = z.object({
  power: z.number().default(-5),
  overallWeight: z.number().min(0).max(1).default(0.25),
});
export type BiasOptions = z.input<typeof BiasOptionsSchema>;

/** Scores of every item and of each subgroup's items, split by class inside the stores. */
export interface BiasAccumulator {
  readonly subgroups: readonly string[];
  readonly range: ScoreRange;
  readonly all: BinaryScoreStore;
  readonly within: BinaryScoreStore[];
}

export function createBiasAccumulator(
  subgroups: readonly string[],
  range: ScoreRange = PROBABILITY_RANGE,
): BiasAccumulator {
  if (new Set(subgroups).size !== subgroups.length) throw new BadInputError('subgroup names must be unique');
  return {
    subgroups: [...subgroups],
    range,
    all: new BinaryScoreStore({ range }),
    within: subgroups.map(() => new BinaryScoreStore({ range })),
  };
}

type Flag = boolean | number | null | undefined;

function binary(v: Flag): boolean {
  return v === true || (typeof v === 'number' && v >= 0.5);
}

/**
 * Adds one item: its score, its label (boolean, or a number binarised at 0.5) and one membership
 * value per subgroup, in the accumulator's subgroup order. `row` names the item in errors.
 */
export function addBiasItem(
  acc: BiasAccumulator,
  score: number,
  label: boolean | number,
  membership: ArrayLike<Flag>,
  row?: number,
): BiasAccumulator {
  if (!Number.isFinite(score) || score < acc.range.min || score > acc.range.max) {
    throw new BadInputError(`score ${score} is outside [${acc.range.min}, ${acc.range.max}]`, {
      row,
      field: 'scores',
    });
  }
  if (typeof label === 'number' && !Number.isFinite(label)) {
    throw new BadInputError(`label ${label} is not a number`, { row, field: 'label' });
  }
  if (membership.length !== acc.subgroups.length) {
    throw new BadInputError(`${membership.length} identity values for ${acc.subgroups.length} subgroups`, {
      row,
    });
  }
  const positive = binary(label);
  acc.all.add(score, positive);
  for (let g = 0; g < acc.subgroups.length; g++)
    if (binary(membership[g])) acc.within[g]!.add(score, positive);
  return acc;
}

export function mergeBiasAccumulators(a: BiasAccumulator, b: BiasAccumulator): BiasAccumulator {
  if (a.subgroups.join('\u0000') !== b.subgroups.join('\u0000')) {
    throw new BadInputError('cannot merge bias accumulators over different subgroups');
  }
  const out = createBiasAccumulator(a.subgroups, a.range);
  out.all.merge(a.all).merge(b.all);
  out.within.forEach((s, g) => {
    s.merge(a.within[g]!).merge(b.within[g]!);
  });
  return out;
}

/** Multiset difference of two ascending arrays (`part` ⊆ `whole`): the background's scores. */
function sortedDifference(whole: Float32Array, part: Float32Array): Float32Array {
  const out = new Float32Array(whole.length - part.length);
  let j = 0;
  let o = 0;
  for (let i = 0; i < whole.length; i++) {
    if (j < part.length && whole[i] === part[j]) j++;
    else out[o++] = whole[i]!;
  }
  return out;
}

function aucOf(
  positives: Float32Array,
  negatives: Float32Array,
  range: ScoreRange,
): { value: number | null; reason?: string } {
  const store = new BinaryScoreStore({ range, initialCapacity: positives.length + negatives.length });
  for (const s of positives) store.add(s, true);
  for (const s of negatives) store.add(s, false);
  return rocAuc(store);
}

/** Generalised (power) mean of the defined values; p = 0 is the geometric mean. */
export function powerMean(values: readonly (number | null)[], p: number): PowerMean {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return { value: null, used: 0, reason: 'no subgroup has a defined AUC' };
  if (p === 0) {
    const logMean = xs.reduce((a, x) => a + Math.log(x), 0) / xs.length;
    return { value: Math.exp(logMean), used: xs.length };
  }
  // A zero AUC with p < 0 makes the sum infinite and the mean 0, which is the right limit.
  const mean = xs.reduce((a, x) => a + x ** p, 0) / xs.length;
  return { value: mean ** (1 / p), used: xs.length };
}

export function biasReport(acc: BiasAccumulator, options: BiasOptions = {}): BiasReport {
  const { power, overallWeight } = BiasOptionsSchema.parse(options);
  const allPos = acc.all.sortedPositives();
  const allNeg = acc.all.sortedNegatives();
  const subgroups: SubgroupBias[] = acc.subgroups.map((name, g) => {
    const w = acc.within[g]!;
    const inPos = w.sortedPositives();
    const inNeg = w.sortedNegatives();
    const subgroupAuc = rocAuc(w);
    const bpsnAuc = aucOf(sortedDifference(allPos, inPos), inNeg, acc.range);
    const bnspAuc = aucOf(inPos, sortedDifference(allNeg, inNeg), acc.range);
    return {
      subgroup: name,
      size: w.size,
      positives: w.positives,
      negatives: w.negatives,
      subgroupAuc,
      bpsnAuc,
      bnspAuc,
    };
  });
  const overallAuc = rocAuc(acc.all);
  const powerMeans = {
    subgroup: powerMean(
      subgroups.map((s) => s.subgroupAuc.value),
      power,
    ),
    bpsn: powerMean(
      subgroups.map((s) => s.bpsnAuc.value),
      power,
    ),
    bnsp: powerMean(
      subgroups.map((s) => s.bnspAuc.value),
      power,
    ),
  };
  const parts = [overallAuc.value, powerMeans.subgroup.value, powerMeans.bpsn.value, powerMeans.bnsp.value];
  const finalScore =
    parts.some((v) => v === null) || acc.subgroups.length === 0
      ? { value: null, reason: 'overall AUC or a subgroup power mean is undefined' }
      : {
          value:
            overallWeight * overallAuc.value! +
            ((1 - overallWeight) *
              (powerMeans.subgroup.value! + powerMeans.bpsn.value! + powerMeans.bnsp.value!)) /
              3,
        };
  return { power, overallWeight, items: acc.all.size, overallAuc, subgroups, powerMeans, finalScore };
}

export const BiasInputSchema = z.object({
  scores: z.array(z.number()),
  labels: z.array(z.union([z.boolean(), z.number()])),
  /** Subgroup name → one membership value per item (boolean, fraction binarised at 0.5, or null). */
  identities: keyedRecordSchema(z.array(z.union([z.boolean(), z.number()]).nullable())),
});
export type BiasInput = z.infer<typeof BiasInputSchema>;

/** One-pass convenience over whole arrays. */
export function computeBias(input: BiasInput, options: BiasOptions = {}, range?: ScoreRange): BiasReport {
  const names = Object.keys(input.identities);
  const n = input.scores.length;
  if (input.labels.length !== n) {
    throw new BadInputError(`${input.labels.length} labels for ${n} scores`, { field: 'labels' });
  }
  for (const g of names) {
    if (input.identities[g]!.length !== n) {
      throw new BadInputError(`${input.identities[g]!.length} values for ${n} items`, { field: g });
    }
  }
  const acc = createBiasAccumulator(names, range);
  const columns = names.map((g) => input.identities[g]!);
  const membership: Flag[] = new Array(names.length);
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < names.length; g++) membership[g] = columns[g]![i];
    addBiasItem(acc, input.scores[i]!, input.labels[i]!, membership, i);
  }
  return biasReport(acc, options);
}
