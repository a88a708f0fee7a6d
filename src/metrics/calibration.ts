import type {
  BrierReport,
  CalibrationBinsJson,
  CalibrationReport,
  CalibrationVariant,
  ReliabilityBin,
} from '../contracts/metric-results.js';
import { type BinaryScoreStore, ThresholdWalker } from './score-store.js';

/**
 * Calibration: expected calibration error (ECE), reliability diagrams and the Brier score.
 *
 * Both ECE variants reduce to (confidence, outcome) pairs:
 * - positive-class (binary): confidence = P(positive), outcome = the item is positive;
 * - top-label (multiclass): confidence = the largest class probability, outcome = that class
 *   (the first one on ties, as argmax) is the true class.
 * ECE = sum over bins of (count_b / n) * |mean outcome_b - mean confidence_b|.
 *
 * Uniform-width bins are O(M) state and merge by adding counts (sums of confidences are float64
 * sums, equal to a single pass up to rounding). Equal-mass bins depend on the quantiles of all
 * confidences, so they are computed from a BinaryScoreStore (O(n), outcome as the label).
 */

/** Largest probability and whether its class (first on ties) is the true one. */
export function topLabel(
  probs: ArrayLike<number>,
  trueIdx: number,
): { confidence: number; correct: boolean } {
  const best = argmaxRow(probs, 0, probs.length);
  return { confidence: probs[best]!, correct: best === trueIdx };
}

/**
 * Index (0..k-1) of the largest of flat[offset .. offset + k), the first on ties. Rows of a flat
 * scores array (an Arrow FixedSizeList<Float32> child) are read in place, with no per-row view.
 */
export function argmaxRow(flat: ArrayLike<number>, offset: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (flat[offset + j]! > flat[offset + best]!) best = j;
  return best;
}

function checkProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${what} must be a probability in [0, 1], got ${p}`);
}

function checkWeight(weight: number): void {
  if (!(weight >= 0 && Number.isFinite(weight)))
    throw new RangeError(`weight must be finite and >= 0, got ${weight}`);
}

/**
 * Uniform-width bin of a confidence: bin 0 is [0, 1/M], bin i > 0 is (i/M, (i+1)/M]. Edges are
 * i/M in float64; the first guess from ceil(c*M) is corrected against them so that a confidence
 * equal to an edge always lands in the lower bin.
 */
export function uniformBinIndex(confidence: number, bins: number): number {
  let i = Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
  while (i > 0 && confidence <= i / bins) i--;
  while (i < bins - 1 && confidence > (i + 1) / bins) i++;
  return i;
}

export class UniformCalibrationBins {
  readonly count: Float64Array;
  readonly sumConfidence: Float64Array;
  readonly sumOutcome: Float64Array;

  constructor(
    readonly bins: number,
    readonly variant: CalibrationVariant,
  ) {
    if (!(Number.isInteger(bins) && bins >= 1))
      throw new RangeError(`bins must be an integer >= 1, got ${bins}`);
    this.count = new Float64Array(bins);
    this.sumConfidence = new Float64Array(bins);
    this.sumOutcome = new Float64Array(bins);
  }

  /** Count one (confidence, outcome) pair. */
  add(confidence: number, outcome: boolean | number, weight = 1): void {
    checkProbability(confidence, 'confidence');
    if (weight !== 1) checkWeight(weight);
    const b = uniformBinIndex(confidence, this.bins);
    this.count[b]! += weight;
    this.sumConfidence[b]! += weight * confidence;
    if (outcome === true || outcome === 1) this.sumOutcome[b]! += weight;
  }

  /** Positive-class variant: P(positive) and the golden label (1/true = positive). */
  addBinary(pPositive: number, positive: boolean | number, weight = 1): void {
    this.add(pPositive, positive, weight);
  }

  /** Top-label variant: the class probabilities of one item and its true class index. */
  addTopLabel(probs: ArrayLike<number>, trueIdx: number, weight = 1): void {
    this.addTopLabelRow(probs, 0, probs.length, trueIdx, weight);
  }

  /** Top-label variant for row `offset / k` of a flat row-major probability array. */
  addTopLabelRow(flat: ArrayLike<number>, offset: number, k: number, trueIdx: number, weight = 1): void {
    const best = argmaxRow(flat, offset, k);
    this.add(flat[offset + best]!, best === trueIdx, weight);
  }

  merge(other: UniformCalibrationBins): this {
    if (other.bins !== this.bins || other.variant !== this.variant) {
      throw new RangeError('cannot merge calibration bins with different bin counts or variants');
    }
    for (let b = 0; b < this.bins; b++) {
      this.count[b]! += other.count[b]!;
      this.sumConfidence[b]! += other.sumConfidence[b]!;
      this.sumOutcome[b]! += other.sumOutcome[b]!;
    }
    return this;
  }

  toJSON(): CalibrationBinsJson {
    return {
      variant: this.variant,
      bins: this.bins,
      count: Array.from(this.count),
      sumConfidence: Array.from(this.sumConfidence),
      sumOutcome: Array.from(this.sumOutcome),
    };
  }

  static fromJSON(json: CalibrationBinsJson): UniformCalibrationBins {
    const acc = new UniformCalibrationBins(json.bins, json.variant);
    if ([json.count, json.sumConfidence, json.sumOutcome].some((a) => a.length !== json.bins)) {
      throw new RangeError(`calibration bin arrays must have ${json.bins} entries`);
    }
    acc.count.set(json.count);
    acc.sumConfidence.set(json.sumConfidence);
    acc.sumOutcome.set(json.sumOutcome);
    return acc;
  }

  report(): CalibrationReport {
    const reliability: ReliabilityBin[] = [];
    for (let b = 0; b < this.bins; b++) {
      reliability.push(
        binOf(
          b / this.bins,
          (b + 1) / this.bins,
          this.count[b]!,
          this.sumConfidence[b]!,
          this.sumOutcome[b]!,
        ),
      );
    }
    return summarise(this.variant, 'uniform', this.bins, reliability);
  }
}

function binOf(lo: number, hi: number, count: number, sumConf: number, sumOutcome: number): ReliabilityBin {
  return {
    lo,
    hi,
    count,
    meanConfidence: count === 0 ? null : sumConf / count,
    accuracy: count === 0 ? null : sumOutcome / count,
  };
}

function summarise(
  variant: CalibrationVariant,
  binning: CalibrationReport['binning'],
  bins: number,
  reliability: ReliabilityBin[],
): CalibrationReport {
  let n = 0;
  for (const bin of reliability) n += bin.count;
  let ece = 0;
  let mce = 0;
  for (const bin of reliability) {
    if (bin.count === 0) continue;
    const gap = Math.abs(bin.accuracy! - bin.meanConfidence!);
    ece += (bin.count / n) * gap;
    mce = Math.max(mce, gap);
  }
  return { variant, binning, bins, n, ece: n === 0 ? null : ece, mce: n === 0 ? null : mce, reliability };
}

/**
 * Equal-mass binning from stored (confidence, outcome) pairs: bin boundaries sit at ranks
 * floor(b·n/M) of the ascending confidences, but a run of equal confidences is never split (a tie
 * cannot be ordered by outcome without making the result depend on input order): a run crossing a
 * boundary goes wholly to the higher bin, so bins can be uneven and fewer than M. `lo`/`hi` are the
 * smallest and largest confidence in each bin.
 */
export function equalMassCalibration(
  store: BinaryScoreStore,
  bins: number,
  variant: CalibrationVariant,
): CalibrationReport {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be an integer >= 1, got ${bins}`);
  const pos = store.sortedPositives();
  const neg = store.sortedNegatives();
  const n = pos.length + neg.length;
  const reliability: ReliabilityBin[] = [];
  // The walker yields tie groups from the highest confidence down, so bins are closed from the top:
  // bin b is complete once no more than floor(b·n/M) items remain below it.
  const w = new ThresholdWalker(pos, neg);
  let bin = bins - 1;
  let below = Math.floor((bin * n) / bins);
  let prevTp = 0;
  let prevFp = 0;
  let start = { tp: 0, fp: 0, hi: 0 };
  let sumConf = 0;
  let open = false;
  while (w.next()) {
    const groupPos = w.tp - prevTp;
    const groupNeg = w.fp - prevFp;
    if (!open) {
      start = { tp: prevTp, fp: prevFp, hi: w.threshold };
      sumConf = 0;
      open = true;
    }
    sumConf += w.threshold * (groupPos + groupNeg);
    prevTp = w.tp;
    prevFp = w.fp;
    const remaining = n - w.tp - w.fp;
    if (remaining <= below) {
      const count = w.tp + w.fp - start.tp - start.fp;
      const bucket = binOf(w.threshold, start.hi, count, sumConf, w.tp - start.tp);
      reliability.push(bucket);
      open = false;
      while (bin > 0 && remaining <= below) {
        bin--;
        below = Math.floor((bin * n) / bins);
      }
    }
  }
  reliability.reverse();
  return summarise(variant, 'equal-mass', bins, reliability);
}

