import type { ReviewItem } from '../item.js';

/**
 * The flat row shape shared by the Arrow, Parquet, JSONL and CSV exports: one column per fact,
 * per model (`pred_<key>`, `score_<key>`) and per slice (`slice_<name>`), plus empty `verdict`
 * and `reviewer` columns for reviewers who work in a spreadsheet or an editor. Columns keep their
 * types where the format has them: `reasons` is a list, a Bool or numeric slice stays Bool or
 * numeric. A blind queue has only the ids, the text and the verdict columns.
 */
export type ColumnType = 'string' | 'float' | 'int' | 'bool' | 'string_list';
export type Cell = string | number | boolean | null | readonly string[];
export type SliceType = 'string' | 'bool' | 'int' | 'float';

export interface TabularColumn {
  name: string;
  type: ColumnType;
  value: (item: ReviewItem) => Cell;
}

export interface TabularOptions {
  /** Leave out everything a reviewer could read the golden label off (blind review). */
  blind: boolean;
  /** The dataset's type of each slice column (default string); values arrive as strings. */
  sliceTypes?: ReadonlyMap<string, SliceType>;
  /** Schema metadata written into the Arrow and Parquet files (the manifest's provenance). */
  metadata?: ReadonlyMap<string, string>;
}

/** A slice value (kept as a string by the evaluation set) back in its column's type. */
function typedSlice(v: string | null, type: SliceType): Cell {
  if (v === null || type === 'string') return v;
  if (type === 'bool') return v === 'true' ? true : v === 'false' ? false : null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function tabularColumns(items: readonly ReviewItem[], options: TabularOptions): TabularColumn[] {
  const first = items[0];
  const cols: TabularColumn[] = [
    { name: 'external_id', type: 'string', value: (x) => x.externalId },
    { name: 'id', type: 'string', value: (x) => x.id },
  ];
  if (options.blind) {
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
      { name: 'golden', type: 'string', value: (x) => x.golden },
      { name: 'reasons', type: 'string_list', value: (x) => x.reasons },
      { name: 'margin', type: 'float', value: (x) => x.margin },
      { name: 'label_issue', type: 'string', value: (x) => x.labelIssue },
      { name: 'label_quality', type: 'float', value: (x) => x.labelQuality },
      { name: 'annotator_entropy', type: 'float', value: (x) => x.annotatorEntropy },
      { name: 'cluster', type: 'string', value: (x) => x.cluster },
    );
    (first?.models ?? []).forEach((m, i) => {
      cols.push(
        { name: `pred_${m.key}`, type: 'string', value: (x) => x.models[i]!.predicted },
        { name: `score_${m.key}`, type: 'float', value: (x) => x.models[i]!.score },
      );
    });
    for (const s of Object.keys(first?.slices ?? {})) {
      const type = options.sliceTypes?.get(s) ?? 'string';
      cols.push({
        name: `slice_${s}`,
        type: type === 'string' ? 'string' : type,
        value: (x) => typedSlice(x.slices[s] ?? null, type),
      });
    }
  }
  cols.push(
    { name: 'verdict', type: 'string', value: () => null },
    { name: 'reviewer', type: 'string', value: () => null },
  );
  return cols;
}
