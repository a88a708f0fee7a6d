import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgreementReportSchema, type RatingMatrix } from '../../src/contracts/agreement-report.js';
import {
  addAgreementItem,
  agreementReport,
  computeAgreement,
  createAgreementAccumulator,
  mergeAgreementAccumulators,
  parseRatingMatrix,
} from '../../src/metrics/agreement.js';
import { cohenKappaFromTable, gwetAc1FromTable, pairIndex } from '../../src/metrics/cohen.js';
import {
  addItemRatings,
  coincidenceMatrix,
  createRatingTally,
  fleissKappa,
  fleissKappaFromCounts,
  gwetAc1,
  krippendorffAlphaNominal,
  mergeRatingTallies,
} from '../../src/metrics/rating-tally.js';
import { BadInputError } from '../../src/util/errors.js';

/**
 * Vectors: test/vectors/agreement.json, copied from /work/shared/test-vectors/agreement.json.
 * Each case names its published source (Wikipedia worked examples, Krippendorff's
 * "Computing Krippendorff's Alpha-Reliability" (2011) p.8, statsmodels' and irrCAC's test suites).
 */
interface Vectors {
  cohen_kappa: { table_rows_rater1_cols_rater2: number[][]; p_o?: number; p_e?: number; kappa: number }[];
  fleiss_kappa: {
    counts_items_by_category: number[][];
    p_j: number[];
    P_bar: number;
    P_e: number;
    kappa: number;
  }[];
  krippendorff_alpha_nominal: {
    values_coders_by_units: (number | null)[][];
    n_pairable_values?: number;
    D_o?: number;
    D_e?: number;
    alpha: number;
  }[];
  gwet_ac1: {
    p_a?: number;
    p_e: number;
    ac1: number;
    tolerance: number;
    table_rows_rater1_cols_rater2?: number[][];
  }[];
}
const V = JSON.parse(readFileSync(new URL('../vectors/agreement.json', import.meta.url), 'utf8')) as Vectors;

const TOL = 1e-12;
const close = (actual: number | null, expected: number, tol = TOL) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tol);
};

/** Coders × units with raw values → items × annotators with category indices over the sorted value set. */
function fromCodersByUnits(values: (number | null)[][]): RatingMatrix {
  const cats = [...new Set(values.flat().filter((v): v is number => v !== null))].sort((a, b) => a - b);
  const units = values[0]!.length;
  return {
    annotators: values.map((_, i) => `coder${i + 1}`),
    categories: cats.map(String),
    ratings: Array.from({ length: units }, (_, u) =>
      values.map((coder) => (coder[u] === null ? null : cats.indexOf(coder[u]!))),
    ),
  };
}

function tallyOf(m: RatingMatrix) {
  const t = createRatingTally(m.categories.length);
  m.ratings.forEach((r, i) => {
    addItemRatings(t, r, i);
  });
  return t;
}

describe("Cohen's kappa (published tables)", () => {
  for (const c of V.cohen_kappa) {
    it(`reproduces kappa ${c.kappa}`, () => {
      const r = cohenKappaFromTable(c.table_rows_rater1_cols_rater2);
      close(r.kappa, c.kappa);
      if (c.p_o !== undefined) close(r.pObserved, c.p_o);
      if (c.p_e !== undefined) close(r.pExpected, c.p_e);
    });
  }

  it('is 1 under perfect agreement over several categories', () => {
    const r = cohenKappaFromTable([
      [3, 0],
      [0, 2],
    ]);
    expect(r.kappa).toBe(1);
  });

  it('is undefined with a reason when chance agreement is 1 (both raters used one category)', () => {
    const r = cohenKappaFromTable([
      [5, 0],
      [0, 0],
    ]);
    expect(r.kappa).toBeNull();
    expect(r.pExpected).toBe(1);
    expect(r.reason).toMatch(/chance agreement is 1/);
  });

  it('is undefined with a reason on an empty table', () => {
    const r = cohenKappaFromTable([
      [0, 0],
      [0, 0],
    ]);
    expect(r).toMatchObject({ n: 0, kappa: null });
    expect(r.reason).toMatch(/no item/);
  });
});

