import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bool, Field, List, Struct, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsReportSchema } from '../../src/contracts/metrics-report.js';
import { computeMetrics, evaluate } from '../../src/evaluate/evaluate.js';
import { bootstrapMany } from '../../src/evaluate/intervals.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { countInterval } from '../../src/metrics/edge-intervals.js';
import {
  accuracy,
  BinaryScoreStore,
  bootstrapConfusionMetric,
  ConfusionMatrix,
  classificationReport,
  macroF1,
  rocAuc,
} from '../../src/metrics/index.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { expectDeclaredMetrics } from './declared-metrics.js';
import { labelledRows, noisyBinaryScores, unitHash, writePredictions } from './fixtures.js';

const tmp = useTmpDir();
const U = new Utf8();
const GOLDEN = 'datasets/spamassassin/build/golden.arrow';

/** SYNTHETIC predictions over the REAL golden ids: a deterministic noisy scorer (see fixtures.ts). */
let goldenPreds: string;
let golden: { ids: string[]; labels: string[] };
const shared = mkdtempSync(join(tmpdir(), 'modeval-eval-'));
afterAll(() => rmSync(shared, { recursive: true, force: true }));
beforeAll(async () => {
  golden = await labelledRows(GOLDEN);
  goldenPreds = join(shared, 'spam-synthetic.arrows');
  writePredictions(goldenPreds, {
    labels: ['ham', 'spam'],
    ids: golden.ids,
    scores: noisyBinaryScores(
      golden.ids,
      golden.labels.map((l) => l === 'spam'),
    ),
    name: 'synthetic-noisy',
    batchSize: 300,
  });
});

