import { z } from 'zod';
import {
  type CellSummary,
  type Cluster,
  type ClusterExample,
  type ClustersReport,
  ClustersReportSchema,
} from '../contracts/clusters-report.js';
import type { LabelEvidence } from '../contracts/label-evidence.js';
import { openDataset } from '../dataset/open.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { loadEvalSet } from '../evaluate/join.js';
import { BadInputError } from '../util/errors.js';
import { checkOption } from '../util/zod.js';
import { type CellPlan, cellScore, planCells } from './cell-plans.js';
import { separatingTerms, sliceLifts } from './cluster-description.js';
import { type CtfidfModel, ctfidf, topTerms } from './ctfidf.js';
import { chooseK, cosineDistance, type KChoice } from './k-choice.js';
import { LabelEvidenceOptionsSchema } from './label-evidence.js';
import { type LabelSuspects, labelIssueRule, labelSuspects, policySuspects } from './label-suspects.js';
import { nameableText } from './stopwords.js';
import { readTexts, snippet } from './texts.js';
import { type VectorizeOptions, vectorize } from './vectorize.js';

/**
 * Error clusters: for every error cell with enough items (each off-diagonal confusion cell
 * golden g, predicted p; on a multi-policy set `missed X` and `over-enforced X` per policy, see
 * cell-plans.ts),
 * TF-IDF over word and character n-grams → seeded random projection → k-means (ml-kmeans,
 * k-means++ seeded) with k chosen by the silhouette; each cluster is named by its top c-TF-IDF
 * terms, described by slice lift and by its members nearest to and farthest from the centroid,
 * and ranked by size × error rate, where the error rate is measured on the cluster's region: the
 * correctly classified golden-g items that fall nearest this centroid, within its radius.
 */

export const ClusterOptionsSchema = z.object({
  seed: z.number().int().default(42),
  /** Cells with fewer errors are listed but not clustered. */
  minCellSize: z.number().int().min(2).default(8),
  maxK: z.number().int().min(2).default(8),
  /** Smallest cluster size that k-means may aim for (caps k at cell size / this). */
  minClusterSize: z.number().int().min(1).default(5),
  dimensions: z.number().int().min(8).default(128),
  wordNgrams: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([1, 2]),
  charNgrams: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([3, 5]),
  maxFeatures: z.number().int().positive().default(20_000),
  /** Characters of each text that are vectorised. */
  maxVectorChars: z.number().int().positive().default(3_000),
  /** Correctly classified items sampled per cell to estimate each cluster's error rate. */
  maxReference: z.number().int().nonnegative().default(1_000),
  /** Items sampled for the silhouette (it is quadratic). */
  maxSilhouette: z.number().int().positive().default(1_000),
  minSliceSupport: z.number().int().positive().default(3),
  terms: z.number().int().positive().default(5),
  representatives: z.number().int().nonnegative().default(3),
  outliers: z.number().int().nonnegative().default(2),
  /** Length cap of example texts in the output. */
  maxTextChars: z.number().int().positive().default(240),
  /** Which predictions file (index) to analyse. */
  model: z.number().int().nonnegative().default(0),
  /**
   * Below this mean silhouette a cell's clusters carry a weak-structure warning. 0.25 is where
   * Kaufman & Rousseeuw (1990, "Finding Groups in Data", ch. 2) place "no substantial structure".
   */
  minSilhouette: z.number().min(-1).max(1).default(0.25),
  /**
   * Independent qualified opinions whose confident learning must agree before an error is shown as
   * a golden-label suspect. One model's in-sample probabilities flag exactly the items it is
   * confidently wrong on, so one model alone never calls a golden label into question.
   */
  minLabelModels: z.number().int().min(2).default(2),
  /** The rest of the evidence rule (model floor, independence, annotators, share cap): label-evidence.ts. */
  labelEvidence: LabelEvidenceOptionsSchema.omit({ minOpinions: true }).prefault({}),
});
export type ClusterOptions = z.input<typeof ClusterOptionsSchema>;
type Opts = z.infer<typeof ClusterOptionsSchema>;

export interface ClustersInput {
  dataset: string;
  spec?: DatasetSpecInput | DatasetSpec | string;
  predictions: readonly string[];
  /** Bad golden rows (EvalSetOptionsSchema): stop at the first, or leave each out into rejectsPath. */
  onInvalid?: 'error' | 'skip';
  rejectsPath?: string;
}

