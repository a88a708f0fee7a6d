import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Bool, DataType, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportReview, QUEUE_META_KEY } from '../../src/review/export.js';
import { labelStudioConfig } from '../../src/review/formats/shared/labelstudio-tasks.js';
import { importReview, VerdictProblemsError } from '../../src/review/import.js';
import { golden, ids, source, spamA, spamB, texts, writeGolden, writePredictions } from './fixtures.js';

/**
 * Review queues in the shapes Argilla's and Label Studio's own loaders read, and their exports
 * after a (simulated) review read back. The shapes come from their source and tests:
 *
 * Argilla (github.com/argilla-io/argilla, `argilla/`, SDK 2.0.1 – 2.8):
 * - `src/argilla/datasets/_io/_disk.py` (SDK >= 2.2, PR #5341): `Dataset.to_disk` writes
 *   `.argilla/dataset.json` (`DatasetModel.model_dump()`), `.argilla/settings.json`
 *   (`Settings.to_json`) and `records.json` (`records.to_json`); `from_disk` reads them back
 *   from those paths with `DatasetModel(**json)`, `Settings.from_json` and `Record.from_dict`
 *   per record (`records/_io/_json.py`).
 * - `src/argilla/settings/_resource.py` `Settings.serialize`: exactly `guidelines`, `questions`,
 *   `fields`, `vectors`, `metadata`, `allow_extra_metadata`, `distribution`
 *   (`_task_distribution.py`: `{strategy: "overlap", min_submitted}`) and `mapping`;
 *   `settings/_common.py` `SettingsPropertyBase.serialize` adds the settings' `type` at the top
 *   of every field and question, and `settings/_field.py` `_field_from_dict` picks the field
 *   class by that top-level `data["type"]`.
 * - `src/argilla/responses.py` `UserResponse._compute_status_from_responses`: a user's responses
 *   to a record take their one status; none (or several different) is `draft`.
 * - `src/argilla/settings/_resource.py` `_from_dict` + `settings/_question.py` `question_from_dict`:
 *   a question is chosen by `data["settings"]["type"]` (`label_selection`, `multi_label_selection`,
 *   ...); `settings/_metadata.py` `MetadataField.from_dict` by the top-level `data["type"]`
 *   (`terms`, `integer`, `float`), and `MetadataFieldModel` needs `settings.type` too
 *   (`_models/_settings/_metadata.py`); label options are `{value, text}` with unique values and
 *   `visible_options` >= 3 when set (`_models/_settings/_questions/_label_selection.py`).
 * - `src/argilla/records/_resource.py` `Record.from_dict`: `suggestions` is a dict keyed by
 *   question name whose values are `Suggestion(**value)` keyword arguments (`value`, `score`,
 *   `agent`); `responses` a dict of lists of `{value, user_id, status}`; `to_dict` writes the same.
 *   `tests/unit/export/test_record_export_import_compatibillity.py` round-trips exactly this.
 * - `src/argilla/records/_mapping/_mapper.py` + `_routes.py` (`records.log` with dicts): keys
 *   matching field, question (suggestion value) and metadata names and `id` map by default;
 *   `<question>.suggestion.score|agent` targets need a `mapping`
 *   (`tests/unit/test_record_ingestion.py`, test_ingest_record_from_dict_with_mapped_suggestions).
 * - `src/argilla/records/_io/_generic.py` `to_list(flatten=True)` and
 *   `tests/unit/test_io/test_generic.py`: metadata at the top level and parallel lists
 *   `<q>.responses`, `<q>.responses.users`, `<q>.responses.status` (status may be null).
 *
 * Label Studio (github.com/HumanSignal/label-studio and label-studio-sdk):
 * - `label_studio/data_export/serializers.py` and `data_export/mixins.py`: the JSON export is the
 *   task list with `annotations` (all Annotation fields: `completed_by` an integer user id unless
 *   the export expands it to `{id, email, first_name, last_name}`, `ground_truth`,
 *   `was_cancelled`, `import_id`, ...).
 * - `label_studio/tasks/serializers.py` (bulk task import): an imported annotation keeps its
 *   `id` as `import_id` and defaults to `ground_truth: true`.
 * - label-studio-sdk `converter/converter.py` `convert_to_json_min` and `converter/utils.py`
 *   (`get_annotator(item, int_id=True)`, `prettify_result`): one flat row per non-cancelled
 *   annotation: task data, `id` (task id), `<from_name>` (the choice string, or
 *   `{"choices": [...]}` for several), `annotator` (integer id or e-mail), `annotation_id`,
 *   `created_at`, `updated_at`, `lead_time`; a task without annotations has no `<from_name>`.
 *
 * The golden set and models are the SYNTHETIC review fixtures (fixtures.ts).
 */

