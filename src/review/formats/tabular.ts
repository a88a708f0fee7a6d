import type { ReviewItem } from '../item.js';

/**
 * The flat row shape shared by the Arrow, Parquet, JSONL and CSV exports: one column per fact,
 * per model (`pred_<key>`, `score_<key>`) and per slice (`slice_<name>`), plus empty `verdict`
 * and `reviewer` columns for reviewers who work in a spreadsheet or an editor.
 */
export type ColumnType = 'string' | 'float' | 'int' | 'bool';
export type Cell = string | number | boolean | null;

export interface TabularColumn {
  name: string;
  type: ColumnType;
  value: (item: ReviewItem) => Cell;
}

export interface TabularOptions {
  /** Leave the golden label out (blind review). */
  blind: boolean;
}

export function tabularColumns(items: readonly ReviewItem[], options: TabularOptions): TabularColumn[] {
  const first = items[0];
  const cols: TabularColumn[] = [
    { name: 'external_id', type: 'string', value: (x) => x.externalId },
    { name: 'id', type: 'string', value: (x) => x.id },
    { name: 'queue', type: 'string', value: (x) => x.queue },
    { name: 'priority', type: 'int', value: (x) => x.priority },
    { name: 'text', type: 'string', value: (x) => x.text },
    { name: 'text_truncated', type: 'bool', value: (x) => x.textTruncated },
  ];
  if (!options.blind) cols.push({ name: 'golden', type: 'string', value: (x) => x.golden });
  cols.push(
    { name: 'reasons', type: 'string', value: (x) => x.reasons.join(',') },
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
    cols.push({ name: `slice_${s}`, type: 'string', value: (x) => x.slices[s] ?? null });
  }
  cols.push(
    { name: 'verdict', type: 'string', value: () => null },
    { name: 'reviewer', type: 'string', value: () => null },
  );
  return cols;
}
