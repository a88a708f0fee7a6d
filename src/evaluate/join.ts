import { basename } from 'node:path';
import { type Dataset, openDataset } from '../dataset/open.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import type { ValidationSummary } from '../dataset/validate.js';
import { openPredictions, type PredictionsSource } from '../run/predictions.js';
import { taskViewOf } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import { sha256FileOffThread } from '../util/hash.js';
import { checkOption } from '../util/zod.js';
import { otherDatasetWarning, predictionsLabel, rescoreHint } from './dataset-mismatch.js';
import {
  type EvalAnnotations,
  type EvalSet,
  type EvalSetOptions,
  EvalSetOptionsSchema,
  type GoldenRowRule,
  type ModelColumns,
} from './eval-set.js';
import { type LabelPlan, planLabels } from './label-plan.js';
import { joinByPosition } from './position-join.js';
import { type GoldenRows, readGolden } from './read-golden.js';
import { type ModelDraft, newProblem, noteProblem, readModel } from './read-predictions.js';

/**
 * Joins golden labels to one or more predictions files by id into an `EvalSet` (eval-set.ts).
 * Datasets are read once, one record batch at a time; each predictions file is read once; the
 * set keeps the rows that every model scored.
 */

/** A predictions file as warnings name it: its model and its path (two models' files often share a base name). */
function describeSource(s: PredictionsSource): string {
  return predictionsLabel(s.meta, s.path);
}

/**
 * Models in one set must have scored the same dataset file (when they say which); a file made on
 * another version of this dataset is joined by id with a warning.
 */
async function checkFingerprints(
  sources: readonly PredictionsSource[],
  dataset: string,
  hashing: Promise<string>,
  warnings: string[],
): Promise<string> {
  const withPrint = sources.filter((s) => s.meta.dataset.fingerprint !== '');
  for (const s of withPrint.slice(1)) {
    if (s.meta.dataset.fingerprint !== withPrint[0]!.meta.dataset.fingerprint) {
      throw new BadInputError(
        `predictions were made on a different dataset (fingerprint ${s.meta.dataset.fingerprint.slice(0, 12)}…) than ${basename(withPrint[0]!.path)} (${withPrint[0]!.meta.dataset.fingerprint.slice(0, 12)}…). ${rescoreHint(s.meta, dataset)}`,
        { file: s.path, field: 'dataset.fingerprint' },
      );
    }
  }
  const fingerprint = await hashing;
  for (const s of withPrint) {
    if (s.meta.dataset.fingerprint !== fingerprint) {
      warnings.push(otherDatasetWarning(s.path, s.meta, dataset, fingerprint));
    }
  }
  return fingerprint;
}

function truthColumns(golden: GoldenRows, plan: LabelPlan, keep: Uint32Array) {
  const n = keep.length;
  const k = plan.labels.length;
  const labelIndex = new Map(plan.labels.map((l, j) => [l, j] as const));
  const multilabel = taskViewOf(plan).multiLabel;
  const truth = new Int32Array(multilabel ? 0 : n);
  const truthFlags = new Uint8Array(multilabel ? n * k : 0);
  if (multilabel) {
    for (let i = 0; i < n; i++)
      for (const l of golden.truthLists[keep[i]!]!) truthFlags[i * k + labelIndex.get(l)!] = 1;
  } else {
    const toPlan = Int32Array.from(golden.truthValues, (l) => labelIndex.get(l)!);
    const codes = golden.truthCodes.view();
    for (let i = 0; i < n; i++) truth[i] = toPlan[codes[keep[i]!]!]!;
  }
  return { truth, truthFlags };
}

/**
 * Which plan labels a multi-policy model scores: those it has a score column for, and (with a
 * taxonomy) every parent whose children it all scores, since the parent's score then follows from
 * theirs by the taxonomy's parentScore rule. A parent scored from only some children is not
 * scored: its metrics would measure a different policy.
 */
export function scoredFlags(
  labels: readonly string[],
  modelLabels: readonly string[],
  taxonomy: Taxonomy | undefined,
): Uint8Array {
  const direct = new Set(modelLabels);
  const memo = new Map<string, boolean>();
  const scored = (label: string): boolean => {
    const known = memo.get(label);
    if (known !== undefined) return known;
    const children = taxonomy?.children(label) ?? [];
    const value = direct.has(label) || (children.length > 0 && children.every(scored));
    memo.set(label, value);
    return value;
  };
  return Uint8Array.from(labels, (l) => (scored(l) ? 1 : 0));
}

