import { readFile, writeFile } from 'node:fs/promises';
import {
  RecordBatchStreamWriter,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import type { PredictionsMeta } from '../../src/contracts/predictions.js';
import { makePredictionBatch, predictionsSchema } from '../../src/run/predictions.js';
import { Xoshiro128 } from '../../src/util/prng.js';

/**
 * SYNTHETIC models over the REAL SpamAssassin golden set, whose quality is stated by construction:
 * a model's spam logit is ±separation/2 (by the real label) plus standard normal noise, part of it
 * shared between models (`shared`, the same draw for every model of one seed) so that two models
 * can err together as keyword models built on the same cues do. For normal logits the ROC-AUC is
 * Φ(separation / √2): 0.213 gives about 0.56, 0.662 about 0.68, 3.29 about 0.99.
 */

export interface GoldenRows {
  ids: string[];
  labels: string[];
}

export async function readGolden(path: string): Promise<GoldenRows> {
  const t = tableFromIPC(await readFile(path));
  return {
    ids: [...(t.getChild('id')!.toArray() as string[])],
    labels: Array.from({ length: t.numRows }, (_, i) => String(t.getChild('label')!.get(i))),
  };
}

/** Standard normal draws (Box–Muller) from the project's seeded PRNG. */
export function normals(n: number, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.nextFloat();
    const v = rng.nextFloat();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** P(spam) per row: logit ±separation/2 by `truth` plus noise √w·shared + √(1−w)·own. */
export function syntheticSpam(
  truth: readonly string[],
  separation: number,
  own: Float64Array,
  shared: Float64Array,
  sharedWeight: number,
): number[] {
  return truth.map((y, i) => {
    const z =
      (y === 'spam' ? separation / 2 : -separation / 2) +
      Math.sqrt(sharedWeight) * shared[i]! +
      Math.sqrt(1 - sharedWeight) * own[i]!;
    return 1 / (1 + Math.exp(-z));
  });
}

export async function writeSpamPredictions(
  path: string,
  name: string,
  ids: readonly string[],
  spam: readonly number[],
): Promise<void> {
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'import',
    model: {
      name,
      version: '1',
      sha256: null,
      task: 'binary',
      labels: ['ham', 'spam'],
      positive: 'spam',
      thresholds: { spam: 0.5 },
    },
    dataset: { file: 'golden.arrow', fingerprint: '', rows: ids.length },
    harness: { name: 'modeval', version: 'test' },
    runtime: {},
    options: {},
  };
  const scores = new Float32Array(ids.length * 2);
  spam.forEach((p, i) => {
    scores[2 * i] = 1 - p;
    scores[2 * i + 1] = p;
  });
  const writer = new RecordBatchStreamWriter();
  writer.write(
    makePredictionBatch(
      predictionsSchema(meta),
      [...ids],
      scores,
      spam.map((p) => (p >= 0.5 ? 'spam' : 'ham')),
    ),
  );
  writer.finish();
  await writeFile(path, await writer.toUint8Array());
}

/** A copy of the golden file whose `label` is flipped (ham ↔ spam) on the given ids. */
export async function writeFlippedGolden(from: string, to: string, flip: ReadonlySet<string>): Promise<void> {
  const t = tableFromIPC(await readFile(from));
  const ids = t.getChild('id')!.toArray() as string[];
  const labels = Array.from({ length: t.numRows }, (_, i) => {
    const y = String(t.getChild('label')!.get(i));
    return flip.has(ids[i]!) ? (y === 'spam' ? 'ham' : 'spam') : y;
  });
  const columns = Object.fromEntries(
    t.schema.fields.map((f) => [
      f.name,
      f.name === 'label' ? vectorFromArray(labels, new Utf8()) : t.getChild(f.name)!,
    ]),
  );
  await writeFile(to, tableToIPC(new Table(columns), 'file'));
}