describe('evaluate on the real golden set (synthetic predictions)', () => {
  it('writes a metrics.json that validates against its schema, with the expected counts', async () => {
    const out = tmp();
    const { report, path } = await evaluate({
      dataset: GOLDEN,
      predictions: [goldenPreds],
      out,
      resamples: 200,
    });
    expect(path).toBe(join(out, 'metrics.json'));
    const json: unknown = JSON.parse(readFileSync(path!, 'utf8'));
    const parsed = MetricsReportSchema.safeParse(json);
    expect(parsed.success).toBe(true);
    expect(report.schemaVersion).toBe(2);
    expect(report.task).toBe('binary');
    expect(report.positive).toBe('spam');
    expect(report.dataset.evaluated).toBe(1183);
    const m = report.models[0]!;
    expect(m.overall.n).toBe(1183);
    // The metrics.json written has every declared metric of a binary task, and nothing undeclared.
    const written = parsed.data!.models[0]!;
    expectDeclaredMetrics(written.overall, 'binary', written.perClass);
    for (const v of written.slices.flatMap((s) => s.values)) expectDeclaredMetrics(v.metrics, 'binary');
    const spamCount = golden.labels.filter((l) => l === 'spam').length;
    expect(m.overall.support).toEqual([1183 - spamCount, spamCount]);
    // Headline accuracy equals a direct count over the synthetic predictions.
    const scores = noisyBinaryScores(
      golden.ids,
      golden.labels.map((l) => l === 'spam'),
    );
    let correct = 0;
    golden.labels.forEach((l, i) => {
      const predictedSpam = scores[i]![1]! > scores[i]![0]!;
      if (predictedSpam === (l === 'spam')) correct++;
    });
    expect(m.overall.accuracy!.estimate).toBeCloseTo(correct / 1183, 12);
    const acc = m.overall.accuracy!;
    expect(acc.low!).toBeLessThan(acc.estimate!);
    expect(acc.high!).toBeGreaterThan(acc.estimate!);
    // Ranking, curves, operating points and the sweep for the positive class.
    expect(m.ranking.map((r) => r.label)).toEqual(['spam']);
    const spam = m.ranking[0]!;
    expect(spam.ranking.rocAuc!).toBeGreaterThan(0.7);
    expect(spam.roc!.fpr.length).toBeLessThanOrEqual(200);
    expect(spam.roc!.fpr[0]).toBe(0);
    expect(spam.roc!.fpr.at(-1)).toBe(1);
    expect(spam.operatingPoints).toHaveLength(5);
    expect(spam.sweep.points).toHaveLength(21);
    expect(m.calibration.positiveClass[0]!.report.reliability).toHaveLength(15);
    expect(m.calibration.topLabel!.variant).toBe('top-label');
    expect(m.slices.map((s) => s.columns[0])).toEqual([
      'corpus_group',
      'has_html',
      'has_attachment',
      'body_length',
      'sender_tld',
      'year',
      'charset',
      'multipart',
    ]);
    expect(m.bias).toBeNull();
    expect(report.agreement).toBeNull();
  });

  it('per-slice numbers equal a direct computation on that slice, intervals the engine’s', async () => {
    const set = await loadEvalSet({ dataset: GOLDEN, predictions: [goldenPreds] });
    const report = computeMetrics(set, { resamples: 300, seed: 7 });
    const html = set.slices.find((s) => s.name === 'has_html')!;
    const code = html.values.indexOf('true');
    const rows = [...html.codes.keys()].filter((i) => html.codes[i] === code);
    const cm = new ConfusionMatrix(set.labels);
    const store = new BinaryScoreStore();
    const model = set.models[0]!;
    const truth: number[] = [];
    const pred: number[] = [];
    for (const i of rows) {
      cm.add(set.truth[i]!, model.predicted[i]!);
      store.add(model.scores[i * 2 + 1]!, set.truth[i] === 1);
      truth.push(set.truth[i]!);
      pred.push(model.predicted[i]!);
    }
    const direct = classificationReport(cm, { zeroDivision: 'nan', absentClasses: 'present-in-golden' });
    const slice = report.models[0]!.slices.find((s) => s.columns[0] === 'has_html')!;
    const value = slice.values.find((v) => v.values[0] === 'true')!;
    expect(value.metrics.n).toBe(rows.length);
    expect(value.small).toBe(false);
    expect(value.metrics.accuracy!.estimate).toBe(direct.accuracy);
    expect(value.metrics.positive!.precision.estimate).toBe(direct.perClass[1]!.precision);
    expect(value.metrics.positive!.recall.estimate).toBe(direct.perClass[1]!.recall);
    expect(value.metrics.positive!.fpr.estimate).toBe(direct.perClass[1]!.fpr);
    expect(value.metrics.macro.f1.estimate).toBe(direct.macro.f1);
    expect(value.metrics.matthews!.estimate).toBe(direct.matthews);
    expect(value.metrics.rocAuc.value).toBe(rocAuc(store).value);
    const aucIv = value.metrics.rocAuc.interval!;
    expect(aucIv.estimate).toBe(value.metrics.rocAuc.value);
    expect(aucIv.low!).toBeLessThan(aucIv.estimate!);
    expect(aucIv.high!).toBeGreaterThan(aucIv.estimate!);
    expect(aucIv.resamples).toBe(300);
    // Proportions carry the Wilson interval of their counts (statsmodels-checked in
    // test/metrics/stats-reference.test.ts).
    const correct = truth.filter((t, i) => t === pred[i]).length;
    expect(value.metrics.accuracy).toEqual(countInterval(correct, truth.length, 0.95, 'wilson'));
    // Other statistics: the shared-replicate intervals are exactly the per-metric engine's, for the same seed.
    const engineF1 = bootstrapConfusionMetric(
      set.labels,
      truth,
      pred,
      (c) => macroF1(c, { zeroDivision: 'nan', absentClasses: 'present-in-golden' }),
      {
        resamples: 300,
        seed: 7,
      },
    );
    expect(value.metrics.macro.f1.low).toBe(engineF1.low);
    expect(value.metrics.macro.f1.high).toBe(engineF1.high);
  });

  it('a single-class slice has a null AUC with a reason, never 0.5', async () => {
    const set = await loadEvalSet({ dataset: GOLDEN, predictions: [goldenPreds] });
    const report = computeMetrics(set, { resamples: 50 });
    const groups = report.models[0]!.slices.find((s) => s.columns[0] === 'corpus_group')!;
    const spamOnly = groups.values.find((v) => v.values[0] === 'spam-1')!;
    expect(spamOnly.metrics.support[0]).toBe(0);
    expect(spamOnly.metrics.rocAuc.value).toBeNull();
    expect(spamOnly.metrics.rocAuc.reason).toMatch(/undefined with \d+ positive and 0 negative/);
    expect(spamOnly.metrics.rocAuc.interval).toBeNull();
    // With no ham in the slice, the false-positive rate is undefined, not 0.
    expect(spamOnly.metrics.positive!.fpr.estimate).toBeNull();
    const hamOnly = groups.values.find((v) => v.values[0] === 'easy-ham-1')!;
    expect(hamOnly.metrics.rocAuc.value).toBeNull();
    expect(hamOnly.metrics.positive!.recall.estimate).toBeNull();
    // No macro average over an absent class, and the reason says so.
    for (const v of [spamOnly, hamOnly]) {
      expect(v.metrics.macro.f1.estimate).toBeNull();
      expect(v.metrics.macro.f1.reason).toMatch(/only one class has golden items/);
    }
    expect(hamOnly.metrics.positive!.f1.estimate).toBeNull();
    expect(hamOnly.metrics.positive!.f1.reason).toMatch(/no golden spam items/);
  });

  it('never reports a zero-width interval on finite data; flags small slices with reasons', async () => {
    const set = await loadEvalSet({ dataset: GOLDEN, predictions: [goldenPreds] });
    const report = computeMetrics(set, { resamples: 100 });
    const zeroWidth: string[] = [];
    let intervals = 0;
    const walk = (x: unknown, path: string): void => {
      if (Array.isArray(x)) {
        x.forEach((v, i) => {
          walk(v, `${path}[${i}]`);
        });
      } else if (x !== null && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if ('estimate' in o && 'low' in o && 'high' in o && o.estimate !== null) {
          intervals++;
          if (!((o.high as number) > (o.low as number))) zeroWidth.push(path);
        }
        for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
      }
    };
    walk(report, '');
    expect(intervals).toBeGreaterThan(1000);
    expect(zeroWidth).toEqual([]);
    const tld = report.models[0]!.slices.find((s) => s.columns[0] === 'sender_tld')!;
    const edu = tld.values.find((v) => v.values[0] === 'edu')!;
    // 33 items, all ham: enough items, but the accuracy interval of 33 items is wide.
    expect(edu.metrics.n).toBe(33);
    expect(edu.small).toBe(true);
    expect(edu.smallReasons.join(' ')).toMatch(/accuracy interval 0\.\d+ wide/);
    // Every slice value with few golden spam items says its recall rests on them.
    for (const v of tld.values) {
      const spam = v.metrics.support[1]!;
      if (spam > 0 && spam < 10)
        expect(v.smallReasons.some((r) => r.startsWith(`spam recall rests on ${spam}`))).toBe(true);
    }
    expect(report.definitions.intervals.proportions).toBe('wilson');
    expect(report.definitions.slices.rule).toMatch(/minClassSupport/);
  });

  it('bins calibration by equal mass with per-bin intervals and gives ECE an interval', async () => {
    const set = await loadEvalSet({ dataset: GOLDEN, predictions: [goldenPreds] });
    const report = computeMetrics(set, { resamples: 100 });
    const cal = report.models[0]!.calibration.positiveClass[0]!.report;
    expect(cal.binning).toBe('equal-mass');
    expect(cal.reliability.length).toBeGreaterThan(5);
    for (const b of cal.reliability) {
      expect(b.count).toBeGreaterThanOrEqual(report.definitions.calibration.minBinItems);
      expect(b.sparse).toBe(false);
      expect(b.interval!.low).toBeLessThanOrEqual(b.accuracy!);
      expect(b.interval!.high).toBeGreaterThanOrEqual(b.accuracy!);
      expect(b.interval!.high).toBeGreaterThan(b.interval!.low);
    }
    const ece = report.models[0]!.overall.ece!;
    expect(ece.value).toBe(cal.ece);
    expect(ece.interval!.low!).toBeLessThan(ece.interval!.high!);
    // A 33-item slice gets one bin (fewer than 2 × 20 items).
    const tld = report.models[0]!.slices.find((s) => s.columns[0] === 'sender_tld')!;
    expect(tld.values.find((v) => v.values[0] === 'edu')!.metrics.ece!.interval).not.toBeNull();
  });

  it('is deterministic for a seed: byte-identical metrics.json; another seed moves the intervals only', async () => {
    const a = tmp();
    const opts = { dataset: GOLDEN, predictions: [goldenPreds], resamples: 40 };
    await evaluate({ ...opts, out: join(a, 'one'), seed: 3 });
    await evaluate({ ...opts, out: join(a, 'two'), seed: 3 });
    const one = readFileSync(join(a, 'one', 'metrics.json'), 'utf8');
    expect(readFileSync(join(a, 'two', 'metrics.json'), 'utf8')).toBe(one);
    const { report } = await evaluate({ ...opts, seed: 4 });
    const first = MetricsReportSchema.parse(JSON.parse(one));
    const acc3 = first.models[0]!.overall.accuracy!;
    const acc4 = report.models[0]!.overall.accuracy!;
    expect(acc4).toEqual(acc3);
    const f13 = first.models[0]!.overall.macro.f1;
    const f14 = report.models[0]!.overall.macro.f1;
    expect(f14.estimate).toBe(f13.estimate);
    expect([f14.low, f14.high]).not.toEqual([f13.low, f13.high]);
  });

  it('evaluates two models on the rows both scored, one entry per model', async () => {
    const second = join(shared, 'second.arrows');
    // SYNTHETIC second model: a different noise salt, and no prediction for the first 10 rows.
    writePredictions(second, {
      labels: ['ham', 'spam'],
      ids: golden.ids.slice(10),
      scores: noisyBinaryScores(
        golden.ids.slice(10),
        golden.labels.slice(10).map((l) => l === 'spam'),
        2,
      ),
      name: 'second',
    });
    const { report } = await evaluate({
      dataset: GOLDEN,
      predictions: [goldenPreds, second],
      resamples: 20,
      scoreIntervals: false,
    });
    expect(report.models.map((m) => [m.model.name, m.overall.n, m.join.missing.count])).toEqual([
      ['synthetic-noisy', 1173, 0],
      ['second', 1173, 10],
    ]);
    expect(report.dataset.droppedMissingPrediction).toBe(10);
    expect(report.models[0]!.overall.accuracy!.estimate).not.toBe(
      report.models[1]!.overall.accuracy!.estimate,
    );
  });

  it('writes nothing on bad input', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.arrows');
    writePredictions(bad, {
      labels: ['ham', 'spam', 'phish'],
      ids: golden.ids.slice(0, 3),
      scores: [
        [0.1, 0.8, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.8, 0.1],
      ],
    });
    const out = join(dir, 'out');
    await expect(evaluate({ dataset: GOLDEN, predictions: [bad], out })).rejects.toBeInstanceOf(
      BadInputError,
    );
    expect(existsSync(join(out, 'metrics.json'))).toBe(false);
    await expect(
      evaluate({ dataset: GOLDEN, predictions: [goldenPreds], out, resamples: 0 }),
    ).rejects.toThrow(/resamples must be an integer >= 1/);
  });
});