let dir: string;
let goldenPath: string;
let predA: string;
let predB: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modeval-tools-'));
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

function exportQ1(extra: Partial<Parameters<typeof exportReview>[0]> = {}) {
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

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown;

// ---- What Argilla's loaders accept, as zod schemas mirroring the pydantic models cited above. ----
const Stamps = { id: z.null(), inserted_at: z.null(), updated_at: z.null() };
const PropertyName = z.string().regex(/^(?=.*[a-z0-9])[a-z0-9_-]+$/);
const ArgillaQuestion = z
  .strictObject({
    ...Stamps,
    name: PropertyName,
    title: z.string(),
    description: z.string().nullable(),
    required: z.boolean(),
    type: z.enum(['label_selection', 'multi_label_selection']),
    settings: z
      .object({
        type: z.enum(['label_selection', 'multi_label_selection']),
        options: z
          .array(z.object({ value: z.string(), text: z.string(), description: z.string().nullable() }))
          .refine((o) => new Set(o.map((x) => x.value)).size === o.length, 'labels must be unique'),
        visible_options: z.number().int().min(3).nullable(),
      })
      .passthrough(),
  })
  .refine((q) => q.type === q.settings.type, 'type and settings.type must agree');
const ArgillaMetadata = z
  .object({
    ...Stamps,
    name: PropertyName,
    title: z.string(),
    type: z.enum(['terms', 'integer', 'float']),
    visible_for_annotators: z.boolean(),
    settings: z.object({ type: z.enum(['terms', 'integer', 'float']) }).passthrough(),
    dataset_id: z.null(),
  })
  .refine((m) => m.type === m.settings.type, 'type and settings.type must agree');
const ArgillaSettings = z.strictObject({
  guidelines: z.string(),
  questions: z.array(ArgillaQuestion).min(1),
  fields: z
    .array(
      z.strictObject({
        ...Stamps,
        name: PropertyName,
        title: z.string(),
        required: z.boolean(),
        description: z.null(),
        settings: z.strictObject({ type: z.literal('text'), use_markdown: z.boolean() }),
        dataset_id: z.null(),
        type: z.literal('text'),
      }),
    )
    .min(1),
  vectors: z.array(z.unknown()),
  metadata: z.array(ArgillaMetadata),
  allow_extra_metadata: z.boolean(),
  distribution: z.strictObject({ strategy: z.literal('overlap'), min_submitted: z.number().int().min(1) }),
  mapping: z.record(z.string(), z.union([z.string(), z.array(z.string())])).nullable(),
});
const ArgillaDatasetModel = z.object({
  ...Stamps,
  name: z.string().regex(/^(?![-_])[A-Za-z0-9_-]+$/),
  status: z.enum(['draft', 'ready']),
  guidelines: z.string().nullable(),
  allow_extra_metadata: z.boolean(),
  distribution: z.null(),
  workspace_id: z.null(),
  last_activity_at: z.null(),
});
/** `Suggestion(question_name=..., **value)`: only its keyword arguments may appear. */
const SuggestionKwargs = z.strictObject({
  value: z.unknown(),
  score: z.number().nullish(),
  agent: z.string(),
});
const ArgillaRecordDict = z.strictObject({
  id: z.string(),
  fields: z.record(z.string(), z.string()),
  metadata: z.record(z.string(), z.union([z.string(), z.number()])),
  suggestions: z.record(z.string(), SuggestionKwargs),
  responses: z.record(z.string(), z.array(z.object({ value: z.unknown(), user_id: z.string() }))),
  vectors: z.record(z.string(), z.array(z.number())),
  _server_id: z.null(),
});

/** Everything `Dataset.from_disk` + `records.log` check across the files, beyond each file's shape. */
async function checkArgillaFolder(adir: string) {
  ArgillaDatasetModel.parse(await readJson(join(adir, '.argilla', 'dataset.json')));
  const settings = ArgillaSettings.parse(await readJson(join(adir, '.argilla', 'settings.json')));
  const records = z.array(ArgillaRecordDict).parse(await readJson(join(adir, 'records.json')));
  const names = [settings.fields, settings.questions, settings.metadata].flat().map((p) => p.name);
  expect(new Set(names).size, 'setting names are unique across fields, questions, metadata').toBe(
    names.length,
  );
  const metaNames = new Set(settings.metadata.map((m) => m.name));
  const questions = new Map(settings.questions.map((q) => [q.name, q.settings.options.map((o) => o.value)]));
  for (const r of records) {
    expect(Object.keys(r.fields).sort()).toEqual(settings.fields.map((f) => f.name).sort());
    for (const k of Object.keys(r.metadata)) expect(metaNames.has(k), k).toBe(true);
    for (const [q, s] of Object.entries(r.suggestions)) expect(questions.get(q)).toContain(s.value);
  }
  // records.log: keys route by name; the mapping's targets parse as `attribute[.type[.parameter]]`.
  const mapping = z
    .record(z.string(), z.string())
    .parse(await readJson(join(adir, 'records-log-mapping.json')));
  const attrs = ['id', ...names];
  const route = new RegExp(
    `^(${attrs.join('|')})(?:\\.(field|suggestion|response|metadata|vector|id))?(?:\\.(value|score|agent))?$`,
  );
  for (const target of Object.values(mapping)) expect(target).toMatch(route);
  const log = z
    .array(z.record(z.string(), z.unknown()))
    .parse(await readJson(join(adir, 'records-log.json')));
  for (const row of log) {
    for (const k of Object.keys(row)) expect(attrs.includes(k) || k in mapping, k).toBe(true);
  }
  return { settings, records, log, mapping };
}

describe('Argilla 2.x', () => {
  it('writes the folder Dataset.to_disk writes, and records for records.log', async () => {
    const s = await exportQ1();
    const { settings, records, log, mapping } = await checkArgillaFolder(join(s.dir!, 'argilla'));
    expect(settings.questions[0]!.settings).toMatchObject({ type: 'label_selection', visible_options: null });
    expect(settings.questions[0]!.settings.options.map((o) => o.value)).toEqual(['ham', 'spam']);
    expect(records).toHaveLength(5);
    const r0 = records[0]!;
    expect(r0.suggestions.label).toEqual({
      value: expect.any(String),
      score: expect.any(Number),
      agent: 'spamfilter@1',
    });
    expect(r0.metadata).toMatchObject({
      item_id: expect.any(String),
      queue: 'q1',
      golden: expect.any(String),
    });
    expect(r0.metadata).toHaveProperty('pred_spamfilter_2');
    // The flat record carries the same suggestion, its score and agent routed by the mapping.
    const l0 = log[0]!;
    expect(l0.id).toBe(r0.id);
    expect(l0.label).toBe(r0.suggestions.label!.value);
    expect(mapping).toEqual({
      suggestion_score: 'label.suggestion.score',
      suggestion_agent: 'label.suggestion.agent',
    });
    expect(l0.suggestion_score).toBe(r0.suggestions.label!.score);
    const ds = z
      .object({ name: z.string() })
      .parse(await readJson(join(s.dir!, 'argilla', '.argilla', 'dataset.json')));
    expect(ds.name).toBe('modeval-q1-batch-0001');
  });

  it('keeps property names Argilla accepts when slices and models have awkward names', async () => {
    const s = await exportQ1({ queue: 'Q.2' });
    await checkArgillaFolder(join(s.dir!, 'argilla'));
    const ds = z
      .object({ name: z.string() })
      .parse(await readJson(join(s.dir!, 'argilla', '.argilla', 'dataset.json')));
    expect(ds.name).toBe('modeval-Q_2-batch-0001');
  });

  it('round trip: to_disk records after review (Record.to_dict) give the new golden version', async () => {
    const s = await exportQ1();
    const records = z
      .array(ArgillaRecordDict.extend({ metadata: z.object({ item_id: z.string() }).passthrough() }))
      .parse(await readJson(join(s.dir!, 'argilla', 'records.json')));
    const ann = '1f0c6e8e-3a57-4d3c-9a55-0b1f5e3a6c11';
    const bob = '7d2a3b40-9e1c-4c0e-8f7e-5a0c1d2e3f44';
    // What `Dataset.to_disk` writes after review: responses keyed by question, a server id.
    const reviewed = records.map((r, i) => {
      const id = r.metadata.item_id;
      const responses: Record<string, { value: unknown; user_id: string; status: string | null }[]> = {};
      if (id === 'item-00') responses.label = [{ value: 'ham', user_id: ann, status: 'submitted' }];
      if (id === 'item-01') {
        responses.label = [
          { value: 'spam', user_id: ann, status: 'submitted' },
          { value: 'spam', user_id: bob, status: 'submitted' },
        ];
      }
      if (id === 'item-03') responses.label = [{ value: 'ham', user_id: bob, status: 'draft' }];
      if (id === 'item-04') responses.label = [{ value: ['ham'], user_id: ann, status: 'submitted' }];
      // No status: a draft for the SDK (responses.py), not a verdict.
      if (id === 'item-07') responses.label = [{ value: 'spam', user_id: bob, status: null }];
      return { ...r, status: 'completed', responses, _server_id: `00000000-0000-4000-8000-00000000000${i}` };
    });
    // The folder `to_disk` writes is read through its records.json.
    const folder = join(dir, 'argilla-reviewed');
    await mkdir(folder);
    await writeFile(join(folder, 'records.json'), JSON.stringify(reviewed));
    const out = join(dir, 'golden.v2.arrow');
    const r = await importReview({ dataset: goldenPath, sources: [{ file: folder }], out });
    expect(r.verdicts).toBe(4);
    expect(r.skipped).toBe(1 + 1); // item-07 without a status and item-03: drafts
    expect(r.unsubmitted).toEqual({ draft: 2, discarded: 0 });
    expect(r.transitions).toEqual([
      { from: 'ham', to: 'ham', count: 1 },
      { from: 'ham', to: 'spam', count: 1 },
      { from: 'spam', to: 'ham', count: 1 },
    ]);
    const t = tableFromIPC(await readFile(out));
    const row = (id: string) => t.get(ids.indexOf(id))!.toJSON() as Record<string, unknown>;
    expect(row('item-00')).toMatchObject({ label: 'ham', previous_label: 'spam', reviewer: ann });
    expect(row('item-01')).toMatchObject({ label: 'spam', reviewer: `${ann}, ${bob}`, source_queue: 'q1' });
  });

  it('reads records.to_list(flatten=True) and refuses a multi-label answer with two labels', async () => {
    const flat = (item: string, values: unknown[], users: string[], status: (string | null)[]) => ({
      id: `mv-${item}`,
      status: 'pending',
      _server_id: null,
      text: 'x',
      item_id: item,
      queue: 'q1',
      'label.responses': values,
      'label.responses.users': users,
      'label.responses.status': status,
      'label.suggestion': 'spam',
      'label.suggestion.score': 0.9,
      'label.suggestion.agent': 'spamfilter@1',
    });
    const file = join(dir, 'flat.json');
    await writeFile(
      file,
      JSON.stringify([
        // u2's answer has no status: the SDK loads it as a draft, not a verdict.
        flat('item-00', ['ham', 'ham'], ['u1', 'u2'], ['submitted', null]),
        flat('item-01', ['spam'], ['u1'], ['discarded']),
        flat('item-02', [], [], []),
      ]),
    );
    const r = await importReview({ dataset: goldenPath, sources: [{ file }], out: join(dir, 'v2.arrow') });
    expect(r.verdicts).toBe(1);
    expect(r.skipped).toBe(3);
    expect(r.unsubmitted).toEqual({ draft: 1, discarded: 1 });
    expect(r.transitions).toEqual([{ from: 'spam', to: 'ham', count: 1 }]);

    await writeFile(file, JSON.stringify([flat('item-00', [['ham', 'spam']], ['u1'], ['submitted'])]));
    const err = await importReview({
      dataset: goldenPath,
      sources: [{ file, format: 'argilla' }],
      out: join(dir, 'v3.arrow'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerdictProblemsError);
    expect((err as Error).message).toContain('answer by u1 is ["ham","spam"], expected one label');
  });
});

// ---- Label Studio ----
const choice = (label: string) => [
  {
    id: 'r1',
    from_name: 'label',
    to_name: 'text',
    type: 'choices',
    value: { choices: [label] },
    origin: 'manual',
  },
];
/** An annotation as the JSON export writes it (all Annotation model fields). */
function lsAnnotation(id: number, by: number, result: unknown[], extra: Record<string, unknown> = {}) {
  return {
    id,
    completed_by: by,
    result,
    was_cancelled: false,
    ground_truth: false,
    created_at: '2026-11-22T05:00:00.000000Z',
    updated_at: '2026-11-22T05:01:00.000000Z',
    draft_created_at: null,
    lead_time: 12.5,
    prediction: {},
    result_count: result.length,
    unique_id: `u-${id}`,
    import_id: null,
    last_action: null,
    bulk_created: false,
    task: 1,
    project: 3,
    updated_by: by,
    parent_prediction: null,
    parent_annotation: null,
    last_created_by: null,
    ...extra,
  };
}

describe('Label Studio', () => {
  it('the generated config requires a choice', () => {
    expect(labelStudioConfig(['ham', 'spam'])).toContain(
      '<Choices name="label" toName="text" choice="single" required="true" showInLine="true">',
    );
  });

  it('JSON export: integer annotators, a ground-truth verdict in conflict, empty and cancelled work skipped', async () => {
    const s = await exportQ1({ golden: 'annotation' });
    const tasks = z
      .array(
        z
          .object({ data: z.object({ item_id: z.string() }).passthrough(), annotations: z.array(z.any()) })
          .passthrough(),
      )
      .parse(await readJson(join(s.dir!, 'labelstudio-tasks.json')));
    let next = 100;
    const exported = tasks.map((t, i) => {
      const id = t.data.item_id;
      // The golden reference came in with the tasks: Label Studio kept our id as import_id.
      const anns: unknown[] = t.annotations.map((a: { id: number; result: unknown[] }) =>
        lsAnnotation(next++, 1, a.result, { ground_truth: true, import_id: a.id, last_action: 'imported' }),
      );
      if (id === 'item-00') {
        anns.push(lsAnnotation(next++, 2, choice('ham')), lsAnnotation(next++, 3, choice('ham')));
      }
      if (id === 'item-01') {
        // Reviewer 2 says spam; a manager's ground-truth annotation says ham: a conflict.
        anns.push(
          lsAnnotation(next++, 2, choice('spam')),
          lsAnnotation(next++, 4, choice('ham'), { ground_truth: true }),
        );
      }
      if (id === 'item-03') anns.push(lsAnnotation(next++, 2, [])); // submitted empty
      if (id === 'item-04') anns.push(lsAnnotation(next++, 2, choice('spam'), { was_cancelled: true }));
      return {
        id: i + 1,
        ...t,
        annotations: anns,
        drafts: [],
        predictions: [],
        total_annotations: anns.length,
      };
    });
    const file = join(dir, 'ls.json');
    await writeFile(file, JSON.stringify(exported));
    const r = await importReview({ dataset: goldenPath, sources: [{ file }], out: join(dir, 'v2.arrow') });
    expect(r.verdicts).toBe(4);
    expect(r.skipped).toBe(5 + 1 + 1); // five imported references, one empty, one cancelled
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ id: 'item-01', golden: 'ham', resolution: 'ham' });
    expect(r.conflicts[0]!.answers.map((a) => `${a.reviewer}:${a.label}`)).toEqual([
      'labelstudio:2:spam',
      'labelstudio:4:ham',
    ]);
    const t = tableFromIPC(await readFile(join(dir, 'v2.arrow')));
    expect(t.get(ids.indexOf('item-00'))!.toJSON()).toMatchObject({
      label: 'ham',
      reviewer: 'labelstudio:2, labelstudio:3',
    });
  });

  it('JSON-MIN export: one row per annotation with integer or e-mail annotators', async () => {
    const row = (task: number, item: string, label: unknown, annotator: number | string | null) => ({
      text: 'x',
      item_id: item,
      external_id: `mv-${item}`,
      queue: 'q1',
      id: task,
      ...(label === undefined ? {} : { label }),
      annotator,
      annotation_id: task * 10,
      created_at: '2026-11-22T05:00:00.000000Z',
      updated_at: '2026-11-22T05:01:00.000000Z',
      lead_time: 3.2,
    });
    const file = join(dir, 'ls-min.json');
    await writeFile(
      file,
      JSON.stringify([
        row(1, 'item-00', 'ham', 7),
        row(1, 'item-00', 'ham', 'eve@example.org'),
        row(2, 'item-01', 'spam', 7),
        row(3, 'item-03', undefined, null), // a task nobody annotated
      ]),
    );
    const r = await importReview({ dataset: goldenPath, sources: [{ file }], out: join(dir, 'v2.arrow') });
    expect(r.verdicts).toBe(3);
    expect(r.skipped).toBe(1);
    const t = tableFromIPC(await readFile(join(dir, 'v2.arrow')));
    expect(t.get(0)!.toJSON()).toMatchObject({ label: 'ham', reviewer: 'labelstudio:7, eve@example.org' });

    await writeFile(file, JSON.stringify([row(1, 'item-00', { choices: ['ham', 'spam'] }, 7)]));
    await expect(
      importReview({ dataset: goldenPath, sources: [{ file }], out: join(dir, 'v3.arrow') }),
    ).rejects.toThrow(/row 0, id "item-00", field "label": 2 choices, expected exactly one/);
  });
});

describe('typed queues', () => {
  it('Bool slices stay Bool, reasons are a list, and Arrow and Parquet carry the provenance', async () => {
    const flagged = ids.map((_, i) => i % 2 === 0);
    await writeFile(
      goldenPath,
      tableToIPC(
        new Table({
          id: vectorFromArray(ids, new Utf8()),
          text: vectorFromArray(texts, new Utf8()),
          label: vectorFromArray(golden, new Utf8()),
          source: vectorFromArray(source, new Utf8()),
          flagged: vectorFromArray(flagged, new Bool()),
        }),
        'file',
      ),
    );
    await writeFile(
      goldenPath.replace(/\.arrow$/, '.spec.json'),
      JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam', slices: ['source', 'flagged'] }),
    );
    const s = await exportQ1({ formats: ['arrow', 'parquet', 'jsonl'] });
    const manifest = z
      .object({ dataset: z.object({ fingerprint: z.string() }) })
      .passthrough()
      .parse(await readJson(join(s.dir!, 'manifest.json')));

    const t = tableFromIPC(await readFile(join(s.dir!, 'queue.arrow')));
    expect(DataType.isBool(t.schema.fields.find((f) => f.name === 'slice_flagged')!.type)).toBe(true);
    expect(DataType.isList(t.schema.fields.find((f) => f.name === 'reasons')!.type)).toBe(true);
    const first = t.get(0)!.toJSON() as Record<string, unknown>;
    expect(first.slice_flagged).toBe(flagged[ids.indexOf(first.id as string)]);
    expect([...(t.getChild('reasons')!.get(0) as Iterable<string>)]).toEqual(['model_vs_golden']);
    const meta = JSON.parse(t.schema.metadata.get(QUEUE_META_KEY)!);
    expect(meta).toMatchObject({ queue: 'q1', batch: 'batch-0001', dataset: manifest.dataset });
    expect(meta.models.map((m: { version: string }) => m.version)).toEqual(['1', '2']);

    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const pq = join(s.dir!, 'queue.parquet').replace(/'/g, "''");
      const types = await conn.runAndReadAll(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${pq}')`,
      );
      const typeOf = new Map(types.getRows().map(([n, t]) => [String(n), String(t)]));
      expect(typeOf.get('slice_flagged')).toBe('BOOLEAN');
      expect(typeOf.get('reasons')).toBe('VARCHAR[]');
      const kv = await conn.runAndReadAll(
        `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${pq}')`,
      );
      const pmeta = new Map(kv.getRows().map(([k, v]) => [String(k), String(v)]));
      expect(JSON.parse(pmeta.get(QUEUE_META_KEY)!)).toEqual(meta);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    const line = JSON.parse((await readFile(join(s.dir!, 'queue.jsonl'), 'utf8')).split('\n')[0]!);
    expect(line.reasons).toEqual(['model_vs_golden']);
    expect(typeof line.slice_flagged).toBe('boolean');
  });
});
