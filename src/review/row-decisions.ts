import type { LabelEvidence } from '../contracts/label-evidence.js';
import type { ReviewItem } from './item.js';

/** A label, or a list of policies: what an item's golden value and each prediction are. */
export type ItemValue = ReviewItem['golden'];

/**
 * An EvalSet's rows as the review reads them: golden values and model decisions, how sure a model
 * was, whether two sides disagree, what an error costs. One implementation per way the task view
 * holds an item's labels (one label, or a set of policies); the selection loop and the export ask
 * this and never the task.
 */
export interface RowDecisions {
  /** Row r's golden value as files hold it: a label, or the closed list of golden policies. */
  golden(r: number): ItemValue;
  /** Model m's decision on row r, in the same form. */
  predicted(m: number, r: number): ItemValue;
  /**
   * Model m's confidence in its decision on row r from its (rounded) `scores` row: the predicted
   * label's probability, or on policies the least sure decision's, min over max(p, 1 − p).
   */
  confidence(m: number, r: number, scores: readonly number[]): number;
  /** What model m missed and over-enforced on row r (policies only; else undefined). */
  policyErrors(m: number, r: number): { missed: string[]; overEnforced: string[] } | undefined;
  /** Whether model m's decision differs from golden on row r (on a label it scores). */
  wrong(m: number, r: number): boolean;
  /** Whether models a and b decide row r differently (on a label both score). */
  disagree(a: number, b: number, r: number): boolean;
  /** How close row r's decisions came to flipping, the smallest over models (1: not close). */
  margin(r: number): number;
  /**
   * The first model's errors whose golden label the evidence rule questions (analysis/label-evidence.ts:
   * qualified, independent models' confident learning, annotators, the share cap), and the decision
   * per target (the labels, or each policy the first model scores); computed once.
   */
  labelIssues(): ReadonlySet<number>;
  labelEvidence(): readonly LabelEvidence[];
  /** The first model's probability of row r's golden label (its least sure policy's). */
  labelQuality(r: number): number;
  /** The cost of the first model's error on row r under `costs` (0 where it agrees). */
  cost(r: number, costs: Readonly<Record<string, number>>): number;
  /** Row r's stratum under `--stratify-by label`. */
  labelStratum(r: number): string;
}
