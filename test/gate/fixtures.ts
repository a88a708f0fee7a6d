import { writeFileSync } from 'node:fs';
import { Bool, RecordBatchStreamWriter, Utf8 } from 'apache-arrow';
import type { PredictionsMeta } from '../../src/contracts/predictions.js';
import type { EncodedColumn } from '../../src/evaluate/eval-set.js';
import type { PairedSet } from '../../src/evaluate/paired-set.js';
import { makePredictionBatch, predictionsSchema } from '../../src/run/predictions.js';
import { sha256File } from '../../src/util/hash.js';
import { Xoshiro128 } from '../../src/util/prng.js';
import { writeArrow } from '../helpers/arrow.js';

/**
 * SYNTHETIC fixtures for the gate tests: hand-made labels and predictions, not real model output.
 * Scores are one-hot-ish (0.9 on the predicted label), enough for the flip lists.
 */

export interface SyntheticRows {
  labels: readonly string[];
  truth: readonly string[];
  baseline: readonly string[];
  candidate: readonly string[];
  ids?: readonly string[];
  slices?: Record<string, readonly string[]>;
  /** The positive label of a binary set; default the second of two labels. */
  positive?: string | null;
}

function encode(name: string, values: readonly string[]): EncodedColumn {
  const distinct = [...new Set(values)].sort();
  return { name, values: distinct, codes: Int32Array.from(values, (v) => distinct.indexOf(v)) };
}

export function oneHotScores(labels: readonly string[], predicted: readonly string[], p = 0.9): Float32Array {
  const k = labels.length;
  const out = new Float32Array(predicted.length * k).fill((1 - p) / (k - 1));
  predicted.forEach((l, i) => {
    out[i * k + labels.indexOf(l)] = p;
  });
  return out;
}

/** An in-memory paired set (no files). */
export function pairedSet(rows: SyntheticRows): PairedSet {
  const idx = (xs: readonly string[]) => Int32Array.from(xs, (x) => rows.labels.indexOf(x));
  const ids = rows.ids ?? rows.truth.map((_, i) => `item-${String(i).padStart(5, '0')}`);
  const side = (name: string, predicted: readonly string[]) => ({
    file: `${name}.arrows`,
    name,
    version: '1',
    sha256: null,
    predicted: idx(predicted),
    scores: oneHotScores(rows.labels, predicted),
  });
  return {
    dataset: { file: 'synthetic.arrow', fingerprint: 'synthetic' },
    labels: rows.labels,
    positiveIndex:
      rows.positive === null
        ? -1
        : rows.labels.indexOf(rows.positive ?? (rows.labels.length === 2 ? rows.labels[1]! : '')),
    ids,
    truth: idx(rows.truth),
    slices: Object.entries(rows.slices ?? {}).map(([name, values]) => encode(name, values)),
    baseline: side('baseline', rows.baseline),
    candidate: side('candidate', rows.candidate),
    warnings: [],
  };
}

/** `count` copies of one (truth, baseline, candidate) pattern. */
export function repeat(
  count: number,
  truth: string,
  baseline: string,
  candidate: string,
): [string, string, string][] {
  return Array.from({ length: count }, () => [truth, baseline, candidate]);
}

export function fromPatterns(labels: readonly string[], patterns: [string, string, string][]): SyntheticRows {
  return {
    labels,
    truth: patterns.map((p) => p[0]),
    baseline: patterns.map((p) => p[1]),
    candidate: patterns.map((p) => p[2]),
  };
}

/**
 * SYNTHETIC set "A", 100 items, counts chosen so every value is computable by hand:
 * spam (20): 17 right by both, 1 newly wrong, 2 newly right  → recall[spam] baseline 18/20, candidate 19/20
 * ham (80):  77 right by both, 2 newly wrong, 1 newly right  → ham flagged as spam: baseline 1, candidate 2
 */
