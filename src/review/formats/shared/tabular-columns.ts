import type { ReviewItem } from '../../item.js';
import type { QueueBatch, SliceType } from '../format.js';

/**
 * The flat row shape shared by the Arrow, Parquet, JSONL and CSV exports: one column per fact,
 * per model (`pred_<key>`, `score_<key>`) and per slice (`slice_<name>`), plus empty `verdict`
 * and `reviewer` columns for reviewers who work in a spreadsheet or an editor. Columns keep their
 * types where the format has them: `reasons` is a list, a Bool or numeric slice stays Bool or
 * numeric. A blind queue has only the ids, the text and the verdict columns.
 */
/** `label_list`: a multi-policy item's policies (a list; CSV joins them with LIST_SEPARATOR). */
export type ColumnType = 'string' | 'float' | 'int' | 'bool' | 'string_list' | 'label_list';

/**
 * How a CSV cell holds a list of policies (`offensive; offensive/sexual`), and how a reviewer
 * writes a multi-policy verdict there. Policy names are paths with `/`, never `;` in practice;
 * a verdict cell may also hold a JSON array.
 */
export const LIST_SEPARATOR = '; ';
export type Cell = string | number | boolean | null | readonly string[];

export interface TabularColumn {
  name: string;
  type: ColumnType;
  /** A `label_list` that is an answer (golden, prediction, verdict): CSV writes [] as NO_POLICY. */
  answer?: boolean;
  value: (item: ReviewItem) => Cell;
}

/** A slice value (kept as a string by the evaluation set) back in its column's type. */
function typedSlice(v: string | null, type: SliceType): Cell {
  if (v === null || type === 'string') return v;
  if (type === 'bool') return v === 'true' ? true : v === 'false' ? false : null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function tabularColumns(batch: QueueBatch): TabularColumn[] {
  const first = batch.items[0];
  // A multi-label queue: golden, predictions and the verdict are lists of policies.
  const many = batch.view.multiLabel;
  const labelType: ColumnType = many ? 'label_list' : 'string';
  const cols: TabularColumn[] = [
    { name: 'external_id', type: 'string', value: (x) => x.externalId },
    { name: 'id', type: 'string', value: (x) => x.id },
  ];
  if (batch.blind) {
    cols.push(
      { name: 'text', type: 'string', value: (x) => x.text },
      { name: 'text_truncated', type: 'bool', value: (x) => x.textTruncated },
    );
  } else {
    cols.push(
      { name: 'queue', type: 'string', value: (x) => x.queue },
      { name: 'priority', type: 'int', value: (x) => x.priority },
      { name: 'text', type: 'string', value: (x) => x.text },
      { name: 'text_truncated', type: 'bool', value: (x) => x.textTruncated },
      { name: 'golden', type: labelType, answer: true, value: (x) => x.golden },
      { name: 'reasons', type: 'string_list', value: (x) => x.reasons },
      { name: 'margin', type: 'float', value: (x) => x.margin },
      { name: 'label_issue', type: 'string', value: (x) => x.labelIssue },
      { name: 'label_quality', type: 'float', value: (x) => x.labelQuality },
      { name: 'annotator_entropy', type: 'float', value: (x) => x.annotatorEntropy },
      { name: 'cluster', type: 'string', value: (x) => x.cluster },
    );
    (first?.models ?? []).forEach((m, i) => {
      cols.push(
        { name: `pred_${m.key}`, type: labelType, answer: true, value: (x) => x.models[i]!.predicted },
        { name: `score_${m.key}`, type: 'float', value: (x) => x.models[i]!.score },
      );
      if (many) {
        cols.push(
          { name: `missed_${m.key}`, type: 'label_list', value: (x) => x.models[i]!.missed ?? [] },
          {
            name: `over_enforced_${m.key}`,
            type: 'label_list',
            value: (x) => x.models[i]!.overEnforced ?? [],
          },
        );
      }
    });
    for (const s of Object.keys(first?.slices ?? {})) {
      const type = batch.sliceTypes.get(s) ?? 'string';
      cols.push({
        name: `slice_${s}`,
        type: type === 'string' ? 'string' : type,
        value: (x) => typedSlice(x.slices[s] ?? null, type),
      });
    }
  }
  cols.push(
    { name: 'verdict', type: labelType, answer: true, value: () => null },
    { name: 'reviewer', type: 'string', value: () => null },
  );
  return cols;
}