interface Draft extends Omit<Cluster, 'id' | 'rank'> {
  cellIndex: number;
  index: number;
}

/** What every cell of one clustering run reads. */
interface RunContext {
  set: EvalSet;
  opts: Opts;
  vec: VectorizeOptions;
  textOf: (r: number) => string;
  /** Golden-label suspects for a cell (per policy on a multi-policy set), computed once each. */
  suspects: (plan: CellPlan) => LabelSuspects;
}

/** One clustered cell, as its clusters' drafts need it. */
interface ClusteredCell {
  plan: CellPlan;
  cell: string;
  cellIndex: number;
  choice: KChoice;
  /** Cosine distance of each error to its cluster's centroid. */
  dist: number[];
  names: CtfidfModel;
  nameTokens: string[][];
  /** Per cluster, the reference items in its region. */
  nearby: number[];
  /** Correct golden-g items each reference item stands for. */
  scale: number;
  weak: boolean;
}

/** Clusters the errors of one model in an evaluation set whose texts are given. */
export function clusterErrors(
  set: EvalSet,
  texts: ReadonlyMap<string, string>,
  options: ClusterOptions = {},
): { cells: CellSummary[]; clusters: Cluster[]; labelEvidence: LabelEvidence[] } {
  const opts = checkOption(ClusterOptionsSchema, options, 'cluster options');
  if (!set.models[opts.model]) {
    throw new BadInputError(`no predictions file number ${opts.model}`, { field: 'model' });
  }
  const ctx: RunContext = {
    set,
    opts,
    vec: {
      wordNgrams: opts.wordNgrams,
      charNgrams: opts.charNgrams,
      maxFeatures: opts.maxFeatures,
      minDf: 2,
      maxChars: opts.maxVectorChars,
      dimensions: opts.dimensions,
      seed: opts.seed,
    },
    textOf: (r: number) => texts.get(set.ids[r]!) ?? '',
    suspects: suspectsOf(set, opts),
  };
  const cells: CellSummary[] = [];
  const drafts: Draft[] = [];
  const labelEvidence = new Map<number, LabelEvidence>();
  for (const plan of planCells(set, opts)) {
    // Every target's decision is stated, clustered cells or not (the share counts all its errors).
    labelEvidence.set(plan.policy?.index ?? -1, ctx.suspects(plan).summary);
    const { summary, drafts: cellDrafts } = clusterCell(ctx, plan, cells.length);
    cells.push(summary);
    drafts.push(...cellDrafts);
  }
  drafts.sort(
    (a, b) => b.impact - a.impact || b.size - a.size || a.cellIndex - b.cellIndex || a.index - b.index,
  );
  const clusters = drafts.map(({ cellIndex: _c, index: _i, ...d }, i) => ({
    id: `c${i + 1}`,
    rank: i + 1,
    ...d,
  }));
  return { cells, clusters, labelEvidence: [...labelEvidence.values()] };
}

/** Suspects per cell, computed once per policy (or once for a single-label set). */
function suspectsOf(set: EvalSet, opts: Opts): (plan: CellPlan) => LabelSuspects {
  const memo = new Map<number, LabelSuspects>();
  const evidence = evidenceOptions(opts);
  return (plan) => {
    const j = plan.policy?.index ?? -1;
    let s = memo.get(j);
    if (!s) {
      s = j < 0 ? labelSuspects(set, opts.model, evidence) : policySuspects(set, j, opts.model, evidence);
      memo.set(j, s);
    }
    return s;
  };
}

const evidenceOptions = (opts: Opts) => ({ ...opts.labelEvidence, minOpinions: opts.minLabelModels });

