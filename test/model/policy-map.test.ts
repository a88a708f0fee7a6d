/**
 * Model cards that map output labels to the dataset's policies. The cards here are SYNTHETIC
 * variants of the real policies-v1 card (its ONNX graph and tokenizer, copied): the real policies
 * models output exactly the fortunes policies, so renamed outputs, finer classes that map up, and
 * a model scoring a subset exist only as these cards. The real cards are checked unchanged too.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFortunes } from '../../datasets/fortunes/index.js';
import type { ModelMetrics } from '../../src/contracts/metrics-report.js';
import { openDataset } from '../../src/dataset/open.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadModelCard, parseModelCard } from '../../src/model/card.js';
import {
  checkCardPolicies,
  mapPredicted,
  mapScores,
  policyMapping,
  scoredPolicies,
} from '../../src/model/policy-map.js';
import { openPredictions } from '../../src/run/predictions.js';
import { runModel } from '../../src/run/run.js';
import { BadInputError } from '../../src/util/errors.js';
import { packageRoot } from '../../src/util/paths.js';

const REAL = join(packageRoot(), 'models', 'policies-v1');
const realCard = JSON.parse(readFileSync(join(REAL, 'model.json'), 'utf8')) as Record<string, unknown>;
const dirs = mkdtempSync(join(tmpdir(), 'modeval-policy-map-'));
afterAll(() => rmSync(dirs, { recursive: true, force: true }));

/** A model folder with the real graph and tokenizer and a SYNTHETIC card. */
function syntheticModel(name: string, card: Record<string, unknown>): string {
  const dir = join(dirs, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  copyFileSync(join(REAL, 'model.onnx'), join(dir, 'model.onnx'));
  copyFileSync(join(REAL, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...realCard, name, ...card }));
  return dir;
}

// Output order of policies-v1: offensive, sexism, misogyny, misandry, sexual, other.
const RENAMED = ['any', 'sexism', 'women', 'men', 'sex', 'vulgar'];

