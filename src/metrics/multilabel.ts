import type { ZeroDivision } from './schema.js';

/**
 * Per-item ("samples") averages of multilabel predictions, as scikit-learn's `average='samples'`:
 * for each item, precision |T∩P|/|P|, recall |T∩P|/|T| and F1 2|T∩P|/(|T|+|P|), then their mean
 * over items. An item with nothing true and nothing predicted has 0/0 for all three: it counts
 * as `zeroDivision` (scikit-learn's default "warn" counts 0), or is left out with `'nan'`.
 * `truth` and `predicted` are row-major n × k flags.
 */
export function samplesAverages(
  truth: Uint8Array,
  predicted: Uint8Array,
  k: number,
  zeroDivision: ZeroDivision = 0,
): { precision: number | null; recall: number | null; f1: number | null } {
  if (truth.length !== predicted.length || (k > 0 && truth.length % k !== 0)) {
    throw new RangeError(
      `samples averages need two n × ${k} flag arrays, got ${truth.length} and ${predicted.length}`,
    );
  }
  const n = k === 0 ? 0 : truth.length / k;
  const sums = { precision: 0, recall: 0, f1: 0 };
  const counts = { precision: 0, recall: 0, f1: 0 };
  const add = (key: keyof typeof sums, num: number, den: number): void => {
    if (den !== 0) {
      sums[key] += num / den;
      counts[key]++;
    } else if (zeroDivision !== 'nan') {
      sums[key] += zeroDivision;
      counts[key]++;
    }
  };
  for (let i = 0; i < n; i++) {
    let t = 0;
    let p = 0;
    let both = 0;
    for (let j = i * k; j < (i + 1) * k; j++) {
      const tj = truth[j] ? 1 : 0;
      const pj = predicted[j] ? 1 : 0;
      t += tj;
      p += pj;
      both += tj & pj;
    }
    add('precision', both, p);
    add('recall', both, t);
    add('f1', 2 * both, t + p);
  }
  const avg = (key: keyof typeof sums) => (counts[key] === 0 ? null : sums[key] / counts[key]);
  return { precision: avg('precision'), recall: avg('recall'), f1: avg('f1') };
}

/** Mean number of labels per item (truth or predictions): scikit-learn's "label cardinality". */
export function labelCardinality(flags: Uint8Array, k: number): number | null {
  const n = k === 0 ? 0 : flags.length / k;
  if (n === 0) return null;
  let total = 0;
  for (let j = 0; j < flags.length; j++) total += flags[j] ? 1 : 0;
  return total / n;
}
