import type { CohenKappa, GwetAc1, PairTables } from '../contracts/agreement-report.js';
import { BadInputError } from '../util/errors.js';
import {
  checkCategory,
  createRatingTally,
  gwetAc1,
  type Row,
  sizeEntry,
  type Table,
  trace,
  zeroMatrix,
  zeros,
} from './rating-tally.js';

/**
 * Two-rater contingency tables: Cohen's kappa and Gwet's AC1 of one table, and the per-pair and
 * per-annotator-vs-gold tables of a whole rating matrix.
 */

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
