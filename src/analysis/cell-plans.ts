import { type EvalSet, type ModelColumns, scoresLabel } from '../evaluate/eval-set.js';
import { notPolicy, taskViewOf } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import { Xoshiro128 } from '../util/prng.js';
import { sample } from './k-choice.js';

/**
 * The error cells clustering looks at, and the rows each needs. A single-label set has one cell
 * per off-diagonal confusion cell (golden g, predicted p). A multi-policy set (labels closed
 * through the taxonomy) has two per policy X: `missed X` (golden X, model not X) and
 * `over-enforced X` (model X, golden not X); each is a binary error, so its reference items are
 * the model's correct decisions on the same golden side (golden X and flagged; golden not X and
 * not flagged).
 */
export interface CellPlan {
  /** `golden>predicted`, or `missed X` / `over-enforced X`. */
  cell: string;
  golden: string;
  predicted: string;
  kind: 'false_positive' | 'false_negative' | 'confusion';
  /** Multi-policy sets: the policy (its label index) and which error the cell holds. */
  policy?: { name: string; index: number; error: 'missed' | 'over_enforced' };
  /** Error rows of the cell. */
  rows: number[];
  /** Seeded sample of the correctly decided rows on the same golden side. */
  reference: number[];
  /** How many rows are correctly decided on that side (the reference is a sample of them). */
  correct: number;
  /** Seed of this cell's reference sample and of its k-means runs. */
  seed: number;
  /** Score column whose value (1 − value for a missed policy) is the model's probability of its wrong decision. */
  scoreColumn: number;
  complement: boolean;
}

export interface CellPlanOptions {
  model: number;
  seed: number;
  minCellSize: number;
  maxReference: number;
}

/** The model's probability of its (wrong) decision on row r of the cell. */
export function cellScore(set: EvalSet, model: number, plan: CellPlan, r: number): number {
  const s = set.models[model]!.scores[r * set.labels.length + plan.scoreColumn]!;
  return plan.complement ? 1 - s : s;
}

/** The rows each error cell needs: its errors and a seeded reference sample. */
export function planCells(set: EvalSet, opts: CellPlanOptions): CellPlan[] {
  const model = set.models[opts.model];
  if (!model) throw new BadInputError(`no predictions file number ${opts.model}`, { field: 'model' });
  const reference = (rows: readonly number[], correct: readonly number[], seed: number) =>
    rows.length < opts.minCellSize
      ? []
      : sample(correct.length, opts.maxReference, new Xoshiro128(seed)).map((i) => correct[i]!);
  return taskViewOf(set).multiLabel
    ? policyCells(set, model, opts.seed, reference)
    : confusionCells(set, model.predicted, opts.seed, reference);
}

type Reference = (rows: readonly number[], correct: readonly number[], seed: number) => number[];

function confusionCells(set: EvalSet, predicted: Int32Array, seed: number, ref: Reference): CellPlan[] {
  const k = set.labels.length;
  const plans: CellPlan[] = [];
  for (let g = 0; g < k; g++) {
    const correct: number[] = [];
    for (let r = 0; r < set.n; r++) if (set.truth[r] === g && predicted[r] === g) correct.push(r);
    for (let p = 0; p < k; p++) {
      if (p === g) continue;
      const rows: number[] = [];
      for (let r = 0; r < set.n; r++) if (set.truth[r] === g && predicted[r] === p) rows.push(r);
      const cellSeed = seed + 7919 * (g * k + p);
      plans.push({
        cell: `${set.labels[g]}>${set.labels[p]}`,
        golden: set.labels[g]!,
        predicted: set.labels[p]!,
        kind:
          set.positiveIndex < 0 || k !== 2
            ? 'confusion'
            : p === set.positiveIndex
              ? 'false_positive'
              : 'false_negative',
        rows,
        reference: ref(rows, correct, cellSeed),
        correct: correct.length,
        seed: cellSeed,
        scoreColumn: p,
        complement: false,
      });
    }
  }
  return plans;
}

function policyCells(set: EvalSet, model: ModelColumns, seed: number, ref: Reference): CellPlan[] {
  const k = set.labels.length;
  const flags = model.predictedFlags;
  const plans: CellPlan[] = [];
  for (let j = 0; j < k; j++) {
    // A policy the model does not score has no error cells: its flags are unknown, not "missed".
    if (!scoresLabel(model, j)) continue;
    const name = set.labels[j]!;
    // rows[g][p]: golden flag g, model flag p.
    const rows = [
      [[], []],
      [[], []],
    ] as number[][][];
    for (let r = 0; r < set.n; r++) rows[set.truthFlags[r * k + j]!]![flags[r * k + j]!]!.push(r);
    for (const error of ['missed', 'over_enforced'] as const) {
      const g = error === 'missed' ? 1 : 0;
      const errors = rows[g]![1 - g]!;
      const correct = rows[g]![g]!;
      const cellSeed = seed + 7919 * (2 * j + g);
      plans.push({
        cell: `${error === 'missed' ? 'missed' : 'over-enforced'} ${name}`,
        golden: g ? name : notPolicy(name),
        predicted: g ? notPolicy(name) : name,
        kind: g ? 'false_negative' : 'false_positive',
        policy: { name, index: j, error },
        rows: errors,
        reference: ref(errors, correct, cellSeed),
        correct: correct.length,
        seed: cellSeed,
        scoreColumn: j,
        complement: g === 1,
      });
    }
  }
  return plans;
}
