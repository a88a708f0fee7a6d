import type { EncodedColumn } from '../evaluate/join.js';
import { ConfusionMatrix } from '../metrics/confusion.js';
import type { FlipCounts } from './schema.js';

/**
 * Two models' single-label predictions on the same golden items, columnar: what compare and gate
 * need from the joined evaluation set. Row i is the same item for every array.
 */

/** A slice column as the join encodes it: `codes[i]` indexes `values`, -1 = null. */
export type SliceColumnCodes = EncodedColumn;

export interface ModelSide {
  readonly file: string;
  readonly name: string;
  readonly version: string;
  readonly sha256: string | null;
  /** Predicted label index per row. */
  readonly predicted: Int32Array;
  /** Row-major rows × K scores in `labels` order. */
  readonly scores: Float32Array;
}

export interface PairedSet {
  readonly dataset: { readonly file: string; readonly fingerprint: string };
  readonly labels: readonly string[];
  /** Index of the positive label of a binary task; -1 when there is none (no score metrics). */
  readonly positiveIndex: number;
  readonly ids: readonly string[];
  /** Golden label index per row. */
  readonly truth: Int32Array;
  readonly slices: readonly SliceColumnCodes[];
  readonly baseline: ModelSide;
  readonly candidate: ModelSide;
  /** Notes from loading (rows dropped, fingerprints) shown in reports. */
  readonly warnings: readonly string[];
}

/** Row indices of a subset of the items. */
export type Rows = Uint32Array;

export function allRows(n: number): Rows {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Rows per slice value, in the column's value order (null rows are in no slice). */
export function rowsBySliceValue(column: SliceColumnCodes): Rows[] {
  const counts = new Uint32Array(column.values.length);
  for (const c of column.codes) if (c >= 0) counts[c]!++;
  const out = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(column.values.length);
  column.codes.forEach((c, i) => {
    if (c >= 0) out[c]![fill[c]!++] = i;
  });
  return out;
}

export function pick(values: Int32Array, rows: Rows): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

export function confusionOf(
  labels: readonly string[],
  truth: Int32Array,
  predicted: Int32Array,
): ConfusionMatrix {
  const cm = new ConfusionMatrix(labels);
  cm.addAll(truth, predicted);
  return cm;
}

export function flipCounts(set: PairedSet, rows: Rows, classIdx = -1): FlipCounts {
  const t = set.truth;
  const b = set.baseline.predicted;
  const c = set.candidate.predicted;
  const out: FlipCounts = { n: 0, newlyWrong: 0, newlyRight: 0, predictionFlips: 0 };
  for (const i of rows) {
    if (classIdx >= 0 && t[i] !== classIdx) continue;
    out.n++;
    const bRight = b[i] === t[i];
    const cRight = c[i] === t[i];
    if (bRight && !cRight) out.newlyWrong++;
    else if (!bRight && cRight) out.newlyRight++;
    if (b[i] !== c[i]) out.predictionFlips++;
  }
  return out;
}
