import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeSyntheticModeration } from '../../datasets/fixtures/synthetic.js';
import { LabelersReportSchema } from '../../src/contracts/labelers-report.js';
import { labelers, labelersRun } from '../../src/labelers/labelers.js';
import { NO_POLICY } from '../../src/review/item.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * `labelers --log` on labelling-tool exports with several annotators per task, shaped as the tools
 * write them:
 * - Label Studio JSON export (HumanSignal/label-studio `label_studio/data_export/serializers.py`,
 *   the task list with every Annotation field of `label_studio/tasks/models.py`: `completed_by` an
 *   integer user id, or `{id, email, first_name, last_name}` when the export expands users;
 *   `created_at`, `updated_at`, `lead_time` (seconds), `was_cancelled`, `ground_truth`,
 *   `import_id`; `result[]` with `from_name`, `to_name`, `type: "choices"`, `value.choices`).
 * - Argilla 2.x `Dataset.to_disk` `records.json` (argilla-io/argilla `argilla/src/argilla/records/
 *   _resource.py` `Record.to_dict`: `id`, `fields`, `metadata`, `suggestions`, `responses` keyed
 *   by question, each `{value, user_id, status}` with status submitted, discarded or draft
 *   (`responses.py` `ResponseStatus`), `vectors`, `status`, `_server_id`).
 * The datasets are the SYNTHETIC fixtures and the hand-made table of labelers.test.ts's kind: no
 * bundled real set has several annotators per item. Each export is compared with the equivalent
 * JSONL log: labelers.json must be the same but for the source name and the skipped-answer count.
 */

const tmp = useTmpDir();
const U = new Utf8();
const fast = { resamples: 200 };

interface Row {
  item: string;
  annotator: string;
  labels: string[];
  at: string;
  seconds?: number;
}

function comparable(r: unknown) {
  const copy = structuredClone(r) as { inputs: { judgements: string }; counts: { skippedAnswers: number } };
  copy.inputs.judgements = '<source>';
  copy.counts.skippedAnswers = 0;
  return copy;
}

function writeJsonlLog(file: string, rows: readonly Row[], multi: boolean) {
  const line = (r: Row) =>
    JSON.stringify({
      item_id: r.item,
      annotator: r.annotator,
      label: multi ? r.labels : r.labels[0],
      timestamp: r.at,
      ...(r.seconds === undefined ? {} : { seconds: r.seconds }),
    });
  writeFileSync(file, rows.map(line).join('\n'));
}

const choices = (labels: readonly string[]) => [
  {
    id: 'r1',
    from_name: 'label',
    to_name: 'text',
    type: 'choices',
    value: { choices: labels.length === 0 ? [NO_POLICY] : [...labels] },
    origin: 'manual',
  },
];

let annotationId = 1000;
/** One annotation with every field the JSON export writes; `by` an expanded user (its e-mail names it). */
function lsAnnotation(r: Row, extra: Record<string, unknown> = {}) {
  const id = annotationId++;
  return {
    id,
    completed_by: { id: 7, email: r.annotator, first_name: '', last_name: '' },
    result: choices(r.labels),
    was_cancelled: false,
    ground_truth: false,
    created_at: r.at,
    updated_at: r.at,
    draft_created_at: null,
    lead_time: r.seconds ?? null,
    prediction: {},
    result_count: 1,
    unique_id: `u-${id}`,
    import_id: null,
    last_action: null,
    bulk_created: false,
    task: 0,
    project: 1,
    updated_by: 7,
    parent_prediction: null,
    parent_annotation: null,
    last_created_by: null,
    ...extra,
  };
}

function groupByItem(rows: readonly Row[]): Map<string, Row[]> {
  const by = new Map<string, Row[]>();
  for (const r of rows) by.set(r.item, [...(by.get(r.item) ?? []), r]);
  return by;
}

