import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoldenChangeSchema } from '../../src/contracts/golden-change.js';
import { compareGoldenVersions } from '../../src/evaluate/compare-golden.js';
import { importReview } from '../../src/review/import.js';
import { runModel } from '../../src/run/run.js';
import { modeval } from '../helpers/cli.js';
import { goldenPath, MODEL_V2 } from '../helpers/golden.js';

/**
 * `eval --compare-golden` on the real SpamAssassin golden set: spam-v2's predictions, and a golden
 * v2 made by `review import` from reviewers' verdicts (20 of the model's errors relabelled to its
 * answer, 6 of its correct items relabelled away from it). Every count and metric difference is
 * checked against a recomputation from the three Arrow files themselves (ids, labels, decisions),
 * independent of the eval join.
 */

const dir = mkdtempSync(join(tmpdir(), 'modeval-compare-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let v1: string;
let v2: string;
let predictions: string;
const fixedErrors: string[] = [];
const brokenCorrect: string[] = [];

/** id → a string column's value, read straight from an Arrow file. */
function column(t: Table, name: string): Map<string, string> {
  const ids = t.getChild('id')!;
  const values = t.getChild(name)!;
  const out = new Map<string, string>();
  for (let i = 0; i < t.numRows; i++) {
    const v = values.get(i);
    if (v !== null) out.set(String(ids.get(i)), String(v));
  }
  return out;
}

const read = (file: string) => tableFromIPC(readFileSync(file));

beforeAll(async () => {
  v1 = await goldenPath();
  const run = await runModel(
    { model: MODEL_V2, dataset: v1, out: join(dir, 'spam-v2'), quiet: true },
    { log: () => {} },
  );
  predictions = run.predictions!;
  const golden = column(read(v1), 'label');
  const predicted = column(read(predictions), 'predicted');
  const other = (l: string) => (l === 'spam' ? 'ham' : 'spam');
  const verdicts: string[] = [];
  for (const [id, label] of golden) {
    const p = predicted.get(id)!;
    if (p !== label && fixedErrors.length < 20) {
      fixedErrors.push(id);
      verdicts.push(JSON.stringify({ id, verdict: p, reviewer: 'qa-lead' }));
    } else if (p === label && brokenCorrect.length < 6 && id.startsWith('easy-ham')) {
      brokenCorrect.push(id);
      verdicts.push(JSON.stringify({ id, verdict: other(label), reviewer: 'qa-lead' }));
    }
  }
  writeFileSync(join(dir, 'verdicts.jsonl'), `${verdicts.join('\n')}\n`);
  v2 = join(dir, 'golden.v2.arrow');
  await importReview({ dataset: v1, sources: [{ file: join(dir, 'verdicts.jsonl') }], out: v2 });
}, 300_000);

describe('eval --compare-golden on the real golden set and a relabel by review import', () => {
  it('counts the changed labels, the errors that became correct and wrong, and each metric under both versions', async () => {
    const out = join(dir, 'change');
    const { change, report, paths } = await compareGoldenVersions({
      predictions: [predictions],
      dataset: v2,
      previous: v1,
      out,
      resamples: 200,
    });
    expect(paths.map((p) => p.slice(out.length + 1)).sort()).toEqual([
      'golden-change.json',
      'golden-changes.jsonl',
      'metrics.json',
    ]);
    // Written as validated, and metrics.json is the current version's.
    expect(
      GoldenChangeSchema.parse(JSON.parse(readFileSync(join(out, 'golden-change.json'), 'utf8'))),
    ).toEqual(change);
    expect(report.dataset.file).toBe(v2);

    // The independent recomputation, from the files.
    const before = column(read(v1), 'label');
    const after = column(read(v2), 'label');
    const predicted = column(read(predictions), 'predicted');
    const ids = [...after.keys()].filter((id) => before.has(id) && predicted.has(id));
    const changed = ids.filter((id) => before.get(id) !== after.get(id));
    expect(changed.sort()).toEqual([...fixedErrors, ...brokenCorrect].sort());
    const wrong = (g: Map<string, string>) => ids.filter((id) => predicted.get(id) !== g.get(id));
    const wrongBefore = new Set(wrong(before));
    const wrongAfter = new Set(wrong(after));
    expect(change.items).toEqual({
      both: ids.length,
      onlyPrevious: 0,
      onlyCurrent: 0,
      changed: changed.length,
    });
    expect(change.errors).toEqual({
      previous: wrongBefore.size,
      current: wrongAfter.size,
      becameCorrect: [...wrongBefore].filter((id) => !wrongAfter.has(id)).length,
      becameWrong: [...wrongAfter].filter((id) => !wrongBefore.has(id)).length,
    });
    expect(change.errors.becameCorrect).toBe(20);
    expect(change.errors.becameWrong).toBe(6);
    // ham → spam and spam → ham, counted from the files.
    const moves = (from: string, to: string) =>
      changed.filter((id) => before.get(id) === from && after.get(id) === to).length;
    expect(new Map(change.transitions.map((t) => [`${t.from}>${t.to}`, t.count]))).toEqual(
      new Map(
        [
          ['ham>spam', moves('ham', 'spam')],
          ['spam>ham', moves('spam', 'ham')],
        ].filter(([, n]) => (n as number) > 0) as [string, number][],
      ),
    );
    const spam = change.perLabel.find((p) => p.label === 'spam')!;
    expect(spam.gained).toBe(moves('ham', 'spam'));
    expect(spam.lost).toBe(moves('spam', 'ham'));

    // Accuracy and spam recall under each version, recomputed; the delta is their difference.
    const accuracy = (g: Map<string, string>) =>
      ids.filter((id) => predicted.get(id) === g.get(id)).length / ids.length;
    const recall = (g: Map<string, string>) => {
      const pos = ids.filter((id) => g.get(id) === 'spam');
      return pos.filter((id) => predicted.get(id) === 'spam').length / pos.length;
    };
    const acc = change.metrics.find((m) => m.key === 'accuracy' && m.class === null)!;
    expect(acc.previous!.estimate).toBeCloseTo(accuracy(before), 12);
    expect(acc.current!.estimate).toBeCloseTo(accuracy(after), 12);
    expect(acc.delta).toBeCloseTo(accuracy(after) - accuracy(before), 12);
    expect(acc.previous!.low).toBeLessThan(acc.previous!.estimate!);
    const rec = change.metrics.find((m) => m.key === 'recall' && m.class === 'spam')!;
    expect(rec.previous!.estimate).toBeCloseTo(recall(before), 12);
    expect(rec.current!.estimate).toBeCloseTo(recall(after), 12);

    // The changed items' file: one line per changed id, with both labels and the decision.
    const lines = readFileSync(join(out, 'golden-changes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { id: string; previous: string[]; current: string[]; predicted: string[] },
      );
    expect(lines.map((l) => l.id).sort()).toEqual(changed.sort());
    for (const l of lines) {
      expect(l.previous).toEqual([before.get(l.id)]);
      expect(l.current).toEqual([after.get(l.id)]);
      expect(l.predicted).toEqual([predicted.get(l.id)]);
    }
  }, 300_000);

  it('prints the comparison from the command line and refuses two predictions files', async () => {
    const out = join(dir, 'cli');
    const r = modeval([
      'eval',
      '--predictions',
      predictions,
      '--dataset',
      v2,
      '--compare-golden',
      v1,
      '--out',
      out,
      '--resamples',
      '100',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('What the relabel changed for spam-v2');
    expect(r.stdout).toMatch(/20 errors became correct, 6 correct became wrong/);
    const twice = modeval([
      'eval',
      '--predictions',
      predictions,
      '--predictions',
      predictions,
      '--dataset',
      v2,
      '--compare-golden',
      v1,
      '--out',
      join(dir, 'cli2'),
    ]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('give one predictions file');
  }, 300_000);
});
