import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportReview } from '../../src/review/export.js';
import type { GoldenMode } from '../../src/review/formats/format.js';
import { importReview } from '../../src/review/import.js';
import { spamA, spamB, writeGolden, writePredictions } from './fixtures.js';
import { csvExport, jsonMinExport, type LsAnnotation, type LsTask } from './ls-converter.js';

/**
 * What Label Studio does with the tasks modeval exports, as its source says (HumanSignal/label-studio):
 * - `label_studio/tasks/serializers.py` `BaseTaskSerializerBulk.add_predictions`: predictions are
 *   saved in import order and, when the project has no `model_version` yet, it becomes the
 *   model_version of the last prediction saved; `add_annotations`: an imported annotation keeps
 *   its `id` as `import_id`, `ground_truth` (default true) and `lead_time`, and
 *   `_insert_valid_completed_by` gives one without `completed_by` to the importing user;
 * - `label_studio/tasks/models.py` `Task.get_predictions_for_prelabeling` (served to the editor by
 *   `NextTaskSerializer.get_predictions`): with "show predictions" on and no ML backend, the
 *   task's predictions whose model_version is the project's, i.e. what pre-fills the editor.
 * The golden set and models are the SYNTHETIC review fixtures (fixtures.ts).
 */

let dir: string;
let goldenPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modeval-ls-rules-'));
  goldenPath = join(dir, 'golden.arrow');
  await writeGolden(goldenPath);
  await writePredictions(join(dir, 'a.arrows'), 'spamfilter', '1', spamA);
  await writePredictions(join(dir, 'b.arrows'), 'spamfilter', '2', spamB);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const Task = z.object({
  data: z.object({ item_id: z.string(), text: z.string() }).passthrough(),
  predictions: z.array(
    z.object({
      model_version: z.string(),
      result: z.array(z.object({ value: z.object({ choices: z.array(z.string()) }) })),
    }),
  ),
  annotations: z
    .array(
      z.object({
        id: z.number(),
        lead_time: z.number().optional(),
        ground_truth: z.boolean().optional(),
        result: z.array(z.unknown()),
      }),
    )
    .optional(),
});

async function exportTasks(golden: GoldenMode) {
  const s = await exportReview({
    dataset: goldenPath,
    predictions: [join(dir, 'a.arrows'), join(dir, 'b.arrows')],
    out: join(dir, `review-${golden}`),
    queue: 'q1',
    select: { rules: [{ kind: 'model_vs_golden' }] },
    golden,
    now: () => new Date('2026-11-22T04:00:00.000Z'),
  });
  return z.array(Task).parse(JSON.parse(await readFile(join(s.dir!, 'labelstudio-tasks.json'), 'utf8')));
}

type Tasks = z.infer<typeof Task>[];

/** add_predictions: the project's model version after importing `tasks` into a project with none. */
function projectModelVersion(tasks: Tasks): string | null {
  let last: string | null = null;
  for (const t of tasks) for (const p of t.predictions) last = p.model_version;
  return last;
}

/** get_predictions_for_prelabeling: the predictions that pre-fill a task's editor. */
const prefilled = (t: Tasks[number], version: string | null) =>
  version === null ? [] : t.predictions.filter((p) => p.model_version === version);

describe('Label Studio pre-fill (tasks/serializers.py add_predictions, tasks/models.py)', () => {
  it('default (golden as a prediction): the first model pre-fills every task, never golden', async () => {
    const tasks = await exportTasks('prediction');
    expect(tasks.length).toBeGreaterThan(0);
    const version = projectModelVersion(tasks);
    expect(version).toBe('spamfilter@1');
    for (const t of tasks) {
      const shown = prefilled(t, version);
      expect(shown.map((p) => p.model_version)).toEqual(['spamfilter@1']);
      // Golden still travels for the Data Manager, as a prediction nobody sees pre-selected.
      expect(t.predictions.map((p) => p.model_version)).toContain('golden');
    }
  });

  it('blind (--golden hidden): no prediction at all, nothing pre-filled; annotation mode sends no golden prediction', async () => {
    for (const t of await exportTasks('hidden')) {
      expect(t.predictions).toEqual([]);
      expect(t.annotations).toBeUndefined();
    }
    const tasks = await exportTasks('annotation');
    expect(projectModelVersion(tasks)).toBe('spamfilter@1');
    for (const t of tasks) expect(t.predictions.map((p) => p.model_version)).not.toContain('golden');
  });
});

