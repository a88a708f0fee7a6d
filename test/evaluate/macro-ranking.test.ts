/**
 * Macro ROC-AUC and AP over the labels with both classes present, in a slice where a policy has no
 * negative item (the parent `offensive` is positive on every item of slice a). SYNTHETIC golden
 * labels and scores: the set of test/evaluate/unrelated-policies.test.ts (fortunes taxonomy, parent
 * scores the max of their children) with a slice column `part`.
 *
 * Expected values: scikit-learn 1.2.1 (Debian python3-sklearn) per label on the slice's rows,
 * averaged by hand over the labels with both classes:
 *   average_precision_score(Y[rows], S[rows], average=None), roc_auc_score(Y[rows, j], S[rows, j])
 * (generator: test/vectors/macro-ranking.py). scikit-learn's own average='macro' differs on purpose:
 * it averages AP = 1 for a label without negatives and AP = 0 for one without positives (slice a:
 * 0.98611, slice b: 0.55556), and its macro ROC-AUC raises "Only one class present in y_true".
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writeUnrelatedPolicies } from './unrelated-policies-set.js';

const tmp = useTmpDir();

const PART = ['a', 'a', 'a', 'b', 'b', 'a', 'b', 'b', 'a', 'b'];

async function evaluateWithSlice() {
  const { golden, predictions } = writeUnrelatedPolicies(tmp(), { column: 'part', values: PART });
  const { report } = await evaluate({ dataset: golden, predictions: [predictions], resamples: 200 });
  return report.models[0]!;
}

describe('macro ROC-AUC and AP over labels with both classes present', () => {
  it('skip a policy with no negatives (AP = 1 by construction) and one with no positives', async () => {
    const m = await evaluateWithSlice();
    const slice = m.slices.find((s) => s.columns.join() === 'part')!;
    const value = (v: string) => slice.values.find((x) => x.values.join() === v)!.metrics;
    // Slice a: `offensive` is positive on all 5 items; AP over the other five labels
    // [0.9166666666666665, 1, 1, 1, 1], AUC [0.9166666666666666, 1, 1, 1, 1].
    const a = value('a');
    expect(a.averagePrecision!.value).toBeCloseTo(0.9833333333333332, 12);
    expect(a.rocAuc!.value).toBeCloseTo(0.9833333333333332, 12);
    // Slice b: misandry and sexual have no positive; AP over offensive, sexism, misogyny, other
    // [0.8333333333333333, 1, 1, 0.5], AUC [0.8333333333333334, 1, 1, 0.75].
    const b = value('b');
    expect(b.averagePrecision!.value).toBeCloseTo(0.8333333333333333, 12);
    expect(b.rocAuc!.value).toBeCloseTo(0.8958333333333334, 12);
    for (const v of [a, b]) {
      for (const metric of [v.averagePrecision!, v.rocAuc!]) {
        expect(metric.interval!.low!).toBeGreaterThanOrEqual(0);
        expect(metric.interval!.high!).toBeLessThanOrEqual(1);
        expect(metric.interval!.high! - metric.interval!.low!).toBeGreaterThan(1e-9);
      }
    }
  });
});
