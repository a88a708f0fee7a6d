/**
 * `predictions import` of multi-policy production logs. The round trip runs on real data: the
 * fortunes golden set (Debian fortunes-es/-it curation) scored by the real policies-v1 model; its
 * scores are written out as the three log shapes (a score column per policy, a flagged-policies
 * list, a hosted moderation API answer in OpenAI's shape) and imported back, and eval on each
 * import must equal eval on the run's own predictions. The API category names and the bad rows are
 * SYNTHETIC (the shapes a real log has; no log of a hosted API on this data exists here).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float32, List, Utf8 } from 'apache-arrow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFortunes } from '../../datasets/fortunes/index.js';
import { main } from '../../src/cli/main.js';
import type { ModelMetrics } from '../../src/contracts/metrics-report.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { importPredictions } from '../../src/run/import.js';
import { openPredictions } from '../../src/run/predictions.js';
import { runModel } from '../../src/run/run.js';
import { BadInputError } from '../../src/util/errors.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

/** SYNTHETIC API category names for the six fortunes policies (OpenAI-like, one per policy). */
const API_NAMES: Record<string, string> = {
  offensive: 'harassment',
  'offensive/sexism': 'hate',
  'offensive/sexism/misogyny': 'hate/misogyny',
  'offensive/sexism/misandry': 'hate/misandry',
  'offensive/sexual': 'sexual',
  'offensive/other': 'harassment/other',
};

interface RunRows {
  golden: string;
  predictions: string;
  labels: string[];
  ids: string[];
  scores: number[][];
  predicted: string[][];
}

