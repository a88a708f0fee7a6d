import type { AveragedMetrics, ItemSumsJson, ZeroDivision } from '../contracts/metric-results.js';

/**
 * Per-item ("samples") sums of multilabel predictions, the monoid behind scikit-learn's
 * `average='samples'` and the label cardinality: for each item, precision |T∩P|/|P|, recall
 * |T∩P|/|T| and F1 2|T∩P|/(|T|+|P|) are summed over items (weighted, so bootstrap counts can be
 * fed), and the items where a ratio is 0/0 are counted apart. The zero-division policy is applied
 * when averaging: scikit-learn 1.2.1 counts a 0/0 item as `zero_division` (its default "warn"
 * counts 0; with zero_division=1 an item with no golden and no predicted label scores 1 on all
 * three); `'nan'` leaves such items out of the mean.
 */
export class ItemSums {
  precision = 0;
  precisionUndefined = 0;
  recall = 0;
  recallUndefined = 0;
  f1 = 0;
  f1Undefined = 0;
  /** Weighted number of golden labels over all items (label cardinality × items). */
  trueLabels = 0;
  /** Weighted number of predicted labels over all items. */
  predictedLabels = 0;
  items = 0;

  /** One item with `t` golden labels, `p` predicted and `both` in common. */
  add(t: number, p: number, both: number, weight = 1): void {
    if (p > 0) this.precision += (weight * both) / p;
    else this.precisionUndefined += weight;
    if (t > 0) this.recall += (weight * both) / t;
    else this.recallUndefined += weight;
    if (t + p > 0) this.f1 += (weight * 2 * both) / (t + p);
    else this.f1Undefined += weight;
    this.trueLabels += weight * t;
    this.predictedLabels += weight * p;
    this.items += weight;
  }

  merge(other: ItemSums): this {
    for (const key of ITEM_SUM_KEYS) this[key] += other[key];
    return this;
  }

  /** The three samples averages under a zero-division policy; null with no item to average. */
  averages(zeroDivision: ZeroDivision = 0): AveragedMetrics {
    const mean = (sum: number, undef: number): number | null => {
      if (zeroDivision === 'nan') return this.items - undef > 0 ? sum / (this.items - undef) : null;
      return this.items > 0 ? (sum + zeroDivision * undef) / this.items : null;
    };
    return {
      precision: mean(this.precision, this.precisionUndefined),
      recall: mean(this.recall, this.recallUndefined),
      f1: mean(this.f1, this.f1Undefined),
    };
  }

  /** Mean number of golden and predicted labels per item (scikit-learn's "label cardinality"). */
  cardinality(): { golden: number | null; predicted: number | null } {
    if (!(this.items > 0)) return { golden: null, predicted: null };
    return { golden: this.trueLabels / this.items, predicted: this.predictedLabels / this.items };
  }

  toJSON(): ItemSumsJson {
    const out = {} as ItemSumsJson;
    for (const key of ITEM_SUM_KEYS) out[key] = this[key];
    return out;
  }

  static fromJSON(json: ItemSumsJson): ItemSums {
    const s = new ItemSums();
    for (const key of ITEM_SUM_KEYS) s[key] = json[key];
    return s;
  }
}

const ITEM_SUM_KEYS = [
  'precision',
  'precisionUndefined',
  'recall',
  'recallUndefined',
  'f1',
  'f1Undefined',
  'trueLabels',
  'predictedLabels',
  'items',
] as const;

/** Sums over row-major n × k flag arrays. */
function itemSums(truth: Uint8Array, predicted: Uint8Array, k: number): ItemSums {
  const sums = new ItemSums();
  const n = k === 0 ? 0 : truth.length / k;
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
    sums.add(t, p, both);
  }
  return sums;
}

/**
 * Samples averages (scikit-learn's `average='samples'`, see ItemSums) of row-major n × k
 * golden and predicted flags.
 */
export function samplesAverages(
  truth: Uint8Array,
  predicted: Uint8Array,
  k: number,
  zeroDivision: ZeroDivision = 0,
): AveragedMetrics {
  if (truth.length !== predicted.length || (k > 0 && truth.length % k !== 0)) {
    throw new RangeError(
      `samples averages need two n × ${k} flag arrays, got ${truth.length} and ${predicted.length}`,
    );
  }
  return itemSums(truth, predicted, k).averages(zeroDivision);
}

/** Mean number of labels per item (truth or predictions): scikit-learn's "label cardinality". */
export function labelCardinality(flags: Uint8Array, k: number): number | null {
  return itemSums(flags, flags, k).cardinality().golden;
}
