import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type ConvertOptions, convertToArrow } from '../../src/dataset/convert.js';
import { resolveColumns } from '../../src/dataset/convert-annotators.js';
import { BadInputError, ExitCode } from '../../src/util/errors.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

/**
 * `convert --annotators`: wide annotator columns (one per annotator, the usual crowd CSV) into the
 * `annotations` column. Small hand-written inputs: the shapes (empty cells, integer codes, a name
 * that is `__proto__`, multi-policy cells) are what is tested, and real crowd files have them all.
 */
type Entry = { annotator: string | null; label: string | null };

function rowsOf(path: string): Record<string, unknown>[] {
  const table = tableFromIPC(readFileSync(path));
  return table.toArray().map((row) => {
    const o = row.toJSON() as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      // The list-of-struct column (whatever its name) as plain entries; Int64 ids as text.
      out[k] =
        typeof v === 'object' && v !== null && Symbol.iterator in v
          ? [...(v as Iterable<{ toJSON(): Entry }>)].map((e) => ({ ...e.toJSON() }))
          : typeof v === 'bigint'
            ? v.toString()
            : v;
    }
    return out;
  });
}

const namesOf = (path: string) => tableFromIPC(readFileSync(path)).schema.fields.map((f) => f.name);

describe('convert --annotators', () => {
  const tmp = useTmpDir();

  it('gathers a range in number order (label_2 before label_10); empty cells are no judgement', async () => {
    const input = join(tmp(), 'crowd.csv');
    const header = ['id', 'text', ...Array.from({ length: 10 }, (_, k) => `label_${10 - k}`), 'gold'];
    const cells = (xs: string[]) => xs.join(',');
    writeFileSync(
      input,
      [
        cells(header),
        cells(['7', 'you are awful', 'hate', '', '', '', '', '', '', '', 'hate', 'ok', 'hate']),
        cells(['8', 'lovely day', '', '', '', '', '', '', '', '', '', '', 'ok']),
      ].join('\n'),
    );
    const output = join(tmp(), 'crowd.arrows');
    const summary = await convertToArrow({
      input,
      output,
      map: { gold: 'label' },
      annotators: { columns: ['label_1..label_10'] },
    });
    expect(summary.annotators?.sources.map((s) => s.column)).toEqual(
      Array.from({ length: 10 }, (_, k) => `label_${k + 1}`),
    );
    // The gathered column takes the place of the first annotator column in the file; the ten are gone.
    expect(namesOf(output)).toEqual(['id', 'text', 'annotations', 'label']);
    expect(rowsOf(output)).toEqual([
      {
        id: '7',
        text: 'you are awful',
        label: 'hate',
        annotations: [
          { annotator: 'label_1', label: 'ok' },
          { annotator: 'label_2', label: 'hate' },
          { annotator: 'label_10', label: 'hate' },
        ],
      },
      { id: '8', text: 'lovely day', label: 'ok', annotations: [] },
    ]);
  });

  it('a pattern in file order, annotator names as data (__proto__, a quote), integer codes as text', async () => {
    const input = join(tmp(), 'codes.csv');
    writeFileSync(input, 'id,rater_b,gold,rater_a,rater_c\nx,1,1,0,\ny,0,0,0,1\n');
    const output = join(tmp(), 'codes.arrows');
    await convertToArrow({
      input,
      output,
      annotators: { columns: ['rater_*'], names: ['__proto__', "o'neil", 'constructor'] },
    });
    expect(rowsOf(output)).toEqual([
      {
        id: 'x',
        annotations: [
          { annotator: '__proto__', label: '1' },
          { annotator: "o'neil", label: '0' },
        ],
        gold: '1',
      },
      {
        id: 'y',
        annotations: [
          { annotator: '__proto__', label: '0' },
          { annotator: "o'neil", label: '0' },
          { annotator: 'constructor', label: '1' },
        ],
        gold: '0',
      },
    ]);
  });

  it('multi-policy: a separator splits text cells; list cells (JSONL) need none; "chose none" is a null label', async () => {
    const csv = join(tmp(), 'policies.csv');
    writeFileSync(csv, 'id,a1,a2\np,"hate; spam",;\nq,,spam\n');
    await convertToArrow({
      input: csv,
      output: join(tmp(), 'p.arrows'),
      annotators: { columns: ['a1', 'a2'], separator: ';', output: 'votes' },
    });
    const fromCsv = rowsOf(join(tmp(), 'p.arrows'));
    expect(fromCsv).toEqual([
      {
        id: 'p',
        votes: [
          { annotator: 'a1', label: 'hate' },
          { annotator: 'a1', label: 'spam' },
          { annotator: 'a2', label: null },
        ],
      },
      { id: 'q', votes: [{ annotator: 'a2', label: 'spam' }] },
    ]);
    const jsonl = join(tmp(), 'policies.jsonl');
    writeFileSync(
      jsonl,
      `${JSON.stringify({ id: 'p', a1: ['hate', 'spam'], a2: [] })}\n${JSON.stringify({ id: 'q', a1: null, a2: ['spam'] })}\n`,
    );
    await convertToArrow({
      input: jsonl,
      output: join(tmp(), 'j.arrows'),
      annotators: { columns: ['a1', 'a2'], output: 'votes' },
    });
    expect(rowsOf(join(tmp(), 'j.arrows'))).toEqual(fromCsv);
  });

  it('--select keeps the gathered column and refuses an annotator column by name', async () => {
    const input = join(tmp(), 's.csv');
    writeFileSync(input, 'id,text,l1,l2\na,t,x,y\n');
    await convertToArrow({
      input,
      output: join(tmp(), 's.arrows'),
      select: ['id'],
      annotators: { columns: ['l1..l2'] },
    });
    expect(namesOf(join(tmp(), 's.arrows'))).toEqual(['id', 'annotations']);
    await expectBadInput(
      { input, output: join(tmp(), 't.arrows'), select: ['id', 'l1'], annotators: { columns: ['l1..l2'] } },
      /--select names annotator column "l1"/,
    );
  });

  async function expectBadInput(options: ConvertOptions, pattern: RegExp): Promise<void> {
    const before = listFiles(tmp());
    const err = await convertToArrow(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).exitCode).toBe(ExitCode.badInput);
    expect((err as Error).message).toMatch(pattern);
    expect(listFiles(tmp())).toEqual(before);
  }

  it('bad selectors and names are refused before anything is written, naming what is wrong', async () => {
    const input = join(tmp(), 'b.csv');
    writeFileSync(input, 'id,label_1,label_2,label_4,annotations\na,x,y,z,w\n');
    const out = join(tmp(), 'b.arrows');
    await expectBadInput(
      { input, output: out, annotators: { columns: ['label_1..label_4'] } },
      /range "label_1..label_4": the input has no column "label_3"/,
    );
    await expectBadInput(
      { input, output: out, annotators: { columns: ['rater_*'] } },
      /pattern "rater_\*" matches no column/,
    );
    await expectBadInput(
      { input, output: out, annotators: { columns: ['label_1..label_2'], names: ['one'] } },
      /gives 1 names for 2 annotator columns/,
    );
    await expectBadInput(
      { input, output: out, annotators: { columns: ['label_1..label_2'] } },
      /already has a column "annotations"/,
    );
    await expectBadInput(
      { input, output: out, annotators: { columns: ['label_*', 'label_2'], output: 'votes' } },
      /selects column "label_2" twice/,
    );
    await expectBadInput(
      { input, output: out, annotators: { columns: ['a1..b2'], output: 'votes' } },
      /both ends need the same prefix/,
    );
  });

  it('a column literally named like a range or pattern is taken by its name', () => {
    expect(resolveColumns('f.csv', ['x', 'a1..a2', 'q*'], ['a1..a2', 'q*'])).toEqual(['a1..a2', 'q*']);
  });
});