describe("Fleiss' kappa", () => {
  const c = V.fleiss_kappa[0]!;
  it('reproduces the Wikipedia / statsmodels 14-rater example', () => {
    const r = fleissKappaFromCounts(c.counts_items_by_category);
    expect(r.items).toBe(10);
    expect(r.equalRaters).toBe(true);
    r.categoryShares.forEach((p, j) => {
      close(p, c.p_j[j]!);
    });
    close(r.pBar, c.P_bar);
    close(r.pExpected, c.P_e);
    close(r.kappa, c.kappa);
  });

  it('generalises to varying rater counts and drops single-rating items (hand computed)', () => {
    // Items [2,0],[1,1],[3,0] keep; [0,1] has one rating and is dropped.
    // P̄ = (1 + 0 + 1)/3; p = [6/7, 1/7]; P_e = 37/49; kappa = (2/3 − 37/49)/(12/49) = −13/36.
    const r = fleissKappaFromCounts([
      [2, 0],
      [1, 1],
      [3, 0],
      [0, 1],
    ]);
    expect(r.items).toBe(3);
    expect(r.equalRaters).toBe(false);
    close(r.pBar, 2 / 3);
    close(r.kappa, -13 / 36);
  });

  it("reproduces Fleiss (1971)'s 30 patients x 6 psychiatrists table (kappa 0.430)", () => {
    // Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological
    // Bulletin 76(5) 378-382, Table 1: each patient's six diagnoses, 1 Depression, 2 Personality
    // disorder, 3 Schizophrenia, 4 Neurosis, 5 Other. The same table is R irr's `diagnoses`, where
    // kappam.fleiss gives 0.430 (and per category 0.245, 0.245, 0.520, 0.471, 0.566 with
    // detail = TRUE; pyirr's tests/test_kappam_fleiss.py asserts the same values).
    const patients =
      '444444 222555 233335 555555 222444 113333 333355 113334 114444 555555 144444 124444 222333 144444 224445 333335 111455 111112 224444 133555 555555 244444 224555 114444 144445 222224 111155 224444 133333 555555';
    const counts = patients
      .split(' ')
      .map((p) => [1, 2, 3, 4, 5].map((c) => [...p].filter((d) => d === String(c)).length));
    const r = fleissKappaFromCounts(counts);
    expect(r.items).toBe(30);
    expect(r.equalRaters).toBe(true);
    expect(r.kappa!.toFixed(3)).toBe('0.430');
    // Full precision from Fleiss' formulas evaluated in plain Python on the same table:
    // P̄ = 5/9, P_e = 0.21993827160493828, kappa = 0.43024452006014086.
    close(r.pBar, 5 / 9);
    close(r.pExpected, 0.21993827160493828);
    close(r.kappa, 0.43024452006014086);
  });

  it('is undefined when every rating is one category', () => {
    const r = fleissKappaFromCounts([
      [3, 0],
      [2, 0],
    ]);
    expect(r.kappa).toBeNull();
    expect(r.reason).toMatch(/chance agreement is 1/);
  });
});

describe("Krippendorff's alpha (nominal)", () => {
  const [k1, k2] = V.krippendorff_alpha_nominal;

  it("reproduces Krippendorff's 4 × 12 example, including D_o and D_e", () => {
    const r = krippendorffAlphaNominal(tallyOf(fromCodersByUnits(k1!.values_coders_by_units)));
    expect(r.pairableValues).toBe(k1!.n_pairable_values);
    expect(r.units).toBe(11);
    close(r.observedDisagreement, k1!.D_o!);
    close(r.expectedDisagreement, k1!.D_e!);
    close(r.alpha, k1!.alpha);
  });

  it("reproduces Wikipedia's 3 × 15 example", () => {
    const r = krippendorffAlphaNominal(tallyOf(fromCodersByUnits(k2!.values_coders_by_units)));
    close(r.alpha, k2!.alpha);
  });

  it('excludes a unit with a single value: dropping it changes nothing', () => {
    const m = fromCodersByUnits(k1!.values_coders_by_units);
    const withoutLast = { ...m, ratings: m.ratings.slice(0, 11) }; // unit 12 has one value (3)
    const a = krippendorffAlphaNominal(tallyOf(m));
    const b = krippendorffAlphaNominal(tallyOf(withoutLast));
    expect(b).toEqual(a);
  });

  it('coincidence matrix is symmetric and its margins are the pairable value counts', () => {
    const o = coincidenceMatrix(tallyOf(fromCodersByUnits(k1!.values_coders_by_units)));
    for (let c = 0; c < o.length; c++) for (let d = 0; d < o.length; d++) expect(o[c]![d]).toBe(o[d]![c]);
    // Krippendorff's table p.8: n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3.
    const margins = o.map((row) => row.reduce((a, b) => a + b, 0));
    [9, 13, 10, 5, 3].forEach((n, c) => {
      close(margins[c]!, n);
    });
  });

  it('is undefined when all pairable values agree on one category', () => {
    const m: RatingMatrix = {
      annotators: ['a', 'b'],
      categories: ['x', 'y'],
      ratings: [
        [0, 0],
        [0, 0],
      ],
    };
    const r = krippendorffAlphaNominal(tallyOf(m));
    expect(r.alpha).toBeNull();
    expect(r.reason).toMatch(/expected disagreement is 0/);
  });
});