/** One cell's summary and the drafts of its clusters (none when the cell is too small). */
function clusterCell(
  ctx: RunContext,
  plan: CellPlan,
  cellIndex: number,
): { summary: CellSummary; drafts: Draft[] } {
  const { opts, textOf } = ctx;
  const { rows, reference, correct, seed: cellSeed, cell } = plan;
  const base = {
    cell,
    golden: plan.golden,
    predicted: plan.predicted,
    ...(plan.policy ? { policy: plan.policy.name, error: plan.policy.error } : {}),
    size: rows.length,
  };
  if (rows.length < opts.minCellSize) {
    const note = rows.length === 0 ? 'no errors' : `fewer than ${opts.minCellSize} errors`;
    return {
      summary: { ...base, clustered: false, note, k: null, silhouette: null, tried: [] },
      drafts: [],
    };
  }
  // One vocabulary for the errors and the reference items, so both live in one space.
  const vectors = vectorize([...rows, ...reference].map(textOf), ctx.vec);
  const points = vectors.slice(0, rows.length);
  const choice = chooseK(points, opts, cellSeed);
  const dist = points.map((pt, i) => cosineDistance(pt, choice.centroids[choice.labels[i]!]!));
  const nearby = regionCounts(choice, dist, vectors.slice(rows.length));
  // Each document counts a term once, so one long e-mail cannot name a whole cluster. The
  // reference items form one more class (a background, as BERTopic's idf sees the whole corpus):
  // words common in this label's ordinary items ("please", "list") then weigh little.
  const nameDoc = (r: number) =>
    [...new Set(nameableText(textOf(r).slice(0, opts.maxVectorChars)).split(' '))].join(' ');
  const names = ctfidf(
    [...rows.map(nameDoc), ...reference.map(nameDoc)],
    [...choice.labels, ...reference.map(() => choice.k)],
    choice.k + 1,
  );
  const weak = choice.silhouette === null || choice.silhouette < opts.minSilhouette;
  const summary: CellSummary = {
    ...base,
    clustered: true,
    note: null,
    k: choice.k,
    silhouette: choice.silhouette,
    tried: choice.tried,
    warning: weak ? weakStructureWarning(choice.silhouette, opts.minSilhouette) : null,
  };
  const clustered: ClusteredCell = {
    plan,
    cell,
    cellIndex,
    choice,
    dist,
    names,
    nameTokens: rows.map((r) => nameDoc(r).split(' ').filter(Boolean)),
    nearby,
    scale: reference.length > 0 ? correct / reference.length : 0,
    weak,
  };
  const drafts: Draft[] = [];
  for (let c = 0; c < choice.k; c++) {
    const draft = draftCluster(ctx, clustered, c);
    if (draft) drafts.push(draft);
  }
  return { summary, drafts };
}

/**
 * Region of a cluster: the reference items nearest its centroid within its 90th-percentile
 * radius. Returns how many reference items fall in each cluster's region.
 */
function regionCounts(choice: KChoice, dist: readonly number[], refVectors: readonly number[][]): number[] {
  const radius = choice.centroids.map((_, c) => {
    const ds = dist.filter((_, i) => choice.labels[i] === c).sort((a, b) => a - b);
    return ds[Math.min(ds.length - 1, Math.floor(0.9 * ds.length))] ?? 0;
  });
  const nearby = new Array<number>(choice.k).fill(0);
  for (const v of refVectors) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    choice.centroids.forEach((c, ci) => {
      const d = cosineDistance(v, c);
      if (d < bestD) {
        bestD = d;
        best = ci;
      }
    });
    if (bestD <= radius[best]!) nearby[best]!++;
  }
  return nearby;
}

function weakStructureWarning(silhouette: number | null, minSilhouette: number): string {
  return silhouette === null
    ? 'too few errors to split: one group, no structure measured; read the examples'
    : `weak structure: silhouette ${silhouette.toFixed(3)} is under ${minSilhouette} (no substantial structure, Kaufman & Rousseeuw); loose groupings, not topics: read the examples`;
}

