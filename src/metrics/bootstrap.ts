import type { Interval } from '../contracts/metric-results.js';
import { Xoshiro128 } from '../util/prng.js';
import { ConfusionMatrix } from './confusion.js';
import { multinomial } from './sampling.js';

/**
 * Percentile bootstrap confidence intervals, for one model and paired (two models resampled on the
 * same items, giving the interval of the difference A - B).
 *
 * Each item is reduced to a small integer "cell" (for confusion-based metrics: true * K + predicted)
 * and a metric is a function of cell counts. Drawing n items with replacement and counting their
 * cells is a multinomial draw of n over the cell frequencies, so a replicate is sampled directly
 * as one multinomial (conditional binomials, see sampling.ts): O(cells * sqrt(n)) per replicate
 * instead of n uniform draws, the same distribution. Paired resampling draws over the joint
 * (cell A, cell B) of each item, so both models see the same resampled items.
 * Deterministic given the seed (xoshiro128**, see prng.ts).
 */

export interface BootstrapOptions {
  /** Number of replicates, default 1000. */
  resamples?: number;
  /** Interval coverage, default 0.95. */
  level?: number;
  /** PRNG seed, default 0. */
  seed?: number;
}

/** A metric from cell counts; null when undefined for that sample (excluded from the percentiles). */
export type CellStatistic = (counts: Float64Array) => number | null;

/** Linear-interpolated quantile of ascending values (numpy's default "linear" method). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function resolve(options: BootstrapOptions): { resamples: number; level: number; seed: number } {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(resamples) && resamples >= 1))
    throw new RangeError(`resamples must be >= 1, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return { resamples, level, seed };
}

/** The non-empty cells of a count vector: their keys and counts. */
function nonEmpty(counts: Float64Array): { keys: number[]; weights: Float64Array; n: number } {
  const keys: number[] = [];
  const w: number[] = [];
  let n = 0;
  counts.forEach((c, key) => {
    if (c === 0) return;
    keys.push(key);
    w.push(c);
    n += c;
  });
  return { keys, weights: Float64Array.from(w), n };
}

/** Largest joint cell space counted in a dense array; beyond it (many classes) a Map is used. */
const DENSE_JOINT_LIMIT = 1 << 16;

/** Non-empty joint cells (key = cellA * numCellsB + cellB), in ascending key order. */
function jointNonEmpty(
  cellsA: ArrayLike<number>,
  cellsB: ArrayLike<number>,
  numCellsB: number,
  space: number,
): { keys: number[]; weights: Float64Array; n: number } {
  if (space <= DENSE_JOINT_LIMIT) {
    const joint = new Float64Array(space);
    for (let i = 0; i < cellsA.length; i++) joint[cellsA[i]! * numCellsB + cellsB[i]!]!++;
    return nonEmpty(joint);
  }
  const sparse = new Map<number, number>();
  for (let i = 0; i < cellsA.length; i++) {
    const key = cellsA[i]! * numCellsB + cellsB[i]!;
    sparse.set(key, (sparse.get(key) ?? 0) + 1);
  }
  const keys = [...sparse.keys()].sort((a, b) => a - b);
  return { keys, weights: Float64Array.from(keys, (k) => sparse.get(k)!), n: cellsA.length };
}

function checkCells(cells: ArrayLike<number>, numCells: number, what: string): void {
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < numCells)) {
      throw new RangeError(`${what} cell at index ${i} is ${c}, outside 0..${numCells - 1}`);
    }
  }
}

/** A percentile interval from a statistic's point estimate and its defined replicate values. */
export function percentileInterval(
  estimate: number | null,
  replicates: number[],
  undefinedResamples: number,
  level: number,
  resamples: number,
  seed: number | null,
  method: Interval['method'],
): Interval {
  replicates.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const defined = replicates.length > 0;
  return {
    estimate,
    low: defined ? quantileSorted(replicates, alpha) : null,
    high: defined ? quantileSorted(replicates, 1 - alpha) : null,
    level,
    method,
    resamples,
    undefinedResamples,
    seed,
  };
}