export function handCountableRows(): SyntheticRows {
  return fromPatterns(
    ['ham', 'spam'],
    [
      ...repeat(17, 'spam', 'spam', 'spam'),
      ...repeat(1, 'spam', 'spam', 'ham'),
      ...repeat(2, 'spam', 'ham', 'spam'),
      ...repeat(77, 'ham', 'ham', 'ham'),
      ...repeat(1, 'ham', 'spam', 'ham'),
      ...repeat(2, 'ham', 'ham', 'spam'),
    ],
  );
}

/**
 * A SYNTHETIC spam/ham set of n items with a `group` slice (a, b, c) and a `has_html` flag. The
 * baseline is right 88% of the time everywhere; the candidate is right 96% in groups a and b but
 * only 70% in group c: about as accurate overall, clearly worse on one slice.
 */
export function syntheticSpamRows(n = 600, seed = 7): SyntheticRows & { slices: Record<string, string[]> } {
  const rng = new Xoshiro128(seed);
  const labels = ['ham', 'spam'];
  const truth: string[] = [];
  const baseline: string[] = [];
  const candidate: string[] = [];
  const group: string[] = [];
  const html: string[] = [];
  const flip = (l: string) => (l === 'ham' ? 'spam' : 'ham');
  for (let i = 0; i < n; i++) {
    const t = rng.nextInt(10) < 3 ? 'spam' : 'ham';
    const g = ['a', 'b', 'c'][rng.nextInt(3)]!;
    truth.push(t);
    group.push(g);
    html.push(rng.nextInt(2) === 0 ? 'true' : 'false');
    baseline.push(rng.nextInt(100) < 88 ? t : flip(t));
    candidate.push(rng.nextInt(100) < (g === 'c' ? 70 : 96) ? t : flip(t));
  }
  return { labels, truth, baseline, candidate, slices: { group, has_html: html } };
}

/** Write the golden set of `rows` as an Arrow file with id, text, label and the slice columns. */
export function writeGolden(
  path: string,
  rows: SyntheticRows & { slices: Record<string, string[]> },
): string[] {
  const ids = rows.ids ? [...rows.ids] : rows.truth.map((_, i) => `msg-${String(i).padStart(5, '0')}`);
  const columns: Parameters<typeof writeArrow>[1] = {
    id: { values: ids, type: new Utf8() },
    text: { values: ids.map((id) => `synthetic text of ${id}`), type: new Utf8() },
    label: { values: [...rows.truth], type: new Utf8() },
  };
  for (const [name, values] of Object.entries(rows.slices)) {
    columns[name] =
      name === 'has_html'
        ? { values: values.map((v) => v === 'true'), type: new Bool() }
        : { values: [...values], type: new Utf8() };
  }
  writeArrow(path, columns);
  return ids;
}

export async function writePredictions(
  path: string,
  options: {
    dataset: string;
    name: string;
    version: string;
    labels: readonly string[];
    ids: readonly string[];
    predicted: readonly string[];
    fingerprint?: string;
    /** Who wrote the file (default: an import) and, for an import, the log's name. */
    source?: PredictionsMeta['source'];
    input?: string;
  },
): Promise<void> {
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: options.source ?? 'import',
    model: {
      name: options.name,
      version: options.version,
      sha256: null,
      task: options.labels.length === 2 ? 'binary' : 'multiclass',
      labels: [...options.labels],
      positive: options.labels.length === 2 ? options.labels[1]! : null,
      thresholds: {},
    },
    dataset: {
      file: options.dataset,
      fingerprint: options.fingerprint ?? (await sha256File(options.dataset)),
      rows: options.ids.length,
    },
    harness: { name: 'modeval', version: 'test' },
    runtime: {},
    options: options.input === undefined ? {} : { input: options.input },
  };
  const schema = predictionsSchema(meta);
  const batch = makePredictionBatch(
    schema,
    options.ids,
    oneHotScores(options.labels, options.predicted),
    options.predicted,
  );
  writeFileSync(path, RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
}
