import { z } from 'zod';
import type { RatingMatrix } from '../contracts/agreement-report.js';
import { argmaxRow } from '../metrics/calibration.js';
import { BadInputError } from '../util/errors.js';

/**
 * Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 2021), in the variant cleanlab ships as `find_label_issues`:
 *
 * 1. per-class threshold t_j = mean self-confidence p̂_j(x) over items *given* label j;
 * 2. confident joint C[i][j] = items given i whose confident classes {j : p̂_j(x) ≥ t_j} are
 *    non-empty, counted under the most probable confident class j;
 * 3. calibrated joint: each row rescaled to the number of items given that label, then rounded
 *    preserving row totals (cleanlab first raises empty diagonal cells to 1);
 * 4. pruning (default `prune_by_noise_rate`): for every off-diagonal cell (given i, true j) flag the
 *    C̃[i][j] items given i with the largest margin p̂_j − p̂_i; items whose argmax equals their
 *    given label are never flagged.
 *
 * Suspects come ranked by a label-quality score (lowest first) with both scores attached.
 * Where the paper and cleanlab differ, see docs/metrics.md; in step 2 we follow the paper (argmax
 * among the confident classes; cleanlab takes the overall argmax) — they agree unless the overall
 * argmax is itself below its threshold.
 */

export const LabelIssueFilterSchema = z.enum([
  'prune_by_noise_rate',
  'prune_by_class',
  'both',
  'confident_learning',
  'predicted_neq_given',
]);
export type LabelIssueFilter = z.infer<typeof LabelIssueFilterSchema>;

export const LabelQualityRankSchema = z.enum(['self_confidence', 'normalized_margin']);
export type LabelQualityRank = z.infer<typeof LabelQualityRankSchema>;

export const LabelIssueOptionsSchema = z.object({
  filterBy: LabelIssueFilterSchema.default('prune_by_noise_rate'),
  rankBy: LabelQualityRankSchema.default('self_confidence'),
  /** A class with this many given labels or fewer is never pruned (cleanlab's `min_examples_per_class`). */
  minExamplesPerClass: z.number().int().nonnegative().default(1),
  /** Slack on `p ≥ t` so that a probability equal to its class mean is not lost to rounding (cleanlab: 1e-6). */
  thresholdSlack: z.number().nonnegative().default(1e-6),
});
export type LabelIssueOptions = z.input<typeof LabelIssueOptionsSchema>;

export const LabelIssueSchema = z.object({
  /** Position in the input arrays. */
  index: z.number().int().nonnegative(),
  id: z.string().optional(),
  given: z.number().int().nonnegative(),
  /** argmax of the predicted probabilities (lowest class on a tie). */
  predicted: z.number().int().nonnegative(),
  /** p̂_given(x). */
  selfConfidence: z.number(),
  /** (p̂_given − max_{k≠given} p̂_k + 1) / 2, in [0, 1]. */
  normalizedMargin: z.number(),
});
export type LabelIssue = z.infer<typeof LabelIssueSchema>;

export const LabelIssueReportSchema = z.object({
  classes: z.number().int().positive(),
  /** Items with a given label (items whose label is null are skipped and counted in `unlabelled`). */
  items: z.number().int().nonnegative(),
  unlabelled: z.number().int().nonnegative(),
  filterBy: LabelIssueFilterSchema,
  rankBy: LabelQualityRankSchema,
  labelCounts: z.array(z.number().int().nonnegative()),
  /** Per-class threshold; null for a class nobody was given (then never confident). */
  thresholds: z.array(z.number().nullable()),
  /** Rows = given label, columns = confidently predicted label; raw counts. */
  confidentJoint: z.array(z.array(z.number().int().nonnegative())),
  calibratedJoint: z.array(z.array(z.number().int().nonnegative())),
  /** Off-diagonal mass of the calibrated joint: the estimated number of label errors. */
  estimatedErrors: z.number().int().nonnegative(),
  /** Flagged items, most suspicious (lowest `rankBy` score) first; ties by index. */
  issues: z.array(LabelIssueSchema),
});
export type LabelIssueReport = z.infer<typeof LabelIssueReportSchema>;

type Probs = readonly ArrayLike<number>[];

/** Index of the largest value, the lowest on ties. */
const argmax = (p: ArrayLike<number>): number => argmaxRow(p, 0, p.length);

