import { writeFileSync } from 'node:fs';
import { Table, tableToIPC } from 'apache-arrow';
import type { PredictionsMeta } from '../../src/contracts/predictions.js';
import { openDataset } from '../../src/dataset/open.js';
import { makePredictionBatch, predictionsSchema } from '../../src/run/predictions.js';

/**
 * SYNTHETIC predictions for evaluation tests: written in the exact format `modeval run` writes
 * (schema metadata + id/scores/predicted), with scores chosen by the test, never by a model.
 */

export interface SyntheticPredictions {
  labels: string[];
  positive?: string | null;
  task?: PredictionsMeta['model']['task'];
  ids: string[];
  /** One row of K scores per id, in `labels` order. */
  scores: number[][];
  /** Default: argmax (multilabel: scores >= 0.5). */
  predicted?: (string | string[])[];
  fingerprint?: string;
  /** Default `import`; `model` says a run wrote it (with the dataset's fingerprint: joined by position). */
  source?: PredictionsMeta['source'];
  name?: string;
  /** Rows per record batch (several batches exercise the streaming join). */
  batchSize?: number;
}

export function syntheticMeta(p: SyntheticPredictions): PredictionsMeta {
  const task = p.task ?? (p.labels.length === 2 ? 'binary' : 'multiclass');
  return {
    schemaVersion: 1,
    source: p.source ?? 'import',
    model: {
      name: p.name ?? 'synthetic',
      version: '0',
      sha256: null,
      task,
      labels: p.labels,
      positive: p.positive ?? (task === 'binary' ? p.labels[1]! : null),
      thresholds: {},
    },
    dataset: { file: 'golden.arrow', fingerprint: p.fingerprint ?? '', rows: null },
    harness: { name: 'modeval', version: 'test' },
    runtime: {},
    options: {},
  };
}

export function writePredictions(path: string, p: SyntheticPredictions): void {
  const meta = syntheticMeta(p);
  const schema = predictionsSchema(meta);
  const k = p.labels.length;
  const predicted =
    p.predicted ??
    p.scores.map((row) => {
      if (meta.model.task === 'multilabel') return p.labels.filter((_, j) => row[j]! >= 0.5);
      let best = 0;
      for (let j = 1; j < k; j++) if (row[j]! > row[best]!) best = j;
      return p.labels[best]!;
    });
  const size = p.batchSize ?? 500;
  const batches = [];
  for (let start = 0; start < p.ids.length || start === 0; start += size) {
    const end = Math.min(p.ids.length, start + size);
    const scores = new Float32Array((end - start) * k);
    for (let i = start; i < end; i++)
      for (let j = 0; j < k; j++) scores[(i - start) * k + j] = p.scores[i]![j]!;
    batches.push(makePredictionBatch(schema, p.ids.slice(start, end), scores, predicted.slice(start, end)));
    if (end === p.ids.length) break;
  }
  writeFileSync(path, tableToIPC(new Table(batches), 'stream'));
}

/** Deterministic hash of a string to [0, 1) (FNV-1a), for reproducible synthetic noise. */
export function unitHash(s: string, salt = 0): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/**
 * SYNTHETIC binary scorer: P(positive) leans towards the truth with id-hashed noise, so that
 * AUC is high but not perfect and some items are misclassified.
 */
export function noisyBinaryScores(ids: string[], positive: boolean[], salt = 1, noise = 0.8): number[][] {
  return ids.map((id, i) => {
    const u = unitHash(id, salt);
    const p = Math.min(1, Math.max(0, (positive[i] ? 0.65 : 0.35) + (u - 0.5) * noise));
    const q = Math.fround(p);
    return [1 - q, q];
  });
}

/** The labelled rows of a real dataset (ids and golden labels), to synthesise predictions over. */
export async function labelledRows(path: string): Promise<{ ids: string[]; labels: string[] }> {
  const ds = await openDataset(path);
  const ids: string[] = [];
  const labels: string[] = [];
  for await (const b of ds.scan({ onInvalid: 'collect' })) {
    for (let i = 0; i < b.status.length; i++) {
      if (b.status[i] !== 1) continue;
      ids.push(b.ids.get(i)!);
      labels.push(b.labels[i] as string);
    }
  }
  return { ids, labels };
}
