import type { CalibrationReport } from '../contracts/metric-results.js';
import type { ProportionMethod } from '../contracts/proportion-method.js';
import { uniformBinIndex } from './calibration.js';
import { proportionInterval } from './proportion.js';

/**
 * What a reader needs to believe a reliability diagram: each bin's observed frequency with its
 * proportion interval (a bin of 3 items says little), a flag on bins below a minimum count, and
 * the bin of every item so that ECE can be bootstrapped with the bins held fixed.
 */

/** Equal-mass bins for n items: about `minItems` per bin at least, at most `bins`, at least one. */
export function adaptiveBinCount(n: number, bins: number, minItems: number): number {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be an integer >= 1, got ${bins}`);
  if (!(Number.isInteger(minItems) && minItems >= 1))
    throw new RangeError(`minimum items per bin must be an integer >= 1, got ${minItems}`);
  return Math.max(1, Math.min(bins, Math.floor(n / minItems)));
}

/**
 * The report with every non-empty bin's interval for its observed frequency (successes = items
 * with the outcome, trials = items in the bin) and `sparse` on bins under `minCount` items.
 */
export function withBinIntervals(
  report: CalibrationReport,
  level: number,
  method: ProportionMethod,
  minCount: number,
): CalibrationReport {
  let sparse = 0;
  const reliability = report.reliability.map((bin) => {
    if (bin.count === 0 || bin.accuracy === null) return { ...bin, interval: null, sparse: false };
    // accuracy · count recovers the integer count of outcomes up to rounding.
    const successes = Math.min(bin.count, Math.max(0, Math.round(bin.accuracy * bin.count * 1e9) / 1e9));
    const iv = proportionInterval(successes, bin.count, level, method);
    const isSparse = bin.count < minCount;
    if (isSparse) sparse++;
    return { ...bin, interval: iv, sparse: isSparse };
  });
  return { ...report, reliability, sparseBins: sparse, minBinCount: minCount };
}

/**
 * The bin of each confidence under the bins of `report`: the equal-width rule for uniform bins;
 * for equal-mass bins the bin whose [lo, hi] holds it (bins are disjoint confidence ranges because
 * ties are never split). -1 for a confidence outside every bin (not one of the binned values).
 */
export function assignBins(confidence: ArrayLike<number>, report: CalibrationReport): Int32Array {
  const out = new Int32Array(confidence.length);
  if (report.binning === 'uniform') {
    for (let i = 0; i < confidence.length; i++) out[i] = uniformBinIndex(confidence[i]!, report.bins);
    return out;
  }
  const bins = report.reliability;
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i]!;
    let lo = 0;
    let hi = bins.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = bins[mid]!;
      if (c < b.lo) hi = mid - 1;
      else if (c > b.hi) lo = mid + 1;
      else {
        found = mid;
        break;
      }
    }
    out[i] = found;
  }
  return out;
}

/**
 * ECE of items weighted by `weights` (a bootstrap replicate's multiplicities; all 1 for the
 * sample itself), with each item's bin fixed in `binOf`: sum over bins of
 * (weight_b / W) · |mean outcome_b − mean confidence_b|. Null when the total weight is 0.
 */
export function eceWithFixedBins(
  binOf: Int32Array,
  bins: number,
  confidence: ArrayLike<number>,
  outcome: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number | null {
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < binOf.length; i++) {
    const w = weights ? weights[i]! : 1;
    const b = binOf[i]!;
    if (w === 0 || b < 0) continue;
    count[b]! += w;
    conf[b]! += w * confidence[i]!;
    if (outcome[i]) hits[b]! += w;
    total += w;
  }
  if (total === 0) return null;
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    ece += (count[b]! / total) * Math.abs(hits[b]! / count[b]! - conf[b]! / count[b]!);
  }
  return ece;
}