function writeLabelStudio(file: string, rows: readonly Row[], extraTask: string) {
  const tasks = [...groupByItem(rows)].map(([item, rs], i) => {
    const annotations: unknown[] = rs.map((r) => lsAnnotation(r));
    // Not judgements: a cancelled (skipped) annotation and one submitted with no choice.
    if (i === 0) annotations.push(lsAnnotation(rs[0]!, { was_cancelled: true }));
    if (i === 1) annotations.push({ ...lsAnnotation(rs[0]!), result: [], result_count: 0 });
    return {
      id: i + 1,
      annotations,
      file_upload: null,
      drafts: [],
      predictions: [],
      data: { item_id: item, text: `text of ${item}`, queue: 'q1' },
      meta: {},
      created_at: '2026-01-01T00:00:00.000000Z',
      updated_at: '2026-01-09T00:00:00.000000Z',
      inner_id: i + 1,
      total_annotations: annotations.length,
      cancelled_annotations: i === 0 ? 1 : 0,
      total_predictions: 0,
      comment_count: 0,
      unresolved_comment_count: 0,
      last_comment_updated_at: null,
      project: 1,
      updated_by: null,
      comment_authors: [],
    };
  });
  // A task no one annotated yet.
  tasks.push({
    ...tasks[0]!,
    id: tasks.length + 1,
    annotations: [],
    data: { ...tasks[0]!.data, item_id: extraTask },
  });
  writeFileSync(file, JSON.stringify(tasks));
}

/** Argilla's records.json: one record per item, responses by question; every record at one time. */
function writeArgilla(dir: string, rows: readonly Row[], multi: boolean) {
  mkdirSync(dir, { recursive: true });
  const records = [...groupByItem(rows)].map(([item, rs], i) => ({
    id: `rec-${item}`,
    fields: { text: `text of ${item}` },
    metadata: { item_id: item, queue: 'q1' },
    suggestions: {},
    responses: {
      label: [
        ...rs.map((r) => ({
          value: multi ? r.labels : r.labels[0],
          user_id: r.annotator,
          status: 'submitted',
        })),
        // Not judgements: a discarded and a draft answer by other users.
        ...(i === 0 ? [{ value: rs[0]!.labels[0] ?? null, user_id: 'u-discard', status: 'discarded' }] : []),
        ...(i === 1 ? [{ value: rs[0]!.labels[0] ?? null, user_id: 'u-draft', status: 'draft' }] : []),
      ],
    },
    vectors: {},
    status: 'completed',
    _server_id: `0a6c${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`,
    updated_at: rs[0]!.at,
  }));
  writeFileSync(join(dir, 'records.json'), JSON.stringify(records));
}

/** 60 items a/b/c; three annotators (one `__proto__`), a weak one, repeats by `good1` for Label Studio. */
function handMade(dir: string) {
  const labels = ['a', 'b', 'c'];
  const ids = Array.from({ length: 60 }, (_, i) => `item-${i}`);
  const golden = ids.map((_, i) => labels[i % 3]!);
  const dataset = join(dir, 'hand.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: ids.map((id) => `synthetic text of ${id}`), type: U },
    label: { values: golden, type: U },
  });
  writeFileSync(join(dir, 'hand.spec.json'), JSON.stringify({ labels }));
  const other = (l: string) => labels[(labels.indexOf(l) + 1) % 3]!;
  const rows: Row[] = [];
  ids.forEach((item, i) => {
    const at = `2026-01-0${1 + (i % 7)}T10:00:00.000000Z`;
    for (const annotator of ['good1', 'good2', '__proto__']) {
      rows.push({ item, annotator, labels: [golden[i]!], at, seconds: 10 + (i % 4) });
    }
    rows.push({ item, annotator: 'weak', labels: [i % 2 ? golden[i]! : other(golden[i]!)], at, seconds: 3 });
  });
  rows.push({ item: 'not-in-dataset', annotator: 'good1', labels: ['a'], at: '2026-01-02T10:00:00Z' });
  return { dataset, rows };
}

