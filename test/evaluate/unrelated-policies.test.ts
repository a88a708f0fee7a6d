/**
 * Items with two unrelated fortunes policies at once (offensive/sexual with
 * offensive/sexism/misogyny, sexual with other, misandry with other): the fortunes curation files
 * each text under one theme, so the real golden set has none. SYNTHETIC golden labels (leaves
 * only) and leaf scores; the taxonomy is the real fortunes spec's. The roll-up rule is checked:
 * golden labels and flags close upward (a child makes its parents positive), and a parent the
 * model scores low gets the largest child score (parentScore `max`). Expected values: scikit-learn
 * 1.2.1 (precision_recall_fscore_support, roc_auc_score, accuracy_score, hamming_loss) on the
 * closed label matrices, with the parent score columns set to the max of their children
 * (generator: test/vectors/unrelated-policies.py).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writePredictions } from './fixtures.js';

const tmp = useTmpDir();

const LABELS = [
  'offensive',
  'offensive/sexism',
  'offensive/sexism/misogyny',
  'offensive/sexism/misandry',
  'offensive/sexual',
  'offensive/other',
];
const MIS = 'offensive/sexism/misogyny';
const MAN = 'offensive/sexism/misandry';
const SEX = 'offensive/sexual';
const OTH = 'offensive/other';
const GOLD = [[SEX, MIS], [SEX, OTH], [MAN, OTH], [], [MIS], [SEX], [], [OTH], [SEX, MAN], []];
/** Leaf scores per item: misogyny, misandry, sexual, other. */
const LEAF = [
  [0.9, 0.1, 0.4, 0.2],
  [0.1, 0.1, 0.8, 0.7],
  [0.2, 0.6, 0.1, 0.3],
  [0.1, 0.2, 0.1, 0.6],
  [0.7, 0.1, 0.1, 0.1],
  [0.3, 0.1, 0.95, 0.2],
  [0.05, 0.05, 0.05, 0.05],
  [0.1, 0.1, 0.2, 0.55],
  [0.1, 0.3, 0.85, 0.1],
  [0.45, 0.1, 0.1, 0.1],
];

describe('two unrelated policies on one item, closed through the fortunes taxonomy', () => {
  it('per-policy, samples and micro metrics, AUC of max-combined parents, subset accuracy, Hamming loss and cardinality equal scikit-learn', async () => {
    const dir = tmp();
    const ids = GOLD.map((_, i) => `u${i}`);
    const golden = join(dir, 'golden.arrow');
    writeArrow(golden, {
      id: { values: ids, type: new Utf8() },
      text: { values: ids, type: new Utf8() },
      labels: { values: GOLD, type: new List(new Field('item', new Utf8(), true)) },
    });
    const spec = JSON.parse(readFileSync(join(packageRoot(), 'datasets', 'fortunes', 'spec.json'), 'utf8'));
    writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ taxonomy: spec.taxonomy }));
    const preds = join(dir, 'p.arrows');
    // Parents are scored low and never flagged by the model itself: only the closure lifts them.
    writePredictions(preds, {
      labels: LABELS,
      task: 'multilabel',
      ids,
      scores: LEAF.map(([mis, man, sex, oth]) => [0.01, 0.01, mis!, man!, sex!, oth!]),
    });
    const { report } = await evaluate({
      dataset: golden,
      predictions: [preds],
      resamples: 50,
      zeroDivision: 0,
    });
    const m = report.models[0]!;
    const per = (f: 'precision' | 'recall' | 'f1') => m.perClass.map((c) => c[f].estimate);
    const close = (xs: (number | null)[], ys: number[]) =>
      xs.forEach((x, j) => {
        expect(x).toBeCloseTo(ys[j]!, 12);
      });
    expect(m.perClass.map((c) => c.support)).toEqual([7, 4, 2, 2, 4, 3]);
    expect(m.perClass.map((c) => c.predicted)).toEqual([8, 3, 2, 1, 3, 3]);
    close(per('precision'), [0.875, 1, 1, 1, 1, 2 / 3]);
    close(per('recall'), [1, 0.75, 1, 0.5, 0.75, 2 / 3]);
    close(per('f1'), [0.9333333333333333, 0.8571428571428571, 1, 2 / 3, 0.8571428571428571, 2 / 3]);
    close(
      [
        m.overall.samples!.precision.estimate,
        m.overall.samples!.recall.estimate,
        m.overall.samples!.f1.estimate,
      ],
      [0.7, 0.6, 0.6380952380952382],
    );
    close(
      [m.overall.micro.precision.estimate, m.overall.micro.recall.estimate, m.overall.micro.f1.estimate],
      [0.9, 0.8181818181818182, 0.8571428571428572],
    );
    // Parent AUCs use the max of their children's scores (offensive 0.929, sexism 0.9375).
    close(
      m.ranking.map((r) => r.ranking.rocAuc),
      [0.9285714285714286, 0.9375, 1, 1, 1, 0.9047619047619048],
    );
    expect(m.overall.subsetAccuracy!.estimate).toBeCloseTo(0.6, 12);
    expect(m.overall.hammingLoss!.estimate).toBeCloseTo(0.1, 12);
    expect(m.overall.labelCardinality!.golden.estimate).toBeCloseTo(2.2, 12);
    expect(m.overall.labelCardinality!.predicted.estimate).toBeCloseTo(2.0, 12);
  });
});
