import { ValueState } from '../dataset/columns.js';
import { IdFingerprintSet } from '../dataset/id-set.js';
import type { Dataset } from '../dataset/open.js';
import { countArrowRows } from '../dataset/row-count.js';
import { RowStatus, type ValidatedBatch, type ValidationSummary } from '../dataset/validate.js';
import type { PredictionBatch, PredictionsSource } from '../run/predictions.js';
import { taskViewOf } from '../task/index.js';
import type { GoldenRowRule } from './eval-set.js';
import type { LabelPlan } from './label-plan.js';
import { type GoldenRows, type RowMatcher, readGolden } from './read-golden.js';
import { emptyDraft, type FileLayout, fileLayout, type ModelDraft, placeRow } from './read-predictions.js';

/**
 * The position join: predictions that `modeval run` made from this very dataset file (the
 * fingerprint in their metadata is the file's sha256) list its rows in dataset order, less the
 * rows the run left out. One pass walks the dataset and every predictions file side by side,
 * matching each prediction to the next dataset row whose id has the same bytes, so there is no
 * id map and no id string: memory is the columns the metrics need.
 *
 * Anything a run would not have written makes it give up (returns undefined) and the caller
 * joins by id instead, which is exact for any order: a prediction left over at the end (out of
 * order, an unknown id, a repeated id), or a row no model scored whose id repeats an earlier row's
 * (the scan skips duplicate detection here, see `unmatchedDuplicates`).
 */

/** A model's predictions read ahead batch by batch, consumed one row at a time. */
class Cursor {
  private readonly queue: PredictionBatch[] = [];
  private index = 0;
  private ahead = 0;
  private done = false;
  /** Prediction rows consumed so far. */
  consumed = 0;
  private readonly it: AsyncGenerator<PredictionBatch>;

  constructor(source: PredictionsSource) {
    this.it = source.batches();
  }

  /** Read ahead until at least `rows` unconsumed rows are buffered or the file ends. */
  async fill(rows: number): Promise<void> {
    while (this.ahead < rows && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else if (next.value.length > 0) {
        this.queue.push(next.value);
        this.ahead += next.value.length;
      }
    }
  }

  /** The current batch and row, or undefined at the end of what is buffered. */
  get batch(): PredictionBatch | undefined {
    return this.queue[0];
  }
  get row(): number {
    return this.index;
  }

  advance(): void {
    this.consumed++;
    this.ahead--;
    if (++this.index === this.queue[0]!.length) {
      this.queue.shift();
      this.index = 0;
    }
  }

  async exhausted(): Promise<boolean> {
    await this.fill(1);
    return this.ahead === 0;
  }

  /** Stop reading (closes the file when the join gives up early). */
  async close(): Promise<void> {
    await this.it.return(undefined);
  }
}

interface ModelState {
  cursor: Cursor;
  layout: FileLayout;
  draft: ModelDraft;
}

/** Does prediction row `p` of `batch` have the id of dataset row i? Compared in place, no copy. */
function sameId(batch: PredictionBatch, p: number, b: ValidatedBatch, i: number): boolean {
  const x = batch.ids.raw;
  const y = b.ids.raw;
  if (x === undefined || y === undefined || batch.ids.isNull(p)) return batch.ids.get(p) === b.ids.get(i);
  let s = x.offsets[p]!;
  const e = x.offsets[p + 1]!;
  let t = y.offsets[i]!;
  if (e - s !== y.offsets[i + 1]! - t) return false;
  while (s < e) if (x.values[s++] !== y.values[t++]) return false;
  return true;
}

class PositionMatcher implements RowMatcher {
  /** Fingerprints of the valid rows no model scored (their dataset row), see unmatchedDuplicates. */
  readonly unmatched = new IdFingerprintSet();
  /** Two unmatched rows with one id: a duplicate for sure. */
  duplicate = false;

  constructor(readonly models: ModelState[]) {}

  async prepare(b: ValidatedBatch): Promise<void> {
    for (const m of this.models) await m.cursor.fill(b.status.length);
  }

  row(b: ValidatedBatch, i: number, labelled: number): void {
    if (b.ids.state(i) !== ValueState.ok) return; // no id: no run scored it
    const status = b.status[i]!;
    let matched = false;
    for (const m of this.models) {
      const batch = m.cursor.batch;
      if (batch === undefined) continue;
      const p = m.cursor.row;
      if (!sameId(batch, p, b, i)) continue;
      matched = true;
      const row = m.cursor.consumed;
      m.draft.rows++;
      if (labelled >= 0) {
        m.draft.seen[labelled] = 1;
        placeRow(m.draft, m.layout, batch, p, labelled, row);
      } else if (status === RowStatus.unlabelled) m.draft.unlabelled++;
      else m.draft.rejected++;
      m.cursor.advance();
    }
    if (!matched && status !== RowStatus.rejected) {
      const bytes = b.ids.bytes(i) ?? new TextEncoder().encode(b.ids.get(i)!);
      if (this.unmatched.addOrGetRow(bytes, b.rowOffset + i) >= 0) this.duplicate = true;
    }
  }
}

/**
 * Whether a valid row that no model scored repeats the id of an earlier row (the scan's duplicate
 * check, which the position pass leaves out): one more pass over the id column, only when such
 * rows exist (a run with `--on-invalid skip`, a missing shard).
 */
async function unmatchedDuplicates(ds: Dataset, m: PositionMatcher): Promise<boolean> {
  if (m.duplicate) return true;
  if (m.unmatched.size === 0) return false;
  let offset = 0;
  for await (const batch of ds.scan({ onInvalid: 'collect', checkDuplicateIds: false, maxExamples: 0 })) {
    for (let i = 0; i < batch.status.length; i++) {
      if (batch.ids.state(i) !== ValueState.ok) continue;
      const bytes = batch.ids.bytes(i) ?? new TextEncoder().encode(batch.ids.get(i)!);
      if (m.unmatched.rowOf(bytes) > offset + i) return true;
    }
    offset += batch.status.length;
  }
  return false;
}

/** Join by position; undefined when the predictions are not one run's rows in dataset order. */
export async function joinByPosition(
  ds: Dataset,
  sources: readonly PredictionsSource[],
  plan: LabelPlan,
  maxExamples: number,
  rule: GoldenRowRule,
): Promise<{ golden: GoldenRows; summary: ValidationSummary; drafts: ModelDraft[] } | undefined> {
  const capacity = await countArrowRows(ds.source.path);
  if (capacity === null) return undefined;
  const models: ModelState[] = sources.map((source) => ({
    cursor: new Cursor(source),
    layout: fileLayout(source, plan),
    draft: emptyDraft(source, plan, capacity),
  }));
  const matcher = new PositionMatcher(models);
  let result: Awaited<ReturnType<typeof readGolden>>;
  try {
    result = await readGolden(ds, maxExamples, rule, matcher, capacity);
    for (const m of models) if (!(await m.cursor.exhausted())) return undefined;
  } finally {
    for (const m of models) await m.cursor.close();
  }
  if (await unmatchedDuplicates(ds, matcher)) return undefined;
  const n = result.rows.ids.length;
  const k = plan.labels.length;
  const multiLabel = taskViewOf(plan).multiLabel;
  const drafts = models.map(({ draft }) => ({
    ...draft,
    predicted: draft.predicted.subarray(0, multiLabel ? 0 : n),
    predictedFlags: draft.predictedFlags.subarray(0, multiLabel ? n * k : 0),
    scores: draft.scores.subarray(0, n * k),
    seen: draft.seen.subarray(0, n),
  }));
  return { golden: result.rows, summary: result.summary, drafts };
}
