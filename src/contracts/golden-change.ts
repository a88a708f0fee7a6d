import { z } from 'zod';
import { IntervalSchema } from './metric-results.js';
import { TaskSchema } from './task.js';

/**
 * `golden-change.json` (`modeval eval --compare-golden <previous>`): what a relabel changed for
 * one model's predictions. The same predictions are evaluated on the previous and the current
 * golden version; the items both versions label are joined by id, and their golden labels and the
 * model's correctness compared.
 */

const count = z.number().int().nonnegative();

/** One golden version as evaluated. */
const VersionSchema = z.object({
  file: z.string(),
  /** sha256 of the file's bytes. */
  fingerprint: z.string(),
  /** Labelled items that have the model's prediction (the items each version's metrics rest on). */
  evaluated: count,
});

/** A headline metric under both versions. */
const MetricChangeSchema = z.object({
  /** The registry key (`accuracy`, `recall`, ...). */
  key: z.string(),
  /** As people read it (`accuracy`, `spam recall`). */
  label: z.string(),
  /** The class or policy of a per-class metric; null for an overall one. */
  class: z.string().nullable(),
  previous: IntervalSchema.nullable(),
  current: IntervalSchema.nullable(),
  /** current − previous estimate; null unless both are defined. Not paired: see `items` for overlap. */
  delta: z.number().nullable(),
});

export const GoldenChangeSchema = z.object({
  kind: z.literal('modeval.golden-change'),
  schemaVersion: z.literal(1),
  task: TaskSchema,
  labels: z.array(z.string()),
  model: z.object({ name: z.string(), version: z.string(), predictionsFile: z.string() }),
  previous: VersionSchema,
  current: VersionSchema,
  items: z.object({
    /** Evaluated in both versions (joined by id): the counts below are over these. */
    both: count,
    onlyPrevious: count,
    onlyCurrent: count,
    /** Items whose golden labels differ between the versions. */
    changed: count,
  }),
  /** Golden label (sets) before → after, over the changed items; most frequent first. */
  transitions: z.array(z.object({ from: z.array(z.string()), to: z.array(z.string()), count })),
  /**
   * Per class (single-label) or policy (multi-label), over the items in both versions: golden
   * items that gained / lost the label, and the model's one-vs-rest decisions on it that a relabel
   * made right (`fixed`) or wrong (`broken`). Policies the model does not score have null counts.
   */
  perLabel: z.array(
    z.object({
      label: z.string(),
      gained: count,
      lost: count,
      fixed: count.nullable(),
      broken: count.nullable(),
    }),
  ),
  /**
   * The model's errors (an item whose decision is not exactly its golden label or label set),
   * over the items in both versions: under each version, and how many became correct or wrong.
   */
  errors: z.object({
    previous: count,
    current: count,
    becameCorrect: count,
    becameWrong: count,
  }),
  metrics: z.array(MetricChangeSchema),
  /** The file listing every changed item (id, labels before and after, the model's decision). */
  changesFile: z.string().nullable(),
  warnings: z.array(z.string()),
});
export type GoldenChange = z.infer<typeof GoldenChangeSchema>;
export type MetricChange = z.infer<typeof MetricChangeSchema>;
