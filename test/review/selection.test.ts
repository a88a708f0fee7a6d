import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, List, Struct, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clustersFor } from '../../src/analysis/clusters.js';
import { exportReview } from '../../src/review/export.js';
import { writeCsvQueue } from '../../src/review/formats/csv.js';
import { escapeXml, labelStudioConfig } from '../../src/review/formats/shared/labelstudio-tasks.js';
import { checkQueueName, clipText, externalId, type ReviewItem } from '../../src/review/item.js';
import { formatSelectRule, parseSelectRule } from '../../src/review/select-options.js';
import { BadInputError } from '../../src/util/errors.js';
import {
  golden,
  ids,
  queueBatch,
  source,
  spamA,
  spamB,
  texts,
  writeGolden,
  writePredictions,
} from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modeval-select-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function jsonl(path: string): Promise<Record<string, unknown>[]> {
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('selection rules', () => {
  it('parses the CLI rule syntax', () => {
    expect(parseSelectRule('low-margin:0.15')).toEqual({ kind: 'low_margin', below: 0.15 });
    expect(parseSelectRule('model-vs-model:1,2')).toEqual({ kind: 'model_vs_model', a: 1, b: 2 });
    expect(parseSelectRule('cluster:3')).toEqual({ kind: 'cluster', cluster: 'c3' });
    expect(parseSelectRule('label-issue')).toEqual({ kind: 'label_issue' });
    expect(() => parseSelectRule('low-margin:wide')).toThrow(BadInputError);
    expect(() => parseSelectRule('everything')).toThrow(/rules: model-vs-golden/);
  });

  it('writes a rule back in the syntax it was read from (the CLI shows library defaults this way)', () => {
    for (const text of [
      'model-vs-golden',
      'model-vs-golden:2',
      'model-vs-model',
      'model-vs-model:1,2',
      'low-margin',
      'low-margin:0.3',
      'label-issue',
      'annotator-disagreement',
      'cluster:c3',
    ]) {
      expect(formatSelectRule(parseSelectRule(text))).toBe(text);
    }
    expect(formatSelectRule({ kind: 'model_vs_golden', model: 0 })).toBe('model-vs-golden');
  });

  it('refuses a rule naming a model beyond the predictions given, before selecting', async () => {
    const g = join(dir, 'golden.arrow');
    const a = join(dir, 'a.arrows');
    await writeGolden(g);
    await writePredictions(a, 'spamfilter', '1', spamA);
    const run = (rule: string) =>
      exportReview({
        dataset: g,
        predictions: [a],
        out: join(dir, 'review'),
        queue: 'q',
        select: { rules: [parseSelectRule(rule)] },
      });
    await expect(run('model-vs-model:0,3')).rejects.toThrow(
      'rule model-vs-model names model 3, but 1 predictions file(s) were given',
    );
    await expect(run('model-vs-golden:1')).rejects.toThrow(/rule model-vs-golden names model 1/);
  });

  it('refuses a clusters file that is not JSON or not a clusters.json, naming it', async () => {
    const g = join(dir, 'golden.arrow');
    const a = join(dir, 'a.arrows');
    await writeGolden(g);
    await writePredictions(a, 'spamfilter', '1', spamA);
    const file = join(dir, 'clusters.json');
    const run = () =>
      exportReview({
        dataset: g,
        predictions: [a],
        out: join(dir, 'review'),
        queue: 'q',
        clusters: file,
        select: { rules: [parseSelectRule('cluster:1')] },
      });
    await writeFile(file, '{ not json');
    await expect(run()).rejects.toThrow(/clusters\.json: the clusters file is not valid JSON: /);
    await writeFile(file, '{}');
    await expect(run()).rejects.toThrow(
      /clusters\.json, field "schemaVersion": not a modeval clusters\.json/,
    );
  });

  it('exports the members of one error cluster from clusters.json', async () => {
    const g = join(dir, 'golden.arrow');
    const a = join(dir, 'a.arrows');
    await writeGolden(g);
    await writePredictions(a, 'spamfilter', '1', spamA);
    const report = await clustersFor({ dataset: g, predictions: [a] }, { minCellSize: 2 });
    const file = join(dir, 'clusters.json');
    await writeFile(file, JSON.stringify(report));
    // Three false positives (items 1, 4, 7) outrank two false negatives (items 0, 3) by size.
    expect(report.clusters.map((c) => [c.id, c.cell, c.size])).toEqual([
      ['c1', 'ham>spam', 3],
      ['c2', 'spam>ham', 2],
    ]);
    const s = await exportReview({
      dataset: g,
      predictions: [a],
      out: join(dir, 'review'),
      queue: 'c2',
      select: { rules: [parseSelectRule('cluster:2')] },
      clusters: file,
      formats: ['jsonl'],
    });
    const rows = await jsonl(join(s.dir!, 'queue.jsonl'));
    // Equal cost and cluster rank: the hesitant item-03 (margin 0.1) comes before item-00 (0.96).
    expect(rows.map((r) => [r.id, r.cluster, r.reasons, r.priority])).toEqual([
      ['item-03', 'c2', ['cluster'], 1],
      ['item-00', 'c2', ['cluster'], 2],
    ]);
    await expect(
      exportReview({
        dataset: g,
        predictions: [a],
        out: join(dir, 'review'),
        queue: 'c1',
        select: { rules: [{ kind: 'cluster', cluster: 'c1' }] },
      }),
    ).rejects.toThrow(/needs --clusters/);
  });

  it('selects annotator disagreement from the golden set annotations', async () => {
    // SYNTHETIC: two annotators; they disagree on items 2 and 5 only.
    const annType = new List(
      new Field(
        'item',
        new Struct([new Field('annotator', new Utf8(), false), new Field('label', new Utf8(), true)]),
        false,
      ),
    );
    const annotations = golden.map((l, i) => [
      { annotator: 'ann', label: l },
      { annotator: 'bob', label: i === 2 || i === 5 ? (l === 'ham' ? 'spam' : 'ham') : l },
    ]);
    const g = join(dir, 'golden.arrow');
    await writeFile(
      g,
      tableToIPC(
        new Table({
          id: vectorFromArray(ids, new Utf8()),
          text: vectorFromArray(texts, new Utf8()),
          label: vectorFromArray(golden, new Utf8()),
          source: vectorFromArray(source, new Utf8()),
          annotations: vectorFromArray(annotations, annType),
        }),
        'file',
      ),
    );
    await writeFile(
      join(dir, 'golden.spec.json'),
      JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam' }),
    );
    const a = join(dir, 'a.arrows');
    await writePredictions(a, 'spamfilter', '1', spamA);
    const s = await exportReview({
      dataset: g,
      predictions: [a],
      out: join(dir, 'review'),
      queue: 'ann',
      select: { rules: [{ kind: 'annotator_disagreement' }] },
      formats: ['jsonl'],
    });
    const rows = await jsonl(join(s.dir!, 'queue.jsonl'));
    expect(rows.map((r) => r.id).sort()).toEqual(['item-02', 'item-05']);
    expect(rows.every((r) => r.annotator_entropy === 1)).toBe(true);
  });

  it('blind review shows only the text, the ids and the question in every format', async () => {
    const g = join(dir, 'golden.arrow');
    const a = join(dir, 'a.arrows');
    const b = join(dir, 'b.arrows');
    await writeGolden(g);
    await writePredictions(a, 'spamfilter', '1', spamA);
    await writePredictions(b, 'spamfilter', '2', spamB);
    const s = await exportReview({
      dataset: g,
      predictions: [a, b],
      out: join(dir, 'review'),
      queue: 'blind',
      select: { rules: [{ kind: 'model_vs_golden' }] },
      golden: 'hidden',
      formats: ['jsonl', 'csv', 'labelstudio', 'argilla'],
    });
    // A binary model-vs-golden queue: any prediction, flag or reason would give the golden away.
    const rows = await jsonl(join(s.dir!, 'queue.jsonl'));
    expect(Object.keys(rows[0]!)).toEqual([
      'external_id',
      'id',
      'text',
      'text_truncated',
      'verdict',
      'reviewer',
    ]);
    const csvHead = (await readFile(join(s.dir!, 'queue.csv'), 'utf8')).split('\n')[0];
    expect(csvHead).toBe('external_id,id,text,text_truncated,verdict,reviewer');
    const tasks = JSON.parse(await readFile(join(s.dir!, 'labelstudio-tasks.json'), 'utf8'));
    expect(tasks[0]).not.toHaveProperty('annotations');
    expect(Object.keys(tasks[0].data)).toEqual(['text', 'item_id', 'external_id']);
    expect(tasks[0].predictions).toEqual([]);
    const records = JSON.parse(await readFile(join(s.dir!, 'argilla', 'records.json'), 'utf8'));
    expect(records[0].metadata).toEqual({ item_id: rows[0]!.id });
    expect(records[0].suggestions).toEqual({});
    const settings = JSON.parse(await readFile(join(s.dir!, 'argilla', '.argilla', 'settings.json'), 'utf8'));
    expect(settings.metadata.map((m: { name: string }) => m.name)).toEqual(['item_id']);
    const log = JSON.parse(await readFile(join(s.dir!, 'argilla', 'records-log.json'), 'utf8'));
    expect(Object.keys(log[0]).sort()).toEqual(['id', 'item_id', 'text']);
  });
});

describe('formats', () => {
  it('escapes every value in the Label Studio config', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    const xml = labelStudioConfig(['ok', '"/><Script>alert(1)</Script><x a="'], 'queue <q>');
    expect(xml).not.toContain('<Script>');
    expect(xml).toContain('<Header value="queue &lt;q&gt;"/>');
    expect(xml.match(/<Choice value="/g)).toHaveLength(2);
  });

  it('defuses spreadsheet formulas in every CSV cell but the ids verdicts are matched on', async () => {
    const item: ReviewItem = {
      externalId: 'mv-1',
      id: '=id',
      queue: 'q',
      text: '=HYPERLINK("http://x")',
      textTruncated: false,
      golden: '+ham',
      models: [{ model: 'm@1', key: 'm_1', predicted: '@spam', score: 0.8, scores: [0.2, 0.8] }],
      reasons: ['model_vs_golden'],
      margin: -0.5,
      labelIssue: null,
      labelQuality: 0.5,
      annotatorEntropy: null,
      cluster: null,
      clusterRank: null,
      slices: { source: '=cmd|" /c calc"!A1' },
      priority: 1,
    };
    const file = join(dir, 'queue.csv');
    await writeCsvQueue(file, queueBatch([item]));
    const [head, row] = parse(await readFile(file, 'utf8')) as string[][];
    const cell = (name: string) => row![head!.indexOf(name)];
    expect(cell('id')).toBe('=id');
    expect(cell('text')).toBe(`'=HYPERLINK("http://x")`);
    expect(cell('golden')).toBe("'+ham");
    expect(cell('pred_m_1')).toBe("'@spam");
    expect(cell('slice_source')).toBe(`'=cmd|" /c calc"!A1`);
    expect(cell('margin')).toBe('-0.5');
  });

  it('external ids are stable per dataset, item and queue', () => {
    expect(externalId('fp', 'item-1', 'q')).toBe(externalId('fp', 'item-1', 'q'));
    expect(externalId('fp', 'item-1', 'q')).not.toBe(externalId('fp', 'item-1', 'q2'));
    expect(externalId('fp', 'item-1', 'q')).not.toBe(externalId('fp2', 'item-1', 'q'));
    expect(externalId('fp', 'a\u0000b', 'q')).not.toBe(externalId('fp', 'a', 'b\u0000q'));
    expect(externalId('fp', 'x', 'q')).toMatch(/^mv-[0-9a-f]{24}$/);
  });

  it('refuses queue names that could be paths', () => {
    expect(() => checkQueueName('../etc')).toThrow(BadInputError);
    expect(() => checkQueueName('a/b')).toThrow(BadInputError);
    expect(checkQueueName('qa-2026.11')).toBe('qa-2026.11');
  });

  it('clips long texts without splitting a surrogate pair', () => {
    expect(clipText('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(clipText('abcd', 3)).toEqual({ text: 'abc', truncated: true });
    // '😀' is two UTF-16 units: a cut after 'ab' + its first half keeps 'ab' only.
    expect(clipText('ab😀cd', 3)).toEqual({ text: 'ab', truncated: true });
    expect(clipText('ab😀cd', 4)).toEqual({ text: 'ab😀', truncated: true });
  });
});
