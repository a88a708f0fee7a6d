import type { IdProblem } from '../contracts/metrics-report.js';
import type { PredictionBatch, PredictionsSource } from '../run/predictions.js';
import { taskViewOf } from '../task/index.js';
import { BadInputError, truncate } from '../util/errors.js';
import { type LabelPlan, labelList } from './label-plan.js';
import type { GoldenRows } from './read-golden.js';

/**
 * The model side of the join: one pass over a predictions file, placing each prediction at its
 * golden row (scores reordered into the plan's label order) and counting the ids that do not join.
 */

export function newProblem(): IdProblem {
  return { count: 0, examples: [] };
}

export function noteProblem(p: IdProblem, id: string, max: number): void {
  p.count++;
  if (p.examples.length < max) p.examples.push(truncate(id, 120));
}

/** One model's predictions indexed by golden row (all labelled rows; `seen` marks those it scored). */
export interface ModelDraft {
  source: PredictionsSource;
  predicted: Int32Array;
  predictedFlags: Uint8Array;
  scores: Float32Array;
  seen: Uint8Array;
  unknown: IdProblem;
  unlabelled: number;
  rejected: number;
  rows: number;
}

/** How one file's rows map onto the plan: `perm[j]` = column of plan label j in the file's scores. */
export interface FileLayout {
  file: string;
  k: number;
  /** Scores per row in the file (the model's labels; fewer than k when it scores a subset). */
  fileK: number;
  multilabel: boolean;
  perm: number[];
  labelIndex: Map<string, number>;
  labels: readonly string[];
}

function rowId(batch: PredictionBatch, i: number, file: string, batchIndex: number, row: number): string {
  let id: string | null;
  try {
    id = batch.ids.get(i);
  } catch {
    throw new BadInputError('id is not valid UTF-8', { file, batch: batchIndex, row, field: 'id' });
  }
  if (id === null) throw new BadInputError('id is null', { file, batch: batchIndex, row, field: 'id' });
  return id;
}

/** Where prediction row i of a batch is, for an error message (its id decoded only then). */
function where(batch: PredictionBatch, i: number, row: number): { row: number; id: string } {
  let id: string;
  try {
    id = batch.ids.get(i) ?? '';
  } catch {
    id = '';
  }
  return { row, id };
}

export function fileLayout(source: PredictionsSource, plan: LabelPlan): FileLayout {
  return {
    file: source.path,
    k: plan.labels.length,
    fileK: source.meta.model.labels.length,
    multilabel: taskViewOf(plan).multiLabel,
    perm: plan.labels.map((l) => source.meta.model.labels.indexOf(l)),
    labelIndex: new Map(plan.labels.map((l, j) => [l, j] as const)),
    labels: plan.labels,
  };
}

export function emptyDraft(source: PredictionsSource, plan: LabelPlan, n: number): ModelDraft {
  const k = plan.labels.length;
  const multilabel = taskViewOf(plan).multiLabel;
  return {
    source,
    predicted: new Int32Array(multilabel ? 0 : n),
    predictedFlags: new Uint8Array(multilabel ? n * k : 0),
    scores: new Float32Array(n * k),
    seen: new Uint8Array(n),
    unknown: newProblem(),
    unlabelled: 0,
    rejected: 0,
    rows: 0,
  };
}

/** Place prediction row i at golden row r: its scores (checked to be probabilities) and label(s). */
export function placeRow(
  draft: ModelDraft,
  layout: FileLayout,
  batch: PredictionBatch,
  i: number,
  r: number,
  row: number,
): void {
  const { k, perm, fileK } = layout;
  const base = i * fileK;
  for (let j = 0; j < k; j++) {
    if (perm[j]! < 0) continue; // a policy this model does not score
    const s = batch.scores[base + perm[j]!]!;
    if (!(s >= 0 && s <= 1)) {
      throw new BadInputError(
        `score for label ${JSON.stringify(layout.labels[j])} is ${s}, not a probability in [0, 1]`,
        { file: layout.file, ...where(batch, i, row), field: 'scores' },
      );
    }
    draft.scores[r * k + j] = s;
  }
  placePrediction(draft, layout, batch, i, r, row);
}

/** Record row i's predicted label(s) at golden row r, refusing labels outside the plan. */
function placePrediction(
  draft: ModelDraft,
  layout: FileLayout,
  batch: PredictionBatch,
  i: number,
  r: number,
  row: number,
): void {
  const { k, labelIndex, labels, file } = layout;
  const predicted = batch.predicted.get(i);
  if (layout.multilabel) {
    for (const l of (predicted as string[] | null) ?? []) {
      const j = labelIndex.get(l);
      if (j === undefined) {
        throw new BadInputError(
          `predicted label ${JSON.stringify(truncate(l, 60))} is not among the labels ${labelList(labels)}`,
          { file, ...where(batch, i, row), field: 'predicted' },
        );
      }
      draft.predictedFlags[r * k + j] = 1;
    }
    return;
  }
  const j = typeof predicted === 'string' ? labelIndex.get(predicted) : undefined;
  if (j === undefined) {
    throw new BadInputError(
      `predicted label ${predicted === null ? 'is null' : JSON.stringify(truncate(String(predicted), 60))} is not among the labels ${labelList(labels)}`,
      { file, ...where(batch, i, row), field: 'predicted' },
    );
  }
  draft.predicted[r] = j;
}

/** Read one predictions file against the golden rows. */
export async function readModel(
  source: PredictionsSource,
  golden: GoldenRows,
  plan: LabelPlan,
  maxExamples: number,
): Promise<ModelDraft> {
  const layout = fileLayout(source, plan);
  const draft = emptyDraft(source, plan, golden.ids.length);
  let batchIndex = 0;
  for await (const batch of source.batches()) {
    for (let i = 0; i < batch.length; i++) {
      const row = draft.rows + i;
      const id = rowId(batch, i, layout.file, batchIndex, row);
      const r = golden.byId.get(id);
      if (r === undefined) {
        const why = golden.excluded.get(id);
        if (why === 'unlabelled') draft.unlabelled++;
        else if (why === 'rejected') draft.rejected++;
        else noteProblem(draft.unknown, id, maxExamples);
        continue;
      }
      if (draft.seen[r]) {
        throw new BadInputError('duplicate prediction for this id', {
          file: layout.file,
          row,
          id,
          field: 'id',
        });
      }
      draft.seen[r] = 1;
      placeRow(draft, layout, batch, i, r, row);
    }
    draft.rows += batch.length;
    batchIndex++;
  }
  return draft;
}