/** Mergeable Brier score accumulator; see BrierReport for the two definitions. */
export class BrierAccumulator {
  private sum = 0;
  private n = 0;

  constructor(readonly definition: BrierReport['definition']) {}

  /** Binary definition: (p - y)^2 for P(positive) = p and y in {0, 1}. */
  addBinary(pPositive: number, positive: boolean | number, weight = 1): void {
    if (this.definition !== 'binary') throw new RangeError('addBinary on a multiclass Brier accumulator');
    checkProbability(pPositive, 'P(positive)');
    if (weight !== 1) checkWeight(weight);
    const y = positive === true || positive === 1 ? 1 : 0;
    this.sum += weight * (pPositive - y) ** 2;
    this.n += weight;
  }

  /** Multiclass definition: sum over classes of (p_k - [k = true])^2. */
  addMulticlass(probs: ArrayLike<number>, trueIdx: number, weight = 1): void {
    this.addMulticlassRow(probs, 0, probs.length, trueIdx, weight);
  }

  /** Multiclass definition for row `offset / k` of a flat row-major probability array. */
  addMulticlassRow(flat: ArrayLike<number>, offset: number, k: number, trueIdx: number, weight = 1): void {
    if (this.definition !== 'multiclass-sum-of-squares') {
      throw new RangeError('addMulticlass on a binary Brier accumulator');
    }
    if (!(trueIdx >= 0 && trueIdx < k)) throw new RangeError(`true class ${trueIdx} out of range`);
    if (weight !== 1) checkWeight(weight);
    let s = 0;
    for (let j = 0; j < k; j++) {
      const p = flat[offset + j]!;
      checkProbability(p, `probability of class ${j}`);
      s += (p - (j === trueIdx ? 1 : 0)) ** 2;
    }
    this.sum += weight * s;
    this.n += weight;
  }

  merge(other: BrierAccumulator): this {
    if (other.definition !== this.definition)
      throw new RangeError('cannot merge Brier scores of different definitions');
    this.sum += other.sum;
    this.n += other.n;
    return this;
  }

  report(): BrierReport {
    return { definition: this.definition, n: this.n, brier: this.n === 0 ? null : this.sum / this.n };
  }
}
