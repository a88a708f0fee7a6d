import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { importPredictions } from '../../src/run/import.js';
import { openPredictions } from '../../src/run/predictions.js';
import { BadInputError } from '../../src/util/errors.js';
import { goldenPath, goldenTable } from '../helpers/golden.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

/** A production-log-like CSV over the real golden ids: P(spam) and the action a system took. */
async function productionLog(dir: string, mutate?: (rows: string[][]) => void): Promise<string> {
  const golden = await goldenTable();
  const ids = golden.getChild('id')!;
  const labels = golden.getChild('label')!;
  const rows: string[][] = [];
  for (let i = 0; i < golden.numRows; i++) {
    // Deterministic, mostly right: spam items score high, every 17th item is scored the wrong way.
    const spam = labels.get(i) === 'spam';
    const wrong = i % 17 === 0;
    const p = (spam !== wrong ? 0.7 : 0.2) + (i % 10) / 100;
    rows.push([ids.get(i) as string, p.toFixed(2), p >= 0.5 ? 'spam' : 'ham']);
  }
  mutate?.(rows);
  const path = join(dir, 'prod-log.csv');
  writeFileSync(path, `message_id,p_spam,action\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

const base = {
  idColumn: 'message_id',
  labels: ['ham', 'spam'],
  positive: 'spam',
  scoreColumns: { spam: 'p_spam' },
  decisionColumn: 'action',
  modelName: 'production',
  modelVersion: '2026-11',
};

describe('modeval predictions import', () => {
  it('normalises a CSV production log into predictions that eval joins to the golden set', async () => {
    const dir = tmp();
    const dataset = await goldenPath();
    const out = join(dir, 'prod.arrows');
    const summary = await importPredictions({ ...base, input: await productionLog(dir), out, dataset });
    expect(summary).toMatchObject({ rows: 1183, scores: 'probabilities' });
    const preds = await openPredictions(out);
    expect(preds.meta.source).toBe('import');
    expect(preds.meta.model).toMatchObject({
      name: 'production',
      version: '2026-11',
      labels: ['ham', 'spam'],
    });
    const first = (await preds.batches().next()).value!;
    // P(ham) is the complement of the logged P(spam).
    expect(first.scores[0]! + first.scores[1]!).toBeCloseTo(1, 6);
    const set = await loadEvalSet({ dataset, predictions: [out] });
    expect(set.n).toBe(1183);
  });

  it('builds one-hot scores from decisions alone', async () => {
    const dir = tmp();
    const out = join(dir, 'decisions.arrows');
    const { scoreColumns: _unused, ...decisionsOnly } = base;
    const summary = await importPredictions({
      ...decisionsOnly,
      input: await productionLog(dir),
      out,
      dataset: await goldenPath(),
    });
    expect(summary.scores).toBe('decisions');
    const batch = (await (await openPredictions(out)).batches().next()).value!;
    expect([batch.scores[0], batch.scores[1]]).toEqual(batch.predicted.get(0) === 'spam' ? [0, 1] : [1, 0]);
  });

  it('decides from scores alone: P(spam) against the given threshold', async () => {
    const dir = tmp();
    const out = join(dir, 'scores.arrows');
    const { decisionColumn: _unused, ...scoresOnly } = base;
    const input = await productionLog(dir);
    await importPredictions({
      ...scoresOnly,
      thresholds: { spam: 0.75 },
      input,
      out,
      dataset: await goldenPath(),
    });
    const counts = { ham: 0, spam: 0 };
    // Rows a default 0.5 threshold would call spam: this threshold must call them ham.
    let between = 0;
    for await (const batch of (await openPredictions(out)).batches()) {
      for (let i = 0; i < batch.length; i++) {
        const predicted = batch.predicted.get(i) as 'ham' | 'spam';
        const spam = batch.scores[2 * i + 1]!;
        expect(predicted).toBe(spam >= 0.75 ? 'spam' : 'ham');
        if (spam >= 0.5 && spam < 0.75) between++;
        counts[predicted]++;
      }
    }
    expect(counts.ham + counts.spam).toBe(1183);
    expect(counts.spam).toBeGreaterThan(0);
    expect(between).toBeGreaterThan(0);
  });

  it.each([
    [
      'a score outside [0, 1]',
      (r: string[][]) => (r[5]![1] = '1.7'),
      /row 5, id ".+", field "p_spam": score 1.7 is not a probability/,
    ],
    ['a NaN score', (r: string[][]) => (r[9]![1] = 'NaN'), /row 9, .*field "p_spam": score NaN/],
    [
      'a decision outside the labels',
      (r: string[][]) => (r[3]![2] = 'eggs'),
      /row 3, .*field "action": decision "eggs"/,
    ],
    ['a duplicate id', (r: string[][]) => (r[7]![0] = r[2]![0]!), /row 7, .*duplicate id \(first at row 2\)/],
  ])('rejects %s with the row, id and field, and writes nothing', async (_name, mutate, pattern) => {
    const dir = tmp();
    const out = join(dir, 'bad.arrows');
    const input = await productionLog(dir, mutate);
    const run = importPredictions({ ...base, input, out, dataset: await goldenPath() });
    await expect(run).rejects.toBeInstanceOf(BadInputError);
    await expect(importPredictions({ ...base, input, out, dataset: await goldenPath() })).rejects.toThrow(
      pattern,
    );
    expect(existsSync(out)).toBe(false);
    expect(listFiles(dir)).toEqual(['prod-log.csv']);
  });

  it('names a missing column and lists the ones the file has', async () => {
    const dir = tmp();
    const input = await productionLog(dir);
    await expect(
      importPredictions({
        ...base,
        idColumn: 'id',
        input,
        out: join(dir, 'x.arrows'),
        dataset: await goldenPath(),
      }),
    ).rejects.toThrow(/field "id": missing column; the file has: message_id, p_spam, action/);
  });
});