function normalizedMargin(p: ArrayLike<number>, given: number): number {
  let other = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < p.length; j++) if (j !== given && p[j]! > other) other = p[j]!;
  if (p.length === 1) other = 0;
  return (p[given]! - other + 1) / 2;
}

/** Rounds half to even, as numpy does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Rounds a row to integers keeping its (rounded) total: round every cell, then move the
 * leftover units to the cells whose rounding lost (or gained) the most; ties go to the lower index.
 */
export function roundPreservingSum(row: readonly number[]): number[] {
  const ints = row.map(roundHalfEven);
  const target = roundHalfEven(row.reduce((a, b) => a + b, 0));
  let diff = target - ints.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const step = diff > 0 ? 1 : -1;
    const order = row
      .map((x, i) => ({ i, rest: x - ints[i]! }))
      .sort((a, b) => (step > 0 ? b.rest - a.rest : a.rest - b.rest) || a.i - b.i);
    const changes = Math.min(Math.abs(diff), row.length);
    for (let c = 0; c < changes; c++) ints[order[c]!.i]! += step;
    diff -= step * changes;
  }
  return ints;
}

function validate(labels: readonly (number | null)[], probs: Probs, ids?: readonly string[]): number {
  if (labels.length !== probs.length) {
    throw new BadInputError(`${labels.length} labels but ${probs.length} probability rows`, {
      field: 'scores',
    });
  }
  if (ids && ids.length !== labels.length) {
    throw new BadInputError(`${ids.length} ids for ${labels.length} items`, { field: 'id' });
  }
  const k = probs[0]?.length ?? 0;
  if (k < 2 && labels.length > 0) throw new BadInputError('confident learning needs at least two classes');
  for (let i = 0; i < probs.length; i++) {
    const row = probs[i]!;
    const where = { row: i, id: ids?.[i] };
    if (row.length !== k) {
      throw new BadInputError(`has ${row.length} probabilities, expected ${k}`, {
        ...where,
        field: 'scores',
      });
    }
    for (let j = 0; j < k; j++) {
      if (!Number.isFinite(row[j]!)) {
        throw new BadInputError(`probability ${row[j]} is not finite`, { ...where, field: 'scores' });
      }
    }
    const y = labels[i];
    if (y !== null && y !== undefined && (!Number.isInteger(y) || y < 0 || y >= k)) {
      throw new BadInputError(`label index ${y} is outside 0..${k - 1}`, { ...where, field: 'label' });
    }
  }
  return k;
}

/** Per-class thresholds t_j = mean p̂_j over items given label j (null if no item has label j). */
export function confidentThresholds(labels: readonly (number | null)[], probs: Probs): (number | null)[] {
  return thresholdsOf(labels, probs, validate(labels, probs));
}

/** confidentThresholds on input already validated (k classes). */
function thresholdsOf(labels: readonly (number | null)[], probs: Probs, k: number): (number | null)[] {
  const sum = new Array<number>(k).fill(0);
  const n = new Array<number>(k).fill(0);
  labels.forEach((y, i) => {
    if (y === null) return;
    sum[y]! += probs[i]![y]!;
    n[y]!++;
  });
  return sum.map((s, j) => (n[j]! > 0 ? s / n[j]! : null));
}

/** The class an item confidently belongs to, or -1 if no probability reaches its threshold. */
function confidentClass(p: ArrayLike<number>, thresholds: readonly (number | null)[], slack: number): number {
  let best = -1;
  for (let j = 0; j < p.length; j++) {
    const t = thresholds[j];
    if (t === null || t === undefined || p[j]! < t - slack) continue;
    if (best < 0 || p[j]! > p[best]!) best = j;
  }
  return best;
}

/** cleanlab's calibration: rows to the given-label counts, total to N, rounded preserving row totals. */
export function calibrateJoint(
  joint: readonly (readonly number[])[],
  labelCounts: readonly number[],
): number[][] {
  // An empty diagonal cell would let a whole class look mislabelled; cleanlab assumes at least one
  // correctly labelled item per class before calibrating.
  const clipped = joint.map((row, i) => row.map((v, j) => (i === j ? Math.max(v, 1) : v)));
  const scaled = clipped.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? (v / total) * labelCounts[i]! : 0));
  });
  const mass = scaled.flat().reduce((a, b) => a + b, 0);
  const n = labelCounts.reduce((a, b) => a + b, 0);
  return scaled.map((row) => roundPreservingSum(row.map((v) => (mass > 0 ? (v / mass) * n : 0))));
}

