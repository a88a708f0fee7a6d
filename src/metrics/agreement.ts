import { BadInputError } from '../util/errors.js';
import { parseInput } from '../util/zod.js';
import {
  type AgreementAccumulator,
  type AgreementReport,
  type AnnotatorVsGold,
  type CohenKappa,
  type FleissKappa,
  type GwetAc1,
  type KrippendorffAlpha,
  type PairKappa,
  type PairTables,
  type RatingMatrix,
  RatingMatrixSchema,
  type RatingTally,
  type SizeTally,
} from './agreement-schema.js';

/**
 * Inter-annotator agreement for nominal categories: Cohen's kappa per annotator pair, Fleiss'
 * kappa, Krippendorff's alpha and Gwet's AC1, plus each annotator against the golden label.
 *
 * Everything is computed from two integer accumulators (a per-size rating tally and pair
 * contingency tables), so shards can be tallied apart and merged with exactly the result of
 * one pass. `add*` functions mutate the accumulator they are given (streaming); `merge*` and the
 * statistics are pure.
 */

type Row = readonly (number | null | undefined)[];
type Table = readonly (readonly number[])[];

const zeros = (k: number): number[] => new Array<number>(k).fill(0);
const zeroMatrix = (k: number): number[][] => Array.from({ length: k }, () => zeros(k));

// ---------------------------------------------------------------------------------------------
// Rating tally (Fleiss, Krippendorff, Gwet)

export function createRatingTally(categories: number): RatingTally {
  if (!Number.isInteger(categories) || categories < 1) {
    throw new BadInputError(`need at least one category, got ${categories}`);
  }
  return { categories, unrated: 0, sizes: [] };
}

function sizeEntry(tally: RatingTally, raters: number): SizeTally {
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

function checkCategory(v: number, k: number, row: number | undefined, annotator: number): void {
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

function trace(m: Table): number {
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

// ---------------------------------------------------------------------------------------------
// Two-rater tables (Cohen)

function checkSquare(table: Table): number {
  const k = table.length;
  for (let r = 0; r < k; r++) {
    const row = table[r]!;
    if (row.length !== k)
      throw new BadInputError(`contingency table row ${r} has ${row.length} cells, expected ${k}`);
    for (const v of row) {
      if (!Number.isFinite(v) || v < 0) throw new BadInputError(`contingency table row ${r} has count ${v}`);
    }
  }
  return k;
}

/** Cohen's kappa from a k × k table (rows = rater 1, columns = rater 2). */
export function cohenKappaFromTable(table: Table): CohenKappa {
  const k = checkSquare(table);
  const rows = zeros(k);
  const cols = zeros(k);
  let n = 0;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const v = table[r]![c]!;
      rows[r]! += v;
      cols[c]! += v;
      n += v;
    }
  }
  if (n === 0) return { n, pObserved: null, pExpected: null, kappa: null, reason: 'no item rated by both' };
  const pObserved = trace(table) / n;
  let chance = 0;
  for (let c = 0; c < k; c++) chance += rows[c]! * cols[c]!;
  const pExpected = chance / (n * n);
  if (pExpected >= 1) {
    return {
      n,
      pObserved,
      pExpected,
      kappa: null,
      reason: 'both raters used a single, identical category: chance agreement is 1',
    };
  }
  return { n, pObserved, pExpected, kappa: (pObserved - pExpected) / (1 - pExpected) };
}

/** Gwet's AC1 for two raters from their k × k table (each cell is an item rated twice). */
export function gwetAc1FromTable(table: Table): GwetAc1 {
  const k = checkSquare(table);
  const tally = createRatingTally(Math.max(k, 1));
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const v = table[r]![c]!;
      if (v === 0) continue;
      // Each of these v items holds one rating of r and one of c.
      const e = sizeEntry(tally, 2);
      e.items += v;
      e.totals[r]! += v;
      e.totals[c]! += v;
      if (r === c) e.pairs[r]![r]! += 2 * v;
      else {
        e.pairs[r]![c]! += v;
        e.pairs[c]![r]! += v;
      }
    }
  }
  return gwetAc1(tally);
}

/** Position of the pair (a, b), a < b, among all pairs of `m` annotators in row-major order. */
export function pairIndex(a: number, b: number, m: number): number {
  return (a * (2 * m - a - 1)) / 2 + (b - a - 1);
}

export function createPairTables(annotators: number, categories: number): PairTables {
  const pairs = (annotators * (annotators - 1)) / 2;
  return {
    annotators,
    categories,
    pairs: Array.from({ length: pairs }, () => zeroMatrix(categories)),
    gold: Array.from({ length: annotators }, () => zeroMatrix(categories)),
  };
}

/** Adds one item: every pair of annotators who both rated it, and each annotator against gold. */
export function addToPairTables(t: PairTables, ratings: Row, gold?: number | null, row?: number): PairTables {
  const m = t.annotators;
  if (ratings.length !== m) {
    throw new BadInputError(`item has ${ratings.length} ratings for ${m} annotators`, { row });
  }
  const hasGold = gold !== null && gold !== undefined;
  if (hasGold && (!Number.isInteger(gold) || gold < 0 || gold >= t.categories)) {
    throw new BadInputError(`golden category index ${gold} is outside 0..${t.categories - 1}`, {
      row,
      field: 'gold',
    });
  }
  for (let a = 0; a < m; a++) {
    const va = ratings[a];
    if (va === null || va === undefined) continue;
    checkCategory(va, t.categories, row, a);
    for (let b = a + 1; b < m; b++) {
      const vb = ratings[b];
      if (vb === null || vb === undefined) continue;
      checkCategory(vb, t.categories, row, b);
      t.pairs[pairIndex(a, b, m)]![va]![vb]!++;
    }
    if (hasGold) t.gold[a]![va]![gold]!++;
  }
  return t;
}

