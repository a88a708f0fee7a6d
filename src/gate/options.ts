import { z } from 'zod';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import { EvalSetOptionsSchema } from '../evaluate/eval-set.js';
import type { CostMatrix } from './metrics.js';

/** Options of `comparePaired` (`modeval compare`, and the comparison inside the gate and report). */
export const CompareOptionsSchema = z.object({
  /** Paired bootstrap replicates. */
  resamples: z.number().int().min(1).default(2000),
  /** PRNG seed. Same inputs and seed give the same report. */
  seed: z.number().int().default(0),
  /** Interval coverage. */
  level: z.number().gt(0).lt(1).default(0.95),
  /** Adds the cost metric to the headline table. */
  costs: z.custom<CostMatrix>().optional(),
  /** How many newly wrong / newly right items to list per direction. */
  listLimit: z.number().int().min(0).default(50),
});
export type CompareOptions = z.input<typeof CompareOptionsSchema>;

const pairFiles = {
  /** Predictions file of the model in production. */
  baseline: z.string(),
  /** Predictions file of the model that would replace it. */
  candidate: z.string(),
  /** Golden dataset both were run on. */
  dataset: z.string(),
  spec: z.custom<DatasetSpecInput | DatasetSpec | string>().optional(),
  /** Bad golden rows: stop at the first (`error`) or leave each out (`skip`; EvalSetOptionsSchema). */
  onInvalid: EvalSetOptionsSchema.shape.onInvalid,
  /** With `skip`: where the rejected golden rows are written (the CLI: beside the output). */
  rejectsPath: z.string().optional(),
};

/** Options of `compareModels`: the two predictions files, the golden set, and the comparison. */
export const CompareModelsOptionsSchema = CompareOptionsSchema.extend(pairFiles);
export type CompareModelsOptions = z.input<typeof CompareModelsOptionsSchema>;

/** Options of `runGate` (`modeval gate`); bootstrap settings come from the policy file. */
export const GateOptionsSchema = z.object({
  /** Policy file (YAML or JSON). */
  policy: z.string(),
  /** The two models' predictions and the golden set: needed when a rule names a model metric. */
  baseline: pairFiles.baseline.optional(),
  candidate: pairFiles.candidate.optional(),
  dataset: pairFiles.dataset.optional(),
  spec: pairFiles.spec,
  onInvalid: pairFiles.onInvalid,
  rejectsPath: pairFiles.rejectsPath,
  /** A labelling delivery's labelers.json (`modeval labelers`): needed when a rule names a labelling metric. */
  labelers: z.string().optional(),
  /** Folder for gate.json, junit.xml and summary.md. */
  outDir: z.string(),
  /** A file to append the Markdown summary to (GitHub's `$GITHUB_STEP_SUMMARY`). */
  stepSummary: z.string().optional(),
  listLimit: CompareOptionsSchema.shape.listLimit,
  /**
   * Check the items with no value in a rule's slice column as one more value, `(null)`, in every
   * rule over every value of a column (a rule's own `includeNull: true` does it for that rule).
   * Otherwise they are listed as skipped with their count.
   */
  includeNull: z.boolean().default(false),
});
export type GateOptions = z.input<typeof GateOptionsSchema>;
