import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { convertToArrow } from '../../src/dataset/convert.js';
import { inspectDataset } from '../../src/dataset/inspect.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { importReview } from '../../src/review/import.js';
import { importPredictions } from '../../src/run/import.js';
import { runModel } from '../../src/run/run.js';
import { modeval } from '../helpers/cli.js';
import { goldenTable, MODEL_V1 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

/**
 * The real golden set as a user's JSONL with numeric ids (1000 + row), converted by `modeval
 * convert`: DuckDB types the id column BIGINT, so the dataset has Int64 ids (#26 item 9).
 */
async function intIdGolden(dir: string): Promise<{ path: string; labels: string[] }> {
  const golden = await goldenTable();
  const text = golden.getChild('text')!;
  const label = golden.getChild('label')!;
  const labels: string[] = [];
  const rows: string[] = [];
  for (let i = 0; i < golden.numRows; i++) {
    labels.push(label.get(i) as string);
    rows.push(JSON.stringify({ id: 1000 + i, text: text.get(i), label: label.get(i) }));
  }
  const jsonl = join(dir, 'golden.jsonl');
  writeFileSync(jsonl, `${rows.join('\n')}\n`);
  const path = join(dir, 'golden.arrow');
  const summary = await convertToArrow({ input: jsonl, output: path });
  expect(summary.columns.find((c) => c.name === 'id')?.type).toBe('Int64');
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam' }));
  return { path, labels };
}

describe('integer ids: read as their decimal text everywhere ids are read', () => {
  it('inspect describes an Int64-id dataset; a string-id log joins it by id', async () => {
    const dir = tmp();
    const { path, labels } = await intIdGolden(dir);
    const report = await inspectDataset(path);
    expect(report.validation).toMatchObject({ rows: 1183, rejected: 0 });
    expect(report.columns.find((c) => c.name === 'id')).toMatchObject({ type: 'Int64', role: 'id' });
    // A production log whose ids are strings ("1000", ...): JSONL keeps them strings.
    const log = join(dir, 'log.jsonl');
    writeFileSync(log, labels.map((l, i) => JSON.stringify({ id: String(1000 + i), action: l })).join('\n'));
    const out = join(dir, 'p.arrows');
    await importPredictions({ input: log, out, dataset: path, decisionColumn: 'action', modelName: 'm' });
    const set = await loadEvalSet({ dataset: path, predictions: [out] });
    expect(set.n).toBe(1183);
    expect(set.ids[0]).toBe('1000');
    // Every decision is the golden label: a join that mismatched ids could not give this.
    expect(set.models[0]!.predicted).toEqual(set.truth);
  });

  it('a run scores an Int64-id dataset and eval joins it; review import relabels by the id text', async () => {
    const dir = tmp();
    const { path } = await intIdGolden(dir);
    const summary = await runModel(
      { model: MODEL_V1, dataset: path, out: join(dir, 'v1'), workers: 1, batchSize: 128, quiet: true },
      { log: () => {} },
    );
    expect(summary).toMatchObject({ status: 'completed', rows: 1183 });
    const set = await loadEvalSet({ dataset: path, predictions: [join(dir, 'v1', 'predictions.arrows')] });
    expect(set.n).toBe(1183);
    expect(set.joinedBy).toBe('position');
    expect(set.ids[5]).toBe('1005');
    const verdicts = join(dir, 'verdicts.jsonl');
    const golden5 = set.labels[set.truth[5]!]!;
    const flipped = golden5 === 'spam' ? 'ham' : 'spam';
    writeFileSync(verdicts, `${JSON.stringify({ id: '1005', verdict: flipped, reviewer: 'qa' })}\n`);
    const v2 = join(dir, 'golden-v2.arrow');
    const review = await importReview({ dataset: path, sources: [{ file: verdicts }], out: v2 });
    expect(review).toMatchObject({ verdicts: 1, relabelled: 1 });
    const t = tableFromIPC(readFileSync(v2));
    expect(String(t.getChild('id')!.get(5))).toBe('1005');
    expect(t.getChild('label')!.get(5)).toBe(flipped);
  });

  it('inspect describes a file without an id column and says how to add one', async () => {
    const dir = tmp();
    const csv = join(dir, 'no-id.csv');
    writeFileSync(csv, 'text,label\nhello,ham\nbuy now,spam\n');
    const path = join(dir, 'no-id.arrow');
    await convertToArrow({ input: csv, output: path });
    const report = await inspectDataset(path);
    expect(report.validation.rows).toBe(2);
    expect(report.labels.counts).toEqual({ ham: 1, spam: 1 });
    expect(report.id).toMatchObject({ column: 'id', present: false });
    const printed = modeval(['inspect', path]);
    expect(printed.status).toBe(0);
    expect(printed.stdout).toMatch(/no id column "id"/);
    expect(printed.stdout).toMatch(/--map <column>=id/);
  });
});
