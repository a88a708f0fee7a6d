import type {
  FleissKappa,
  GwetAc1,
  KrippendorffAlpha,
  RatingTally,
  SizeTally,
} from '../contracts/agreement-report.js';
import { BadInputError } from '../util/errors.js';

/**
 * The per-size rating tally behind Fleiss' kappa, Krippendorff's alpha and Gwet's AC1: for each
 * number of ratings an item received, the summed per-category counts. Integer counts only, so
 * shards tallied apart merge to exactly the one-pass result.
 */

export type Row = readonly (number | null | undefined)[];
export type Table = readonly (readonly number[])[];

export const zeros = (k: number): number[] => new Array<number>(k).fill(0);
export const zeroMatrix = (k: number): number[][] => Array.from({ length: k }, () => zeros(k));

export function createRatingTally(categories: number): RatingTally {
  if (!Number.isInteger(categories) || categories < 1) {
    throw new BadInputError(`need at least one category, got ${categories}`);
  }
  return { categories, unrated: 0, sizes: [] };
}

export function sizeEntry(tally: RatingTally, raters: number): SizeTally {
  const { sizes } = tally;
  let lo = 0;
  let hi = sizes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sizes[mid]!.raters < raters) lo = mid + 1;
    else hi = mid;
  }
  const found = sizes[lo];
  if (found && found.raters === raters) return found;
  const fresh: SizeTally = {
    raters,
    items: 0,
    totals: zeros(tally.categories),
    pairs: zeroMatrix(tally.categories),
  };
  sizes.splice(lo, 0, fresh);
  return fresh;
}

/** Adds one item given as its per-category rating counts (the shape of Fleiss' table). */
export function addItemCounts(tally: RatingTally, counts: readonly number[], row?: number): RatingTally {
  const k = tally.categories;
  if (counts.length !== k) {
    throw new BadInputError(`item has ${counts.length} category counts, expected ${k}`, { row });
  }
  let m = 0;
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0) throw new BadInputError(`category count ${c} is not a count`, { row });
    m += c;
  }
  if (m === 0) {
    tally.unrated++;
    return tally;
  }
  const entry = sizeEntry(tally, m);
  entry.items++;
  for (let c = 0; c < k; c++) {
    const nc = counts[c]!;
    if (nc === 0) continue;
    entry.totals[c]! += nc;
    const pr = entry.pairs[c]!;
    for (let d = 0; d < k; d++) {
      const nd = counts[d]!;
      if (nd !== 0) pr[d]! += d === c ? nc * (nc - 1) : nc * nd;
    }
  }
  return tally;
}

/** Adds one item given as the category index each annotator chose (null = not rated). */
export function addItemRatings(tally: RatingTally, ratings: Row, row?: number): RatingTally {
  return addItemCounts(tally, countRow(ratings, tally.categories, row), row);
}

function countRow(ratings: Row, k: number, row?: number): number[] {
  const counts = zeros(k);
  for (let a = 0; a < ratings.length; a++) {
    const v = ratings[a];
    if (v === null || v === undefined) continue;
    checkCategory(v, k, row, a);
    counts[v]!++;
  }
  return counts;
}

export function checkCategory(v: number, k: number, row: number | undefined, annotator: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= k) {
    throw new BadInputError(`category index ${v} is outside 0..${k - 1}`, {
      row,
      field: `ratings[${annotator}]`,
    });
  }
}

export function mergeRatingTallies(a: RatingTally, b: RatingTally): RatingTally {
  if (a.categories !== b.categories) {
    throw new BadInputError(`cannot merge tallies over ${a.categories} and ${b.categories} categories`);
  }
  const out = createRatingTally(a.categories);
  out.unrated = a.unrated + b.unrated;
  for (const src of [a, b]) {
    for (const s of src.sizes) {
      const e = sizeEntry(out, s.raters);
      e.items += s.items;
      for (let c = 0; c < out.categories; c++) {
        e.totals[c]! += s.totals[c]!;
        for (let d = 0; d < out.categories; d++) e.pairs[c]![d]! += s.pairs[c]![d]!;
      }
    }
  }
  return out;
}

export function trace(m: Table): number {
  let t = 0;
  for (let i = 0; i < m.length; i++) t += m[i]![i]!;
  return t;
}

/**
 * Mean per-item agreement P̄ = mean over items with m ≥ 2 ratings of
 * Σ_c n_ic(n_ic − 1) / (m(m − 1)). Shared by Fleiss (P̄) and Gwet (p_a).
 */
function meanItemAgreement(tally: RatingTally): { items: number; value: number } {
  let items = 0;
  let sum = 0;
  for (const s of tally.sizes) {
    if (s.raters < 2) continue;
    items += s.items;
    sum += trace(s.pairs) / (s.raters * (s.raters - 1));
  }
  return { items, value: items > 0 ? sum / items : Number.NaN };
}

/**
 * Fleiss' kappa. With a varying number of ratings per item we use the common generalisation:
 * items with fewer than two ratings are dropped, P̄ averages each item's own pairwise agreement
 * Σ_c n_ic(n_ic−1)/(m_i(m_i−1)), and the category shares p_c pool all ratings of the kept items.
 * When every kept item has the same m this is exactly Fleiss (1971).
 */