describe('card policies: schema and mapping (synthetic cards)', () => {
  const base = { ...realCard, labels: RENAMED, thresholds: {} };

  it('maps labels to policies, keeps unmapped labels as their own policy, drops null', () => {
    const card = parseModelCard(
      {
        ...base,
        policies: {
          map: {
            any: null,
            sex: 'offensive/other',
            vulgar: 'offensive/other',
            women: 'offensive/sexism/misogyny',
          },
        },
      },
      'card.json',
    );
    const m = policyMapping(card)!;
    expect(m.policies).toEqual(['sexism', 'offensive/sexism/misogyny', 'men', 'offensive/other']);
    expect(m.sources).toEqual([[1], [2], [3], [4, 5]]);
    // max of the two finer classes; noisy-or as the card may choose instead
    const scores = Float32Array.from([0.9, 0.2, 0.3, 0.1, 0.6, 0.5]);
    expect([...mapScores(m, scores, 1)].map((x) => Math.round(x * 1000) / 1000)).toEqual([
      0.2, 0.3, 0.1, 0.6,
    ]);
    const noisy = policyMapping(
      parseModelCard({ ...card, policies: { ...card.policies, combine: 'noisy-or' } }, 'c'),
    )!;
    expect(mapScores(noisy, scores, 1)[3]).toBeCloseTo(1 - 0.4 * 0.5, 6);
    expect(mapPredicted(m, ['any', 'vulgar', 'sex'])).toEqual(['offensive/other']);
    expect(scoredPolicies(parseModelCard(realCard, 'real'))).toEqual(realCard.labels);
  });

  it('refuses a map key that is no label, policies on a single-label card, and a card that drops every label', () => {
    const err = (card: unknown) => {
      try {
        parseModelCard(card, 'card.json');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(err({ ...base, policies: { map: { women2: 'offensive' } } })).toMatch(
      /policies\.map\.women2.*not one of the labels/,
    );
    expect(
      err({
        ...base,
        task: 'binary',
        labels: ['ok', 'bad'],
        positive: 'bad',
        output: { tensor: 'logits' },
        policies: { map: {} },
      }),
    ).toMatch(/policies.*only multilabel/);
    expect(err({ ...base, policies: { map: Object.fromEntries(RENAMED.map((l) => [l, null])) } })).toMatch(
      /every label is dropped/,
    );
  });

  it('names the unknown policy and the card field against the dataset', async () => {
    const { golden } = await buildFortunes();
    const policies = (await openDataset(golden)).spec.labels!;
    const oneToOne = Object.fromEntries(RENAMED.map((l, j) => [l, (realCard.labels as string[])[j]!]));
    const card = parseModelCard(
      { ...base, policies: { map: { ...oneToOne, sex: 'offensive/sexy' } } },
      'card.json',
    );
    expect(() => checkCardPolicies(card, policies, 'card.json')).toThrow(
      /policies\.map\.sex.*unknown policy "offensive\/sexy"/,
    );
    const unmapped = parseModelCard({ ...base, policies: { map: { sex: 'offensive/sexual' } } }, 'card.json');
    // `any` maps to itself, and is no fortunes policy: named by its labels index.
    expect(() => checkCardPolicies(unmapped, policies, 'card.json')).toThrow(
      /labels\[0\].*unknown policy "any"/,
    );
    // The real cards score exactly the fortunes policies.
    for (const name of ['policies-v1', 'policies-v2']) {
      const real = await loadModelCard(join(packageRoot(), 'models', name));
      expect(() => checkCardPolicies(real, policies, name)).not.toThrow();
    }
  });
});

describe('run with a mapped card on the real fortunes golden set', () => {
  let golden: string;
  let realRun: { predictions: string; metrics: ModelMetrics };

  const quality = (m: ModelMetrics) => {
    const { model: _m, join: _j, ...rest } = m;
    return rest;
  };
  const metricsOf = async (predictions: string) =>
    (await evaluate({ dataset: golden, predictions: [predictions], resamples: 100 })).report.models[0]!;
  const run = async (name: string, model: string) => {
    const summary = await runModel({
      model,
      dataset: golden,
      out: join(dirs, `${name}-out`),
      quiet: true,
      workers: 1,
    });
    return summary.predictions!;
  };

  beforeAll(async () => {
    golden = (await buildFortunes()).golden;
    const predictions = await run('real', REAL);
    realRun = { predictions, metrics: await metricsOf(predictions) };
  }, 300_000);

  it('renamed outputs mapped one to one evaluate exactly as the real card', async () => {
    const map = Object.fromEntries(RENAMED.map((l, j) => [l, (realCard.labels as string[])[j]!]));
    const model = syntheticModel('renamed', { labels: RENAMED, thresholds: {}, policies: { map } });
    const predictions = await run('renamed', model);
    expect((await openPredictions(predictions)).meta.model.labels).toEqual(realCard.labels);
    expect(quality(await metricsOf(predictions))).toEqual(quality(realRun.metrics));
  });

  it('finer classes map up by max; a policy no class maps to is not scored; an unknown policy is exit 2 before scoring', async () => {
    // sexual and other become one "offensive/other" (max of both); offensive/sexual is not scored,
    // so neither is its parent offensive (not all children scored); the roll-up class is dropped.
    const map = {
      any: null,
      sexism: 'offensive/sexism',
      women: 'offensive/sexism/misogyny',
      men: 'offensive/sexism/misandry',
      sex: 'offensive/other',
      vulgar: 'offensive/other',
    };
    const model = syntheticModel('finer', { labels: RENAMED, thresholds: {}, policies: { map } });
    const predictions = await run('finer', model);
    const src = await openPredictions(predictions);
    expect(src.meta.model.labels).toEqual([
      'offensive/sexism',
      'offensive/sexism/misogyny',
      'offensive/sexism/misandry',
      'offensive/other',
    ]);
    // The roll-up rule: each row's offensive/other score is the max of the real run's sexual and other.
    const real = await openPredictions(realRun.predictions);
    const realRows = new Map<string, number>();
    for await (const b of real.batches())
      for (let i = 0; i < b.length; i++)
        realRows.set(b.ids.get(i)!, Math.max(b.scores[i * 6 + 4]!, b.scores[i * 6 + 5]!));
    let checked = 0;
    for await (const b of src.batches()) {
      for (let i = 0; i < b.length; i++) {
        expect(b.scores[i * 4 + 3]).toBe(realRows.get(b.ids.get(i)!));
        checked++;
      }
    }
    expect(checked).toBe(realRows.size);
    const m = await metricsOf(predictions);
    const by = new Map(m.perClass.map((c) => [c.label, c]));
    for (const l of ['offensive', 'offensive/sexual']) expect(by.get(l)!.notScored).toMatch(/not scored/);
    for (const l of ['offensive/sexism', 'offensive/sexism/misogyny', 'offensive/other'])
      expect(by.get(l)!.notScored).toBeUndefined();
    const realBy = new Map(realRun.metrics.perClass.map((c) => [c.label, c]));
    expect(by.get('offensive/sexism/misogyny')!.recall.estimate).toBe(
      realBy.get('offensive/sexism/misogyny')!.recall.estimate,
    );

    const bad = syntheticModel('bad', {
      labels: RENAMED,
      thresholds: {},
      policies: { map: { ...map, sex: 'offensive/sexy' } },
    });
    const err = await runModel({
      model: bad,
      dataset: golden,
      out: join(dirs, 'bad-out'),
      quiet: true,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(
      /model\.json.*policies\.map\.sex.*unknown policy "offensive\/sexy"/,
    );
  });
});
