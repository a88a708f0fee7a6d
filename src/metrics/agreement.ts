import {
  type AgreementAccumulator,
  type AgreementReport,
  type AnnotatorVsGold,
  type PairKappa,
  type RatingMatrix,
  RatingMatrixSchema,
} from '../contracts/agreement-report.js';
import { BadInputError } from '../util/errors.js';
import { parseInput } from '../util/zod.js';
import {
  addToPairTables,
  cohenKappaFromTable,
  createPairTables,
  mergePairTables,
  pairIndex,
} from './cohen.js';
import {
  addItemRatings,
  createRatingTally,
  fleissKappa,
  gwetAc1,
  krippendorffAlphaNominal,
  mergeRatingTallies,
  type Row,
  type Table,
} from './rating-tally.js';

/**
 * Inter-annotator agreement for nominal categories: Cohen's kappa per annotator pair, Fleiss'
 * kappa, Krippendorff's alpha and Gwet's AC1, plus each annotator against the golden label.
 *
 * Everything is computed from two integer accumulators (a per-size rating tally and pair
 * contingency tables), so shards can be tallied apart and merged with exactly the result of
 * one pass. `add*` functions mutate the accumulator they are given (streaming); `merge*` and the
 * statistics are pure.
 */

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