/** Percentile bootstrap interval of a statistic of one model. */
export function bootstrapCells(
  cells: ArrayLike<number>,
  numCells: number,
  statistic: CellStatistic,
  options: BootstrapOptions = {},
): Interval {
  const { resamples, level, seed } = resolve(options);
  checkCells(cells, numCells, 'item');
  const full = new Float64Array(numCells);
  for (let i = 0; i < cells.length; i++) full[cells[i]!]!++;
  const estimate = statistic(full);
  const { keys, weights, n } = nonEmpty(full);
  const rng = new Xoshiro128(seed);
  const draw = new Float64Array(keys.length);
  const counts = new Float64Array(numCells);
  const replicates: number[] = [];
  let undefinedCount = 0;
  for (let r = 0; r < resamples && n > 0; r++) {
    multinomial(rng, n, weights, draw);
    for (let j = 0; j < keys.length; j++) counts[keys[j]!] = draw[j]!;
    const value = statistic(counts);
    if (value === null || Number.isNaN(value)) undefinedCount++;
    else replicates.push(value);
  }
  if (n === 0) undefinedCount = resamples;
  return percentileInterval(
    estimate,
    replicates,
    undefinedCount,
    level,
    resamples,
    seed,
    'percentile-bootstrap',
  );
}

/**
 * Paired percentile bootstrap of statisticA(A) - statisticB(B): every replicate resamples the same
 * items for both models. Also reports the fraction of replicates with delta <= 0.
 */
export function pairedBootstrapCells(
  cellsA: ArrayLike<number>,
  numCellsA: number,
  statisticA: CellStatistic,
  cellsB: ArrayLike<number>,
  numCellsB: number,
  statisticB: CellStatistic,
  options: BootstrapOptions = {},
): Interval {
  const { resamples, level, seed } = resolve(options);
  if (cellsA.length !== cellsB.length)
    throw new RangeError('paired bootstrap needs the same items for both models');
  checkCells(cellsA, numCellsA, 'model A');
  checkCells(cellsB, numCellsB, 'model B');
  const fullA = new Float64Array(numCellsA);
  const fullB = new Float64Array(numCellsB);
  for (let i = 0; i < cellsA.length; i++) {
    fullA[cellsA[i]!]!++;
    fullB[cellsB[i]!]!++;
  }
  const a0 = statisticA(fullA);
  const b0 = statisticB(fullB);
  const estimate = a0 === null || b0 === null ? null : a0 - b0;
  const { keys, weights, n } = jointNonEmpty(cellsA, cellsB, numCellsB, numCellsA * numCellsB);
  const rng = new Xoshiro128(seed);
  const draw = new Float64Array(keys.length);
  const countsA = new Float64Array(numCellsA);
  const countsB = new Float64Array(numCellsB);
  const replicates: number[] = [];
  let undefinedCount = n === 0 ? resamples : 0;
  let atMostZero = 0;
  for (let r = 0; r < resamples && n > 0; r++) {
    multinomial(rng, n, weights, draw);
    countsA.fill(0);
    countsB.fill(0);
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      countsA[Math.floor(key / numCellsB)]! += draw[j]!;
      countsB[key % numCellsB]! += draw[j]!;
    }
    const a = statisticA(countsA);
    const b = statisticB(countsB);
    if (a === null || b === null || Number.isNaN(a - b)) {
      undefinedCount++;
      continue;
    }
    const delta = a - b;
    if (delta <= 0) atMostZero++;
    replicates.push(delta);
  }
  const result = percentileInterval(
    estimate,
    replicates,
    undefinedCount,
    level,
    resamples,
    seed,
    'percentile-bootstrap',
  );
  return { ...result, fractionAtMostZero: replicates.length === 0 ? 0 : atMostZero / replicates.length };
}

function confusionStatistic(
  labels: readonly string[],
  metric: (cm: ConfusionMatrix) => number | null,
): CellStatistic {
  const cm = new ConfusionMatrix(labels);
  return (counts) => {
    cm.counts.set(counts);
    return metric(cm);
  };
}

function confusionCells(trueIdx: ArrayLike<number>, predIdx: ArrayLike<number>, k: number): Uint32Array {
  if (trueIdx.length !== predIdx.length) throw new RangeError('true and predicted arrays differ in length');
  const cells = new Uint32Array(trueIdx.length);
  for (let i = 0; i < cells.length; i++) {
    const t = trueIdx[i]!;
    const p = predIdx[i]!;
    if (!(Number.isInteger(t) && t >= 0 && t < k)) throw new RangeError(`true class at index ${i} is ${t}`);
    if (!(Number.isInteger(p) && p >= 0 && p < k))
      throw new RangeError(`predicted class at index ${i} is ${p}`);
    cells[i] = t * k + p;
  }
  return cells;
}

/** Bootstrap interval of any confusion-matrix metric (e.g. macro F1) of one model. */
export function bootstrapConfusionMetric(
  labels: readonly string[],
  trueIdx: ArrayLike<number>,
  predIdx: ArrayLike<number>,
  metric: (cm: ConfusionMatrix) => number | null,
  options: BootstrapOptions = {},
): Interval {
  const k = labels.length;
  return bootstrapCells(
    confusionCells(trueIdx, predIdx, k),
    k * k,
    confusionStatistic(labels, metric),
    options,
  );
}

