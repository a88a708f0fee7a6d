/**
 * Review export and import on a multi-policy set. SYNTHETIC golden labels, texts and scores
 * (chosen here, not by a model): items with two unrelated policies (hate/slur + spam), which the
 * real fortunes curation lacks, and reviewer conflicts. The real fortunes set and the reference
 * multi-policy models are reviewed in test/review/policies-real.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, tableFromIPC, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { exportReview } from '../../src/review/export.js';
import { importReview, VerdictProblemsError } from '../../src/review/import.js';
import { writePredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';
import { SYNTHETIC_POLICY_LABELS, SYNTHETIC_TAXONOMY } from '../helpers/policies.js';
import { useTmpDir } from '../helpers/tmp.js';
import { csvExport, jsonMinExport, type LsTask } from './ls-converter.js';

const tmp = useTmpDir();

const TAXONOMY = SYNTHETIC_TAXONOMY;
const LABELS = SYNTHETIC_POLICY_LABELS;
const N = 20;
const ids = Array.from({ length: N }, (_, i) => `s${String(i).padStart(2, '0')}`);
/** Golden leaves: every 5th item has two unrelated policies (a slur and spam). */
const leaves = ids.map((_, i) =>
  i % 5 === 0 ? ['hate/slur', 'spam'] : i % 5 === 1 ? ['hate/threat'] : i % 5 === 2 ? ['spam'] : [],
);
/** Model errors on purpose: s00 misses spam, s01 over-enforces spam, s03 flags a slur. */
const predictedLeaves = leaves.map((l, i) =>
  i === 0 ? ['hate/slur'] : i === 1 ? [...l, 'spam'] : i === 3 ? ['hate/slur'] : l,
);
const FIXED = () => new Date('2026-11-30T18:00:00.000Z');

function fixture() {
  const dir = tmp();
  const golden = join(dir, 'golden.arrow');
  writeArrow(golden, {
    id: { values: ids, type: new Utf8() },
    text: { values: ids.map((id) => `synthetic text ${id}`), type: new Utf8() },
    // Leaves only: the taxonomy closes them.
    labels: { values: leaves, type: new List(new Field('item', new Utf8(), true)) },
  });
  writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ taxonomy: TAXONOMY }));
  const scores = predictedLeaves.map((l) => LABELS.map((p) => (l.includes(p) ? 0.9 : 0.1)));
  const preds = join(dir, 'a.arrows');
  writePredictions(preds, { labels: LABELS, task: 'multilabel', ids, scores, name: 'pol' });
  return { dir, golden, preds };
}

type Task = {
  data: { item_id: string; queue: string; golden: string[]; policy_errors?: string };
  predictions: { model_version: string; result: { value: { choices: string[] } }[] }[];
};

function lsAnnotation(choices: string[], by: number, extra: Record<string, unknown> = {}) {
  return {
    id: by,
    completed_by: by,
    result: [{ from_name: 'label', to_name: 'text', type: 'choices', value: { choices } }],
    was_cancelled: false,
    ground_truth: false,
    updated_at: '2026-11-30T19:00:00Z',
    ...extra,
  };
}

async function exported() {
  const f = fixture();
  const s = await exportReview({
    dataset: f.golden,
    predictions: [f.preds],
    out: join(f.dir, 'review'),
    queue: 'pol',
    select: {},
    now: FIXED,
  });
  return {
    ...f,
    s,
    tasks: JSON.parse(readFileSync(join(s.dir!, 'labelstudio-tasks.json'), 'utf8')) as Task[],
  };
}

/** A Label Studio JSON export of the tasks: `answers` maps an item id to each reviewer's ticks. */
function lsExport(tasks: Task[], answers: Record<string, [number, string[]][]>): unknown[] {
  return tasks.map((t, i) => ({
    id: 100 + i,
    data: t.data,
    annotations: (answers[t.data.item_id] ?? []).map(([by, choices]) => lsAnnotation(choices, by)),
    predictions: [],
  }));
}