/**
 * cleanlab's `_keep_at_least_n_per_class` on the prune matrix P[true][given]: raise each diagonal
 * to at least n, take the increase evenly from that column's non-zero noise cells, then truncate.
 */
function keepAtLeast(prune: number[][], n: number): number[][] {
  const k = prune.length;
  const out = prune.map((r) => [...r]);
  for (let col = 0; col < k; col++) {
    const diag = prune[col]![col]!;
    const raise = Math.max(diag, n) - diag;
    if (raise === 0) continue;
    let nonZero = 0;
    for (let r = 0; r < k; r++) if (prune[r]![col]! !== 0) nonZero++;
    const share = raise / Math.max(nonZero - 1, 1);
    for (let r = 0; r < k; r++) {
      out[r]![col] = r === col ? diag + raise : Math.max(0, Math.trunc(prune[r]![col]! - share));
    }
  }
  return out;
}

/** Indices, among `members`, of the `count` items with the largest key (stable: lower index first on ties). */
function topBy(
  members: readonly number[],
  key: (i: number) => number,
  count: number,
  largest: boolean,
): number[] {
  const sorted = [...members].sort((a, b) => (largest ? key(b) - key(a) : key(a) - key(b)) || a - b);
  return sorted.slice(0, Math.max(0, count));
}

/** The flagged items as issues, least confident in the given label first (ties by index). */
function rankedIssues(
  flagged: ReadonlySet<number>,
  labels: readonly (number | null)[],
  probs: Probs,
  rankBy: LabelIssueReport['rankBy'],
  ids: readonly string[] | undefined,
): LabelIssue[] {
  const issues: LabelIssue[] = [...flagged].map((i) => {
    const given = labels[i]!;
    const issue: LabelIssue = {
      index: i,
      given,
      predicted: argmax(probs[i]!),
      selfConfidence: probs[i]![given]!,
      normalizedMargin: normalizedMargin(probs[i]!, given),
    };
    if (ids) issue.id = ids[i]!;
    return issue;
  });
  const score = (x: LabelIssue) => (rankBy === 'self_confidence' ? x.selfConfidence : x.normalizedMargin);
  return issues.sort((a, b) => score(a) - score(b) || a.index - b.index);
}

/**
 * Finds label-issue suspects from given labels and out-of-sample predicted probabilities
 * (rows in class order). `labels[i] = null` means unlabelled: skipped.
 */
export function findLabelIssues(
  labels: readonly (number | null)[],
  probs: Probs,
  options: LabelIssueOptions = {},
  ids?: readonly string[],
): LabelIssueReport {
  const opts = LabelIssueOptionsSchema.parse(options);
  const k = validate(labels, probs, ids);
  const thresholds = thresholdsOf(labels, probs, k);
  const labelCounts = new Array<number>(k).fill(0);
  const joint = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const members: number[][] = Array.from({ length: k }, () => []);
  const offDiagonal = new Set<number>();
  let unlabelled = 0;
  labels.forEach((y, i) => {
    if (y === null) {
      unlabelled++;
      return;
    }
    labelCounts[y]!++;
    members[y]!.push(i);
    const j = confidentClass(probs[i]!, thresholds, opts.thresholdSlack);
    if (j < 0) return;
    joint[y]![j]!++;
    if (j !== y) offDiagonal.add(i);
  });
  const calibrated = calibrateJoint(joint, labelCounts);
  let estimatedErrors = 0;
  calibrated.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i !== j) estimatedErrors += v;
    });
  });

  const flagged = new Set<number>();
  const prune = keepAtLeast(
    calibrated.map((_, t) => calibrated.map((row) => row[t]!)), // transpose: [true][given]
    opts.minExamplesPerClass,
  );
  const byNoiseRate = new Set<number>();
  const byClass = new Set<number>();
  if (opts.filterBy !== 'confident_learning' && opts.filterBy !== 'predicted_neq_given') {
    for (let given = 0; given < k; given++) {
      if (labelCounts[given]! <= opts.minExamplesPerClass) continue;
      const inClass = members[given]!;
      for (let t = 0; t < k; t++) {
        const count = prune[t]![given]!;
        if (t === given || count <= 0) continue;
        const margin = (i: number) => probs[i]![t]! - probs[i]![given]!;
        for (const i of topBy(inClass, margin, count, true)) byNoiseRate.add(i);
      }
      const keep = prune[given]![given]!;
      for (const i of topBy(inClass, (i) => probs[i]![given]!, labelCounts[given]! - keep, false))
        byClass.add(i);
    }
  }
  labels.forEach((y, i) => {
    if (y === null) return;
    const hit =
      opts.filterBy === 'prune_by_noise_rate'
        ? byNoiseRate.has(i)
        : opts.filterBy === 'prune_by_class'
          ? byClass.has(i)
          : opts.filterBy === 'both'
            ? byNoiseRate.has(i) && byClass.has(i)
            : opts.filterBy === 'confident_learning'
              ? offDiagonal.has(i)
              : argmax(probs[i]!) !== y;
    // The model agreeing with the given label is never a label issue.
    if (hit && argmax(probs[i]!) !== y) flagged.add(i);
  });

  const issues = rankedIssues(flagged, labels, probs, opts.rankBy, ids);

  return {
    classes: k,
    items: labels.length - unlabelled,
    unlabelled,
    filterBy: opts.filterBy,
    rankBy: opts.rankBy,
    labelCounts,
    thresholds,
    confidentJoint: joint,
    calibratedJoint: calibrated,
    estimatedErrors,
    issues,
  };
}