describe('bootstrapMany', () => {
  it('gives every statistic the interval a separate bootstrap with the same seed gives', () => {
    const truth = [0, 0, 1, 1, 2, 2, 2, 0, 1, 2, 0, 1];
    const pred = [0, 1, 1, 1, 2, 0, 2, 0, 2, 2, 0, 0];
    const labels = ['a', 'b', 'c'];
    const cells = truth.map((t, i) => t * 3 + pred[i]!);
    const cm = new ConfusionMatrix(labels);
    const iv = bootstrapMany(
      cells,
      9,
      (counts) => {
        cm.counts.set(counts);
        return cm;
      },
      { acc: (c) => accuracy(c), f1: (c) => macroF1(c) },
      { resamples: 500, seed: 11, level: 0.9 },
    );
    expect(iv.acc).toEqual(
      bootstrapConfusionMetric(labels, truth, pred, accuracy, { resamples: 500, seed: 11, level: 0.9 }),
    );
    expect(iv.f1).toEqual(
      bootstrapConfusionMetric(labels, truth, pred, (c) => macroF1(c), {
        resamples: 500,
        seed: 11,
        level: 0.9,
      }),
    );
  });
});

/** SYNTHETIC three-class set with an identity column and two annotators. */
function multiclassFixture(dir: string): {
  dataset: string;
  preds: string;
  truth: string[];
  predicted: string[];
} {
  const labels = ['ok', 'spam', 'abuse'];
  const n = 90;
  const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
  const truth = ids.map((_, i) => labels[i % 3]!);
  const scores = ids.map((id, i) => {
    const row = [0.1, 0.1, 0.1];
    // Right two times in three, by a hash of the id: predictable, not trivially perfect.
    const guess = unitHash(id, 5) < 0.67 ? i % 3 : (i + 1) % 3;
    row[guess] = 0.8;
    return row;
  });
  const predicted = scores.map((row) => labels[row.indexOf(0.8)]!);
  const annType = new List(
    new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
  );
  const dataset = join(dir, 'mc.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: ids.map((id) => `text of ${id}`), type: U },
    label: { values: truth, type: U },
    market: { values: ids.map((_, i) => (i < 60 ? 'us' : 'de')), type: U },
    mentions_religion: { values: ids.map((_, i) => i % 5 === 0), type: new Bool() },
    annotations: {
      values: truth.map((t, i) => [
        { annotator: 'ann1', label: t },
        { annotator: 'ann2', label: i % 4 === 0 ? labels[(i + 1) % 3]! : t },
      ]),
      type: annType,
    },
  });
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({ labels, positive: 'abuse', slices: ['market'], identity: ['mentions_religion'] }),
  );
  const preds = join(dir, 'mc.arrows');
  writePredictions(preds, { labels, ids, scores, predicted, positive: 'abuse', task: 'multiclass' });
  return { dataset, preds, truth, predicted };
}

