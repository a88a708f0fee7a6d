import { createHash } from 'node:crypto';
import { Xoshiro128 } from '../util/prng.js';
import { tokenize } from './ctfidf.js';

/**
 * Sparse TF-IDF over word and character n-grams, then a seeded sparse random projection to a few
 * dense dimensions for k-means.
 *
 * Why our own: the npm registry has no maintained sparse vectoriser with n-gram ranges
 * (`natural`'s TfIdf scores terms against documents and builds no matrix; `wink-nlp` needs a
 * language model package). The recipe is scikit-learn's `TfidfVectorizer` defaults that matter
 * for short, noisy text: sublinear tf (1 + ln tf), smooth idf ln((1+n)/(1+df)) + 1, L2 rows;
 * words use the c-TF-IDF tokeniser (so cluster vectors and cluster names see the same words),
 * characters use `char_wb` n-grams (inside space-padded words). Word and character blocks are
 * normalised separately and weighted equally.
 *
 * Random projection (Achlioptas 2003, density 1/3) keeps pairwise cosine geometry with a few
 * hundred dimensions and needs no factorisation; each feature's projection row is derived from a
 * hash of (seed, feature string), so it does not depend on vocabulary order or on which documents
 * were seen: the same seed gives the same vectors.
 */

export interface VectorizeOptions {
  wordNgrams: [number, number];
  charNgrams: [number, number];
  /** Features kept, most frequent (by document frequency) first. */
  maxFeatures: number;
  /** Features seen in fewer documents are dropped (1 keeps everything). */
  minDf: number;
  /** Only the first characters of long documents are vectorised (e-mails run to 20k chars). */
  maxChars: number;
  dimensions: number;
  seed: number;
}

type Bag = Map<string, number>;

function wordGrams(text: string, [lo, hi]: [number, number], into: Bag): void {
  const words = tokenize(text);
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      const g = `w:${words.slice(i, i + n).join(' ')}`;
      into.set(g, (into.get(g) ?? 0) + 1);
    }
  }
}

function charGrams(text: string, [lo, hi]: [number, number], into: Bag): void {
  for (const word of text.toLowerCase().split(/\s+/)) {
    if (word === '') continue;
    const w = [...` ${word} `];
    for (let n = lo; n <= hi; n++) {
      if (w.length < n) break;
      for (let i = 0; i + n <= w.length; i++) {
        const g = `c:${w.slice(i, i + n).join('')}`;
        into.set(g, (into.get(g) ?? 0) + 1);
      }
    }
  }
}

function l2(values: number[] | Float64Array): void {
  let s = 0;
  for (const v of values) s += v * v;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let i = 0; i < values.length; i++) values[i]! /= norm;
}

function bagOf(doc: string, options: VectorizeOptions): Bag {
  const text = doc.length > options.maxChars ? doc.slice(0, options.maxChars) : doc;
  const bag: Bag = new Map();
  wordGrams(text, options.wordNgrams, bag);
  charGrams(text, options.charNgrams, bag);
  return bag;
}

/** The fitted vocabulary: kept features (sorted) and their idf. */
export interface TfidfVocabulary {
  features: string[];
  index: Map<string, number>;
  idf: Float64Array;
}

/**
 * Pass 1: document frequencies, with one document's n-grams in memory at a time, then the
 * `maxFeatures` most frequent features with df ≥ `minDf`.
 */
export function fitVocabulary(docs: readonly string[], options: VectorizeOptions): TfidfVocabulary {
  const df = new Map<string, number>();
  for (const d of docs) for (const g of bagOf(d, options).keys()) df.set(g, (df.get(g) ?? 0) + 1);
  const features = [...df]
    .filter(([, n]) => n >= options.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.maxFeatures)
    .map(([g]) => g)
    .sort();
  const n = docs.length;
  return {
    features,
    index: new Map(features.map((f, i) => [f, i])),
    idf: Float64Array.from(features, (f) => Math.log((1 + n) / (1 + df.get(f)!)) + 1),
  };
}

/** One document's TF-IDF weights over the vocabulary; word and character blocks each L2-normalised. */
export function tfidfRow(
  doc: string,
  vocab: TfidfVocabulary,
  options: VectorizeOptions,
): Map<number, number> {
  const words: [number, number][] = [];
  const chars: [number, number][] = [];
  for (const [g, tf] of bagOf(doc, options)) {
    const j = vocab.index.get(g);
    if (j === undefined) continue;
    (g.startsWith('w:') ? words : chars).push([j, (1 + Math.log(tf)) * vocab.idf[j]!]);
  }
  const row = new Map<number, number>();
  for (const block of [words, chars]) {
    const values = block.map((e) => e[1]);
    l2(values);
    block.forEach((e, i) => {
      row.set(e[0], values[i]!);
    });
  }
  return row;
}

/** A feature's projection row: entries in {−√3, 0, +√3} with probabilities 1/6, 2/3, 1/6. */
function projectionRow(feature: string, seed: number, dims: number): Float64Array {
  const h = createHash('sha256').update(String(seed)).update('\0').update(feature).digest();
  const rng = new Xoshiro128(h.readUInt32LE(0) + (h.readUInt32LE(4) & 0x1fffff) * 2 ** 32);
  const row = new Float64Array(dims);
  const s = Math.sqrt(3);
  for (let d = 0; d < dims; d++) {
    const u = rng.nextInt(6);
    row[d] = u === 0 ? s : u === 1 ? -s : 0;
  }
  return row;
}

/**
 * TF-IDF then projection: dense unit vectors, one per document. Pass 2 builds each document's
 * sparse row and projects it at once, so memory holds the vocabulary, the projection rows of the
 * features in use and `dimensions` numbers per document, never the sparse matrix.
 */
export function vectorize(docs: readonly string[], options: VectorizeOptions): number[][] {
  const vocab = fitVocabulary(docs, options);
  const dims = options.dimensions;
  const cache = new Map<number, Float64Array>();
  return docs.map((d) => {
    const out = new Float64Array(dims);
    for (const [j, v] of tfidfRow(d, vocab, options)) {
      let p = cache.get(j);
      if (!p) {
        p = projectionRow(vocab.features[j]!, options.seed, dims);
        cache.set(j, p);
      }
      for (let k = 0; k < dims; k++) out[k]! += v * p[k]!;
    }
    // Projection is linear: normalising here equals normalising the combined row before it.
    l2(out);
    return Array.from(out);
  });
}
