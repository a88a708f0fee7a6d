/**
 * Item 7 of issue #28: the predictions metadata must record what decides the predictions besides
 * the graph: the card file's hash and the thresholds applied. Two real runs of the spam-v1 graph
 * with cards that differ only in the spam threshold, on a slice of the real SpamAssassin golden
 * set; the hash is checked against node:crypto on the card file's bytes.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareModels } from '../../src/gate/load.js';
import { openPredictions } from '../../src/run/predictions.js';
import { runModel } from '../../src/run/run.js';
import { writeArrow } from '../helpers/arrow.js';
import { goldenTable, MODEL_V1 } from '../helpers/golden.js';

const noLog = { log: () => {} };

/** The first 300 real golden rows, as a dataset file of its own. */
async function goldenSlice(dir: string): Promise<string> {
  const golden = await goldenTable();
  const n = 300;
  const col = (name: string) => Array.from({ length: n }, (_, i) => golden.getChild(name)!.get(i) as string);
  const path = join(dir, 'golden-300.arrow');
  const utf8 = new Utf8();
  writeArrow(path, {
    id: { values: col('id'), type: utf8 },
    text: { values: col('text'), type: utf8 },
    label: { values: col('label'), type: utf8 },
  });
  return path;
}

/** A copy of spam-v1 whose card sets another spam threshold (graph and tokenizer unchanged). */
function withThreshold(dir: string, spam: number): string {
  const model = join(dir, `spam-v1-t${spam}`);
  cpSync(MODEL_V1, model, { recursive: true });
  const card = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
  card.thresholds = { spam };
  writeFileSync(join(model, 'model.json'), `${JSON.stringify(card, null, 2)}\n`);
  return model;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function metaOf(predictions: string) {
  return (await openPredictions(predictions)).meta;
}

async function decisions(predictions: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of (await openPredictions(predictions)).batches()) {
    for (let i = 0; i < batch.length; i++) out.push(String(batch.predicted.get(i)));
  }
  return out;
}

describe('predictions metadata records the card and the thresholds applied', () => {
  let dir: string;
  let dataset: string;
  const run = async (model: string, out: string, thresholds?: Record<string, number>) =>
    (
      await runModel(
        {
          model,
          dataset,
          out: join(dir, out),
          workers: 1,
          quiet: true,
          ...(thresholds ? { thresholds } : {}),
        },
        noLog,
      )
    ).predictions!;

  // One folder for the whole file: every test reads the dataset slice written once.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modeval-provenance-'));
    dataset = await goldenSlice(dir);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two cards differing only in a threshold give different metadata (and different decisions)', async () => {
    const low = withThreshold(dir, 0.5);
    const high = withThreshold(dir, 0.97);
    const a = await run(low, 'low');
    const b = await run(high, 'high');
    const [ma, mb] = [await metaOf(a), await metaOf(b)];
    // The graph is the same file: its hash cannot tell these runs apart.
    expect(ma.model.sha256).toBe(mb.model.sha256);
    expect(ma.model.thresholds).toEqual({ spam: 0.5 });
    expect(mb.model.thresholds).toEqual({ spam: 0.97 });
    expect(ma.model.cardSha256).toBe(sha256(join(low, 'model.json')));
    expect(mb.model.cardSha256).toBe(sha256(join(high, 'model.json')));
    expect(ma.model.cardSha256).not.toBe(mb.model.cardSha256);
    expect(JSON.stringify(ma)).not.toBe(JSON.stringify(mb));
    const [da, db] = [await decisions(a), await decisions(b)];
    expect(da.filter((d, i) => d !== db[i]).length).toBeGreaterThan(0);

    // compare.json names each side's card and thresholds, so the change is visible there too.
    const c = await compareModels({ baseline: a, candidate: b, dataset, resamples: 50 });
    expect(c.baseline.thresholds).toEqual({ spam: 0.5 });
    expect(c.candidate.thresholds).toEqual({ spam: 0.97 });
    expect(c.candidate.cardSha256).toBe(mb.model.cardSha256);
    expect(c.warnings.join('\n')).not.toMatch(/same model/);
  }, 120_000);

  it('a --threshold override is recorded as the threshold applied, over the card', async () => {
    const p = await run(MODEL_V1, 'override', { spam: 0.8 });
    const m = await metaOf(p);
    expect(m.model.thresholds).toEqual({ spam: 0.8 });
    expect(m.options.thresholds).toBe(JSON.stringify({ spam: 0.8 }));
    expect(m.model.cardSha256).toBe(sha256(join(MODEL_V1, 'model.json')));
  }, 120_000);

  it('comparing a run with itself (same graph, card and thresholds) warns that nothing can differ', async () => {
    const a = await run(MODEL_V1, 'same-a');
    const b = await run(MODEL_V1, 'same-b');
    const c = await compareModels({ baseline: a, candidate: b, dataset, resamples: 50 });
    expect(c.warnings.join('\n')).toMatch(
      /baseline and candidate are the same model \(graph sha256 [0-9a-f]{12}…, card sha256 [0-9a-f]{12}…/,
    );
  }, 120_000);
});