describe('evaluate: multiclass, bias, agreement, multilabel', () => {
  it('reports multiclass metrics, top-label calibration, bias subgroups and annotator agreement', async () => {
    const dir = tmp();
    const f = multiclassFixture(dir);
    const { report } = await evaluate({
      dataset: f.dataset,
      predictions: [f.preds],
      out: dir,
      resamples: 100,
    });
    expect(MetricsReportSchema.safeParse(report).success).toBe(true);
    expect(report.task).toBe('multiclass');
    const m = report.models[0]!;
    expectDeclaredMetrics(m.overall, 'multiclass', m.perClass);
    for (const v of m.slices.flatMap((s) => s.values)) expectDeclaredMetrics(v.metrics, 'multiclass');
    const correct = f.truth.filter((t, i) => t === f.predicted[i]).length;
    expect(m.overall.accuracy!.estimate).toBeCloseTo(correct / 90, 12);
    expect(m.ranking.map((r) => r.label)).toEqual(['ok', 'spam', 'abuse']);
    expect(m.calibration.topLabel!.n).toBe(90);
    expect(m.calibration.brier[0]!.report.definition).toBe('multiclass-sum-of-squares');
    expect(m.overall.rocAuc.value).toBeCloseTo(m.ranking.reduce((s, r) => s + r.ranking.rocAuc!, 0) / 3, 12);
    const bias = m.bias!;
    expect('subgroups' in bias && bias.subgroups.map((s) => [s.subgroup, s.size])).toEqual([
      ['mentions_religion', 18],
    ]);
    const ag = report.agreement!;
    expect('annotators' in ag && ag.annotators).toEqual(['ann1', 'ann2']);
    if (!('annotators' in ag)) throw new Error('agreement missing');
    // ann1 copies the golden label; ann2 differs on every fourth item.
    expect(ag.vsGold!.map((a) => a.accuracy)).toEqual([1, 1 - 23 / 90]);
    expect(ag.pairwiseCohen[0]!.n).toBe(90);

    // Equal-mass bins: the scores take two values (0.1 and 0.8), and ties are never split.
    const set = await loadEvalSet({ dataset: f.dataset, predictions: [f.preds] });
    const em = computeMetrics(set, { resamples: 10, binning: 'equal-mass', bins: 10, scoreIntervals: false });
    const top = em.models[0]!.calibration.topLabel!;
    expect(em.definitions.calibration.binning).toBe('equal-mass');
    expect(top.binning).toBe('equal-mass');
    expect(top.reliability.map((b) => b.count)).toEqual([90]);
    expect(top.ece).toBeCloseTo(Math.abs(correct / 90 - 0.8), 6);
    expect(em.models[0]!.overall.rocAuc.interval).toBeNull();
  });

  it('reports multilabel per-label tables and subset accuracy', async () => {
    const dir = tmp();
    const labels = ['spam', 'abuse'];
    const truth = [['spam'], ['abuse'], ['spam', 'abuse'], [], ['spam'], []];
    const predicted = [['spam'], [], ['spam', 'abuse'], [], ['abuse'], ['spam']];
    const ids = truth.map((_, i) => `m${i}`);
    const dataset = join(dir, 'ml.arrow');
    writeArrow(dataset, {
      id: { values: ids, type: U },
      text: { values: ids, type: U },
      labels: { values: truth, type: new List(new Field('item', U, true)) },
    });
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ labels, slices: [] }));
    const preds = join(dir, 'ml.arrows');
    writePredictions(preds, {
      labels,
      task: 'multilabel',
      ids,
      scores: predicted.map((p) => labels.map((l) => (p.includes(l) ? 0.9 : 0.2))),
      predicted,
    });
    const { report } = await evaluate({ dataset, predictions: [preds], resamples: 50 });
    expect(MetricsReportSchema.safeParse(report).success).toBe(true);
    const m = report.models[0]!;
    expect(report.task).toBe('multilabel');
    expectDeclaredMetrics(m.overall, 'multilabel', m.perClass);
    expect(m.overall.subsetAccuracy!.estimate).toBeCloseTo(3 / 6, 12);
    // spam: TP 2 (m0, m2), FP 1 (m5), FN 1 (m4)
    expect(m.perClass[0]!.precision.estimate).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[0]!.recall.estimate).toBeCloseTo(2 / 3, 12);
    expect(m.calibration.positiveClass.map((c) => c.label)).toEqual(labels);
    expect(m.calibration.topLabel).toBeNull();
    // Samples averages, default zero division 'nan' (as scikit-learn >= 1.3 zero_division=np.nan):
    // 0/0 items are left out: precision over m0, m2, m4, m5 = 2/4, recall over m0, m1, m2, m4 =
    // 2/4, F1 over every item but m3 (nothing golden or predicted) = 2/5.
    const expected = { precision: 1 / 2, recall: 1 / 2, f1: 2 / 5 };
    for (const f of ['precision', 'recall', 'f1'] as const) {
      const iv = m.overall.samples![f];
      expect(iv.estimate).toBeCloseTo(expected[f], 12);
      expect(iv.low!).toBeLessThan(iv.high!);
    }
    // label cardinality (numpy yt.sum(1).mean(), yp.sum(1).mean()): 5/6 and 5/6.
    expect(m.overall.labelCardinality!.golden.estimate).toBeCloseTo(5 / 6, 12);
    expect(m.overall.labelCardinality!.predicted.estimate).toBeCloseTo(5 / 6, 12);
    expect(m.overall.labelCardinality!.golden.high!).toBeLessThanOrEqual(2);
    // scikit-learn 1.2.1 precision_recall_fscore_support(average='samples') on these rows:
    // zero_division=0 gives (1/3, 1/3, 1/3), zero_division=1 gives (2/3, 2/3, 1/2).
    const sklearn = {
      0: { precision: 1 / 3, recall: 1 / 3, f1: 1 / 3 },
      1: { precision: 2 / 3, recall: 2 / 3, f1: 1 / 2 },
    } as const;
    for (const zd of [0, 1] as const) {
      const r = (await evaluate({ dataset, predictions: [preds], resamples: 20, zeroDivision: zd })).report;
      for (const f of ['precision', 'recall', 'f1'] as const)
        expect(r.models[0]!.overall.samples![f].estimate).toBeCloseTo(sklearn[zd][f], 12);
    }
  });
});