// ---------------------------------------------------------------------------------------------
// Disagreement among annotators

export const DisagreementSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.string().optional(),
  /** Number of ratings the item received. */
  ratings: z.number().int().nonnegative(),
  /** Ratings per category. */
  counts: z.array(z.number().int().nonnegative()),
  /** Most frequent category (the lowest index when several tie). */
  majority: z.number().int().nonnegative(),
  /** True when another category has as many ratings as `majority`. */
  tied: z.boolean(),
  /** Share of ratings in the majority category. */
  majorityShare: z.number(),
  /** Shannon entropy of the item's rating distribution, in bits. */
  entropy: z.number(),
});
export type Disagreement = z.infer<typeof DisagreementSchema>;

/**
 * Items whose annotators did not all choose the same category (items with fewer than
 * `minRatings` ratings are skipped), most contested first: highest entropy, then lowest
 * majority share, then input order.
 */
export function annotatorDisagreement(matrix: RatingMatrix, minRatings = 2): Disagreement[] {
  const k = matrix.categories.length;
  const out: Disagreement[] = [];
  matrix.ratings.forEach((row, index) => {
    const counts = new Array<number>(k).fill(0);
    let n = 0;
    row.forEach((v, a) => {
      if (v === null || v === undefined) return;
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        throw new BadInputError(`category index ${v} is outside 0..${k - 1}`, {
          row: index,
          id: matrix.itemIds?.[index],
          field: `ratings[${a}]`,
        });
      }
      counts[v]!++;
      n++;
    });
    if (n < Math.max(minRatings, 2)) return;
    const majority = argmax(counts);
    if (counts[majority] === n) return;
    let entropy = 0;
    for (const c of counts) if (c > 0) entropy -= (c / n) * Math.log2(c / n);
    const d: Disagreement = {
      index,
      ratings: n,
      counts,
      majority,
      tied: counts.filter((c) => c === counts[majority]).length > 1,
      majorityShare: counts[majority]! / n,
      entropy,
    };
    const id = matrix.itemIds?.[index];
    if (id !== undefined) d.id = id;
    out.push(d);
  });
  return out.sort((a, b) => b.entropy - a.entropy || a.majorityShare - b.majorityShare || a.index - b.index);
}

/**
 * Label-quality score of every item (null where unlabelled): `self_confidence` = p̂_given,
 * `normalized_margin` = (p̂_given − max_{k≠given} p̂_k + 1)/2. Low means likely mislabelled.
 */
export function labelQualityScores(
  labels: readonly (number | null)[],
  probs: Probs,
  method: LabelQualityRank = 'self_confidence',
): (number | null)[] {
  validate(labels, probs);
  return labels.map((y, i) => {
    if (y === null) return null;
    return method === 'self_confidence' ? probs[i]![y]! : normalizedMargin(probs[i]!, y);
  });
}
