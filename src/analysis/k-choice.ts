import { kmeans } from 'ml-kmeans';
import { Xoshiro128 } from '../util/prng.js';

/**
 * The number of clusters in one confusion cell: k-means (ml-kmeans, k-means++ seeded) for every
 * k the cell's size allows, keeping the partition with the best mean silhouette.
 */

/** The cluster options that bound the search for k. */
export interface KChoiceOptions {
  maxK: number;
  minClusterSize: number;
  maxSilhouette: number;
}

function sq(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

export function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? 1 - dot / Math.sqrt(na * nb) : 1;
}

/** Mean silhouette (Rousseeuw 1987) with Euclidean distance; singletons score 0. */
export function silhouette(
  points: readonly (readonly number[])[],
  labels: readonly number[],
  k: number,
): number {
  const n = points.length;
  if (n < 2 || k < 2) return 0;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sums = new Array<number>(k).fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += Math.sqrt(sq(points[i]!, points[j]!));
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/** Seeded sample of `m` distinct indices from 0..n-1, returned in ascending order. */
export function sample(n: number, m: number, rng: Xoshiro128): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, m).sort((a, b) => a - b);
}

export interface KChoice {
  k: number;
  labels: number[];
  centroids: number[][];
  silhouette: number | null;
  tried: { k: number; silhouette: number }[];
}

export function chooseK(points: number[][], opts: KChoiceOptions, seed: number): KChoice {
  const n = points.length;
  const maxK = Math.min(opts.maxK, Math.floor(n / opts.minClusterSize));
  if (maxK < 2) {
    const centroid = points[0]!.map((_, d) => points.reduce((s, p) => s + p[d]!, 0) / n);
    return { k: 1, labels: new Array<number>(n).fill(0), centroids: [centroid], silhouette: null, tried: [] };
  }
  const rng = new Xoshiro128(seed);
  const probe = sample(n, opts.maxSilhouette, rng);
  const tried: { k: number; silhouette: number }[] = [];
  let best: (KChoice & { ok: boolean }) | undefined;
  for (let k = 2; k <= maxK; k++) {
    const r = kmeans(points, k, { seed: seed + k, initialization: 'kmeans++', maxIterations: 100 });
    // Relabel clusters by first appearance, so labels do not depend on initialisation order.
    const order = new Map<number, number>();
    for (const c of r.clusters) if (!order.has(c)) order.set(c, order.size);
    const labels = r.clusters.map((c) => order.get(c)!);
    const centroids = new Array<number[]>(order.size);
    for (const [old, now] of order) centroids[now] = r.centroids[old]!;
    const kk = order.size;
    const s = silhouette(
      probe.map((i) => points[i]!),
      probe.map((i) => labels[i]!),
      kk,
    );
    tried.push({ k, silhouette: s });
    // k-means may leave a near-singleton; a partition with a cluster under half the minimum size
    // only competes when no k avoids one.
    const sizes = new Array<number>(kk).fill(0);
    for (const l of labels) sizes[l]!++;
    const ok = Math.min(...sizes) >= Math.max(2, Math.floor(opts.minClusterSize / 2));
    const candidate = { k: kk, labels, centroids, silhouette: s, tried, ok };
    if (!best || (ok && !best.ok) || (ok === best.ok && s > best.silhouette! + 1e-12)) best = candidate;
  }
  const { ok: _ok, ...chosen } = best!;
  return { ...chosen, tried };
}