describe('labelers --log on a Label Studio JSON export', () => {
  it('equals the JSONL log of the same judgements; cancelled, empty and unannotated work counted', async () => {
    const dir = tmp();
    const { dataset, rows } = handMade(dir);
    // good1 judged item-3 twice: a repeat, earlier and wrong.
    const all = [
      ...rows,
      { item: 'item-3', annotator: 'good1', labels: ['c'], at: '2025-12-30T09:00:00Z', seconds: 4 },
    ];
    const log = join(dir, 'log.jsonl');
    writeJsonlLog(log, all, false);
    const ls = join(dir, 'project-1-at-2026-01-09.json');
    writeLabelStudio(ls, all, 'item-59');
    const fromLog = await labelers({ dataset, log, ...fast });
    const fromLs = await labelers({ dataset, log: ls, ...fast });
    LabelersReportSchema.parse(fromLs);
    expect(fromLs.inputs.judgements).toBe('project-1-at-2026-01-09.json');
    // One cancelled, one empty, one task without annotations.
    expect(fromLs.counts.skippedAnswers).toBe(3);
    expect(comparable(fromLs)).toEqual(comparable(fromLog));
    const good1 = fromLs.views[0]!.annotators.find((a) => a.annotator === 'good1')!;
    expect(good1.selfConsistency).toMatchObject({ n: 1, x: 0 });
    expect(fromLs.annotators.find((a) => a.annotator === 'weak')!.seconds).toEqual({
      n: 60,
      median: 3,
      mean: 3,
    });
    expect(fromLs.views[0]!.annotators.find((a) => a.annotator === 'weak')!.flag.status).toBe('below');
    expect(fromLs.counts.outsideDataset).toBe(1);
    // Named explicitly, the same file gives the same report.
    const named = await labelers({ dataset, log: ls, logFormat: 'label-studio', ...fast });
    expect(named).toEqual(fromLs);
  });

  it('integer completed_by ids become labelstudio:<id>; a label outside the set is an error or, with skip, rejected', async () => {
    const dir = tmp();
    const { dataset, rows } = handMade(dir);
    const ls = join(dir, 'export.json');
    writeLabelStudio(ls, rows, 'item-59');
    const tasks = JSON.parse(readFileSync(ls, 'utf8')) as {
      annotations: { completed_by: unknown; result: { value: { choices: string[] } }[] }[];
    }[];
    for (const t of tasks) for (const a of t.annotations) a.completed_by = 3;
    tasks[2]!.annotations[1]!.result[0]!.value.choices = ['zzz'];
    writeFileSync(ls, JSON.stringify(tasks));
    await expect(labelers({ dataset, log: ls, ...fast })).rejects.toThrow(
      /export\.json.*row 2.*annotations.result.*"zzz" is not one of the dataset's labels/,
    );
    const { report, rejected } = await labelersRun({ dataset, log: ls, onInvalid: 'skip', ...fast });
    expect(report.annotators.map((a) => a.annotator)).toEqual(['labelstudio:3']);
    expect(report.counts.rejected).toBe(1);
    expect(rejected).toEqual([
      { row: 2, field: 'annotations.result', id: 'item-2', reason: expect.stringMatching(/"zzz"/) },
    ]);
    expect(report.counts.rejectedExamples).toEqual(rejected);
  });
});

describe('labelers --log on an Argilla records.json', () => {
  it('equals the JSONL log; discarded and draft responses counted; the to_disk folder works too', async () => {
    const dir = tmp();
    const { dataset, rows } = handMade(dir);
    const log = join(dir, 'log.jsonl');
    // Argilla keeps no seconds, and one time per record.
    const plain = rows.map(({ seconds: _, ...r }) => r);
    writeJsonlLog(log, plain, false);
    const folder = join(dir, 'argilla');
    writeArgilla(folder, plain, false);
    const fromLog = await labelers({ dataset, log, ...fast });
    const fromFolder = await labelers({ dataset, log: folder, ...fast });
    const fromFile = await labelers({
      dataset,
      log: join(folder, 'records.json'),
      logFormat: 'argilla',
      ...fast,
    });
    expect(fromFolder.counts.skippedAnswers).toBe(2);
    expect(comparable(fromFolder)).toEqual(comparable(fromLog));
    expect(comparable(fromFile)).toEqual(comparable(fromLog));
    expect(fromFolder.annotators.map((a) => a.annotator)).toEqual(['__proto__', 'good1', 'good2', 'weak']);
  });
});

