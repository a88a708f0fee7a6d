/**
 * The few numbers a model card reports about its own training and evaluation. The harness's real
 * metrics live in src/metrics; this is the recipe's own quick loop.
 */
export interface BinaryReport {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Accuracy per slice value (corpus_group). */
  bySlice: Record<string, { n: number; accuracy: number }>;
}

export function binaryReport(
  truth: Uint8Array,
  predicted: Uint8Array,
  slices: readonly string[],
): BinaryReport {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  const bySlice: Record<string, { n: number; correct: number }> = {};
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t === p) correct++;
    if (p === 1 && t === 1) tp++;
    else if (p === 1) fp++;
    else if (t === 1) fn++;
    const key = slices[i] ?? '';
    const s = bySlice[key] ?? { n: 0, correct: 0 };
    bySlice[key] = s;
    s.n++;
    if (t === p) s.correct++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const slicesOut: BinaryReport['bySlice'] = {};
  for (const key of Object.keys(bySlice).sort()) {
    const s = bySlice[key]!;
    slicesOut[key] = { n: s.n, accuracy: s.correct / s.n };
  }
  return { n: truth.length, accuracy: correct / truth.length, precision, recall, f1, bySlice: slicesOut };
}