/** A model's columns restricted to the kept rows, with its missing ids counted and warned about. */
function modelColumns(
  d: ModelDraft,
  golden: GoldenRows,
  plan: LabelPlan,
  keep: Uint32Array,
  maxExamples: number,
  warnings: string[],
  taxonomy: Taxonomy | undefined,
): ModelColumns {
  const n = keep.length;
  const k = plan.labels.length;
  const multilabel = taskViewOf(plan).multiLabel;
  const missing = newProblem();
  for (let r = 0; r < golden.ids.length; r++)
    if (!d.seen[r]) noteProblem(missing, golden.ids.get(r), maxExamples);
  // Every labelled row kept (the usual case): the draft's columns are the model's columns.
  const all = n === golden.ids.length;
  const scores = all ? d.scores : new Float32Array(n * k);
  const predicted = all ? d.predicted : new Int32Array(multilabel ? 0 : n);
  const predictedFlags = all ? d.predictedFlags : new Uint8Array(multilabel ? n * k : 0);
  for (let i = 0; i < n && !all; i++) {
    const r = keep[i]!;
    for (let j = 0; j < k; j++) scores[i * k + j] = d.scores[r * k + j]!;
    if (multilabel) predictedFlags.set(d.predictedFlags.subarray(r * k, (r + 1) * k), i * k);
    else predicted[i] = d.predicted[r]!;
  }
  if (missing.count > 0) {
    warnings.push(`${describeSource(d.source)} has no prediction for ${missing.count} labelled rows`);
  }
  if (d.unknown.count > 0) {
    warnings.push(`${describeSource(d.source)} has ${d.unknown.count} ids that are not in the dataset`);
  }
  return {
    file: d.source.path,
    meta: d.source.meta,
    ...(multilabel ? { scored: scoredFlags(plan.labels, d.source.meta.model.labels, taxonomy) } : {}),
    predicted,
    predictedFlags,
    scores,
    missing,
    unknown: d.unknown,
    unlabelled: d.unlabelled,
    rejected: d.rejected,
    rows: d.rows,
  };
}

/** Annotator ratings of the kept rows; labels the plan does not know become extra categories. */
function annotationColumns(
  golden: GoldenRows,
  plan: LabelPlan,
  keep: Uint32Array,
): EvalAnnotations | undefined {
  if (golden.annotators.size === 0) return undefined;
  const n = keep.length;
  const annotators = [...golden.annotators.keys()];
  const categories = [...plan.labels];
  const catIndex = new Map(plan.labels.map((l, j) => [l, j] as const));
  for (const l of golden.annLabel) {
    if (!catIndex.has(l)) {
      catIndex.set(l, categories.length);
      categories.push(l);
    }
  }
  const a = annotators.length;
  const ratings = new Int32Array(n * a).fill(-1);
  const offsets = golden.annOffsets.view();
  const who = golden.annAnnotator.view();
  for (let i = 0; i < n; i++) {
    const r = keep[i]!;
    for (let e = offsets[r]!; e < offsets[r + 1]!; e++)
      ratings[i * a + who[e]!] = catIndex.get(golden.annLabel[e]!)!;
  }
  return { annotators, categories, ratings };
}

/** Labelled rows every model scored, in order. */
function keptRows(drafts: readonly ModelDraft[], labelled: number): Uint32Array {
  let n = 0;
  const keep = new Uint32Array(labelled);
  for (let r = 0; r < labelled; r++) {
    let all = true;
    for (const d of drafts) all &&= d.seen[r] === 1;
    if (all) keep[n++] = r;
  }
  return keep.subarray(0, n);
}

/**
 * Join by position when every file is a run's predictions of this very dataset file (see
 * position-join.ts), else (imported logs, another version of the data, a file out of order) by id.
 */
async function joinRows(
  ds: Dataset,
  sources: readonly PredictionsSource[],
  dataFingerprint: () => Promise<string>,
  maxExamples: number,
  rule: GoldenRowRule,
): Promise<{
  golden: GoldenRows;
  summary: ValidationSummary;
  plan: LabelPlan;
  drafts: ModelDraft[];
  joinedBy: EvalSet['joinedBy'];
  fingerprint: string;
}> {
  // Every file a run's predictions of one dataset file: join by position while the file is still
  // being hashed, and keep the result only if it is this very file.
  const first = sources[0]!.meta.dataset.fingerprint;
  const hopeful =
    first !== '' && sources.every((s) => s.meta.source === 'model' && s.meta.dataset.fingerprint === first);
  const joined = hopeful
    ? await joinByPosition(ds, sources, planLabels(ds, sources, new Set()), maxExamples, rule)
    : undefined;
  const fingerprint = await dataFingerprint();
  if (joined !== undefined && first === fingerprint) {
    const plan = planLabels(ds, sources, joined.golden.observedLabels);
    return { ...joined, plan, joinedBy: 'position', fingerprint };
  }
  const { rows: golden, summary } = await readGolden(ds, maxExamples, rule);
  const plan = planLabels(ds, sources, golden.observedLabels);
  const drafts: ModelDraft[] = [];
  for (const s of sources) drafts.push(await readModel(s, golden, plan, maxExamples));
  return { golden, summary, plan, drafts, joinedBy: 'id', fingerprint };
}