let real: RunRows;
// The run's output lives for the whole file (each test's tmp() folder is removed after it).
const runDir = mkdtempSync(join(tmpdir(), 'modeval-import-run-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

beforeAll(async () => {
  const { golden } = await buildFortunes();
  const out = join(runDir, 'v1');
  const summary = await runModel({
    model: join(packageRoot(), 'models', 'policies-v1'),
    dataset: golden,
    out,
    quiet: true,
  });
  const source = await openPredictions(summary.predictions!);
  const labels = source.meta.model.labels;
  const k = labels.length;
  const rows: RunRows = {
    golden,
    predictions: summary.predictions!,
    labels,
    ids: [],
    scores: [],
    predicted: [],
  };
  for await (const batch of source.batches()) {
    for (let i = 0; i < batch.length; i++) {
      rows.ids.push(batch.ids.get(i)!);
      rows.scores.push(Array.from(batch.scores.subarray(i * k, (i + 1) * k)));
      rows.predicted.push((batch.predicted.get(i) as string[] | null) ?? []);
    }
  }
  real = rows;
}, 300_000);

/** Everything eval reports about a model's quality (not its name or file). */
function quality(m: ModelMetrics) {
  const { model: _model, join: _join, ...rest } = m;
  return rest;
}

async function evalOf(predictions: string) {
  const { report } = await evaluate({ dataset: real.golden, predictions: [predictions], resamples: 100 });
  return report.models[0]!;
}

let runEval: ModelMetrics | undefined;
/** Eval of the run's own predictions (computed once). */
async function runMetrics(): Promise<ModelMetrics> {
  runEval ??= await evalOf(real.predictions);
  return runEval;
}

describe('predictions import of multi-policy logs (real fortunes + policies-v1 scores)', () => {
  it('a score column per policy (CSV) gives the same eval as the run', async () => {
    const dir = tmp();
    const csv = join(dir, 'log.csv');
    const cols = real.labels.map((_, j) => `p${j}`);
    const lines = [['request_id', ...cols].join(',')];
    // String(x) of a float32 value re-reads as exactly that value.
    real.ids.forEach((id, i) => {
      lines.push([JSON.stringify(id), ...real.scores[i]!.map(String)].join(','));
    });
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const summary = await importPredictions({
      input: csv,
      out: join(dir, 'imported.arrows'),
      dataset: real.golden,
      task: 'multilabel',
      idColumn: 'request_id',
      scoreColumns: Object.fromEntries(real.labels.map((l, j) => [l, cols[j]!])),
      modelName: 'prod-log',
    });
    expect(summary).toMatchObject({ rows: real.ids.length, scores: 'probabilities', labels: real.labels });
    expect(quality(await evalOf(summary.out))).toEqual(quality(await runMetrics()));
  });

  it('a moderation API answer per row (JSONL, OpenAI shape) mapped to the policies, unmapped categories reported', async () => {
    const dir = tmp();
    const jsonl = join(dir, 'api.jsonl');
    const lines = real.ids.map((id, i) => {
      const categories: Record<string, boolean | null> = {
        violence: false,
        'self-harm': false,
        illicit: null,
      };
      const scores: Record<string, number> = { violence: 0.001, 'self-harm': 0.002 };
      real.labels.forEach((l, j) => {
        categories[API_NAMES[l]!] = real.predicted[i]!.includes(l);
        scores[API_NAMES[l]!] = real.scores[i]![j]!;
      });
      const response = {
        id: `modr-${i}`,
        model: 'omni-moderation-latest',
        results: [{ flagged: real.predicted[i]!.length > 0, categories, category_scores: scores }],
      };
      return JSON.stringify({ id, response });
    });
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
    const mapFile = join(dir, 'map.json');
    writeFileSync(mapFile, JSON.stringify({ ...invert(API_NAMES), 'self-harm': null }));
    const summary = await importPredictions({
      input: jsonl,
      out: join(dir, 'imported.arrows'),
      dataset: real.golden,
      task: 'multilabel',
      moderationColumn: 'response',
      categoryMapFile: mapFile,
      modelName: 'hosted-api',
    });
    expect(summary.labels).toEqual(real.labels);
    expect(summary.unmappedCategories).toEqual([{ name: 'violence', rows: real.ids.length }]);
    expect(quality(await evalOf(summary.out))).toEqual(quality(await runMetrics()));
  });

  it('a flagged-policies list (Arrow List<Utf8>) with scores decides like the run; a list alone scores 0/1', async () => {
    const dir = tmp();
    const arrow = join(dir, 'log.arrow');
    writeArrow(arrow, {
      id: { values: real.ids, type: new Utf8() },
      flagged: { values: real.predicted, type: new List(new Field('item', new Utf8(), true)) },
      ...Object.fromEntries(
        real.labels.map((_, j) => [`s${j}`, { values: real.scores.map((r) => r[j]!), type: new Float32() }]),
      ),
    });
    const withScores = await importPredictions({
      input: arrow,
      out: join(dir, 'a.arrows'),
      dataset: real.golden,
      task: 'multilabel',
      flaggedColumn: 'flagged',
      scoreColumns: Object.fromEntries(real.labels.map((l, j) => [l, `s${j}`])),
      modelName: 'prod-log',
    });
    expect(quality(await evalOf(withScores.out))).toEqual(quality(await runMetrics()));
    // Text cells: a JSON array or '|'-separated names, empty for none; decisions only.
    const csv = join(dir, 'flags.csv');
    const rows = real.ids.map((id, i) => {
      const p = real.predicted[i]!;
      const cell = i % 2 === 0 ? `"${JSON.stringify(p).replaceAll('"', '""')}"` : p.join('|');
      return `${JSON.stringify(id)},${cell}`;
    });
    writeFileSync(csv, `id,flagged\n${rows.join('\n')}\n`);
    const listOnly = await importPredictions({
      input: csv,
      out: join(dir, 'b.arrows'),
      dataset: real.golden,
      task: 'multilabel',
      flaggedColumn: 'flagged',
      flaggedDelimiter: '|',
      modelName: 'prod-actions',
    });
    expect(listOnly).toMatchObject({ scores: 'decisions', labels: real.labels });
    const fromList = await evalOf(listOnly.out);
    const fromRun = await runMetrics();
    expect(fromList.perClass.map((c) => [c.label, c.support, c.predicted, c.recall.estimate])).toEqual(
      fromRun.perClass.map((c) => [c.label, c.support, c.predicted, c.recall.estimate]),
    );
    expect(fromList.overall.samples).toEqual(fromRun.overall.samples);
  });
});

describe('a hosted API that covers part of the taxonomy (real fortunes + policies-v1 scores)', () => {
  it('imports the mapped policies only; eval says not scored for the rest; the CLI gates it against the run', async () => {
    const dir = tmp();
    const jsonl = join(dir, 'api.jsonl');
    // SYNTHETIC OpenAI-style answers: `sexual` and `harassment` carry the run's scores for
    // offensive/sexual and offensive/other, `hate` its offensive/sexism score; no category is
    // fine-grained enough for misogyny or misandry.
    const j = (l: string) => real.labels.indexOf(l);
    const lines = real.ids.map((id, i) => {
      const s = real.scores[i]!;
      const category_scores = {
        sexual: s[j('offensive/sexual')]!,
        harassment: s[j('offensive/other')]!,
        hate: s[j('offensive/sexism')]!,
        'sexual/minors': 0,
      };
      return JSON.stringify({ id, answer: { results: [{ category_scores }] } });
    });
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
    const out = join(dir, 'api.arrows');
    const importCli = (to: string, ...maps: string[]) =>
      main([
        'predictions',
        'import',
        jsonl,
        '--task',
        'multilabel',
        '--out',
        to,
        '--dataset',
        real.golden,
        '--moderation',
        'answer',
        ...maps.flatMap((m) => ['--map', m]),
        '--model-name',
        'hosted-api',
      ]);
    const code = await importCli(
      out,
      'sexual=offensive/sexual',
      'harassment=offensive/other',
      'hate=offensive/sexism',
    );
    expect(code).toBe(0);
    const m = await evalOf(out);
    const by = new Map(m.perClass.map((c) => [c.label, c]));
    // offensive is scored: each of its children (sexism, sexual, other) is.
    expect(
      ['offensive', 'offensive/sexism', 'offensive/sexual', 'offensive/other'].map(
        (l) => by.get(l)!.notScored,
      ),
    ).toEqual([undefined, undefined, undefined, undefined]);
    for (const l of ['offensive/sexism/misogyny', 'offensive/sexism/misandry']) {
      expect(by.get(l)!.notScored).toMatch(/not scored/);
      expect(by.get(l)!.recall.estimate).toBeNull();
    }
    // Same scores and threshold as the run on offensive/sexual: the same recall there.
    const runSexual = (await runMetrics()).perClass.find((c) => c.label === 'offensive/sexual')!;
    expect(by.get('offensive/sexual')!.recall.estimate).toBe(runSexual.recall.estimate);
    const policy = join(dir, 'gate.yaml');
    // Leaves with the run's own scores pass; offensive/sexism fails: the run lifts it from its
    // misogyny and misandry scores, which the API cannot.
    const rules = (r: string) => `resamples: 100\nrules:\n${r}`;
    writeFileSync(
      policy,
      rules(
        '  - recall[offensive/sexual] >= baseline - 0.01\n  - recall[offensive/other] >= baseline - 0.01\n',
      ),
    );
    const gate = (dirName: string) =>
      main([
        'gate',
        '--policy',
        policy,
        '--baseline',
        real.predictions,
        '--candidate',
        out,
        '--dataset',
        real.golden,
        '--out',
        join(dir, dirName),
      ]);
    const gateCode = await gate('gate');
    expect(gateCode).toBe(0);
    writeFileSync(
      policy,
      rules(
        '  - recall[offensive/sexism] >= baseline - 0.01\n  - recall[offensive/sexism/misogyny] >= 0.5\n',
      ),
    );
    // misogyny is not scored by the API: the rule is bad input (exit 2), not a failed gate.
    expect(await gate('gate2')).toBe(2);
    writeFileSync(policy, rules('  - recall[offensive/sexism] >= baseline - 0.01\n'));
    expect(await gate('gate3')).toBe(1);
    // A map to a policy the dataset lacks: exit 2.
    const bad = await importCli(join(dir, 'bad.arrows'), 'sexual=offensive/sexy');
    expect(bad).toBe(2);
  });
});

function invert(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));
}

