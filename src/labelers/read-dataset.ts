import { basename } from 'node:path';
import { openDataset } from '../dataset/open.js';
import { RowStatus } from '../dataset/validate.js';
import { evaluationTask, taskView } from '../task/index.js';
import type { GoldenItems, RawJudgement } from './judgements.js';

/**
 * One pass over the golden dataset: its items (id, golden labels, slice values) and, when it has
 * one, the judgements of its wide `annotations` column. Single-label sets: every entry is one
 * judgement (an annotator listed twice judged the item twice). Multi-policy sets: an annotator's
 * entries on an item together are one judgement, the set of policies they chose (as the dataset
 * format writes it: one entry per chosen label).
 */
export interface DatasetJudgements {
  readonly items: GoldenItems;
  readonly file: string;
  /** The annotations column's name, or undefined when the dataset has none. */
  readonly column: string | undefined;
  readonly judgements: RawJudgement[];
}

export async function readDatasetJudgements(
  path: string,
  spec: string | undefined,
): Promise<DatasetJudgements> {
  const ds = await openDataset(path, spec === undefined ? {} : { spec });
  const s = ds.spec;
  // Whether a golden label is one label or a set is the dataset's declaration; binary or
  // multiclass (which changes nothing here) is settled once the labels are known.
  const view = taskView(evaluationTask({ multiLabel: s.multilabel, labels: [], positive: null }));
  const ids: string[] = [];
  const byId = new Map<string, number>();
  const golden: (readonly string[] | null)[] = [];
  const slices = s.slices.map((name) => ({ name, values: [] as (string | null)[] }));
  const judgements: RawJudgement[] = [];
  const field = s.annotations ?? 'annotations';
  for await (const b of ds.scan()) {
    for (let i = 0; i < b.batch.numRows; i++) {
      const status = b.status[i]!;
      if (status !== RowStatus.labelled && status !== RowStatus.unlabelled) continue;
      const id = b.ids.get(i)!;
      const at = ids.length;
      ids.push(id);
      byId.set(id, at);
      const value = b.labels[i];
      golden.push(value === null || value === undefined ? null : view.labelsOf(value));
      for (const slice of slices) slice.values.push(b.slices.get(slice.name)?.get(i) ?? null);
      const entries = b.annotations?.get(i) ?? [];
      const row = b.rowOffset + i;
      if (!view.multiLabel) {
        for (const e of entries) {
          if (e.label === null) continue;
          judgements.push(judgement(at, e.annotator, [e.label], judgements.length, row, field));
        }
        continue;
      }
      const sets = new Map<string, string[]>();
      for (const e of entries) {
        const set = sets.get(e.annotator) ?? [];
        if (e.label !== null && !set.includes(e.label)) set.push(e.label);
        sets.set(e.annotator, set);
      }
      for (const [who, set] of sets) judgements.push(judgement(at, who, set, judgements.length, row, field));
    }
  }
  const seen = [...new Set(golden.flatMap((g) => g ?? []))].sort();
  const task = evaluationTask({
    multiLabel: s.multilabel,
    labels: s.labels ?? seen,
    positive: s.positive ?? null,
  });
  const items: GoldenItems = { task, declared: s.labels, ids, byId, golden, slices };
  return { items, file: basename(path), column: s.annotations, judgements };
}

function judgement(
  item: number,
  annotator: string,
  labels: string[],
  seq: number,
  row: number,
  field: string,
): RawJudgement {
  return { item, annotator, labels, time: null, seconds: null, batch: null, seq, where: { row, field } };
}
