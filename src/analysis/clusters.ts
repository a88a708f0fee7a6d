import { kmeans } from 'ml-kmeans';
import { z } from 'zod';
import { openDataset } from '../dataset/open.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import type { EncodedColumn, EvalSet } from '../evaluate/eval-set.js';
import { loadEvalSet } from '../evaluate/join.js';
import { BadInputError } from '../util/errors.js';
import { Xoshiro128 } from '../util/prng.js';
import { checkOption } from '../util/zod.js';
import {
  type CellSummary,
  type Cluster,
  type ClusterExample,
  type ClustersReport,
  ClustersReportSchema,
  type SliceLift,
} from './clusters-schema.js';
import { ctfidf, topTerms } from './ctfidf.js';
import { findLabelIssues } from './label-issues.js';
import { nameableText } from './stopwords.js';
import { readTexts, snippet } from './texts.js';
import { type VectorizeOptions, vectorize } from './vectorize.js';

/**
 * Error clusters: for every off-diagonal confusion cell (golden g, predicted p) with enough items,
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
   * Models whose confident learning must agree before an error is shown as a golden-label suspect.
   * One model's in-sample probabilities flag exactly the items it is confidently wrong on, so one
   * model alone never calls a golden label into question.
   */
  minLabelModels: z.number().int().min(2).default(2),
});
export type ClusterOptions = z.input<typeof ClusterOptionsSchema>;
type Opts = z.infer<typeof ClusterOptionsSchema>;

export interface ClustersInput {
  dataset: string;
  spec?: DatasetSpecInput | DatasetSpec | string;
  predictions: readonly string[];
}

function sq(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? 1 - dot / Math.sqrt(na * nb) : 1;
}

/** Mean silhouette (Rousseeuw 1987) with Euclidean distance; singletons score 0. */
export function silhouette(
  points: readonly (readonly number[])[],
  labels: readonly number[],
  k: number,
): number {
  const n = points.length;
  if (n < 2 || k < 2) return 0;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sums = new Array<number>(k).fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += Math.sqrt(sq(points[i]!, points[j]!));
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/**
 * Terms that separate cluster c from the rest of its cell: for each term, the share of the
 * cluster's documents containing it minus the share of the other documents containing it; terms
 * in fewer than two of the cluster's documents (or none, for a one-document cluster) are skipped.
 */
export function separatingTerms(
  docs: readonly (readonly string[])[],
  labels: readonly number[],
  c: number,
  n: number,
): { term: string; clusterShare: number; restShare: number }[] {
  const inC = new Map<string, number>();
  const inRest = new Map<string, number>();
  let sizeC = 0;
  docs.forEach((terms, i) => {
    const target = labels[i] === c ? inC : inRest;
    if (labels[i] === c) sizeC++;
    for (const t of new Set(terms)) target.set(t, (target.get(t) ?? 0) + 1);
  });
  const sizeRest = docs.length - sizeC;
  if (sizeC === 0 || sizeRest === 0) return [];
  const minDocs = Math.min(2, sizeC);
  return [...inC]
    .filter(([, df]) => df >= minDocs)
    .map(([term, df]) => ({ term, clusterShare: df / sizeC, restShare: (inRest.get(term) ?? 0) / sizeRest }))
    .filter((t) => t.clusterShare > t.restShare)
    .sort(
      (a, b) =>
        b.clusterShare - b.restShare - (a.clusterShare - a.restShare) ||
        b.clusterShare - a.clusterShare ||
        (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
    )
    .slice(0, n);
}

/** Seeded sample of `m` distinct indices from 0..n-1, returned in ascending order. */
function sample(n: number, m: number, rng: Xoshiro128): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, m).sort((a, b) => a - b);
}

interface KChoice {
  k: number;
  labels: number[];
  centroids: number[][];
  silhouette: number | null;
  tried: { k: number; silhouette: number }[];
}