describe('predictions import of multi-policy logs: bad input names file, row and field', () => {
  const policiesDataset = () => real.golden;

  async function importError(content: string, ext: string, options: Record<string, unknown>) {
    const dir = tmp();
    const input = join(dir, `log.${ext}`);
    writeFileSync(input, content);
    const err = await importPredictions({
      input,
      out: join(dir, 'out.arrows'),
      dataset: policiesDataset(),
      task: 'multilabel',
      modelName: 'bad',
      ...options,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    return (err as BadInputError).message;
  }

  it('an unknown policy in the options, a missing column, bad JSON, a bad flagged name', async () => {
    const id0 = JSON.stringify(real.ids[0]);
    const id1 = JSON.stringify(real.ids[1]);
    expect(
      await importError(`id,p\n${id0},0.5\n`, 'csv', { scoreColumns: { 'offensive/sexism/mysogyny': 'p' } }),
    ).toMatch(/scoreColumns\.offensive\/sexism\/mysogyny.*unknown policy "offensive\/sexism\/mysogyny"/);
    expect(
      await importError(`id,p\n${id0},0.5\n`, 'csv', {
        moderationColumn: 'p',
        categoryMap: { hate: 'hate' },
      }),
    ).toMatch(/categoryMap\.hate.*unknown policy "hate"/);
    expect(await importError(`id,p\n${id0},0.5\n`, 'csv', { scoreColumns: { offensive: 'q' } })).toMatch(
      /missing column.*log\.csv.*q|log\.csv.*missing column/,
    );
    const good = JSON.stringify({ categories: { sexual: true }, category_scores: { sexual: 0.9 } });
    const badJson = await importError(
      `${JSON.stringify({ id: real.ids[0], r: good })}\n${JSON.stringify({ id: real.ids[1], r: '{"categories": ' })}\n`,
      'jsonl',
      { moderationColumn: 'r', categoryMap: { sexual: 'offensive/sexual' } },
    );
    expect(badJson).toMatch(/not valid JSON/);
    expect(badJson).toMatch(/log\.jsonl/);
    expect(badJson).toMatch(/row 1/);
    expect(badJson).toContain(id1.slice(1, -1));
    const badScore = await importError(
      `${JSON.stringify({ id: real.ids[0], r: { results: [{ categories: { sexual: true }, category_scores: { sexual: 1.5 } }] } })}\n`,
      'jsonl',
      { moderationColumn: 'r', categoryMap: { sexual: 'offensive/sexual' } },
    );
    expect(badScore).toMatch(/r\.results\[0\]\.category_scores\.sexual/);
    expect(badScore).toMatch(/not a score in \[0, 1\]/);
    const badName = await importError(`id,f\n${id0},offensive/sexual\n${id1},offensive/sexy\n`, 'csv', {
      flaggedColumn: 'f',
    });
    expect(badName).toMatch(/"offensive\/sexy" is not a policy/);
    expect(badName).toMatch(/row 1/);
    expect(badName).toMatch(/\bf\b/);
  });
});
