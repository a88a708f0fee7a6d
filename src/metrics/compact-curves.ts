import type { PrCurve, RocCurve } from '../contracts/metric-results.js';
import { type BinaryScoreStore, ThresholdWalker } from './score-store.js';

/**
 * ROC and PR curves reduced for output (`downsampleRocCurve(rocCurve(store))` and the PR twin in
 * ranking.ts) without building the full curves as number arrays first: at 10 M distinct scores
 * those are ~600 MB per curve (boxed thresholds, growth copies). Here the full curve is held as
 * counts (two Uint32 and one Float32 per point, 12 bytes) and its coordinates are computed on
 * demand by the same expressions, so the points chosen and their values are the same.
 */

/** A curve's points as counts; point 0 is the conventional start (threshold null, stored NaN). */
interface CountCurve {
  len: number;
  tp: Uint32Array;
  fp: Uint32Array;
  threshold: Float32Array;
}

function distinctThresholds(store: BinaryScoreStore): number {
  const w = new ThresholdWalker(store.sortedPositives(), store.sortedNegatives());
  let count = 0;
  while (w.next()) count++;
  return count;
}

function countCurve(store: BinaryScoreStore, dropCollinear: boolean): CountCurve {
  const size = distinctThresholds(store) + 1;
  const tp = new Uint32Array(size);
  const fp = new Uint32Array(size);
  const threshold = new Float32Array(size);
  threshold[0] = Number.NaN;
  let len = 1;
  const w = new ThresholdWalker(store.sortedPositives(), store.sortedNegatives());
  while (w.next()) {
    const last = len - 1;
    // The same collinearity rule as rocCurve, on the same integer counts.
    if (dropCollinear && last >= 2) {
      const cross =
        (fp[last]! - fp[last - 1]!) * (w.tp - tp[last]!) - (tp[last]! - tp[last - 1]!) * (w.fp - fp[last]!);
      if (cross === 0) len--;
    }
    tp[len] = w.tp;
    fp[len] = w.fp;
    threshold[len] = w.threshold;
    len++;
  }
  return { len, tp, fp, threshold };
}

/**
 * Douglas-Peucker with a budget over coordinates given as functions (see simplifyCurveIndices in
 * ranking.ts, which calls this with array reads).
 */
export function simplifyIndices(
  len: number,
  x: (i: number) => number,
  y: (i: number) => number,
  maxPoints: number,
): number[] {
  if (maxPoints < 2) throw new RangeError('a downsampled curve keeps at least its two endpoints');
  if (len <= 2) return Array.from({ length: len }, (_, i) => i);
  interface Segment {
    a: number;
    b: number;
    far: number;
    dist: number;
  }
  const farthest = (a: number, b: number): Segment => {
    const dx = x(b) - x(a);
    const dy = y(b) - y(a);
    const norm = Math.hypot(dx, dy);
    let far = -1;
    let dist = 0;
    for (let i = a + 1; i < b; i++) {
      const ex = x(i) - x(a);
      const ey = y(i) - y(a);
      const d = norm === 0 ? Math.hypot(ex, ey) : Math.abs(dx * ey - dy * ex) / norm;
      if (d > dist) {
        dist = d;
        far = i;
      }
    }
    return { a, b, far, dist };
  };
  const kept = [0, len - 1];
  // Few segments (<= maxPoints), so a linear scan for the largest one is cheap next to the scans.
  const open: Segment[] = [farthest(0, len - 1)];
  while (kept.length < maxPoints) {
    let top = -1;
    for (let s = 0; s < open.length; s++) {
      if (open[s]!.far >= 0 && (top < 0 || open[s]!.dist > open[top]!.dist)) top = s;
    }
    if (top < 0) break;
    const seg = open[top]!;
    open.splice(top, 1);
    kept.push(seg.far);
    open.push(farthest(seg.a, seg.far), farthest(seg.far, seg.b));
  }
  return kept.sort((a, b) => a - b);
}

const thresholdAt = (c: CountCurve, i: number): number | null => (i === 0 ? null : c.threshold[i]!);

/** The ROC curve (collinear points dropped) reduced to at most `maxPoints`; null when a class is missing. */
export function compactRocCurve(store: BinaryScoreStore, maxPoints: number): RocCurve | null {
  const p = store.positives;
  const n = store.negatives;
  if (p === 0 || n === 0) return null;
  const c = countCurve(store, true);
  const fpr = (i: number) => c.fp[i]! / n;
  const tpr = (i: number) => c.tp[i]! / p;
  const idx = simplifyIndices(c.len, fpr, tpr, maxPoints);
  return { fpr: idx.map(fpr), tpr: idx.map(tpr), thresholds: idx.map((i) => thresholdAt(c, i)) };
}

/** The PR curve reduced to at most `maxPoints`; null without positives. */
export function compactPrCurve(store: BinaryScoreStore, maxPoints: number): PrCurve | null {
  const p = store.positives;
  if (p === 0) return null;
  const c = countCurve(store, false);
  const precision = (i: number) => (i === 0 ? 1 : c.tp[i]! / (c.tp[i]! + c.fp[i]!));
  const recall = (i: number) => (i === 0 ? 0 : c.tp[i]! / p);
  const idx = simplifyIndices(c.len, recall, precision, maxPoints);
  return {
    precision: idx.map(precision),
    recall: idx.map(recall),
    thresholds: idx.map((i) => thresholdAt(c, i)),
  };
}
