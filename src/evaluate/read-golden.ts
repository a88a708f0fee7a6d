import type { Dataset } from '../dataset/open.js';
import { RowStatus, type ValidationSummary } from '../dataset/validate.js';
import { type GrowableArray, growableInt32 } from '../util/growable.js';
import { DictionaryEncoder } from './encoder.js';

/**
 * The golden side of the join: one pass over the dataset, one record batch at a time, keeping the
 * labelled rows (ids, labels, slice and identity codes, annotations) and the ids of the rows left
 * out, so a prediction for one of those is counted rather than called unknown.
 */

/** Everything the dataset pass keeps about labelled rows (row index = position in these arrays). */
export interface GoldenRows {
  ids: string[];
  byId: Map<string, number>;
  truthLists: (readonly string[])[];
  slices: DictionaryEncoder[];
  identity: DictionaryEncoder[];
  /** Per labelled row: offsets into annotator/label pairs. */
  annOffsets: GrowableArray<Int32Array>;
  annAnnotator: GrowableArray<Int32Array>;
  annLabel: string[];
  annotators: Map<string, number>;
  /** Ids of rows that are in the dataset but not evaluated, and why. */
  excluded: Map<string, 'unlabelled' | 'rejected'>;
  observedLabels: Set<string>;
}

export async function readGolden(
  ds: Dataset,
  maxExamples: number,
): Promise<{ rows: GoldenRows; summary: ValidationSummary }> {
  const spec = ds.spec;
  const rows: GoldenRows = {
    ids: [],
    byId: new Map(),
    truthLists: [],
    slices: spec.slices.map((s) => new DictionaryEncoder(s)),
    identity: spec.identity.map((s) => new DictionaryEncoder(s)),
    annOffsets: growableInt32(),
    annAnnotator: growableInt32(),
    annLabel: [],
    annotators: new Map(),
    excluded: new Map(),
    observedLabels: new Set(),
  };
  rows.annOffsets.push(0);
  const scan = ds.scan({ onInvalid: 'collect', maxExamples });
  for await (const b of scan) {
    for (let i = 0; i < b.status.length; i++) {
      const status = b.status[i]!;
      if (status !== RowStatus.labelled) {
        // A rejected row may have no decodable id; the validator already counted it.
        let id: string | null = null;
        try {
          id = b.ids.get(i);
        } catch {
          id = null;
        }
        if (id !== null && !rows.byId.has(id)) {
          rows.excluded.set(id, status === RowStatus.unlabelled ? 'unlabelled' : 'rejected');
        }
        continue;
      }
      const id = b.ids.get(i)!;
      rows.byId.set(id, rows.ids.length);
      rows.ids.push(id);
      const label = b.labels[i]!;
      if (Array.isArray(label)) {
        rows.truthLists.push(label);
        for (const l of label) rows.observedLabels.add(l);
      } else {
        rows.truthLists.push([label as string]);
        rows.observedLabels.add(label as string);
      }
      spec.slices.forEach((name, s) => {
        rows.slices[s]!.push(b.slices.get(name)!.get(i));
      });
      spec.identity.forEach((name, s) => {
        rows.identity[s]!.push(b.identity.get(name)!.get(i));
      });
      if (b.annotations) {
        for (const a of b.annotations.get(i) ?? []) {
          if (a.label === null) continue;
          let who = rows.annotators.get(a.annotator);
          if (who === undefined) {
            who = rows.annotators.size;
            rows.annotators.set(a.annotator, who);
          }
          rows.annAnnotator.push(who);
          rows.annLabel.push(a.label);
        }
        rows.annOffsets.push(rows.annAnnotator.length);
      } else {
        rows.annOffsets.push(rows.annAnnotator.length);
      }
    }
  }
  return { rows, summary: scan.summary };
}