describe('tool exports of a multi-policy set', () => {
  it('Label Studio (choice="multiple", NO_POLICY for none) and Argilla multi-label answers equal the log', async () => {
    const dir = tmp();
    const dataset = join(dir, 'ml.arrow');
    const set = await writeSyntheticModeration(dataset, {
      seed: 6,
      rows: 200,
      task: 'multilabel',
      annotators: 3,
    });
    const byJudgement = new Map<string, Row>();
    set.rows.forEach((r, i) => {
      for (const a of r.annotations) {
        const key = `${r.id}\u0000${a.annotator}`;
        const at = `2026-02-0${1 + (i % 9)}T08:00:00Z`;
        const j = byJudgement.get(key) ?? { item: r.id, annotator: a.annotator, labels: [], at };
        j.labels.push(a.label);
        byJudgement.set(key, j);
      }
    });
    const rows = [...byJudgement.values()];
    const log = join(dir, 'log.jsonl');
    writeJsonlLog(log, rows, true);
    const ls = join(dir, 'ls.json');
    writeLabelStudio(ls, rows, 'no-such-item');
    const folder = join(dir, 'argilla');
    writeArgilla(folder, rows, true);
    const fromLog = await labelers({ dataset, log, ...fast });
    const fromLs = await labelers({ dataset, log: ls, ...fast });
    const fromArgilla = await labelers({ dataset, log: folder, ...fast });
    expect(fromLog.task).toBe('multilabel');
    expect(comparable(fromLs)).toEqual(comparable(fromLog));
    expect(comparable(fromArgilla)).toEqual(comparable(fromLog));
    expect(fromLs.counts.judgements).toBe(rows.length);
  });
});

describe('long logs: ids and --on-invalid', () => {
  it('integer item ids match the dataset ids as decimal text', async () => {
    const dir = tmp();
    const ids = Array.from({ length: 40 }, (_, i) => String(1000 + i));
    const dataset = join(dir, 'int.arrow');
    writeArrow(dataset, {
      id: { values: ids, type: U },
      text: { values: ids, type: U },
      label: { values: ids.map((_, i) => (i % 2 ? 'spam' : 'ham')), type: U },
    });
    const csv = join(dir, 'log.csv');
    const lines = ids.flatMap((id, i) => [`${id},ann1,${i % 2 ? 'spam' : 'ham'}`, `${id},ann2,spam`]);
    writeFileSync(csv, `item_id,annotator,label\n${lines.join('\n')}\n`);
    const r = await labelers({ dataset, log: csv, ...fast });
    expect(r.counts).toMatchObject({ judgedItems: 40, judgements: 80, outsideDataset: 0 });
    expect(r.views[0]!.annotators.find((a) => a.annotator === 'ann1')!.accuracy).toMatchObject({
      n: 40,
      x: 40,
    });
  });

  it('skip leaves bad rows out, each named with its row, field and reason', async () => {
    const dir = tmp();
    const { dataset, rows } = handMade(dir);
    const log = join(dir, 'log.jsonl');
    writeJsonlLog(log, rows, false);
    const bad = [
      { item_id: 'item-1', annotator: '', label: 'a' },
      { item_id: 'item-1', annotator: 'x', label: 'zzz' },
      { item_id: 'item-1', annotator: 'x', label: 'a', timestamp: 'yesterday' },
    ];
    writeFileSync(log, `${readFileSync(log, 'utf8')}\n${bad.map((b) => JSON.stringify(b)).join('\n')}`);
    await expect(labelers({ dataset, log, ...fast })).rejects.toThrow(
      /log\.jsonl.*row 241.*annotator is null or empty/,
    );
    const { report, rejected } = await labelersRun({ dataset, log, onInvalid: 'skip', ...fast });
    expect(rejected.map((x) => [x.row, x.field, x.id])).toEqual([
      [241, 'annotator', 'item-1'],
      [242, 'label', 'item-1'],
      [243, 'timestamp', 'item-1'],
    ]);
    expect(rejected[2]!.reason).toMatch(/"yesterday" is not an ISO 8601 date-time/);
    expect(report.counts.rejected).toBe(3);
    expect(report.counts.judgements).toBe(240);
  });
});
