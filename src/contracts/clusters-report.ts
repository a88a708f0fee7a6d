import { z } from 'zod';
import { LabelEvidenceSchema, LabelEvidenceSettingsSchema } from './label-evidence.js';

/** clusters.json, written by `modeval clusters` and read by `modeval review export --clusters`. */

export const ClusterExampleSchema = z.object({
  id: z.string(),
  /** Length-capped text. */
  text: z.string(),
  /**
   * The model's probability of its (wrong) predicted label; for a policy, of its wrong decision
   * (P(X) when over-enforced, 1 − P(X) when missed).
   */
  score: z.number(),
  /** Cosine distance to the cluster centroid in the reduced space. */
  distance: z.number(),
  /**
   * `relabel`: models of at least `labelIssues.minModels` independent qualified opinions flag the
   * golden label by confident learning (check it; the rule: label-evidence.ts); `model_error`: the
   * evidence was weighed and does not question the label; `unchecked`: the rule did not question
   * any label of this target (too few qualified opinions, or the share cap: `labelIssues.targets`).
   */
  labelIssue: z.enum(['relabel', 'model_error', 'unchecked']),
  /** Per model compared: whether its confident learning flags the item, and its P(golden label). */
  labelEvidence: z
    .array(z.object({ model: z.string(), flagged: z.boolean(), pGolden: z.number() }))
    .optional(),
});
export type ClusterExample = z.infer<typeof ClusterExampleSchema>;

export const SliceLiftSchema = z.object({
  column: z.string(),
  value: z.string(),
  /** P(slice | cluster) / P(slice | cell). */
  lift: z.number(),
  /** Cluster members in the slice. */
  support: z.number().int(),
  clusterShare: z.number(),
  cellShare: z.number(),
});
export type SliceLift = z.infer<typeof SliceLiftSchema>;

export const ClusterSchema = z.object({
  /** `c<rank>`: stable for the same inputs and seed. */
  id: z.string(),
  rank: z.number().int().positive(),
  /** The confusion cell, `golden>predicted`; on a multi-policy set `missed X` or `over-enforced X`. */
  cell: z.string(),
  golden: z.string(),
  predicted: z.string(),
  /** Multi-policy sets: the policy whose error the cluster holds. */
  policy: z.string().optional(),
  /** Multi-policy sets: `missed` (golden has the policy, the model does not flag it) or `over_enforced`. */
  error: z.enum(['missed', 'over_enforced']).optional(),
  /**
   * `false_negative` / `false_positive` for a binary task's positive label or a policy of a
   * multi-policy set (missed / over-enforced), else `confusion`.
   */
  kind: z.enum(['false_positive', 'false_negative', 'confusion']),
  /**
   * The cluster's name: its most separating terms (see `separating`), or with a single cluster in
   * the cell its top c-TF-IDF terms against the cell's correctly classified items.
   */
  name: z.string(),
  /** c-TF-IDF terms against the other clusters and the correctly classified items. */
  terms: z.array(z.object({ term: z.string(), weight: z.number() })),
  /**
   * Terms that separate the cluster from the rest of its cell: share of the cluster's documents
   * containing the term minus the share of the cell's other errors containing it.
   */
  separating: z
    .array(z.object({ term: z.string(), clusterShare: z.number(), restShare: z.number() }))
    .optional(),
  /** The cell's silhouette is under the threshold: a grouping, not a clear topic (read the examples). */
  weakStructure: z.boolean().optional(),
  size: z.number().int().positive(),
  /** size / cell size. */
  share: z.number(),
  meanScore: z.number(),
  /**
   * Errors among the golden-`golden` items that fall in this cluster's region (nearest this
   * centroid, within its radius): how often the model fails on this kind of item.
   */
  errorRate: z.number(),
  /** size × errorRate: the ranking key. */
  impact: z.number(),
  /**
   * Members confident learning flags as probable golden-label errors: a cluster made mostly of
   * these points at a labelling problem (or a guideline gap) rather than at the model.
   */
  relabelCandidates: z.number().int().nonnegative(),
  slices: z.array(SliceLiftSchema),
  representatives: z.array(ClusterExampleSchema),
  outliers: z.array(ClusterExampleSchema),
  members: z.array(z.string()),
});
export type Cluster = z.infer<typeof ClusterSchema>;

export const CellSummarySchema = z.object({
  cell: z.string(),
  golden: z.string(),
  predicted: z.string(),
  policy: z.string().optional(),
  error: z.enum(['missed', 'over_enforced']).optional(),
  size: z.number().int(),
  clustered: z.boolean(),
  /** Why a cell was not clustered (too small), when it was not. */
  note: z.string().nullable(),
  k: z.number().int().nullable(),
  silhouette: z.number().nullable(),
  /** Silhouette per k tried. */
  tried: z.array(z.object({ k: z.number().int(), silhouette: z.number() })),
  /** A plain warning when the clusters are weak (silhouette under `options.minSilhouette`). */
  warning: z.string().nullable().optional(),
});
export type CellSummary = z.infer<typeof CellSummarySchema>;

export const ClustersReportSchema = z.object({
  schemaVersion: z.literal(1),
  dataset: z.object({ file: z.string(), fingerprint: z.string() }),
  model: z.object({ file: z.string(), name: z.string(), version: z.string() }),
  labels: z.array(z.string()),
  seed: z.number().int(),
  options: z.object({
    minCellSize: z.number().int(),
    maxK: z.number().int(),
    dimensions: z.number().int(),
    wordNgrams: z.tuple([z.number().int(), z.number().int()]),
    charNgrams: z.tuple([z.number().int(), z.number().int()]),
    minSliceSupport: z.number().int(),
    maxTextChars: z.number().int(),
    /** Cells whose silhouette is below this carry a weak-structure warning. */
    minSilhouette: z.number().optional(),
  }),
  /** How golden-label suspects were decided (printed beside every badge). */
  labelIssues: z
    .object({
      rule: z.string(),
      models: z.array(z.string()),
      minModels: z.number().int(),
      /** Whether the rule questioned labels on at least one target. */
      checked: z.boolean(),
      settings: LabelEvidenceSettingsSchema.optional(),
      /** The judged model's errors over the targets, those flagged, and their share. */
      errors: z.number().int().nonnegative().optional(),
      flagged: z.number().int().nonnegative().optional(),
      share: z.number().nullable().optional(),
      /** One decision per target: the labels, or each policy of a multi-policy set. */
      targets: z.array(LabelEvidenceSchema).optional(),
    })
    .optional(),
  cells: z.array(CellSummarySchema),
  clusters: z.array(ClusterSchema),
});
export type ClustersReport = z.infer<typeof ClustersReportSchema>;