describe('review export, multi-policy (synthetic)', () => {
  it('selects items that disagree on any policy and writes multiple-choice queues', async () => {
    const { s, tasks } = await exported();
    expect(tasks.map((t) => t.data.item_id).sort()).toEqual(['s00', 's01', 's03']);
    const t0 = tasks.find((t) => t.data.item_id === 's00')!;
    // Two unrelated policies in golden, closed through the taxonomy.
    expect(t0.data.golden).toEqual(['hate', 'hate/slur', 'spam', 'violating']);
    expect(t0.data.policy_errors).toBe('pol@0: missed spam');
    // Golden first, the model last: the last prediction imported pre-fills the editor.
    expect(t0.predictions.map((p) => p.model_version)).toEqual(['golden', 'pol@0']);
    expect(t0.predictions.at(-1)!.result[0]!.value.choices).toEqual(['hate', 'hate/slur', 'violating']);
    const t3 = tasks.find((t) => t.data.item_id === 's03')!;
    expect(t3.predictions[0]!.model_version).toBe('golden');
    expect(t3.predictions[0]!.result[0]!.value.choices).toEqual(['(none)']);
    expect(t3.data.policy_errors).toBe('pol@0: over-enforced hate, hate/slur, violating');

    const config = readFileSync(join(s.dir!, 'labelstudio-config.xml'), 'utf8');
    expect(config).toContain('choice="multiple"');
    for (const l of [...LABELS, '(none)']) expect(config).toContain(`<Choice value="${l}"/>`);

    const settings = JSON.parse(readFileSync(join(s.dir!, 'argilla', '.argilla', 'settings.json'), 'utf8'));
    expect(settings.questions[0].settings.type).toBe('multi_label_selection');
    expect(settings.questions[0].settings.options.map((o: { value: string }) => o.value)).toEqual([
      ...LABELS,
      '(none)',
    ]);
    const records = JSON.parse(readFileSync(join(s.dir!, 'argilla', 'records.json'), 'utf8'));
    const r3 = records.find((r: { metadata: { item_id: string } }) => r.metadata.item_id === 's03');
    expect(r3.suggestions.label.value).toEqual(['hate', 'hate/slur', 'violating']);
    expect(r3.metadata.over_enforced_pol_0).toBe('hate, hate/slur, violating');

    const arrow = tableFromIPC(readFileSync(join(s.dir!, 'queue.arrow')));
    const row0 = arrow.toArray().find((r) => r.id === 's00')!;
    expect([...row0.golden]).toEqual(['hate', 'hate/slur', 'spam', 'violating']);
    expect([...row0.missed_pol_0]).toEqual(['spam']);
    const csv = readFileSync(join(s.dir!, 'queue.csv'), 'utf8');
    expect(csv).toContain('hate; hate/slur; spam; violating');
    const jsonl = readFileSync(join(s.dir!, 'queue.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.find((r) => r.id === 's03').golden).toEqual([]);
  });
});

describe('review import, multi-policy (synthetic)', () => {
  it('Label Studio round trip: ticked leaves roll up, (none) clears, provenance kept', async () => {
    const { dir, golden, preds, tasks } = await exported();
    const file = join(dir, 'ls-export.json');
    writeFileSync(
      file,
      JSON.stringify(
        lsExport(tasks, {
          s00: [[7, ['hate/slur', 'spam']]], // agrees with golden (given as leaves)
          s01: [[7, ['(none)']]],
          s03: [[7, ['hate/threat']]],
        }),
      ),
    );
    const out = join(dir, 'golden-v2.arrow');
    const summary = await importReview({ dataset: golden, sources: [{ file }], out });
    expect(summary).toMatchObject({ verdicts: 3, reviewed: 3, relabelled: 2, conflicts: [] });
    const t = tableFromIPC(readFileSync(out));
    const row = (id: string) => t.toArray().find((r) => r.id === id)!;
    expect([...row('s01').labels]).toEqual([]);
    expect([...row('s03').labels]).toEqual(['hate', 'hate/threat', 'violating']);
    expect([...row('s00').labels]).toEqual(['hate', 'hate/slur', 'spam', 'violating']);
    expect([...row('s02').labels]).toEqual(['spam']); // not reviewed: as stored
    expect(row('s03')).toMatchObject({
      reviewer: 'labelstudio:7',
      reviewed_at: '2026-11-30T19:00:00Z',
      source_queue: 'pol',
      relabelled: true,
      previous_label: '[]',
      new_label: '["hate","hate/threat","violating"]',
    });
    expect(JSON.parse(row('s03').review_verdicts)[0].label).toEqual(['hate/threat']);
    expect(row('s00').relabelled).toBe(false);
    // The new version reads back with its taxonomy.
    const spec = JSON.parse(readFileSync(summary.spec, 'utf8'));
    expect(spec.taxonomy.rollup).toBe('violating');
    const set = await loadEvalSet({ dataset: out, spec: summary.spec, predictions: [preds] });
    expect(set.task).toBe('multilabel');
  });

  it('reviewers conflict on closed policy sets: keep golden, or take a strict majority', async () => {
    const { dir, golden, tasks } = await exported();
    const file = join(dir, 'ls-export.json');
    const answers: Record<string, [number, string[]][]> = {
      // The same closed set (a child implies its parent): no conflict.
      s00: [
        [1, ['hate/slur', 'spam']],
        [2, ['hate', 'hate/slur', 'spam', 'violating']],
      ],
      s01: [
        [1, ['hate/threat', 'spam']],
        [2, ['(none)']],
      ],
    };
    writeFileSync(file, JSON.stringify(lsExport(tasks, answers)));
    const keep = await importReview({ dataset: golden, sources: [{ file }], out: join(dir, 'keep.arrow') });
    expect(keep.conflicts.map((c) => c.id)).toEqual(['s01']);
    expect(keep.conflicts[0]!.resolution).toBe('["hate","hate/threat","violating"]');
    expect(keep.relabelled).toBe(0);

    answers.s01!.push([3, ['spam', 'hate/threat']]);
    writeFileSync(file, JSON.stringify(lsExport(tasks, answers)));
    const majority = await importReview({
      dataset: golden,
      sources: [{ file }],
      out: join(dir, 'majority.arrow'),
      onConflict: 'majority',
    });
    const t = tableFromIPC(readFileSync(join(dir, 'majority.arrow')));
    expect([...t.toArray().find((r) => r.id === 's01')!.labels]).toEqual([
      'hate',
      'hate/threat',
      'spam',
      'violating',
    ]);
    expect(majority.relabelled).toBe(1);
  });

  it('an unknown policy is refused naming the file, task row and field (exit 2, nothing written)', async () => {
    const { dir, golden, tasks } = await exported();
    const file = join(dir, 'ls-export.json');
    writeFileSync(file, JSON.stringify(lsExport(tasks, { s03: [[7, ['hate/threat', 'hate/insult']]] })));
    const out = join(dir, 'bad.arrow');
    const err = await importReview({ dataset: golden, sources: [{ file }], out }).catch((e) => e);
    expect(err).toBeInstanceOf(VerdictProblemsError);
    const p = (err as VerdictProblemsError).problems[0]!;
    const row = tasks.findIndex((t) => t.data.item_id === 's03');
    expect(p).toMatchObject({ file, row, id: 's03', field: 'annotations[0].result.value.choices' });
    expect(p.message).toContain('"hate/insult"');
    const code = await main(['review', 'import', file, '--dataset', golden, '--out', out]);
    expect(code).toBe(2);
    expect(() => readFileSync(out)).toThrow();
  });

  it('(none) ticked with a policy is a problem, not a verdict', async () => {
    const { dir, golden, tasks } = await exported();
    const file = join(dir, 'ls-export.json');
    writeFileSync(file, JSON.stringify(lsExport(tasks, { s01: [[7, ['(none)', 'spam']]] })));
    const err = await importReview({ dataset: golden, sources: [{ file }], out: join(dir, 'x.arrow') }).catch(
      (e) => e,
    );
    expect((err as VerdictProblemsError).problems[0]!.message).toMatch(
      /\(none\) is ticked together with "spam"/,
    );
  });

  it('Label Studio CSV and JSON-MIN exports of a multiple-choice project import like its JSON export', async () => {
    // csv2.py writes several ticked choices as `{"choices":["hate","hate\/slur"]}` (ujson);
    // ls-converter.ts derives both exports from the JSON export by label-studio-sdk's rules.
    const { dir, golden, tasks } = await exported();
    const ticks: Record<string, [number, string[]][]> = {
      s03: [[7, ['hate/threat']]],
      s01: [[7, ['(none)']]],
      s00: [
        [7, ['hate', 'hate/slur', 'spam']],
        [8, ['hate/slur', 'spam']],
      ],
    };
    const lsTasks: LsTask[] = tasks.map((t, i) => ({
      id: 100 + i,
      data: t.data,
      annotations: (ticks[t.data.item_id] ?? []).map(([by, choices], j) => ({
        id: 1000 + i * 10 + j,
        completed_by: by,
        result: [{ from_name: 'label', type: 'choices', value: { choices } }],
        created_at: `2026-11-30T19:0${j}:00Z`,
        updated_at: `2026-11-30T19:0${j}:00Z`,
        lead_time: 4.5,
      })),
    }));
    const csvText = csvExport(lsTasks);
    expect(csvText).toContain('"{""choices"":[""hate"",""hate\\/slur"",""spam""]}"');
    const sources = {
      json: [join(dir, 'ls.json'), JSON.stringify(lsTasks)],
      min: [join(dir, 'ls-min.json'), JSON.stringify(jsonMinExport(lsTasks))],
      csv: [join(dir, 'ls.csv'), csvText],
    } as const;
    const outs: unknown[] = [];
    for (const [name, [file, text]] of Object.entries(sources)) {
      writeFileSync(file, text);
      const out = join(dir, `${name}.arrow`);
      const s = await importReview({ dataset: golden, sources: [{ file }], out });
      expect(s, name).toMatchObject({ verdicts: 4, reviewed: 3, conflicts: [] });
      const t = tableFromIPC(readFileSync(out));
      outs.push(Object.fromEntries(t.toArray().map((r) => [r.id as string, [...r.labels]])));
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    expect((outs[0] as Record<string, string[]>).s00).toEqual(['hate', 'hate/slur', 'spam', 'violating']);
  });

  it('Argilla multi-label answers, CSV "; " cells and JSONL arrays give the same verdicts', async () => {
    const { dir, golden } = await exported();
    const argilla = join(dir, 'argilla-export.json');
    writeFileSync(
      argilla,
      JSON.stringify([
        {
          metadata: { item_id: 's03', queue: 'pol' },
          responses: { label: [{ value: ['hate/threat'], user_id: 'u1', status: 'submitted' }] },
          updated_at: '2026-11-30T19:00:00Z',
        },
        {
          metadata: { item_id: 's01', queue: 'pol' },
          responses: { label: [{ value: ['(none)'], user_id: 'u1', status: 'submitted' }] },
        },
        {
          metadata: { item_id: 's00', queue: 'pol' },
          responses: { label: [{ value: ['hate/slur'], user_id: 'u1', status: 'draft' }] },
        },
      ]),
    );
    const csv = join(dir, 'verdicts.csv');
    writeFileSync(csv, 'id,verdict,reviewer\ns03,hate/threat,ann\ns01,(none),ann\ns00,,ann\n');
    const jsonl = join(dir, 'verdicts.jsonl');
    writeFileSync(
      jsonl,
      `${JSON.stringify({ id: 's03', verdict: ['hate/threat'], reviewer: 'j' })}\n${JSON.stringify({ id: 's01', verdict: [], reviewer: 'j' })}\n${JSON.stringify({ id: 's00', verdict: null })}\n`,
    );
    const labelsOf = (file: string) => {
      const t = tableFromIPC(readFileSync(file));
      return Object.fromEntries(t.toArray().map((r) => [r.id as string, [...r.labels]]));
    };
    const outs: Record<string, string[]>[] = [];
    for (const [name, file] of [
      ['a', argilla],
      ['c', csv],
      ['j', jsonl],
    ] as const) {
      const out = join(dir, `${name}.arrow`);
      const s = await importReview({ dataset: golden, sources: [{ file }], out });
      expect(s).toMatchObject({ verdicts: 2, skipped: 1, relabelled: 2 });
      outs.push(labelsOf(out));
    }
    expect(outs[0]!.s03).toEqual(['hate', 'hate/threat', 'violating']);
    expect(outs[0]!.s01).toEqual([]);
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  });
});