function goldenRowRule(options: EvalSetOptions): GoldenRowRule {
  const onInvalid = checkOption(EvalSetOptionsSchema.shape.onInvalid, options.onInvalid, 'onInvalid');
  return { onInvalid, ...(options.rejectsPath === undefined ? {} : { rejectsPath: options.rejectsPath }) };
}

/** What every command says after leaving bad golden rows out (`skip`): how many, why, where. */
function rejectedWarning(summary: ValidationSummary, rule: GoldenRowRule): string {
  const kinds = Object.entries(summary.problems)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const first = summary.examples[0];
  const at = first
    ? `; first: row ${first.row}${first.id === null ? '' : ` (id ${JSON.stringify(first.id)})`}, field ${JSON.stringify(first.field)}: ${first.message}`
    : '';
  const where = rule.rejectsPath === undefined ? '' : `; each with its reason in ${rule.rejectsPath}`;
  return `${summary.rejected} golden rows of ${basename(summary.file)} were rejected and left out (${kinds})${at}${where}`;
}

/** Load the golden set and every predictions file into one joined, columnar evaluation set. */
export async function loadEvalSet(options: EvalSetOptions): Promise<EvalSet> {
  if (options.predictions.length === 0)
    throw new BadInputError('no predictions file given', { field: 'predictions' });
  const maxExamples = checkOption(EvalSetOptionsSchema.shape.maxExamples, options.maxExamples, 'maxExamples');
  const ds = await openDataset(options.dataset, options.spec === undefined ? {} : { spec: options.spec });
  const sources: PredictionsSource[] = [];
  for (const p of options.predictions) sources.push(await openPredictions(p));
  const warnings: string[] = [];
  // The dataset is hashed on another thread while this one joins (seconds for a large file).
  const hashing = sha256FileOffThread(options.dataset);
  hashing.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
  const rule = goldenRowRule(options);
  const { golden, summary, plan, drafts, joinedBy, fingerprint } = await joinRows(
    ds,
    sources,
    () => checkFingerprints(sources, options.dataset, hashing, warnings),
    maxExamples,
    rule,
  );
  if (summary.rejected > 0) warnings.push(rejectedWarning(summary, rule));

  // Keep the rows every model scored.
  const labelled = golden.ids.length;
  const keep = keptRows(drafts, labelled);
  const { truth, truthFlags } = truthColumns(golden, plan, keep);
  // A taxonomy closes golden labels and predictions alike: a child positive makes its parents positive.
  const taxonomy = taskViewOf(plan).policies ? ds.spec.taxonomy : undefined;
  const models = drafts.map((d) => modelColumns(d, golden, plan, keep, maxExamples, warnings, taxonomy));
  if (taxonomy !== undefined) {
    const n = keep.length;
    taxonomy.closePredictions(truthFlags, new Float32Array(n * plan.labels.length), plan.labels, n);
    for (const m of models) taxonomy.closePredictions(m.predictedFlags, m.scores, plan.labels, n);
  }

  let ids: string[] | undefined;
  return {
    dataset: { file: options.dataset, fingerprint, specOrigin: ds.specOrigin },
    task: plan.task,
    labels: plan.labels,
    labelsSource: plan.labelsSource,
    positive: plan.positive,
    positiveIndex: plan.positive === null ? -1 : plan.labels.indexOf(plan.positive),
    n: keep.length,
    // Decoded on first use: metrics never read them, comparisons and reviews do.
    get ids() {
      ids ??= Array.from(keep, (r) => golden.ids.get(r));
      return ids;
    },
    truth,
    truthFlags,
    slices: golden.slices.map((e) => e.finish(keep)),
    crossings: ds.spec.crossings,
    taxonomy,
    identity: golden.identity.map((e) => e.finish(keep)),
    annotations: annotationColumns(golden, plan, keep),
    models,
    counts: {
      datasetRows: summary.rows,
      rejected: summary.rejected,
      unlabelled: summary.unlabelled,
      labelled,
      droppedMissingPrediction: labelled - keep.length,
    },
    validation: summary,
    joinedBy,
    warnings,
  };
}
