/**
 * Growable storage for binary scores, kept as two Float32Arrays (scores of positive items, scores
 * of negative items). ROC-AUC, average precision and the curves depend on the order of all scores,
 * so they need every score: memory is O(n), 4 bytes per item (plus growth slack). Splitting by
 * class means no label array and no index sort: each side is sorted natively and the two sorted
 * runs are walked together. Merging two stores (workers, shards) concatenates them, which is exact
 * because the metrics depend only on the multiset of (score, label) pairs.
 *
 * Scores are rounded to float32, like the `scores` column of a predictions file: two doubles that
 * differ by less than float32 resolution become a tie.
 */
import { GrowableArray, growableFloat32 } from '../util/growable.js';
import { sortFloat32 } from './sort-float32.js';

export interface ScoreRange {
  min: number;
  max: number;
}

/** Scores are probabilities unless a caller says otherwise (e.g. logits: -Infinity..Infinity). */
export const PROBABILITY_RANGE: ScoreRange = { min: 0, max: 1 };

/** One side's scores; sorted in place when asked (order inside the store carries no meaning). */
class ScoreColumn {
  private readonly values: GrowableArray<Float32Array>;
  private sorted: boolean;

  constructor(capacity: number, initial?: Float32Array) {
    this.values = initial
      ? new GrowableArray((n) => new Float32Array(n), 0, initial)
      : growableFloat32(capacity);
    this.sorted = initial === undefined || initial.length === 0;
  }

  get length(): number {
    return this.values.length;
  }

  push(value: number): void {
    this.values.push(value);
    this.sorted = false;
  }

  append(values: Float32Array): void {
    if (values.length === 0) return;
    this.values.append(values);
    this.sorted = false;
  }

  /** Ascending view; sorts in place once. */
  sortedView(): Float32Array {
    const view = this.values.view();
    if (!this.sorted) {
      sortFloat32(view);
      this.sorted = true;
    }
    return view;
  }

  view(): Float32Array {
    return this.values.view();
  }
}

export class BinaryScoreStore {
  readonly range: ScoreRange;
  private readonly pos: ScoreColumn;
  private readonly neg: ScoreColumn;

  constructor(
    options: { range?: ScoreRange; initialCapacity?: number } = {},
    sides?: { positives: Float32Array; negatives: Float32Array },
  ) {
    this.range = options.range ?? PROBABILITY_RANGE;
    const capacity = options.initialCapacity ?? 1024;
    this.pos = new ScoreColumn(capacity, sides?.positives);
    this.neg = new ScoreColumn(capacity, sides?.negatives);
  }

  /**
   * A store that takes over these arrays (checked like `add`, -0 made +0, then owned and sorted
   * in place by the store): the bulk form of `add` for scores already split by class.
   */
  static fromSides(positives: Float32Array, negatives: Float32Array, range?: ScoreRange): BinaryScoreStore {
    const store = new BinaryScoreStore(range ? { range } : {}, { positives, negatives });
    const checkAll = (values: Float32Array, offset: number) => {
      for (let i = 0; i < values.length; i++) {
        store.check(values[i]!, offset + i);
        if (values[i] === 0) values[i] = 0;
      }
    };
    checkAll(positives, 0);
    checkAll(negatives, positives.length);
    return store;
  }

  get positives(): number {
    return this.pos.length;
  }

  get negatives(): number {
    return this.neg.length;
  }

  get size(): number {
    return this.pos.length + this.neg.length;
  }

  /**
   * Add one item. Callers validate user data first; a NaN or out-of-range score reaching this
   * point is a programming error, reported as a RangeError naming the item's index in this store.
   */
  add(score: number, positive: boolean | number): void {
    this.check(score, this.size);
    // +0 normalises -0 so that the two zeros never sort apart.
    if (positive === true || positive === 1) this.pos.push(score + 0);
    else if (positive === false || positive === 0) this.neg.push(score + 0);
    else throw new RangeError(`label at index ${this.size} must be 0/1 or boolean, got ${String(positive)}`);
  }

  addAll(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): void {
    if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
    for (let i = 0; i < scores.length; i++) this.add(scores[i]!, labels[i]!);
  }

  merge(other: BinaryScoreStore): this {
    this.pos.append(other.pos.view());
    this.neg.append(other.neg.view());
    return this;
  }

  /** Scores of positive items, ascending (sorted on first call after an addition). */
  sortedPositives(): Float32Array {
    return this.pos.sortedView();
  }

  sortedNegatives(): Float32Array {
    return this.neg.sortedView();
  }

  private check(score: number, index: number): void {
    if (Number.isNaN(score)) throw new RangeError(`score at index ${index} is NaN`);
    if (score < this.range.min || score > this.range.max) {
      throw new RangeError(
        `score at index ${index} is ${score}, outside [${this.range.min}, ${this.range.max}]`,
      );
    }
  }
}

/**
 * Walks the distinct score values of two ascending arrays from the highest down. After each
 * `next()`, `threshold` is the current distinct score and `tp`/`fp` count the positive/negative
 * items with score >= threshold: one ROC/PR point per tied group.
 */
export class ThresholdWalker {
  threshold = Number.POSITIVE_INFINITY;
  tp = 0;
  fp = 0;
  private i: number;
  private j: number;

  constructor(
    private readonly pos: Float32Array,
    private readonly neg: Float32Array,
  ) {
    this.i = pos.length - 1;
    this.j = neg.length - 1;
  }

  next(): boolean {
    const { pos, neg } = this;
    let i = this.i;
    let j = this.j;
    if (i < 0 && j < 0) return false;
    const t = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    while (i >= 0 && pos[i] === t) i--;
    while (j >= 0 && neg[j] === t) j--;
    this.tp = pos.length - 1 - i;
    this.fp = neg.length - 1 - j;
    this.i = i;
    this.j = j;
    this.threshold = t;
    return true;
  }
}

/** Number of values >= t in an ascending array (binary search). */
export function countAtLeast(sorted: Float32Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}
