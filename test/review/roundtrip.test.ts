import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatImport } from '../../src/cli/review.js';
import { openDataset } from '../../src/dataset/open.js';
import { exportReview } from '../../src/review/export.js';
import { REVIEW_FORMATS } from '../../src/review/formats/registry.js';
import { importReview, VerdictProblemsError } from '../../src/review/import.js';
import { BadInputError } from '../../src/util/errors.js';
import { ids, spamA, spamB, writeGolden, writePredictions, wrongA } from './fixtures.js';

/**
 * The shape Label Studio documents for importing tasks with pre-annotations ("Basic Label Studio
 * JSON format", https://labelstud.io/guide/predictions and the task format reference
 * https://labelstud.io/guide/task_format; prediction fields per the API reference
 * https://api.labelstud.io/api-reference/api-reference/predictions/create): a `data` object whose
 * keys match the labelling config's `$variables`, and a `predictions` array whose entries carry
 * `model_version` (string), `score` (number) and `result` (list of region results; for a Choices
 * control: `from_name`, `to_name`, `type: "choices"`, `value.choices` string array).
 */
const DocumentedChoiceResult = z.object({
  id: z.string().optional(),
  from_name: z.string(),
  to_name: z.string(),
  type: z.literal('choices'),
  value: z.object({ choices: z.array(z.string()).min(1) }),
});
const DocumentedTask = z.object({
  data: z
    .record(z.string(), z.unknown())
    .refine((d) => typeof d.text === 'string', 'data.text must be a string'),
  predictions: z
    .array(
      z.object({ model_version: z.string(), score: z.number(), result: z.array(DocumentedChoiceResult) }),
    )
    .optional(),
  annotations: z.array(z.object({ result: z.array(DocumentedChoiceResult) }).passthrough()).optional(),
});
const DocumentedImport = z.array(DocumentedTask);

let dir: string;
let goldenPath: string;
let predA: string;
let predB: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modeval-review-'));
  goldenPath = join(dir, 'golden.arrow');
  predA = join(dir, 'a.arrows');
  predB = join(dir, 'b.arrows');
  await writeGolden(goldenPath);
  await writePredictions(predA, 'spamfilter', '1', spamA);
  await writePredictions(predB, 'spamfilter', '2', spamB);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FIXED = () => new Date('2026-11-22T04:00:00.000Z');

async function exportQ1(extra: Partial<Parameters<typeof exportReview>[0]> = {}) {
  return exportReview({
    dataset: goldenPath,
    predictions: [predA, predB],
    out: join(dir, 'review'),
    queue: 'q1',
    select: { rules: [{ kind: 'model_vs_golden' }] },
    now: FIXED,
    ...extra,
  });
}

async function lsTasks(batchDir: string) {
  return JSON.parse(await readFile(join(batchDir, 'labelstudio-tasks.json'), 'utf8')) as {
    data: { item_id: string; external_id: string; queue: string; text: string };
    predictions: { model_version: string; score: number; result: unknown[] }[];
    annotations?: unknown[];
  }[];
}

function annotate(label: string, by: string, extra: Record<string, unknown> = {}) {
  return {
    id: 1,
    completed_by: { email: by },
    result: [{ from_name: 'label', to_name: 'text', type: 'choices', value: { choices: [label] } }],
    was_cancelled: false,
    ground_truth: false,
    updated_at: '2026-11-22T05:00:00Z',
    ...extra,
  };
}