/** Paired bootstrap interval of metric(A) - metric(B) for two models on the same golden labels. */
export function pairedBootstrapConfusionMetric(
  labels: readonly string[],
  trueIdx: ArrayLike<number>,
  predA: ArrayLike<number>,
  predB: ArrayLike<number>,
  metric: (cm: ConfusionMatrix) => number | null,
  options: BootstrapOptions = {},
): Interval {
  const k = labels.length;
  return pairedBootstrapCells(
    confusionCells(trueIdx, predA, k),
    k * k,
    confusionStatistic(labels, metric),
    confusionCells(trueIdx, predB, k),
    k * k,
    confusionStatistic(labels, metric),
    options,
  );
}

/** One value of an exhaustive bootstrap distribution and how many of the n^n resamples give it. */
export interface WeightedValue {
  value: number;
  count: number;
}

const MAX_EXHAUSTIVE_ITEMS = 12;

/**
 * The exact bootstrap distribution of a statistic over all n^n ordered resamples of n items, by
 * enumerating multiplicity vectors (c_1..c_n, sum n) with multinomial weights n!/prod(c_i!).
 * For tiny samples and for checking the Monte Carlo bootstrap; n <= 12.
 */
export function exhaustiveBootstrapDistribution(
  n: number,
  statistic: (multiplicities: Uint32Array) => number,
): WeightedValue[] {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_EXHAUSTIVE_ITEMS)) {
    throw new RangeError(`exhaustive bootstrap supports 1..${MAX_EXHAUSTIVE_ITEMS} items, got ${n}`);
  }
  const factorial = [1];
  for (let i = 1; i <= n; i++) factorial.push(factorial[i - 1]! * i);
  const mult = new Uint32Array(n);
  const byValue = new Map<number, number>();
  const visit = (item: number, left: number, denom: number): void => {
    if (item === n - 1) {
      mult[item] = left;
      const weight = factorial[n]! / (denom * factorial[left]!);
      const v = statistic(mult);
      byValue.set(v, (byValue.get(v) ?? 0) + weight);
      return;
    }
    for (let c = 0; c <= left; c++) {
      mult[item] = c;
      visit(item + 1, left - c, denom * factorial[c]!);
    }
  };
  visit(0, n, 1);
  return [...byValue.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => a.value - b.value);
}

/** Linear-interpolated quantile of a distribution given as sorted (value, count) pairs. */
export function quantileWeighted(dist: readonly WeightedValue[], q: number): number {
  const total = dist.reduce((s, d) => s + d.count, 0);
  const h = (total - 1) * q;
  const lo = Math.floor(h);
  const at = (rank: number): number => {
    let seen = 0;
    for (const d of dist) {
      seen += d.count;
      if (rank < seen) return d.value;
    }
    return dist[dist.length - 1]!.value;
  };
  const vLo = at(lo);
  return vLo + (h - lo) * (at(Math.min(lo + 1, total - 1)) - vLo);
}

/**
 * Exhaustive paired bootstrap of the difference in mean per-item correctness (accuracy) of two
 * models: every one of the n^n resamples, so the interval has no Monte Carlo error.
 */
export function exhaustivePairedAccuracyBootstrap(
  correctA: ArrayLike<number | boolean>,
  correctB: ArrayLike<number | boolean>,
  level = 0.95,
): { interval: Interval; distribution: WeightedValue[]; mean: number } {
  const n = correctA.length;
  if (correctB.length !== n) throw new RangeError('paired bootstrap needs the same items for both models');
  const diff = Array.from(
    { length: n },
    (_, i) => Number(Boolean(correctA[i])) - Number(Boolean(correctB[i])),
  );
  const distribution = exhaustiveBootstrapDistribution(n, (m) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += m[i]! * diff[i]!;
    return s / n;
  });
  const total = n ** n;
  let mean = 0;
  let atMostZero = 0;
  for (const d of distribution) {
    mean += (d.value * d.count) / total;
    if (d.value <= 0) atMostZero += d.count;
  }
  const alpha = (1 - level) / 2;
  return {
    interval: {
      estimate: diff.reduce((a, b) => a + b, 0) / n,
      low: quantileWeighted(distribution, alpha),
      high: quantileWeighted(distribution, 1 - alpha),
      level,
      method: 'exhaustive-bootstrap',
      resamples: total,
      undefinedResamples: 0,
      seed: null,
      fractionAtMostZero: atMostZero / total,
    },
    distribution,
    mean,
  };
}