describe('Label Studio exports with --golden annotation: JSON, JSON-MIN and CSV count alike', () => {
  it('the golden reference is recognised in exports without import_id', async () => {
    const tasks = await exportTasks('annotation');
    const IMPORTER = 1;
    const at = (m: number) => `2026-11-22T05:${String(m).padStart(2, '0')}:00.000000Z`;
    const choice = (label: string) => [{ from_name: 'label', type: 'choices', value: { choices: [label] } }];
    let next = 500;
    const reviewer = (by: number, label: string, m: number): LsAnnotation => ({
      id: next++,
      completed_by: by,
      result: choice(label),
      created_at: at(m),
      updated_at: at(m),
      lead_time: 8.25,
    });
    // Reviews: item-00 two reviewers say ham (golden spam), item-01 one says spam (golden ham),
    // item-03 the importing user reviews too (so the annotator cannot tell the reference apart),
    // item-04 one agrees with golden, item-07 nobody.
    const reviews: Record<string, LsAnnotation[]> = {
      'item-00': [reviewer(2, 'ham', 10), reviewer(3, 'ham', 11)],
      'item-01': [reviewer(2, 'spam', 12)],
      'item-03': [reviewer(IMPORTER, 'ham', 13)],
      'item-04': [reviewer(2, 'ham', 14)],
    };
    const lsTasks: (LsTask & { annotations: (LsAnnotation & Record<string, unknown>)[] })[] = tasks.map(
      (t, i) => ({
        id: 100 + i,
        data: t.data,
        annotations: [
          // What Label Studio stored on import: our id as import_id, our lead time, the importer.
          ...(t.annotations ?? []).map((a) => ({
            id: 300 + i,
            completed_by: IMPORTER,
            result: a.result as LsAnnotation['result'],
            ground_truth: a.ground_truth ?? true,
            import_id: a.id,
            lead_time: a.lead_time ?? null,
            was_cancelled: false,
            created_at: at(0),
            updated_at: at(0),
          })),
          ...(reviews[t.data.item_id] ?? []).map((a) => ({ ...a, ground_truth: false, import_id: null })),
        ],
      }),
    );
    const files = {
      json: [join(dir, 'export.json'), JSON.stringify(lsTasks)],
      'json-min': [join(dir, 'export-min.json'), JSON.stringify(jsonMinExport(lsTasks), null, 2)],
      csv: [join(dir, 'export.csv'), csvExport(lsTasks)],
    } as const;
    const summaries = [];
    for (const [name, [file, text]] of Object.entries(files)) {
      await writeFile(file, text);
      const s = await importReview({
        dataset: goldenPath,
        sources: [{ file }],
        out: join(dir, `${name}.arrow`),
      });
      summaries.push({
        name,
        verdicts: s.verdicts,
        skipped: s.skipped,
        conflicts: s.conflicts.length,
        relabelled: s.relabelled,
        transitions: s.transitions,
      });
    }
    const want = {
      verdicts: 5,
      skipped: 5, // the five references
      conflicts: 0,
      relabelled: 3,
      transitions: [
        { from: 'spam', to: 'ham', count: 2 },
        { from: 'ham', to: 'ham', count: 1 },
        { from: 'ham', to: 'spam', count: 1 },
      ],
    };
    expect(summaries).toEqual([
      { name: 'json', ...want },
      { name: 'json-min', ...want },
      { name: 'csv', ...want },
    ]);
  });
});