describe("Gwet's AC1", () => {
  const [raw, table] = V.gwet_ac1;
  it('reproduces irrCAC on the 4-rater data with missing values (q = 5)', () => {
    const r = gwetAc1(tallyOf(fromCodersByUnits(V.krippendorff_alpha_nominal[0]!.values_coders_by_units)));
    expect(r.ratedItems).toBe(12);
    expect(r.pairableItems).toBe(11);
    close(r.pAgreement, raw!.p_a!);
    close(r.pChance, raw!.p_e, raw!.tolerance);
    close(r.ac1, raw!.ac1, raw!.tolerance);
    // Hand derivation: π = [3, 3.25, 3.5, 1.25, 1]/12, p_e = Σπ(1−π)/4.
    const pi = [3, 3.25, 3.5, 1.25, 1].map((x) => x / 12);
    const pe = pi.reduce((a, p) => a + p * (1 - p), 0) / 4;
    close(r.pChance, pe);
    close(r.ac1, (9 / 11 - pe) / (1 - pe));
  });

  it('reproduces irrCAC on the two-rater abstractors table', () => {
    const r = gwetAc1FromTable(table!.table_rows_rater1_cols_rater2!);
    close(r.pAgreement, 0.89);
    close(r.pChance, table!.p_e, table!.tolerance);
    close(r.ac1, table!.ac1, table!.tolerance);
  });

  it('stays defined (= 1) where kappa is undefined: everyone always picks the same category', () => {
    const m: RatingMatrix = {
      annotators: ['a', 'b', 'c'],
      categories: ['ok', 'toxic'],
      ratings: [
        [0, 0, 0],
        [0, 0, null],
      ],
    };
    const r = computeAgreement(m);
    expect(r.gwetAc1.ac1).toBe(1);
    expect(r.fleiss.kappa).toBeNull();
    expect(r.krippendorffNominal.alpha).toBeNull();
    expect(r.pairwiseCohen.every((p) => p.kappa === null && typeof p.reason === 'string')).toBe(true);
  });
});

describe('computeAgreement on a matrix', () => {
  const k1 = fromCodersByUnits(V.krippendorff_alpha_nominal[0]!.values_coders_by_units);

  it('pairwise Cohen uses only items both annotators labelled (hand computed)', () => {
    // coder1 vs coder2 share units 1–9; 8 of 9 agree; p_e = 23/81; kappa = 49/58.
    const r = computeAgreement(k1);
    const p = r.pairwiseCohen.find((x) => x.a === 'coder1' && x.b === 'coder2')!;
    expect(p.n).toBe(9);
    close(p.pObserved, 8 / 9);
    close(p.pExpected, 23 / 81);
    close(p.kappa, 49 / 58);
    expect(r.pairwiseCohen).toHaveLength(6);
    expect(AgreementReportSchema.parse(r)).toEqual(r);
  });

  it('all annotators always agreeing (several categories) gives 1 everywhere', () => {
    const m: RatingMatrix = {
      annotators: ['a', 'b', 'c'],
      categories: ['ok', 'toxic', 'spam'],
      ratings: [
        [0, 0, 0],
        [1, 1, 1],
        [2, 2, null],
        [1, 1, 1],
      ],
    };
    const r = computeAgreement(m);
    expect(r.pairwiseCohen.map((p) => p.kappa)).toEqual([1, 1, 1]);
    expect(r.fleiss.kappa).toBe(1);
    expect(r.krippendorffNominal.alpha).toBe(1);
    expect(r.gwetAc1.ac1).toBe(1);
  });

  it('an annotator who labelled nothing: undefined with reasons, other statistics unchanged', () => {
    const withIdle: RatingMatrix = {
      ...k1,
      annotators: [...k1.annotators, 'idle'],
      ratings: k1.ratings.map((r) => [...r, null]),
    };
    const gold = k1.ratings.map((r) => r[3] ?? r[1] ?? null);
    const r = computeAgreement(withIdle, gold);
    const idlePairs = r.pairwiseCohen.filter((p) => p.b === 'idle');
    expect(idlePairs).toHaveLength(4);
    for (const p of idlePairs)
      expect(p).toMatchObject({ n: 0, kappa: null, reason: 'no item rated by both' });
    const idle = r.vsGold!.find((g) => g.annotator === 'idle')!;
    expect(idle).toMatchObject({ n: 0, accuracy: null, kappa: null });
    expect(idle.reason).toMatch(/labelled no item/);
    close(r.krippendorffNominal.alpha, V.krippendorff_alpha_nominal[0]!.alpha);
  });

  it('accuracy and kappa against gold (hand computed)', () => {
    const m: RatingMatrix = {
      annotators: ['a', 'b'],
      categories: ['ok', 'toxic'],
      ratings: [
        [0, null],
        [1, null],
        [1, null],
        [null, null],
      ],
    };
    const r = computeAgreement(m, [0, 1, 0, 1]);
    // a vs gold: (0,0), (1,1), (1,0): accuracy 2/3; p_e = (1·2 + 2·1)/9 = 4/9; kappa = 0.4.
    const a = r.vsGold![0]!;
    expect(a.n).toBe(3);
    close(a.accuracy, 2 / 3);
    close(a.kappa, 0.4);
    expect(r.vsGold![1]).toMatchObject({ n: 0, accuracy: null });
  });
});