describe('review export', () => {
  it('selects the model-vs-golden errors and writes every format', async () => {
    const s = await exportQ1();
    expect(s.exported).toBe(wrongA.length);
    expect(s.batch).toBe('batch-0001');
    const files = (await readdir(s.dir!)).sort();
    // Every registered format's files (their top folder: Argilla writes a folder), and the manifest.
    const written = REVIEW_FORMATS.flatMap((f) => f.files.map((path) => path.split('/')[0]!));
    expect(files).toEqual([...new Set([...written, 'manifest.json'])].sort());
    expect(files).toContain('labelstudio-tasks.json');
    const tasks = await lsTasks(s.dir!);
    expect(DocumentedImport.safeParse(tasks).success).toBe(true);
    expect(tasks.map((t) => t.data.item_id).sort()).toEqual([...wrongA].sort());
    // One prediction per model version, each with its own score.
    const t0 = tasks.find((t) => t.data.item_id === 'item-00')!;
    // Default: the golden label travels as a prediction named `golden`, so the task stays
    // unlabelled; it comes first and the first model last, whose answer then pre-fills the editor
    // (labelstudio-rules.test.ts).
    expect(t0.predictions.map((p) => p.model_version)).toEqual(['golden', 'spamfilter@2', 'spamfilter@1']);
    expect(t0.annotations).toBeUndefined();
    expect(t0.predictions.at(-1)!.score).toBeCloseTo(0.98, 5);
    expect(t0.predictions.at(-1)!.result).toEqual([
      { from_name: 'label', to_name: 'text', type: 'choices', value: { choices: ['ham'] } },
    ]);
    const config = await readFile(join(s.dir!, 'labelstudio-config.xml'), 'utf8');
    expect(config).toContain('<Text name="text" value="$text"/>');
    expect(config).toContain('<Choices name="label" toName="text"');
    expect(config).toContain('<Choice value="spam"/>');
    const arrow = tableFromIPC(await readFile(join(s.dir!, 'queue.arrow')));
    expect(arrow.numRows).toBe(5);
    expect(arrow.schema.fields.map((f) => f.name)).toContain('pred_spamfilter_1');
    const argilla = JSON.parse(await readFile(join(s.dir!, 'argilla', 'records.json'), 'utf8'));
    expect(argilla).toHaveLength(5);
    expect(argilla[0].suggestions.label).toMatchObject({ agent: 'spamfilter@1' });
  });

  it('calls no disagreement relabel or model error without the evidence, and says which rule decided', async () => {
    // 24 items cannot state either model's ROC-AUC above the floor, and the two models err alike:
    // no opinion, so no label_issue (label-evidence.test.ts has the real-data cases).
    const s = await exportQ1({ formats: ['jsonl'] });
    const rows = (await readFile(join(s.dir!, 'queue.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; label_issue: string | null });
    expect(rows.map((r) => r.label_issue)).toEqual(rows.map(() => null));
    expect(s.labelEvidence).toHaveLength(1);
    expect(s.labelEvidence[0]).toMatchObject({ decidedBy: 'too-few-opinions', flagged: 0 });
    expect(s.labelEvidence[0]!.models.map((m) => m.model)).toEqual(['spamfilter@1', 'spamfilter@2']);
    const manifest = JSON.parse(await readFile(join(s.dir!, 'manifest.json'), 'utf8'));
    expect(manifest.labelEvidence).toEqual([
      { target: null, decidedBy: 'too-few-opinions', rule: s.labelEvidence[0]!.rule },
    ]);
  });

  it('a second export to the same queue skips what was already sent', async () => {
    const first = await exportQ1({ select: { rules: [{ kind: 'model_vs_golden' }], cap: 2 } });
    expect(first.exported).toBe(2);
    const second = await exportQ1({ select: { rules: [{ kind: 'model_vs_golden' }], cap: 2 } });
    expect(second.exported).toBe(2);
    expect(second.alreadyExported).toBe(2);
    expect(second.batch).toBe('batch-0002');
    const a = (await lsTasks(first.dir!)).map((t) => t.data.item_id);
    const b = (await lsTasks(second.dir!)).map((t) => t.data.item_id);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
    const third = await exportQ1();
    expect(third.exported).toBe(1);
    const fourth = await exportQ1();
    expect(fourth.exported).toBe(0);
    expect(fourth.alreadyExported).toBe(5);
    // Another queue starts from scratch, with its own external ids.
    const other = await exportQ1({ queue: 'q2' });
    expect(other.exported).toBe(5);
    const ext1 = (await lsTasks(first.dir!))[0]!.data;
    const ext2 = (await lsTasks(other.dir!)).find((t) => t.data.item_id === ext1.item_id)!.data;
    expect(ext2.external_id).not.toBe(ext1.external_id);
  });

  it('selects model-vs-model disagreements and low margins', async () => {
    const s = await exportQ1({ select: { rules: [{ kind: 'model_vs_model' }] }, formats: ['jsonl'] });
    expect(s.exported).toBe(2);
    const lines = (await readFile(join(s.dir!, 'queue.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).id).sort()).toEqual(['item-04', 'item-13']);
    const low = await exportQ1({ queue: 'low', select: { rules: [{ kind: 'low_margin', below: 0.2 }] } });
    // item-03 (0.45 → margin 0.1), item-04 and item-07 (0.55 → 0.1); item-04's model B is at 0.3 (0.4).
    expect(low.exported).toBe(3);
  });

  it('stratifies a capped export across slices', async () => {
    const s = await exportQ1({
      select: {
        rules: [{ kind: 'model_vs_golden' }, { kind: 'model_vs_model' }],
        cap: 2,
        stratifyBy: 'source',
      },
      formats: ['jsonl'],
    });
    const rows = (await readFile(join(s.dir!, 'queue.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { slice_source: string });
    expect(rows.map((r) => r.slice_source).sort()).toEqual(['forum', 'mail']);
  });
});

describe('review import', () => {
  it('export → edit verdicts in Label Studio → import gives the expected new golden version', async () => {
    const s = await exportQ1({ golden: 'annotation' });
    const tasks = await lsTasks(s.dir!);
    // What Label Studio would export after review: the exported tasks plus reviewers' annotations.
    const exported = tasks.map((t, i) => {
      const id = t.data.item_id;
      const annotations: unknown[] = [];
      if (id === 'item-00') annotations.push(annotate('ham', 'ann@example.org')); // relabel spam → ham
      if (id === 'item-01') annotations.push(annotate('spam', 'ann@example.org')); // relabel ham → spam
      if (id === 'item-03') annotations.push(annotate('spam', 'ann@example.org')); // confirm golden
      if (id === 'item-04') {
        annotations.push(annotate('spam', 'ann@example.org'), annotate('ham', 'bob@example.org')); // conflict
      }
      if (id === 'item-07') annotations.push(annotate('spam', 'ann@example.org', { was_cancelled: true }));
      // Label Studio keeps the ground-truth golden annotation we imported, completed by the importing
      // user, with our `id` as its `import_id` (label_studio/tasks/serializers.py); not a verdict.
      const imported = (t.annotations ?? []).map((a, j) => ({
        ...(a as { id: number }),
        id: 500 + 10 * i + j,
        completed_by: 1,
        import_id: (a as { id: number }).id,
      }));
      return { id: i + 1, ...t, annotations: [...imported, ...annotations] };
    });
    const lsExport = join(dir, 'ls-export.json');
    await writeFile(lsExport, JSON.stringify(exported));
    const out = join(dir, 'golden.v2.arrow');
    const r = await importReview({ dataset: goldenPath, sources: [{ file: lsExport }], out });
    expect(r.reviewed).toBe(4);
    expect(r.relabelled).toBe(2);
    expect(r.verdicts).toBe(5);
    expect(r.skipped).toBe(1 + 5); // one cancelled annotation, five ground-truth golden annotations
    expect(r.transitions).toEqual([
      { from: 'ham', to: 'ham', count: 1 },
      { from: 'ham', to: 'spam', count: 1 },
      { from: 'spam', to: 'ham', count: 1 },
      { from: 'spam', to: 'spam', count: 1 },
    ]);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ id: 'item-04', golden: 'ham', resolution: 'ham', policy: 'keep' });
    expect(r.conflicts[0]!.answers.map((a) => `${a.reviewer}:${a.label}`)).toEqual([
      'ann@example.org:spam',
      'bob@example.org:ham',
    ]);

    const t = tableFromIPC(await readFile(out));
    expect(t.numRows).toBe(ids.length);
    const row = (id: string) => t.get(ids.indexOf(id))!.toJSON() as Record<string, unknown>;
    expect(row('item-00')).toMatchObject({
      label: 'ham',
      previous_label: 'spam',
      new_label: 'ham',
      reviewer: 'ann@example.org',
      reviewed_at: '2026-11-22T05:00:00Z',
      source_queue: 'q1',
      relabelled: true,
      text: 'cheap pills offer item-00 click now',
      source: 'forum',
    });
    expect(row('item-01')).toMatchObject({ label: 'spam', previous_label: 'ham', relabelled: true });
    expect(row('item-03')).toMatchObject({ label: 'spam', previous_label: 'spam', relabelled: false });
    // Conflict: golden kept, both answers preserved.
    expect(row('item-04')).toMatchObject({ label: 'ham', new_label: null, relabelled: false });
    expect(JSON.parse(row('item-04').review_verdicts as string)).toHaveLength(2);
    expect(row('item-05')).toMatchObject({ label: 'ham', previous_label: null, relabelled: false });
    // The new version opens as a dataset with its own spec, provenance columns not taken as slices.
    const ds = await openDataset(out);
    expect(ds.spec.slices).toEqual(['source']);
    expect((await ds.scan().run()).labelCounts).toEqual({ ham: 16, spam: 8 });
  });

  it('a reviewed version can be reviewed again: provenance columns are replaced, not duplicated', async () => {
    const v1 = join(dir, 'round1.jsonl');
    await writeFile(v1, JSON.stringify({ id: 'item-00', verdict: 'ham', reviewer: 'a' }));
    const g2 = join(dir, 'golden.v2.arrow');
    await importReview({ dataset: goldenPath, sources: [{ file: v1 }], out: g2 });
    const v2 = join(dir, 'round2.jsonl');
    await writeFile(v2, JSON.stringify({ id: 'item-00', verdict: 'spam', reviewer: 'b' }));
    const g3 = join(dir, 'golden.v3.arrow');
    const r = await importReview({ dataset: g2, sources: [{ file: v2 }], out: g3 });
    expect(r.transitions).toEqual([{ from: 'ham', to: 'spam', count: 1 }]);
    expect(r.previous.file).toBe('golden.v2.arrow');
    const t = tableFromIPC(await readFile(g3));
    const names = t.schema.fields.map((f) => f.name);
    expect(names.filter((n) => n === 'previous_label')).toHaveLength(1);
    expect(names).toEqual([
      'id',
      'text',
      'label',
      'source',
      'previous_label',
      'new_label',
      'reviewer',
      'reviewed_at',
      'source_queue',
      'relabelled',
      'review_verdicts',
    ]);
    expect(t.get(0)!.toJSON()).toMatchObject({
      label: 'spam',
      previous_label: 'ham',
      reviewer: 'b',
      relabelled: true,
    });
    expect(JSON.parse(t.schema.metadata.get('modeval.review')!)).toMatchObject({
      previous: { file: 'golden.v2.arrow' },
    });
  });

  it('majority policy resolves a 2-1 conflict; fail policy writes nothing', async () => {
    const v = join(dir, 'verdicts.jsonl');
    await writeFile(
      v,
      [
        { id: 'item-04', verdict: 'spam', reviewer: 'a' },
        { id: 'item-04', verdict: 'spam', reviewer: 'b' },
        { id: 'item-04', verdict: 'ham', reviewer: 'c' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const out = join(dir, 'v2.arrow');
    const r = await importReview({
      dataset: goldenPath,
      sources: [{ file: v }],
      out,
      onConflict: 'majority',
    });
    expect(r.transitions).toEqual([{ from: 'ham', to: 'spam', count: 1 }]);
    expect(r.conflicts[0]!.resolution).toBe('spam');
    const out2 = join(dir, 'v3.arrow');
    await expect(
      importReview({ dataset: goldenPath, sources: [{ file: v }], out: out2, onConflict: 'fail' }),
    ).rejects.toThrow(/reviewers disagree on 1 item/);
    expect(existsSync(out2)).toBe(false);
  });

  it('reads an edited JSONL queue, an untouched CSV queue and Argilla records together', async () => {
    const s = await exportQ1();
    const jsonl = (await readFile(join(s.dir!, 'queue.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of jsonl) if (r.id === 'item-00') Object.assign(r, { verdict: 'ham', reviewer: 'eve' });
    const editedJsonl = join(dir, 'edited.jsonl');
    await writeFile(editedJsonl, jsonl.map((r) => JSON.stringify(r)).join('\n'));
    // The untouched CSV queue (no verdicts filled) adds nothing: every row is skipped.
    const untouchedCsv = join(s.dir!, 'queue.csv');
    const records = JSON.parse(await readFile(join(s.dir!, 'argilla', 'records.json'), 'utf8')) as {
      metadata: { item_id: string };
      responses?: unknown;
    }[];
    for (const rec of records) {
      if (rec.metadata.item_id === 'item-01')
        rec.responses = { label: [{ value: 'spam', user_id: 'u-7', status: 'submitted' }] };
      if (rec.metadata.item_id === 'item-03')
        rec.responses = [{ question_name: 'label', value: 'ham', user_id: 'u-7', status: 'draft' }];
    }
    const argilla = join(dir, 'argilla-export.json');
    await writeFile(argilla, JSON.stringify(records));
    const out = join(dir, 'v2.arrow');
    const r = await importReview({
      dataset: goldenPath,
      sources: [{ file: editedJsonl }, { file: untouchedCsv }, { file: argilla }],
      out,
    });
    expect(r.transitions).toEqual([
      { from: 'ham', to: 'spam', count: 1 },
      { from: 'spam', to: 'ham', count: 1 },
    ]);
    // JSONL: 4 rows left blank; CSV: all 5; Argilla: 3 records without answers and 1 draft.
    expect(r.skipped).toBe(13);
    const t = tableFromIPC(await readFile(out));
    expect(t.get(0)!.toJSON()).toMatchObject({ label: 'ham', reviewer: 'eve' });
    expect(t.get(1)!.toJSON()).toMatchObject({ label: 'spam', reviewer: 'u-7' });
  });

  it("reads Label Studio's JSON-MIN and CSV exports (flat rows keyed by item_id)", async () => {
    const min = join(dir, 'ls-min.json');
    await writeFile(
      min,
      JSON.stringify([
        {
          id: 17,
          item_id: 'item-00',
          text: 'x',
          label: 'ham',
          annotator: 'ann@example.org',
          annotation_id: 3,
        },
        { id: 18, item_id: 'item-03', text: 'y', annotator: 'ann@example.org' },
      ]),
    );
    const csv = join(dir, 'ls.csv');
    await writeFile(csv, 'id,item_id,text,label,annotator\n19,item-01,"multi\nline",spam,bob@example.org\n');
    const r = await importReview({
      dataset: goldenPath,
      sources: [{ file: min }, { file: csv }],
      out: join(dir, 'v2.arrow'),
    });
    expect(r.verdicts).toBe(2);
    expect(r.skipped).toBe(1);
    expect(r.transitions).toEqual([
      { from: 'ham', to: 'spam', count: 1 },
      { from: 'spam', to: 'ham', count: 1 },
    ]);
    const t = tableFromIPC(await readFile(join(dir, 'v2.arrow')));
    expect(t.get(1)!.toJSON()).toMatchObject({ label: 'spam', reviewer: 'bob@example.org' });
  });

  it('reads Argilla v1 feedback records and prints transitions without control characters', async () => {
    const file = join(dir, 'argilla-v1.json');
    await writeFile(
      file,
      JSON.stringify({
        records: [
          {
            metadata: { item_id: 'item-02', queue: 'q1' },
            responses: [
              { user_id: '\u001b[31mevil', status: 'submitted', values: { label: { value: 'spam' } } },
            ],
          },
          {
            metadata: { item_id: 'item-05' },
            responses: [{ user_id: 'u2', status: 'discarded', values: { label: { value: 'spam' } } }],
          },
        ],
      }),
    );
    const r = await importReview({ dataset: goldenPath, sources: [{ file }], out: join(dir, 'v2.arrow') });
    expect(r.verdicts).toBe(1);
    expect(r.skipped).toBe(1);
    const printed = formatImport(r);
    expect(printed).toMatch(/ham\s+spam\s+1/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none reach the terminal
    expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    const t = tableFromIPC(await readFile(join(dir, 'v2.arrow')));
    expect(t.get(2)!.toJSON()).toMatchObject({
      label: 'spam',
      reviewer: '\u001b[31mevil',
      source_queue: 'q1',
    });
  });

  it('a CSV verdict file round-trips through the exported CSV', async () => {
    const s = await exportQ1({ formats: ['csv'] });
    const { parse } = await import('csv-parse/sync');
    const { stringify } = await import('csv-stringify/sync');
    const rows = parse(await readFile(join(s.dir!, 'queue.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    for (const r of rows) if (r.id === 'item-07') Object.assign(r, { verdict: 'spam', reviewer: 'sam' });
    const edited = join(dir, 'edited.csv');
    await writeFile(edited, stringify(rows, { header: true }));
    const r = await importReview({
      dataset: goldenPath,
      sources: [{ file: edited }],
      out: join(dir, 'v2.arrow'),
    });
    expect(r.verdicts).toBe(1);
    expect(r.skipped).toBe(4);
    expect(r.transitions).toEqual([{ from: 'ham', to: 'spam', count: 1 }]);
  });
});

describe('bad imports give per-row errors and no output file', () => {
  async function rejects(
    file: string,
    body: string,
    pattern: RegExp,
    format?: 'labelstudio' | 'csv' | 'jsonl' | 'argilla',
  ) {
    const path = join(dir, file);
    await writeFile(path, body);
    const out = join(dir, 'never.arrow');
    const err = await importReview({
      dataset: goldenPath,
      sources: [{ file: path, ...(format ? { format } : {}) }],
      out,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).toContain(path);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.includes('never'))).toEqual([]);
    return err as BadInputError;
  }

  it('a file that is not the claimed format', async () => {
    await rejects(
      'tasks.json',
      'id,verdict\nitem-00,ham\n',
      /not a Label Studio JSON export: not JSON/,
      'labelstudio',
    );
    await rejects('v.csv', JSON.stringify([{ data: {}, annotations: [] }]), /not a CSV file/);
    await rejects('v.jsonl', JSON.stringify([{ id: 'item-00' }]), /not JSON Lines/);
    await rejects('ls.json', JSON.stringify({ tasks: [] }), /expected an array of tasks/, 'labelstudio');
  });

  it('unknown ids and labels outside the set, all rows reported', async () => {
    const err = await rejects(
      'v.jsonl',
      [
        { id: 'item-00', verdict: 'ham', reviewer: 'a' },
        { id: 'no-such-item', verdict: 'ham', reviewer: 'a' },
        { id: 'item-01', verdict: 'eggs', reviewer: 'a' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
      /line 2, row 1, id "no-such-item", field "id": id is not in the golden set \(and 1 more problem/,
    );
    expect(err).toBeInstanceOf(VerdictProblemsError);
    const problems = (err as VerdictProblemsError).problems;
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [1, 'id'],
      [2, 'label'],
    ]);
    expect(problems[1]!.message).toMatch(/label "eggs" is not in the label set \["ham", "spam"\]/);
  });

  it('a duplicate verdict by the same reviewer', async () => {
    const err = await rejects(
      'v.csv',
      'id,verdict,reviewer\nitem-00,ham,a\nitem-02,ham,a\nitem-00,spam,a\n',
      /line 4, row 2, id "item-00", field "id": duplicate verdict by "a" for this id \(first at .*line 2, row 0\)/,
    );
    expect((err as VerdictProblemsError).problems).toHaveLength(1);
  });

  it('a Label Studio task without our item id, and an annotation with two choices', async () => {
    const err = await rejects(
      'ls.json',
      JSON.stringify([
        { data: { text: 'x' }, annotations: [] },
        {
          data: { item_id: 'item-00', text: 'x' },
          annotations: [
            {
              result: [
                { from_name: 'label', to_name: 'text', type: 'choices', value: { choices: ['ham', 'spam'] } },
              ],
            },
          ],
        },
      ]),
      /row 0, field "data.item_id": not a Label Studio task with an item_id/,
    );
    expect((err as VerdictProblemsError).problems[1]!.message).toMatch(
      /has 2 "label" choices, expected exactly one/,
    );
  });

  it('an Argilla record without our item id, and an answer that is not one label', async () => {
    const err = await rejects(
      'argilla.json',
      JSON.stringify([
        { metadata: { queue: 'q' }, responses: { label: [{ value: 'spam', user_id: 'u1' }] } },
        {
          metadata: { item_id: 'item-00' },
          responses: { label: [{ value: ['ham', 'spam'], user_id: 'u2', status: 'submitted' }] },
        },
      ]),
      /row 0, field "metadata.item_id": not an Argilla record from a modeval queue/,
      'argilla',
    );
    const problems = (err as VerdictProblemsError).problems;
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [0, 'metadata.item_id'],
      [1, 'responses.label'],
    ]);
    expect(problems[1]!.message).toBe('answer by u2 is ["ham","spam"], expected one label');
  });
});