function addTables(into: number[][], from: Table): void {
  for (let r = 0; r < into.length; r++) for (let c = 0; c < into.length; c++) into[r]![c]! += from[r]![c]!;
}

export function mergePairTables(a: PairTables, b: PairTables): PairTables {
  if (a.annotators !== b.annotators || a.categories !== b.categories) {
    throw new BadInputError('cannot merge pair tables of different annotator or category counts');
  }
  const out = createPairTables(a.annotators, a.categories);
  for (const src of [a, b]) {
    src.pairs.forEach((t, i) => {
      addTables(out.pairs[i]!, t);
    });
    src.gold.forEach((t, i) => {
      addTables(out.gold[i]!, t);
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Whole-matrix API

export function createAgreementAccumulator(annotators: number, categories: number): AgreementAccumulator {
  return {
    tally: createRatingTally(categories),
    tables: createPairTables(annotators, categories),
    items: 0,
  };
}

/** Streams one item into the accumulator; `row` only names the item in errors. */
export function addAgreementItem(
  acc: AgreementAccumulator,
  ratings: Row,
  gold?: number | null,
  row?: number,
): AgreementAccumulator {
  addToPairTables(acc.tables, ratings, gold, row);
  addItemRatings(acc.tally, ratings, row);
  acc.items++;
  return acc;
}

export function mergeAgreementAccumulators(
  a: AgreementAccumulator,
  b: AgreementAccumulator,
): AgreementAccumulator {
  return {
    tally: mergeRatingTallies(a.tally, b.tally),
    tables: mergePairTables(a.tables, b.tables),
    items: a.items + b.items,
  };
}

/** Accuracy and Cohen's kappa of one annotator against the golden label, on items both have. */
function vsGold(annotator: string, table: Table): AnnotatorVsGold {
  const kappa = cohenKappaFromTable(table);
  if (kappa.n === 0) {
    return {
      annotator,
      n: 0,
      accuracy: null,
      kappa: null,
      reason: 'annotator labelled no item that has a golden label',
    };
  }
  const out: AnnotatorVsGold = { annotator, n: kappa.n, accuracy: kappa.pObserved, kappa: kappa.kappa };
  if (kappa.reason !== undefined) out.reason = kappa.reason;
  return out;
}

export function agreementReport(
  acc: AgreementAccumulator,
  names: { annotators: readonly string[]; categories: readonly string[] },
  withGold = false,
): AgreementReport {
  const m = acc.tables.annotators;
  if (names.annotators.length !== m || names.categories.length !== acc.tally.categories) {
    throw new BadInputError('annotator or category names do not match the accumulator');
  }
  const pairwiseCohen: PairKappa[] = [];
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const k = cohenKappaFromTable(acc.tables.pairs[pairIndex(a, b, m)]!);
      pairwiseCohen.push({ a: names.annotators[a]!, b: names.annotators[b]!, ...k });
    }
  }
  // Gwet's AC1 counts the rated (≥ 1 rating) and pairable (≥ 2) items the report shows.
  const gwet = gwetAc1(acc.tally);
  const report: AgreementReport = {
    annotators: [...names.annotators],
    categories: [...names.categories],
    items: acc.items,
    ratedItems: gwet.ratedItems,
    pairableItems: gwet.pairableItems,
    pairwiseCohen,
    fleiss: fleissKappa(acc.tally),
    krippendorffNominal: krippendorffAlphaNominal(acc.tally),
    gwetAc1: gwet,
  };
  if (withGold) report.vsGold = names.annotators.map((name, a) => vsGold(name, acc.tables.gold[a]!));
  return report;
}

/**
 * All agreement statistics for an items × annotators matrix; `gold` (parallel to the items,
 * null = no golden label) adds each annotator's accuracy and kappa against it.
 */
export function computeAgreement(matrix: RatingMatrix, gold?: readonly (number | null)[]): AgreementReport {
  if (gold && gold.length !== matrix.ratings.length) {
    throw new BadInputError(`gold has ${gold.length} labels for ${matrix.ratings.length} items`, {
      field: 'gold',
    });
  }
  const acc = createAgreementAccumulator(matrix.annotators.length, matrix.categories.length);
  matrix.ratings.forEach((r, i) => {
    addAgreementItem(acc, r, gold?.[i], i);
  });
  return agreementReport(acc, matrix, gold !== undefined);
}

/** Validates untrusted input (e.g. parsed JSON) as a RatingMatrix; the error names the first bad cell. */
export function parseRatingMatrix(raw: unknown, file?: string): RatingMatrix {
  return parseInput(RatingMatrixSchema, raw, {
    ...(file !== undefined ? { file } : {}),
    say: (message) => `rating matrix: ${message}`,
  });
}