describe('streaming accumulators', () => {
  const k2 = fromCodersByUnits(V.krippendorff_alpha_nominal[1]!.values_coders_by_units);
  const gold = k2.ratings.map((r) => r.find((v) => v !== null) ?? null);

  it('merging shards equals one pass, exactly, whatever the split and order', () => {
    const one = createAgreementAccumulator(k2.annotators.length, k2.categories.length);
    k2.ratings.forEach((r, i) => {
      addAgreementItem(one, r, gold[i], i);
    });
    for (const cut of [0, 4, 7, 15]) {
      const left = createAgreementAccumulator(k2.annotators.length, k2.categories.length);
      const right = createAgreementAccumulator(k2.annotators.length, k2.categories.length);
      k2.ratings.forEach((r, i) => {
        addAgreementItem(i < cut ? left : right, r, gold[i], i);
      });
      for (const merged of [
        mergeAgreementAccumulators(left, right),
        mergeAgreementAccumulators(right, left),
      ]) {
        expect(merged).toEqual(one);
        expect(agreementReport(merged, k2, true)).toEqual(agreementReport(one, k2, true));
      }
    }
  });

  it('the rating tally merges as a monoid (empty tally is the identity)', () => {
    const t = tallyOf(k2);
    expect(mergeRatingTallies(createRatingTally(k2.categories.length), t)).toEqual(t);
    expect(fleissKappa(mergeRatingTallies(t, t)).pBar).toBe(fleissKappa(t).pBar);
  });

  it('pairIndex enumerates pairs in row-major order', () => {
    const seen: number[] = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) seen.push(pairIndex(a, b, 5));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('bad input', () => {
  it('names the cell (item and annotator) of an out-of-range category', () => {
    const raw = {
      annotators: ['a', 'b'],
      categories: ['x', 'y'],
      ratings: [
        [0, 1],
        [1, 2],
      ],
    };
    expect(() => parseRatingMatrix(raw, 'ann.json')).toThrow(BadInputError);
    expect(() => parseRatingMatrix(raw, 'ann.json')).toThrow(/ann\.json, field "ratings\[1\]\[1\]"/);
  });

  it('names the item whose length does not match the annotators', () => {
    const raw = { annotators: ['a', 'b'], categories: ['x'], ratings: [[0]] };
    expect(() => parseRatingMatrix(raw)).toThrow(
      /field "ratings\[0\]": rating matrix: has 1 cells for 2 annotators/,
    );
  });

  it('rejects an out-of-range golden label even on an item nobody rated', () => {
    const acc = createAgreementAccumulator(2, 2);
    expect(() => addAgreementItem(acc, [null, null], 2, 3)).toThrow(/row 3, field "gold"/);
  });

  it('rejects an out-of-range category while streaming too', () => {
    const acc = createAgreementAccumulator(2, 2);
    expect(() => addAgreementItem(acc, [0, 5], null, 7)).toThrow(/row 7, field "ratings\[1\]"/);
  });
});