function chooseK(points: number[][], opts: Opts, seed: number): KChoice {
  const n = points.length;
  const maxK = Math.min(opts.maxK, Math.floor(n / opts.minClusterSize));
  if (maxK < 2) {
    const centroid = points[0]!.map((_, d) => points.reduce((s, p) => s + p[d]!, 0) / n);
    return { k: 1, labels: new Array<number>(n).fill(0), centroids: [centroid], silhouette: null, tried: [] };
  }
  const rng = new Xoshiro128(seed);
  const probe = sample(n, opts.maxSilhouette, rng);
  const tried: { k: number; silhouette: number }[] = [];
  let best: (KChoice & { ok: boolean }) | undefined;
  for (let k = 2; k <= maxK; k++) {
    const r = kmeans(points, k, { seed: seed + k, initialization: 'kmeans++', maxIterations: 100 });
    // Relabel clusters by first appearance, so labels do not depend on initialisation order.
    const order = new Map<number, number>();
    for (const c of r.clusters) if (!order.has(c)) order.set(c, order.size);
    const labels = r.clusters.map((c) => order.get(c)!);
    const centroids = new Array<number[]>(order.size);
    for (const [old, now] of order) centroids[now] = r.centroids[old]!;
    const kk = order.size;
    const s = silhouette(
      probe.map((i) => points[i]!),
      probe.map((i) => labels[i]!),
      kk,
    );
    tried.push({ k, silhouette: s });
    // k-means may leave a near-singleton; a partition with a cluster under half the minimum size
    // only competes when no k avoids one.
    const sizes = new Array<number>(kk).fill(0);
    for (const l of labels) sizes[l]!++;
    const ok = Math.min(...sizes) >= Math.max(2, Math.floor(opts.minClusterSize / 2));
    const candidate = { k: kk, labels, centroids, silhouette: s, tried, ok };
    if (!best || (ok && !best.ok) || (ok === best.ok && s > best.silhouette! + 1e-12)) best = candidate;
  }
  const { ok: _ok, ...chosen } = best!;
  return { ...chosen, tried };
}

function sliceLifts(
  slices: readonly EncodedColumn[],
  members: readonly number[],
  cellRows: readonly number[],
  minSupport: number,
): SliceLift[] {
  const out: SliceLift[] = [];
  for (const col of slices) {
    const inCell = new Map<number, number>();
    for (const r of cellRows) inCell.set(col.codes[r]!, (inCell.get(col.codes[r]!) ?? 0) + 1);
    const inCluster = new Map<number, number>();
    for (const r of members) inCluster.set(col.codes[r]!, (inCluster.get(col.codes[r]!) ?? 0) + 1);
    for (const [code, support] of inCluster) {
      if (code < 0 || support < minSupport) continue;
      const clusterShare = support / members.length;
      const cellShare = inCell.get(code)! / cellRows.length;
      const lift = clusterShare / cellShare;
      if (lift <= 1 + 1e-9) continue;
      out.push({ column: col.name, value: col.values[code]!, lift, support, clusterShare, cellShare });
    }
  }
  return out
    .sort(
      (a, b) =>
        b.lift - a.lift || b.support - a.support || (a.column + a.value < b.column + b.value ? -1 : 1),
    )
    .slice(0, 5);
}

interface Draft extends Omit<Cluster, 'id' | 'rank'> {
  cellIndex: number;
  index: number;
}

interface CellPlan {
  g: number;
  p: number;
  /** Error rows of the cell (golden g, predicted p). */
  rows: number[];
  /** Seeded sample of correctly classified golden-g rows. */
  reference: number[];
  /** How many golden-g rows are correct (the reference is a sample of them). */
  correct: number;
  /** Seed of this cell's reference sample and of its k-means runs. */
  seed: number;
}

/** The rows each off-diagonal cell needs: its errors and a seeded reference sample. */
export function cellPlans(set: EvalSet, options: ClusterOptions = {}): CellPlan[] {
  const opts = checkOption(ClusterOptionsSchema, options, 'cluster options');
  const model = set.models[opts.model];
  if (!model) throw new BadInputError(`no predictions file number ${opts.model}`, { field: 'model' });
  const k = set.labels.length;
  const plans: CellPlan[] = [];
  for (let g = 0; g < k; g++) {
    const correct: number[] = [];
    for (let r = 0; r < set.n; r++) if (set.truth[r] === g && model.predicted[r] === g) correct.push(r);
    for (let p = 0; p < k; p++) {
      if (p === g) continue;
      const rows: number[] = [];
      for (let r = 0; r < set.n; r++) if (set.truth[r] === g && model.predicted[r] === p) rows.push(r);
      const cellSeed = opts.seed + 7919 * (g * k + p);
      const reference =
        rows.length < opts.minCellSize
          ? []
          : sample(correct.length, opts.maxReference, new Xoshiro128(cellSeed)).map((i) => correct[i]!);
      plans.push({ g, p, rows, reference, correct: correct.length, seed: cellSeed });
    }
  }
  return plans;
}