export function fleissKappa(tally: RatingTally): FleissKappa {
  const k = tally.categories;
  const pooled = zeros(k);
  let ratings = 0;
  const kept = tally.sizes.filter((s) => s.raters >= 2 && s.items > 0);
  for (const s of kept) {
    for (let c = 0; c < k; c++) pooled[c]! += s.totals[c]!;
    ratings += s.raters * s.items;
  }
  const { items, value: pBar } = meanItemAgreement(tally);
  const shares = pooled.map((t) => (ratings > 0 ? t / ratings : 0));
  const base = { items, equalRaters: kept.length <= 1, categoryShares: shares };
  if (items === 0) {
    return { ...base, pBar: null, pExpected: null, kappa: null, reason: 'no item has two or more ratings' };
  }
  const pExpected = shares.reduce((acc, p) => acc + p * p, 0);
  if (pExpected >= 1) {
    return {
      ...base,
      pBar,
      pExpected,
      kappa: null,
      reason: 'every rating is the same category: chance agreement is 1',
    };
  }
  return { ...base, pBar, pExpected, kappa: (pBar - pExpected) / (1 - pExpected) };
}

/** Fleiss' kappa from an items × categories count table (each row: how many raters chose each category). */
export function fleissKappaFromCounts(counts: Table): FleissKappa {
  const k = counts[0]?.length ?? 0;
  const tally = createRatingTally(Math.max(k, 1));
  counts.forEach((row, i) => {
    addItemCounts(tally, row, i);
  });
  return fleissKappa(tally);
}

/** Coincidence matrix o_ck = Σ_u (ordered pairs (c,k) within unit u)/(m_u − 1), units with m_u ≥ 2 only. */
export function coincidenceMatrix(tally: RatingTally): number[][] {
  const k = tally.categories;
  const o = zeroMatrix(k);
  for (const s of tally.sizes) {
    if (s.raters < 2) continue;
    const w = s.raters - 1;
    for (let c = 0; c < k; c++) for (let d = 0; d < k; d++) o[c]![d]! += s.pairs[c]![d]! / w;
  }
  return o;
}

/**
 * Krippendorff's alpha, nominal metric, missing values allowed: α = 1 − D_o/D_e with
 * D_o = Σ_{c≠k} o_ck / n and D_e = Σ_{c≠k} n_c n_k / (n(n − 1)). Units with a single value are
 * not pairable and are dropped, as Krippendorff prescribes.
 */
export function krippendorffAlphaNominal(tally: RatingTally): KrippendorffAlpha {
  const k = tally.categories;
  const o = coincidenceMatrix(tally);
  let units = 0;
  const nc = zeros(k);
  for (const s of tally.sizes) {
    if (s.raters < 2) continue;
    units += s.items;
    for (let c = 0; c < k; c++) nc[c]! += s.totals[c]!;
  }
  const n = nc.reduce((a, b) => a + b, 0);
  const base = { pairableValues: n, units, coincidences: o };
  if (n < 2) {
    return {
      ...base,
      observedDisagreement: null,
      expectedDisagreement: null,
      alpha: null,
      reason: 'no unit has two or more values',
    };
  }
  let offObserved = 0;
  let offExpected = 0;
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) {
      if (c === d) continue;
      offObserved += o[c]![d]!;
      offExpected += nc[c]! * nc[d]!;
    }
  }
  const dObserved = offObserved / n;
  const dExpected = offExpected / (n * (n - 1));
  if (dExpected === 0) {
    return {
      ...base,
      observedDisagreement: dObserved,
      expectedDisagreement: 0,
      alpha: null,
      reason: 'all pairable values are the same category: expected disagreement is 0',
    };
  }
  return {
    ...base,
    observedDisagreement: dObserved,
    expectedDisagreement: dExpected,
    alpha: 1 - ((n - 1) * offObserved) / offExpected,
  };
}

/**
 * Gwet's AC1 for any number of raters with missing ratings (Gwet 2008; irrCAC's raw-data
 * formula): p_a as Fleiss' P̄ over items with ≥ 2 ratings; π_c = mean over items with ≥ 1 rating
 * of n_ic/m_i; p_e = Σ π_c(1 − π_c)/(q − 1) with q the number of declared categories.
 */
export function gwetAc1(tally: RatingTally): GwetAc1 {
  const q = tally.categories;
  const shares = zeros(q);
  let rated = 0;
  for (const s of tally.sizes) {
    rated += s.items;
    for (let c = 0; c < q; c++) shares[c]! += s.totals[c]! / s.raters;
  }
  const { items: pairable, value: pa } = meanItemAgreement(tally);
  const base = { ratedItems: rated, pairableItems: pairable };
  if (q < 2) {
    return {
      ...base,
      pAgreement: null,
      pChance: null,
      ac1: null,
      reason: 'AC1 needs at least two categories',
    };
  }
  if (pairable === 0) {
    return { ...base, pAgreement: null, pChance: null, ac1: null, reason: 'no item has two or more ratings' };
  }
  let spread = 0;
  for (const s of shares) {
    const pi = s / rated;
    spread += pi * (1 - pi);
  }
  // p_e ≤ 1/q < 1 whenever q ≥ 2, so the denominator never vanishes.
  const pe = spread / (q - 1);
  return { ...base, pAgreement: pa, pChance: pe, ac1: (pa - pe) / (1 - pe) };
}
