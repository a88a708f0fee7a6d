import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { importPredictions } from '../../src/run/import.js';
import { openPredictions } from '../../src/run/predictions.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { modeval } from '../helpers/cli.js';
import { goldenPath, goldenTable } from '../helpers/golden.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

/**
 * A SYNTHETIC production log shaped like a real moderation system's: the action it took
 * (`remove` / `allow`), not a label, over the real SpamAssassin golden ids. Every 13th item gets the
 * wrong action, so the confusion counts below are known from the construction alone.
 */
async function actionLog(
  dir: string,
  mutate?: (rows: string[][]) => void,
  [removeValue, allowValue] = ['remove', 'allow'],
): Promise<string> {
  const golden = await goldenTable();
  const ids = golden.getChild('id')!;
  const labels = golden.getChild('label')!;
  const rows: string[][] = [];
  for (let i = 0; i < golden.numRows; i++) {
    const spam = labels.get(i) === 'spam';
    const remove = spam !== (i % 13 === 0);
    rows.push([ids.get(i) as string, remove ? removeValue! : allowValue!]);
  }
  mutate?.(rows);
  const path = join(dir, 'moderation-log.csv');
  writeFileSync(path, `item_id,action\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

/** The confusion counts the construction of `actionLog` implies, counted from the golden table. */
async function expectedConfusion(): Promise<{ tp: number; fp: number; fn: number; tn: number }> {
  const golden = await goldenTable();
  const labels = golden.getChild('label')!;
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < golden.numRows; i++) {
    const spam = labels.get(i) === 'spam';
    const flipped = i % 13 === 0;
    if (spam) flipped ? c.fn++ : c.tp++;
    else flipped ? c.fp++ : c.tn++;
  }
  return c;
}

const actions = {
  idColumn: 'item_id',
  decisionColumn: 'action',
  categoryMap: { remove: 'spam', allow: 'ham' },
  modelName: 'keyword-filter',
};

async function importError(options: Parameters<typeof importPredictions>[0]): Promise<string> {
  const err = await importPredictions(options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BadInputError);
  return (err as BadInputError).message;
}

describe('predictions import: single-label decisions mapped to labels (#26 item 3)', () => {
  it('maps remove/allow onto the real golden set, labels and positive from its spec', async () => {
    const dir = tmp();
    const dataset = await goldenPath();
    const out = join(dir, 'keyword.arrows');
    const summary = await importPredictions({ ...actions, input: await actionLog(dir), out, dataset });
    expect(summary).toMatchObject({ rows: 1183, scores: 'decisions', labels: ['ham', 'spam'] });
    const preds = await openPredictions(out);
    expect(preds.meta.model).toMatchObject({ task: 'binary', labels: ['ham', 'spam'], positive: 'spam' });
    const set = await loadEvalSet({ dataset, predictions: [out] });
    expect(set.n).toBe(1183);
    const spam = set.labels.indexOf('spam');
    const got = { tp: 0, fp: 0, fn: 0, tn: 0 };
    const predicted = set.models[0]!.predicted;
    for (let i = 0; i < set.n; i++) {
      const golden = set.truth[i] === spam;
      const removed = predicted[i] === spam;
      if (golden) removed ? got.tp++ : got.fn++;
      else removed ? got.fp++ : got.tn++;
    }
    expect(got).toEqual(await expectedConfusion());
  });

  it('passes through values that are labels already, and maps a multiclass log', async () => {
    const dir = tmp();
    const dataset = join(dir, 'golden.arrow');
    const utf8 = new Utf8();
    writeArrow(dataset, {
      id: { values: ['a', 'b', 'c', 'd'], type: utf8 },
      text: { values: ['w', 'x', 'y', 'z'], type: utf8 },
      label: { values: ['ok', 'spam', 'abuse', 'ok'], type: utf8 },
    });
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ labels: ['ok', 'spam', 'abuse'] }));
    const input = join(dir, 'log.jsonl');
    const log = [
      ['a', 'approve'],
      ['b', 'junk'],
      ['c', 'abuse'],
      ['d', 'approve'],
    ];
    writeFileSync(input, log.map(([id, verdict]) => JSON.stringify({ id, verdict })).join('\n'));
    const out = join(dir, 'p.arrows');
    await importPredictions({
      input,
      out,
      dataset,
      task: 'multiclass',
      decisionColumn: 'verdict',
      categoryMap: { approve: 'ok', junk: 'spam' },
      modelName: 'm',
    });
    const batch = (await (await openPredictions(out)).batches().next()).value!;
    expect(Array.from({ length: batch.length }, (_, i) => batch.predicted.get(i))).toEqual([
      'ok',
      'spam',
      'abuse',
      'ok',
    ]);
    expect(Array.from(batch.scores.slice(3, 6))).toEqual([0, 1, 0]);
  });

  it('names an unmapped value with its row, id and column, and the map; writes nothing', async () => {
    const dir = tmp();
    const input = await actionLog(dir, (rows) => (rows[7]![1] = 'quarantine'));
    const golden = await goldenTable();
    const message = await importError({
      ...actions,
      input,
      out: join(dir, 'x.arrows'),
      dataset: await goldenPath(),
    });
    expect(message).toContain(
      `row 7, id ${JSON.stringify(golden.getChild('id')!.get(7))}, field "action": decision "quarantine"`,
    );
    expect(message).toMatch(/--map value=label/);
    expect(message).toMatch(/"allow", "remove"/);
    expect(listFiles(dir)).toEqual(['moderation-log.csv']);
  });

  it('refuses a map onto a label the dataset does not have, and an ignored decision', async () => {
    const dir = tmp();
    const input = await actionLog(dir);
    const common = { ...actions, input, out: join(dir, 'x.arrows'), dataset: await goldenPath() };
    expect(await importError({ ...common, categoryMap: { remove: 'spamm', allow: 'ham' } })).toMatch(
      /field "categoryMap\.remove": "spamm" is not one of labels \["ham", "spam"\]/,
    );
    expect(await importError({ ...common, categoryMap: { remove: 'spam', allow: null } })).toMatch(
      /field "categoryMap\.allow": .*multilabel/,
    );
    expect(existsSync(join(dir, 'x.arrows'))).toBe(false);
  });

  it('keeps `__proto__` as a log value', async () => {
    const dir = tmp();
    const dataset = await goldenPath();
    const input = await actionLog(dir, (rows) => {
      for (const r of rows) if (r[1] === 'allow') r[1] = '__proto__';
    });
    const out = join(dir, 'p.arrows');
    const map = JSON.parse('{"remove": "spam", "__proto__": "ham"}') as Record<string, string>;
    await importPredictions({ ...actions, categoryMap: map, input, out, dataset });
    const set = await loadEvalSet({ dataset, predictions: [out] });
    expect(set.n).toBe(1183);
  });
});

describe('predictions import: labels and positive from the dataset spec (#26 item 6)', () => {
  // Logs that hold the labels themselves: these checks need no map.
  const labelled = { idColumn: 'item_id', decisionColumn: 'action', modelName: 'keyword-filter' };
  const labelLog = (dir: string) => actionLog(dir, undefined, ['spam', 'ham']);

  it('defaults labels and positive from the spec beside the dataset', async () => {
    const dir = tmp();
    const out = join(dir, 'p.arrows');
    const summary = await importPredictions({
      ...labelled,
      input: await labelLog(dir),
      out,
      dataset: await goldenPath(),
    });
    expect(summary.labels).toEqual(['ham', 'spam']);
    expect((await openPredictions(out)).meta.model.positive).toBe('spam');
  });

  it("takes the spec's positive, not the second label, when only labels are given", async () => {
    const dir = tmp();
    const out = join(dir, 'p.arrows');
    await importPredictions({
      ...labelled,
      labels: ['spam', 'ham'],
      input: await labelLog(dir),
      out,
      dataset: await goldenPath(),
    });
    expect((await openPredictions(out)).meta.model.positive).toBe('spam');
  });

  it('names the labels option and the spec files it looked for when there is none', async () => {
    const dir = tmp();
    const dataset = join(dir, 'golden.arrow');
    copyFileSync(await goldenPath(), dataset);
    const message = await importError({
      ...labelled,
      input: await labelLog(dir),
      out: join(dir, 'x.arrows'),
      dataset,
    });
    expect(message).toMatch(/field "labels"/);
    expect(message).toContain(join(dir, 'golden.spec.json'));
    expect(message).toContain(join(dir, 'spec.json'));
  });

  it('names the spec that declares no labels', async () => {
    const dir = tmp();
    const dataset = join(dir, 'golden.arrow');
    copyFileSync(await goldenPath(), dataset);
    writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ slices: [] }));
    const message = await importError({
      ...labelled,
      input: await labelLog(dir),
      out: join(dir, 'x.arrows'),
      dataset,
    });
    expect(message).toMatch(/field "labels"/);
    expect(message).toContain(`${join(dir, 'golden.spec.json')} declares no labels`);
  });
});

describe('modeval predictions import (the CLI): --map for decisions, errors name the flags', () => {
  const cli = (dir: string, input: string, dataset: string, extra: string[]) =>
    modeval([
      'predictions',
      'import',
      input,
      '--out',
      join(dir, 'p.arrows'),
      '--dataset',
      dataset,
      '--id',
      'item_id',
      '--decision',
      'action',
      '--model-name',
      'keyword-filter',
      ...extra,
    ]);

  it('imports remove/allow with --map and no --labels', async () => {
    const dir = tmp();
    const res = cli(dir, await actionLog(dir), await goldenPath(), [
      '--map',
      'remove=spam',
      '--map',
      'allow=ham',
    ]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/imported 1183 predictions of ham, spam \(scores from decisions\)/);
  });

  it('names --map with the value, and --labels with the spec files looked for', async () => {
    const dir = tmp();
    const input = await actionLog(dir);
    const bad = cli(dir, input, await goldenPath(), ['--map', 'remove=spamm', '--map', 'allow=ham']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--map remove: "spamm" is not one of labels \["ham", "spam"\]/);
    expect(bad.stderr).not.toMatch(/categoryMap|\n\s+at /);
    const dataset = join(dir, 'golden.arrow');
    copyFileSync(await goldenPath(), dataset);
    const none = cli(dir, input, dataset, ['--map', 'remove=spam', '--map', 'allow=ham']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--labels: give the ordered labels/);
    expect(none.stderr).toContain(join(dir, 'spec.json'));
    expect(existsSync(join(dir, 'p.arrows'))).toBe(false);
  });
});
