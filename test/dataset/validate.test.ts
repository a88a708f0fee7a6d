import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bool, Field, Int64, List, Struct, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { inspectDataset } from '../../src/dataset/inspect.js';
import { openDataset } from '../../src/dataset/open.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const U = new Utf8();

/** Rows chosen so that each one trips exactly one check (row 0 and row 5 are clean). */
function problemDataset(dir: string): string {
  const path = join(dir, 'problems.arrow');
  writeArrow(path, {
    id: { values: ['a', 'b', 'c', null, 'b', 'f', 'g'], type: U },
    text: { values: ['fine', null, '   ', 'no id', 'dup', 'unlabelled', 'odd label'], type: U },
    label: { values: ['spam', 'ham', 'ham', 'spam', 'ham', null, 'eggs'], type: U },
    market: { values: ['us', 'us', 'de', 'de', 'fr', 'fr', 'us'], type: U },
  });
  writeFileSync(join(dir, 'problems.spec.json'), JSON.stringify({ labels: ['ham', 'spam'] }));
  return path;
}

describe('dataset validation', () => {
  it('stops at the first bad row by default, naming file, batch, row, id and field', async () => {
    const ds = await openDataset(problemDataset(tmp()));
    const run = ds.scan().run();
    await expect(run).rejects.toBeInstanceOf(BadInputError);
    await expect(ds.scan().run()).rejects.toThrow(
      /problems\.arrow, batch 0, row 1, id "b", field "text": text is null/,
    );
  });

  it('collects every problem with its kind, and counts null labels as unlabelled, not as a class', async () => {
    const ds = await openDataset(problemDataset(tmp()));
    const summary = await ds.scan({ onInvalid: 'collect' }).run();
    expect(summary.rows).toBe(7);
    expect(summary.rejected).toBe(5);
    expect(summary.valid).toBe(2);
    expect(summary.unlabelled).toBe(1);
    expect(summary.problems).toEqual({
      missing_text: 1,
      empty_text: 1,
      missing_id: 1,
      duplicate_id: 1,
      label_not_in_set: 1,
    });
    expect(summary.labelCounts).toEqual({ spam: 1 });
    expect(summary.examples.map((p) => [p.row, p.kind])).toEqual([
      [1, 'missing_text'],
      [2, 'empty_text'],
      [3, 'missing_id'],
      [4, 'duplicate_id'],
      [6, 'label_not_in_set'],
    ]);
    expect(summary.examples[3]!.message).toBe('duplicate id (first seen at row 1)');
  });

  it('skip mode writes rejected rows with reasons to a side file and yields only statuses for the rest', async () => {
    const dir = tmp();
    const ds = await openDataset(problemDataset(dir));
    const rejects = join(dir, 'rejected.jsonl');
    const statuses: number[] = [];
    const scan = ds.scan({ onInvalid: 'skip', rejectsPath: rejects });
    for await (const vb of scan) statuses.push(...vb.status);
    expect(statuses).toEqual([1, 0, 0, 0, 0, 2, 0]);
    const lines = readFileSync(rejects, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatchObject({ kind: 'label_not_in_set', row: 6, id: 'g', field: 'label' });
    expect(lines[4].values).toMatchObject({ id: 'g', label: 'eggs', market: 'us' });
    expect(listFiles(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('skip mode echoes nested Int64 and long nested strings of a rejected row as capped JSON', async () => {
    const dir = tmp();
    const path = join(dir, 'nested.arrow');
    const long = 'x'.repeat(500);
    writeArrow(path, {
      id: { values: ['a', 'b'], type: U },
      text: { values: ['fine', ''], type: U },
      label: { values: ['ham', 'spam'], type: U },
      counts: { values: [[1n], [2n, 3n]], type: new List(new Field('item', new Int64(), true)) },
      tags: { values: [[], [long]], type: new List(new Field('item', U, true)) },
    });
    const rejects = join(dir, 'rejected.jsonl');
    const summary = await (await openDataset(path)).scan({ onInvalid: 'skip', rejectsPath: rejects }).run();
    expect(summary.rejected).toBe(1);
    const [line] = readFileSync(rejects, 'utf8').trim().split('\n');
    const { values } = JSON.parse(line!);
    expect(values.counts).toEqual(['2', '3']);
    expect(values.tags).toEqual([`${'x'.repeat(199)}…`]);
  });

  it('reports non-UTF-8 text as its own problem instead of decoding it to U+FFFD', async () => {
    const dir = tmp();
    const path = join(dir, 'latin1.arrow');
    writeArrow(path, {
      id: { values: ['x1', 'x2'], type: U },
      text: { values: ['caf\u00e9', 'MARKER'], type: U },
      label: { values: ['ham', 'spam'], type: U },
    });
    // Overwrite the UTF-8 bytes of "MARKER" with a Latin-1 encoded "café!!" (0xE9 alone is invalid UTF-8).
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from('MARKER'));
    Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21, 0x21]).copy(bytes, at);
    writeFileSync(path, bytes);
    const summary = await (await openDataset(path)).scan({ onInvalid: 'collect' }).run();
    expect(summary.problems).toEqual({ invalid_utf8: 1 });
    expect(summary.examples[0]).toMatchObject({ row: 1, id: 'x2', field: 'text' });
  });

  it('names a missing column and lists the ones the dataset has; names a wrong type', async () => {
    const dir = tmp();
    const path = join(dir, 'nolabel.arrow');
    writeArrow(path, { id: { values: ['1'], type: U }, body: { values: ['t'], type: U } });
    await expect(openDataset(path)).rejects.toThrow(
      /nolabel\.arrow, field "text": missing content column; the dataset has: id, body/,
    );
    await expect(openDataset(path, { spec: { text: ['body'] } })).rejects.toThrow(
      /field "label": missing label column/,
    );
    const typed = join(dir, 'typed.arrow');
    writeArrow(typed, {
      id: { values: ['1'], type: U },
      text: { values: ['t'], type: U },
      label: { values: [true], type: new Bool() },
    });
    await expect(openDataset(typed)).rejects.toThrow(/field "label": label column has type Bool/);
  });

  it('rejects a spec that fails its schema, naming the spec file and field', async () => {
    const dir = tmp();
    const path = problemDataset(dir);
    writeFileSync(join(dir, 'bad.spec.json'), JSON.stringify({ labels: ['a', 'a'] }));
    await expect(openDataset(path, { spec: join(dir, 'bad.spec.json') })).rejects.toThrow(
      /bad\.spec\.json, field "labels": labels must be unique/,
    );
    writeFileSync(join(dir, 'typo.spec.json'), JSON.stringify({ lables: ['a'] }));
    await expect(openDataset(path, { spec: join(dir, 'typo.spec.json') })).rejects.toBeInstanceOf(
      BadInputError,
    );
    writeFileSync(join(dir, 'cut.spec.json'), '{"labels": [');
    await expect(openDataset(path, { spec: join(dir, 'cut.spec.json') })).rejects.toThrow(
      /cut\.spec\.json: the dataset spec is not valid JSON/,
    );
    await expect(openDataset(path, { spec: join(dir, 'none.spec.json') })).rejects.toThrow(
      /none\.spec\.json: cannot read the dataset spec: ENOENT/,
    );
  });

  it('reads multilabel golden labels and annotations (synthetic example)', async () => {
    const dir = tmp();
    const path = join(dir, 'synthetic-multilabel.arrow');
    const ann = new List(
      new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
    );
    writeArrow(path, {
      id: { values: ['m1', 'm2', 'm3'], type: U },
      text: { values: ['synthetic one', 'synthetic two', 'synthetic three'], type: U },
      labels: { values: [['hate', 'harassment'], [], ['spam']], type: new List(new Field('item', U, true)) },
      annotations: {
        values: [
          [
            { annotator: 'r1', label: 'hate' },
            { annotator: 'r2', label: 'benign' },
          ],
          [{ annotator: 'r1', label: 'benign' }],
          [{ annotator: 'r3', label: 'violence' }],
        ],
        type: ann,
      },
      language: { values: ['en', 'es', 'en'], type: U },
    });
    const report = await inspectDataset(path, {
      spec: { labels: ['hate', 'harassment', 'spam', 'benign'] },
    });
    expect(report.task).toBe('multilabel');
    // m3 is rejected (annotator r3 used a label outside the set), so its spam label is not counted.
    expect(report.labels.counts).toEqual({ harassment: 1, hate: 1 });
    expect(report.validation.problems).toEqual({ annotation_label_not_in_set: 1 });
    expect(report.annotators?.perAnnotator).toEqual({ r1: 2, r2: 1 });
    expect(report.slices.language?.values).toEqual([
      ['en', 1],
      ['es', 1],
    ]);
  });
});
