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
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writeUnrelatedPolicies } from './unrelated-policies-set.js';

const tmp = useTmpDir();

describe('two unrelated policies on one item, closed through the fortunes taxonomy', () => {
  it('per-policy, samples and micro metrics, AUC of max-combined parents, subset accuracy, Hamming loss and cardinality equal scikit-learn', async () => {
    const { golden, predictions: preds } = writeUnrelatedPolicies(tmp());
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