/** The draft of cluster c of a clustered cell; undefined when k-means left it empty. */
function draftCluster(ctx: RunContext, cc: ClusteredCell, c: number): Draft | undefined {
  const { set, opts, textOf } = ctx;
  const { plan } = cc;
  const { rows } = plan;
  const suspects = ctx.suspects(plan);
  const score = (r: number) => cellScore(set, opts.model, plan, r);
  const { choice, dist } = cc;
  const local = choice.labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
  if (local.length === 0) return undefined;
  const members = local.map((i) => rows[i]!);
  const example = (i: number): ClusterExample => {
    const r = rows[i]!;
    const evidence = suspects.evidence(r);
    return {
      id: set.ids[r]!,
      text: snippet(textOf(r), opts.maxTextChars),
      score: Number(score(r).toFixed(6)),
      distance: Number(dist[i]!.toFixed(6)),
      labelIssue: !suspects.checked ? 'unchecked' : suspects.relabel.has(r) ? 'relabel' : 'model_error',
      ...(evidence ? { labelEvidence: evidence } : {}),
    };
  };
  const byDist = [...local].sort((a, b) => dist[a]! - dist[b]! || a - b);
  const terms = topTerms(cc.names, c, opts.terms).map((t) => ({ term: t.term, weight: t.weight }));
  const separating = choice.k > 1 ? separatingTerms(cc.nameTokens, choice.labels, c, opts.terms) : [];
  const nameTerms = separating.length > 0 ? separating.map((t) => t.term) : terms.map((t) => t.term);
  const errorRate = local.length / (local.length + cc.nearby[c]! * cc.scale);
  let meanScore = 0;
  for (const r of members) meanScore += score(r);
  return {
    cellIndex: cc.cellIndex,
    index: c,
    cell: cc.cell,
    golden: plan.golden,
    predicted: plan.predicted,
    ...(plan.policy ? { policy: plan.policy.name, error: plan.policy.error } : {}),
    kind: plan.kind,
    name: nameTerms.slice(0, 4).join(' · '),
    terms,
    separating,
    weakStructure: cc.weak,
    size: local.length,
    share: local.length / rows.length,
    meanScore: meanScore / local.length,
    errorRate,
    impact: local.length * errorRate,
    relabelCandidates: members.filter((r) => suspects.relabel.has(r)).length,
    slices: sliceLifts(set.slices, members, rows, opts.minSliceSupport),
    representatives: byDist.slice(0, opts.representatives).map(example),
    outliers: byDist
      .slice(Math.max(opts.representatives, byDist.length - opts.outliers))
      .reverse()
      .map(example),
    members: members.map((r) => set.ids[r]!),
  };
}

/** Loads the golden set and predictions, reads the texts it needs, and clusters the errors. */
export async function clustersFor(
  input: ClustersInput,
  options: ClusterOptions = {},
): Promise<ClustersReport> {
  const opts = checkOption(ClusterOptionsSchema, options, 'cluster options');
  const set = await loadEvalSet({
    dataset: input.dataset,
    predictions: input.predictions,
    ...(input.spec === undefined ? {} : { spec: input.spec }),
    ...(input.onInvalid === undefined ? {} : { onInvalid: input.onInvalid }),
    ...(input.rejectsPath === undefined ? {} : { rejectsPath: input.rejectsPath }),
  });
  const ds = await openDataset(input.dataset, input.spec === undefined ? {} : { spec: input.spec });
  // Only the rows the analysis reads: errors, and the reference samples that measure error rates.
  const wanted = new Set<string>();
  for (const plan of planCells(set, opts)) {
    if (plan.reference.length === 0 && plan.rows.length < opts.minCellSize) continue;
    for (const r of [...plan.rows, ...plan.reference]) wanted.add(set.ids[r]!);
  }
  const texts = await readTexts(ds, wanted);
  const { cells, clusters, labelEvidence } = clusterErrors(set, texts, opts);
  const m = set.models[opts.model]!;
  // Parsed on the way out: the file other commands read must match its published schema.
  return ClustersReportSchema.parse({
    schemaVersion: 1,
    dataset: { file: set.dataset.file, fingerprint: set.dataset.fingerprint },
    model: { file: m.file, name: m.meta.model.name, version: m.meta.model.version },
    labels: [...set.labels],
    seed: opts.seed,
    options: {
      minCellSize: opts.minCellSize,
      maxK: opts.maxK,
      dimensions: opts.dimensions,
      wordNgrams: opts.wordNgrams,
      charNgrams: opts.charNgrams,
      minSliceSupport: opts.minSliceSupport,
      maxTextChars: opts.maxTextChars,
      minSilhouette: opts.minSilhouette,
    },
    labelIssues: labelIssueRule(
      set.models.map((x) => `${x.meta.model.name}@${x.meta.model.version}`),
      evidenceOptions(opts),
      labelEvidence,
    ),
    cells,
    clusters,
  });
}
