import { z } from 'zod';
import { BadInputError } from '../util/errors.js';

/**
 * Class-based TF-IDF (c-TF-IDF) as in BERTopic (Grootendorst 2022, "BERTopic: Neural topic
 * modeling with a class-based TF-IDF procedure"): all documents of a class are treated as one
 * document, so the weights say which terms make an error cluster (or any class) distinctive.
 *
 *   tf_{t,c}  = count of t in class c / total word count of class c      (row L1 normalisation)
 *   idf_t     = ln(1 + A / f_t)
 *   weight    = tf_{t,c} · idf_t
 *
 * f_t is the term's total count over all classes (not a document frequency) and A is the average
 * number of words per class, truncated to an integer (BERTopic's `int(mean row total)`), taken over
 * the classes that received at least one document.
 *
 * Tokens: the text is lower-cased and split into maximal runs of letters, digits and underscores;
 * runs of at least two code points are kept. This mirrors scikit-learn's CountVectorizer default
 * (`lowercase=True`, `token_pattern=r"(?u)\b\w\w+\b"`) that BERTopic uses, with no stop words.
 * Counting is streaming and mergeable: integer counts per class.
 */

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Term counts per class; `add*` mutates it, `merge` is pure and exact. */
export interface CtfidfCounts {
  readonly classes: number;
  readonly documents: number[];
  readonly terms: Map<string, number>[];
}

export function createCtfidfCounts(classes: number): CtfidfCounts {
  if (!Number.isInteger(classes) || classes < 1)
    throw new BadInputError(`need at least one class, got ${classes}`);
  return {
    classes,
    documents: new Array<number>(classes).fill(0),
    terms: Array.from({ length: classes }, () => new Map<string, number>()),
  };
}

export function addCtfidfDocument(
  acc: CtfidfCounts,
  text: string,
  classIndex: number,
  row?: number,
): CtfidfCounts {
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= acc.classes) {
    throw new BadInputError(`class index ${classIndex} is outside 0..${acc.classes - 1}`, {
      row,
      field: 'class',
    });
  }
  if (typeof text !== 'string') throw new BadInputError('document is not a string', { row, field: 'text' });
  acc.documents[classIndex]!++;
  const counts = acc.terms[classIndex]!;
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return acc;
}

export function mergeCtfidfCounts(a: CtfidfCounts, b: CtfidfCounts): CtfidfCounts {
  if (a.classes !== b.classes)
    throw new BadInputError(`cannot merge counts over ${a.classes} and ${b.classes} classes`);
  const out = createCtfidfCounts(a.classes);
  for (const src of [a, b]) {
    for (let c = 0; c < a.classes; c++) {
      out.documents[c]! += src.documents[c]!;
      const into = out.terms[c]!;
      for (const [t, n] of src.terms[c]!) into.set(t, (into.get(t) ?? 0) + n);
    }
  }
  return out;
}

export const CtfidfTermSchema = z.object({
  /** Index into `vocabulary`. */
  term: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  weight: z.number(),
});
export type CtfidfTerm = z.infer<typeof CtfidfTermSchema>;

export const CtfidfModelSchema = z.object({
  /** Every term seen, sorted (code-unit order); other arrays index into it. */
  vocabulary: z.array(z.string()),
  /** f_t: total count of each term over all classes. */
  frequency: z.array(z.number().int().positive()),
  idf: z.array(z.number()),
  /** A: average words per class (over classes with a document), truncated. */
  averageWords: z.number().int().nonnegative(),
  classes: z.array(
    z.object({
      documents: z.number().int().nonnegative(),
      /** Total word count of the class (the row total). */
      words: z.number().int().nonnegative(),
      /** The class's non-zero terms, by vocabulary index. */
      terms: z.array(CtfidfTermSchema),
    }),
  ),
});
export type CtfidfModel = z.infer<typeof CtfidfModelSchema>;

export function ctfidfFromCounts(acc: CtfidfCounts): CtfidfModel {
  const frequencyOf = new Map<string, number>();
  for (const m of acc.terms) for (const [t, n] of m) frequencyOf.set(t, (frequencyOf.get(t) ?? 0) + n);
  const vocabulary = [...frequencyOf.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const frequency = vocabulary.map((t) => frequencyOf.get(t)!);
  const words = acc.terms.map((m) => {
    let s = 0;
    for (const n of m.values()) s += n;
    return s;
  });
  const present = words.filter((_, c) => acc.documents[c]! > 0);
  const averageWords =
    present.length > 0 ? Math.trunc(present.reduce((a, b) => a + b, 0) / present.length) : 0;
  const idf = frequency.map((f) => Math.log(averageWords / f + 1));
  const classes = acc.terms.map((m, c) => {
    const total = words[c]!;
    const terms = [...m]
      .map(([t, count]) => {
        const term = index.get(t)!;
        return { term, count, weight: (count / total) * idf[term]! };
      })
      .sort((x, y) => x.term - y.term);
    return { documents: acc.documents[c]!, words: total, terms };
  });
  return { vocabulary, frequency, idf, averageWords, classes };
}

/** c-TF-IDF of documents with their class indices (0..classes−1) in one pass. */
export function ctfidf(docs: readonly string[], classOf: readonly number[], classes?: number): CtfidfModel {
  if (docs.length !== classOf.length) {
    throw new BadInputError(`${classOf.length} class indices for ${docs.length} documents`, {
      field: 'class',
    });
  }
  const k = classes ?? classOf.reduce((m, c) => Math.max(m, c + 1), 1);
  const acc = createCtfidfCounts(k);
  docs.forEach((d, i) => {
    addCtfidfDocument(acc, d, classOf[i]!, i);
  });
  return ctfidfFromCounts(acc);
}

export interface WeightedTerm {
  term: string;
  weight: number;
  count: number;
}

/** The n highest-weighted terms of a class; ties in weight are broken alphabetically. */
export function topTerms(model: CtfidfModel, classIndex: number, n: number): WeightedTerm[] {
  const cls = model.classes[classIndex];
  if (!cls) throw new BadInputError(`class index ${classIndex} is outside 0..${model.classes.length - 1}`);
  return cls.terms
    .map((t) => ({ term: model.vocabulary[t.term]!, weight: t.weight, count: t.count }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, Math.max(0, n));
}
