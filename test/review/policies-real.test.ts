/**
 * Review on real data: the fortunes golden set (Debian fortunes-es/-it curation, taxonomy
 * offensive → sexism → misogyny/misandry, sexual, other) scored by the two multi-policy reference
 * models. Export → a Label Studio JSON export as Label Studio writes it (annotations whose
 * results use the queue's `choice="multiple"` control) → import gives the expected golden version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFortunes } from '../../datasets/fortunes/index.js';
import { loadDatasetSpec } from '../../src/dataset/spec.js';
import { parseTaxonomy } from '../../src/dataset/taxonomy.js';
import { exportReview } from '../../src/review/export.js';
import { importReview } from '../../src/review/import.js';
import { runModel } from '../../src/run/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
let golden: string;
let v1: string;
let v2: string;
let dir: string;

beforeAll(async () => {
  golden = (await buildFortunes()).golden;
  dir = tmp();
  const run = async (model: string) =>
    (
      await runModel(
        { model: join(packageRoot(), 'models', model), dataset: golden, out: join(dir, model), quiet: true },
        { log: () => {} },
      )
    ).predictions!;
  v1 = await run('policies-v1');
  v2 = await run('policies-v2');
}, 600_000);

/** Each row's closed policy set, from the files themselves (independent of the eval join). */
function closedSets(file: string, column: string, ids: string, close: (l: string[]) => string[]) {
  const t = tableFromIPC(readFileSync(file));
  const out = new Map<string, string>();
  const idCol = t.getChild(ids)!;
  const labels = t.getChild(column)!;
  for (let i = 0; i < t.numRows; i++) {
    const v = labels.get(i);
    if (v !== null) out.set(idCol.get(i) as string, JSON.stringify(close([...v].map(String))));
  }
  return out;
}

describe('review on the real fortunes golden set with the multi-policy models', () => {
  it('exports disagreements on any policy and imports a Label Studio export as a new golden version', async () => {
    const spec = await loadDatasetSpec(golden.replace(/golden\.arrow$/, 'spec.json'));
    const tax = parseTaxonomy(spec.taxonomy!);
    const close = (l: string[]) => tax.close(l);
    const truth = closedSets(golden, 'labels', 'id', close);
    const predicted = closedSets(v1, 'predicted', 'id', close);
    const disagreeing = [...truth].filter(([id, g]) => predicted.get(id) !== g).map(([id]) => id);
    expect(disagreeing.length).toBeGreaterThan(100);

    const summary = await exportReview({
      dataset: golden,
      predictions: [v1, v2],
      out: join(dir, 'review'),
      queue: 'policies',
      select: { cap: 24 },
      formats: ['labelstudio', 'argilla', 'csv'],
    });
    expect(summary.matched).toBe(disagreeing.length);
    expect(summary.exported).toBe(24);
    const config = readFileSync(join(summary.dir!, 'labelstudio-config.xml'), 'utf8');
    expect(config).toContain('choice="multiple"');
    for (const p of tax.labels) expect(config).toContain(`<Choice value="${p}"/>`);
    const tasks = JSON.parse(readFileSync(join(summary.dir!, 'labelstudio-tasks.json'), 'utf8')) as {
      data: { item_id: string; golden: string[]; queue: string };
      predictions: { model_version: string; result: { from_name: string; value: { choices: string[] } }[] }[];
    }[];
    for (const t of tasks) {
      // Model 0 (policies-v1) and golden disagree on some policy for every item sent.
      expect(disagreeing).toContain(t.data.item_id);
      // The first model's prediction is listed last (it pre-fills Label Studio's editor).
      const p1 = t.predictions.at(-1);
      expect(p1!.model_version).toBe('policies-v1@1.0.0');
      const choices = p1!.result[0]!.value.choices;
      expect(JSON.stringify(choices[0] === '(none)' ? [] : choices)).toBe(predicted.get(t.data.item_id));
    }
    const settings = JSON.parse(
      readFileSync(join(summary.dir!, 'argilla', '.argilla', 'settings.json'), 'utf8'),
    );
    expect(settings.questions[0].settings.type).toBe('multi_label_selection');

    // Label Studio's JSON export of the annotated tasks: even tasks take the model's answer given
    // as leaves only (roll-up expected), odd ones confirm golden; one task left unannotated.
    const leavesOf = (closed: string[]) => closed.filter((l) => tax.children(l).length === 0);
    const expected = new Map<string, string>();
    const lsExport = tasks.map((t, i) => {
      if (i === tasks.length - 1) return { id: i + 1, data: t.data, annotations: [] };
      const answer = i % 2 === 0 ? (JSON.parse(predicted.get(t.data.item_id)!) as string[]) : t.data.golden;
      expected.set(t.data.item_id, JSON.stringify(tax.close(answer)));
      const choices = answer.length === 0 ? ['(none)'] : leavesOf(answer);
      return {
        id: i + 1,
        data: t.data,
        annotations: [
          {
            id: 1000 + i,
            completed_by: { id: 3, email: 'qa@example.org' },
            result: [
              { id: `r${i}`, from_name: 'label', to_name: 'text', type: 'choices', value: { choices } },
            ],
            was_cancelled: false,
            ground_truth: false,
            created_at: '2026-11-30T19:10:00.000000Z',
            updated_at: '2026-11-30T19:12:00.000000Z',
          },
        ],
        predictions: [],
      };
    });
    const exportFile = join(dir, 'project-1-at-2026-11-30.json');
    writeFileSync(exportFile, JSON.stringify(lsExport));
    const out = join(dir, 'golden-v2.arrow');
    const imported = await importReview({ dataset: golden, sources: [{ file: exportFile }], out });
    const changed = [...expected].filter(([id, key]) => truth.get(id) !== key).length;
    expect(imported).toMatchObject({ verdicts: 23, skipped: 1, reviewed: 23, relabelled: changed });
    expect(changed).toBe(12);

    const after = closedSets(out, 'labels', 'id', (l) => l);
    const t = tableFromIPC(readFileSync(out));
    expect(t.numRows).toBe(truth.size);
    for (const [id, key] of expected) expect(after.get(id)).toBe(key);
    // Rows nobody reviewed keep their stored labels.
    const untouched = [...truth.keys()].find((id) => !expected.has(id))!;
    expect(closedSets(golden, 'labels', 'id', (l) => l).get(untouched)).toBe(after.get(untouched));
    const row = t.toArray().find((r) => r.id === tasks[0]!.data.item_id)!;
    expect(row).toMatchObject({
      reviewer: 'qa@example.org',
      reviewed_at: '2026-11-30T19:12:00.000000Z',
      source_queue: 'policies',
      relabelled: true,
    });
  }, 600_000);
});
