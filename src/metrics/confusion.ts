import type { ConfusionMatrixJson, MultilabelConfusionJson } from '../contracts/metric-results.js';
import { ItemSums } from './multilabel.js';

/**
 * Confusion accumulators. They are monoids: `merge` adds counts, so partial results from batches,
 * workers or shards combine into exactly the matrix one pass over all items would give (integer
 * counts in float64 are exact up to 2^53; fractional weights are summed in float64).
 */

function checkWeight(weight: number): void {
  if (!(weight >= 0) || !Number.isFinite(weight)) {
    throw new RangeError(`weight must be a finite number >= 0, got ${weight}`);
  }
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

function defaultLabels(k: number): string[] {
  return Array.from({ length: k }, (_, i) => String(i));
}

/** K x K counts, rows = true class, columns = predicted class, stored row-major. */
export class ConfusionMatrix {
  readonly labels: readonly string[];
  readonly k: number;
  readonly counts: Float64Array;

  /** `labels` names the classes in index order; a number K names them '0'..'K-1'. */
  constructor(labels: readonly string[] | number) {
    const names = typeof labels === 'number' ? defaultLabels(labels) : [...labels];
    if (names.length < 1) throw new RangeError('a confusion matrix needs at least one class');
    if (new Set(names).size !== names.length) throw new RangeError('class labels must be unique');
    this.labels = Object.freeze(names);
    this.k = names.length;
    this.counts = new Float64Array(this.k * this.k);
  }

  /** Count one item (or `weight` of one). Indices are class positions in `labels`. */
  add(trueIdx: number, predIdx: number, weight = 1): void {
    const k = this.k;
    if (!(trueIdx >= 0 && trueIdx < k && Number.isInteger(trueIdx))) {
      throw new RangeError(`true class index ${trueIdx} is outside 0..${k - 1}`);
    }
    if (!(predIdx >= 0 && predIdx < k && Number.isInteger(predIdx))) {
      throw new RangeError(`predicted class index ${predIdx} is outside 0..${k - 1}`);
    }
    if (weight !== 1) checkWeight(weight);
    this.counts[trueIdx * k + predIdx]! += weight;
  }

  /** Count a batch of items given as parallel index arrays. */
  addAll(trueIdx: ArrayLike<number>, predIdx: ArrayLike<number>, weights?: ArrayLike<number>): void {
    if (trueIdx.length !== predIdx.length || (weights && weights.length !== trueIdx.length)) {
      throw new RangeError('true, predicted and weight arrays must have the same length');
    }
    for (let i = 0; i < trueIdx.length; i++) this.add(trueIdx[i]!, predIdx[i]!, weights ? weights[i]! : 1);
  }

  /** Add another matrix over the same labels into this one (in place); returns this. */
  merge(other: ConfusionMatrix): this {
    if (!sameLabels(this.labels, other.labels)) {
      throw new RangeError('cannot merge confusion matrices over different labels');
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    return this;
  }

  get(trueIdx: number, predIdx: number): number {
    return this.counts[trueIdx * this.k + predIdx]!;
  }

  /** Total weight (number of items when unweighted). */
  total(): number {
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) sum += this.counts[i]!;
    return sum;
  }

  /** Per-class true totals (support). */
  rowSums(): Float64Array {
    const out = new Float64Array(this.k);
    for (let t = 0; t < this.k; t++) {
      for (let p = 0; p < this.k; p++) out[t]! += this.counts[t * this.k + p]!;
    }
    return out;
  }

  /** Per-class predicted totals. */
  colSums(): Float64Array {
    const out = new Float64Array(this.k);
    for (let t = 0; t < this.k; t++) {
      for (let p = 0; p < this.k; p++) out[p]! += this.counts[t * this.k + p]!;
    }
    return out;
  }

  clone(): ConfusionMatrix {
    const copy = new ConfusionMatrix(this.labels);
    copy.counts.set(this.counts);
    return copy;
  }

  toJSON(): ConfusionMatrixJson {
    const counts: number[][] = [];
    for (let t = 0; t < this.k; t++)
      counts.push(Array.from(this.counts.subarray(t * this.k, (t + 1) * this.k)));
    return { kind: 'multiclass', labels: [...this.labels], counts };
  }

  static fromJSON(json: ConfusionMatrixJson): ConfusionMatrix {
    const cm = new ConfusionMatrix(json.labels);
    if (json.counts.length !== cm.k || json.counts.some((row) => row.length !== cm.k)) {
      throw new RangeError(`confusion counts must be ${cm.k} x ${cm.k}`);
    }
    json.counts.forEach((row, t) => {
      row.forEach((value, p) => {
        checkWeight(value);
        cm.counts[t * cm.k + p] = value;
      });
    });
    return cm;
  }
}

/**
 * Multilabel counts: an independent 2x2 table per label (TP, FP, FN, TN), plus the number of
 * samples and of samples whose whole label set was predicted exactly (for subset accuracy).
 */
export class MultilabelConfusion {
  readonly labels: readonly string[];
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly fn: Float64Array;
  readonly tn: Float64Array;
  samples = 0;
  exactMatches = 0;
  /** Per-item sums for the samples averages and label cardinality. */
  readonly items = new ItemSums();

  constructor(labels: readonly string[] | number) {
    const names = typeof labels === 'number' ? defaultLabels(labels) : [...labels];
    if (names.length < 1) throw new RangeError('a multilabel confusion needs at least one label');
    if (new Set(names).size !== names.length) throw new RangeError('labels must be unique');
    this.labels = Object.freeze(names);
    const l = names.length;
    this.tp = new Float64Array(l);
    this.fp = new Float64Array(l);
    this.fn = new Float64Array(l);
    this.tn = new Float64Array(l);
  }

  /**
   * Count one sample. `truth` and `predicted` are per-label membership flags (truthy = label
   * applies), in `labels` order.
   */
  add(truth: ArrayLike<number | boolean>, predicted: ArrayLike<number | boolean>, weight = 1): void {
    const l = this.labels.length;
    if (truth.length !== l || predicted.length !== l) {
      throw new RangeError(
        `multilabel rows must have ${l} flags, got ${truth.length} and ${predicted.length}`,
      );
    }
    if (weight !== 1) checkWeight(weight);
    let exact = true;
    let trueCount = 0;
    let predictedCount = 0;
    let both = 0;
    for (let j = 0; j < l; j++) {
      const t = Boolean(truth[j]);
      const p = Boolean(predicted[j]);
      if (t && p) this.tp[j]! += weight;
      else if (p) this.fp[j]! += weight;
      else if (t) this.fn[j]! += weight;
      else this.tn[j]! += weight;
      if (t !== p) exact = false;
      if (t) trueCount++;
      if (p) predictedCount++;
      if (t && p) both++;
    }
    this.items.add(trueCount, predictedCount, both, weight);
    this.samples += weight;
    if (exact) this.exactMatches += weight;
  }

  merge(other: MultilabelConfusion): this {
    if (!sameLabels(this.labels, other.labels)) {
      throw new RangeError('cannot merge multilabel confusions over different labels');
    }
    for (let j = 0; j < this.labels.length; j++) {
      this.tp[j]! += other.tp[j]!;
      this.fp[j]! += other.fp[j]!;
      this.fn[j]! += other.fn[j]!;
      this.tn[j]! += other.tn[j]!;
    }
    this.samples += other.samples;
    this.exactMatches += other.exactMatches;
    this.items.merge(other.items);
    return this;
  }

  toJSON(): MultilabelConfusionJson {
    return {
      kind: 'multilabel',
      labels: [...this.labels],
      tp: Array.from(this.tp),
      fp: Array.from(this.fp),
      fn: Array.from(this.fn),
      tn: Array.from(this.tn),
      samples: this.samples,
      exactMatches: this.exactMatches,
      itemSums: this.items.toJSON(),
    };
  }

  static fromJSON(json: MultilabelConfusionJson): MultilabelConfusion {
    const m = new MultilabelConfusion(json.labels);
    const l = m.labels.length;
    for (const key of ['tp', 'fp', 'fn', 'tn'] as const) {
      const values = json[key];
      if (values.length !== l) throw new RangeError(`multilabel ${key} must have ${l} entries`);
      values.forEach((v, j) => {
        checkWeight(v);
        m[key][j] = v;
      });
    }
    checkWeight(json.samples);
    checkWeight(json.exactMatches);
    m.samples = json.samples;
    m.exactMatches = json.exactMatches;
    // Files written before item sums existed give no samples averages (null), never made-up ones.
    if (json.itemSums) m.items.merge(ItemSums.fromJSON(json.itemSums));
    return m;
  }
}