/** Clusters the errors of one model in an evaluation set whose texts are given. */
export function clusterErrors(
  set: EvalSet,
  texts: ReadonlyMap<string, string>,
  options: ClusterOptions = {},
): { cells: CellSummary[]; clusters: Cluster[] } {
  const opts = checkOption(ClusterOptionsSchema, options, 'cluster options');
  if (set.task === 'multilabel') {
    throw new BadInputError('error clusters support single-label (binary or multiclass) tasks', {
      field: 'task',
    });
  }
  const model = set.models[opts.model];
  if (!model) throw new BadInputError(`no predictions file number ${opts.model}`, { field: 'model' });
  const k = set.labels.length;
  const vec: VectorizeOptions = {
    wordNgrams: opts.wordNgrams,
    charNgrams: opts.charNgrams,
    maxFeatures: opts.maxFeatures,
    minDf: 2,
    maxChars: opts.maxVectorChars,
    dimensions: opts.dimensions,
    seed: opts.seed,
  };
  const textOf = (r: number) => texts.get(set.ids[r]!) ?? '';
  const suspects = labelSuspects(set, opts.minLabelModels);
  const relabel = suspects.relabel;
  const cells: CellSummary[] = [];
  const drafts: Draft[] = [];
  for (const plan of cellPlans(set, opts)) {
    const { g, p, rows, reference, correct, seed: cellSeed } = plan;
    const cell = `${set.labels[g]}>${set.labels[p]}`;
    const base = { cell, golden: set.labels[g]!, predicted: set.labels[p]!, size: rows.length };
    if (rows.length < opts.minCellSize) {
      cells.push({
        ...base,
        clustered: false,
        note: rows.length === 0 ? 'no errors' : `fewer than ${opts.minCellSize} errors`,
        k: null,
        silhouette: null,
        tried: [],
      });
      continue;
    }
    // One vocabulary for the errors and the reference items, so both live in one space.
    const vectors = vectorize([...rows, ...reference].map(textOf), vec);
    const points = vectors.slice(0, rows.length);
    const choice = chooseK(points, opts, cellSeed);
    const dist = points.map((pt, i) => cosineDistance(pt, choice.centroids[choice.labels[i]!]!));
    // Region of a cluster: reference items nearest its centroid within its 90th-percentile radius.
    const radius = choice.centroids.map((_, c) => {
      const ds = dist.filter((_, i) => choice.labels[i] === c).sort((a, b) => a - b);
      return ds[Math.min(ds.length - 1, Math.floor(0.9 * ds.length))] ?? 0;
    });
    const nearby = new Array<number>(choice.k).fill(0);
    for (const v of vectors.slice(rows.length)) {
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
    const scale = reference.length > 0 ? correct / reference.length : 0;
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
    cells.push({
      ...base,
      clustered: true,
      note: null,
      k: choice.k,
      silhouette: choice.silhouette,
      tried: choice.tried,
      warning: !weak
        ? null
        : choice.silhouette === null
          ? 'too few errors to split: one group, no structure measured; read the examples'
          : `weak structure: silhouette ${choice.silhouette.toFixed(3)} is under ${opts.minSilhouette} (no substantial structure, Kaufman & Rousseeuw); loose groupings, not topics: read the examples`,
    });
    const nameTokens = rows.map((r) => nameDoc(r).split(' ').filter(Boolean));
    for (let c = 0; c < choice.k; c++) {
      const local = choice.labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
      if (local.length === 0) continue;
      const members = local.map((i) => rows[i]!);
      const example = (i: number): ClusterExample => {
        const r = rows[i]!;
        return {
          id: set.ids[r]!,
          text: snippet(textOf(r), opts.maxTextChars),
          score: Number(model.scores[r * k + p]!.toFixed(6)),
          distance: Number(dist[i]!.toFixed(6)),
          labelIssue: !suspects.checked ? 'unchecked' : relabel.has(r) ? 'relabel' : 'model_error',
          ...(suspects.checked ? { labelEvidence: suspects.evidence(r) } : {}),
        };
      };
      const byDist = [...local].sort((a, b) => dist[a]! - dist[b]! || a - b);
      const terms = topTerms(names, c, opts.terms).map((t) => ({ term: t.term, weight: t.weight }));
      const separating = choice.k > 1 ? separatingTerms(nameTokens, choice.labels, c, opts.terms) : [];
      const nameTerms = separating.length > 0 ? separating.map((t) => t.term) : terms.map((t) => t.term);
      const errorRate = local.length / (local.length + nearby[c]! * scale);
      let meanScore = 0;
      for (const r of members) meanScore += model.scores[r * k + p]!;
      drafts.push({
        cellIndex: cells.length - 1,
        index: c,
        cell,
        golden: set.labels[g]!,
        predicted: set.labels[p]!,
        kind:
          set.positiveIndex < 0 || k !== 2
            ? 'confusion'
            : p === set.positiveIndex
              ? 'false_positive'
              : 'false_negative',
        name: nameTerms.slice(0, 4).join(' · '),
        terms,
        separating,
        weakStructure: weak,
        size: local.length,
        share: local.length / rows.length,
        meanScore: meanScore / local.length,
        errorRate,
        impact: local.length * errorRate,
        relabelCandidates: members.filter((r) => relabel.has(r)).length,
        slices: sliceLifts(set.slices, members, rows, opts.minSliceSupport),
        representatives: byDist.slice(0, opts.representatives).map(example),
        outliers: byDist
          .slice(Math.max(opts.representatives, byDist.length - opts.outliers))
          .reverse()
          .map(example),
        members: members.map((r) => set.ids[r]!),
      });
    }
  }
  drafts.sort(
    (a, b) => b.impact - a.impact || b.size - a.size || a.cellIndex - b.cellIndex || a.index - b.index,
  );
  const clusters = drafts.map(({ cellIndex: _c, index: _i, ...d }, i) => ({
    id: `c${i + 1}`,
    rank: i + 1,
    ...d,
  }));
  return { cells, clusters };
}

/**
 * Golden-label suspects by agreement: every model's confident learning (its own probabilities over
 * the whole set) flags items; an item is a suspect when at least `minModels` models flag it.
 * With fewer models than that nothing is checked.
 */
function labelSuspects(
  set: EvalSet,
  minModels: number,
): { checked: boolean; relabel: Set<number>; evidence: (r: number) => ClusterExample['labelEvidence'] } {
  const k = set.labels.length;
  if (set.models.length < minModels) return { checked: false, relabel: new Set(), evidence: () => undefined };
  const flags = set.models.map((m) => {
    const probs = Array.from({ length: set.n }, (_, r) => m.scores.subarray(r * k, (r + 1) * k));
    return new Set(findLabelIssues(Array.from(set.truth), probs, {}, set.ids).issues.map((i) => i.index));
  });
  const relabel = new Set<number>();
  for (let r = 0; r < set.n; r++) if (flags.filter((f) => f.has(r)).length >= minModels) relabel.add(r);
  return {
    checked: true,
    relabel,
    evidence: (r) =>
      set.models.map((m, i) => ({
        model: `${m.meta.model.name}@${m.meta.model.version}`,
        flagged: flags[i]!.has(r),
        pGolden: Number(m.scores[r * k + set.truth[r]!]!.toFixed(6)),
      })),
  };
}

/** The rule behind the golden-label badges, as printed in clusters.json and the report. */
export function labelIssueRule(
  models: readonly string[],
  minModels: number,
): NonNullable<ClustersReport['labelIssues']> {
  const checked = models.length >= minModels;
  return {
    models: [...models],
    minModels,
    checked,
    rule: checked
      ? `"check the golden label" when the confident learning (Northcutt et al. 2021) of at least ${minModels} of the ${models.length} models (${models.join(', ')}) flags the item, each on its own probabilities`
      : `golden labels not checked: confident learning on one model's own (in-sample) probabilities flags exactly the items that model is confidently wrong on, so at least ${minModels} models must agree (give more predictions files) before a golden label is called into question`,
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
  });
  const ds = await openDataset(input.dataset, input.spec === undefined ? {} : { spec: input.spec });
  // Only the rows the analysis reads: errors, and the reference samples that measure error rates.
  const wanted = new Set<string>();
  for (const plan of cellPlans(set, opts)) {
    if (plan.reference.length === 0 && plan.rows.length < opts.minCellSize) continue;
    for (const r of [...plan.rows, ...plan.reference]) wanted.add(set.ids[r]!);
  }
  const texts = await readTexts(ds, wanted);
  const { cells, clusters } = clusterErrors(set, texts, opts);
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
      opts.minLabelModels,
    ),
    cells,
    clusters,
  });
}
