import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addCtfidfDocument,
  CtfidfModelSchema,
  createCtfidfCounts,
  ctfidf,
  ctfidfFromCounts,
  mergeCtfidfCounts,
  tokenize,
  topTerms,
} from '../../src/analysis/ctfidf.js';
import { BadInputError } from '../../src/util/errors.js';

/**
 * Vector: test/vectors/moderation.json `ctfidf`, copied from /work/shared/test-vectors/moderation.json.
 * Method: BERTopic's ClassTfidfTransformer (Grootendorst 2022): tf row-L1-normalised,
 * idf = ln(A/f_t + 1), A = int(mean words per class); tokens as scikit-learn's CountVectorizer default.
 */
interface CtfidfVector {
  docs: string[];
  clusters: number[];
  row_totals: number[];
  A: number;
  top_terms: Record<string, Record<string, number>>;
  tolerance: number;
}
const V = (
  JSON.parse(readFileSync(new URL('../vectors/moderation.json', import.meta.url), 'utf8')) as {
    ctfidf: CtfidfVector;
  }
).ctfidf;

describe('c-TF-IDF (moderation.json vector)', () => {
  const model = ctfidf(V.docs, V.clusters);

  it('row totals and A', () => {
    expect(model.classes.map((c) => c.words)).toEqual(V.row_totals);
    expect(model.averageWords).toBe(V.A);
    expect(model.classes.map((c) => c.documents)).toEqual([2, 3, 3]);
  });

  it('top terms per cluster, in order, within the vector tolerance', () => {
    for (const [cls, expected] of Object.entries(V.top_terms)) {
      const names = Object.keys(expected);
      const got = topTerms(model, Number(cls), names.length);
      expect(got.map((t) => t.term)).toEqual(names);
      got.forEach((t) => {
        expect(Math.abs(t.weight - expected[t.term]!)).toBeLessThanOrEqual(V.tolerance);
      });
    }
  });

  it('weights equal the closed form to 1e-12', () => {
    const w = (cls: number, term: string) => topTerms(model, cls, 100).find((t) => t.term === term)!.weight;
    expect(Math.abs(w(0, 'counter') - (2 / 12) * Math.log(13 / 2 + 1))).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(w(1, 'news') - (3 / 16) * Math.log(13 / 3 + 1))).toBeLessThanOrEqual(1e-12);
    // "quoting" appears once in cluster 0 and twice in cluster 1: f_t = 3.
    expect(Math.abs(w(0, 'quoting') - (1 / 12) * Math.log(13 / 3 + 1))).toBeLessThanOrEqual(1e-12);
    expect(CtfidfModelSchema.parse(model)).toEqual(model);
  });

  it('merging per-shard counts equals one pass', () => {
    const a = createCtfidfCounts(3);
    const b = createCtfidfCounts(3);
    V.docs.forEach((d, i) => {
      addCtfidfDocument(i % 2 ? a : b, d, V.clusters[i]!, i);
    });
    expect(ctfidfFromCounts(mergeCtfidfCounts(a, b))).toEqual(model);
  });
});

describe('tokenisation and edge cases (synthetic)', () => {
  it('lower-cases and keeps runs of 2+ letters, digits or underscores', () => {
    expect(tokenize("I can't BELIEVE it's 2024: k1ll_all, a b ÉCOLE—straße 🙂🙂")).toEqual([
      'can',
      'believe',
      'it',
      '2024',
      'k1ll_all',
      'école',
      'straße',
    ]);
  });

  it('a class with no documents has no terms and does not count towards A', () => {
    const m = ctfidf(['aa bb', 'aa aa cc cc'], [0, 2], 3);
    expect(m.classes[1]).toEqual({ documents: 0, words: 0, terms: [] });
    expect(m.averageWords).toBe(3); // int((2 + 4) / 2)
    expect(topTerms(m, 1, 5)).toEqual([]);
  });

  it('rejects a class index out of range with the row', () => {
    expect(() => ctfidf(['aa', 'bb'], [0, 3], 2)).toThrow(BadInputError);
    expect(() => ctfidf(['aa', 'bb'], [0, 3], 2)).toThrow(/row 1, field "class"/);
  });
});
