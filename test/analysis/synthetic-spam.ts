import { readFile, writeFile } from 'node:fs/promises';
import { RecordBatchStreamWriter, tableFromIPC } from 'apache-arrow';
import type { PredictionsMeta } from '../../src/contracts/predictions.js';
import { makePredictionBatch, predictionsSchema } from '../../src/run/predictions.js';

/**
 * SYNTHETIC predictions over the REAL SpamAssassin golden set: a deliberately naive keyword
 * "model" (no training), so its errors have recognisable causes — ham newsletters and promotions
 * that use sales words are called spam, short or non-English spam without them is called ham.
 * Used only until the reference models' predictions exist; the texts and labels are the real ones.
 */
const SPAMMY =
  /\b(free|click|remove|money|offer|order|credit|cash|guarantee|dollars?|income|million|viagra|mortgage|unsubscribe|save|deal|limited|winner|investment|\$\d+)\b/gi;
const HAMMY =
  /\b(wrote|linux|list|thanks|patch|bug|code|mailing|perl|python|razor|exmh|spamassassin|rpm|kernel|debian|version)\b|^>/gim;

export function keywordSpamScore(text: string): number {
  const head = text.slice(0, 4000);
  const s = (head.match(SPAMMY) ?? []).length;
  const h = (head.match(HAMMY) ?? []).length;
  const z = 0.55 * s - 0.7 * h - 0.4;
  return 1 / (1 + Math.exp(-z));
}

export async function writeKeywordPredictions(
  golden: string,
  out: string,
  version = 'kw-1',
): Promise<number> {
  const table = tableFromIPC(await readFile(golden));
  const ids = table.getChild('id')!.toArray() as string[];
  const texts = table.getChild('text')!.toArray() as string[];
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'import',
    model: {
      name: 'synthetic-keywords',
      version,
      sha256: null,
      task: 'binary',
      labels: ['ham', 'spam'],
      positive: 'spam',
      thresholds: { spam: 0.5 },
    },
    dataset: { file: golden, fingerprint: '', rows: ids.length },
    harness: { name: 'modeval', version: 'test' },
    runtime: {},
    options: {},
  };
  const schema = predictionsSchema(meta);
  const scores = new Float32Array(ids.length * 2);
  const predicted: string[] = [];
  texts.forEach((t, i) => {
    const p = keywordSpamScore(t ?? '');
    scores[2 * i] = 1 - p;
    scores[2 * i + 1] = p;
    predicted.push(p >= 0.5 ? 'spam' : 'ham');
  });
  const writer = new RecordBatchStreamWriter();
  writer.write(makePredictionBatch(schema, [...ids], scores, predicted));
  writer.finish();
  await writeFile(out, await writer.toUint8Array());
  return ids.length;
}
