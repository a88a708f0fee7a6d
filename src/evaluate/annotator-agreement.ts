import type { MetricsReport } from '../contracts/metrics-report.js';
import { addAgreementItem, agreementReport, createAgreementAccumulator } from '../metrics/agreement.js';
import { taskViewOf } from '../task/index.js';
import type { EvalSet } from './eval-set.js';

/** Agreement among the annotators (and with the golden label) over the evaluated rows. */

export function annotatorAgreement(set: EvalSet): MetricsReport['agreement'] {
  const ann = set.annotations;
  if (!ann) return null;
  if (!taskViewOf(set).metrics.agreement) {
    return {
      value: null,
      reason: 'agreement statistics are nominal; multilabel annotations are not supported',
    };
  }
  const a = ann.annotators.length;
  const acc = createAgreementAccumulator(a, ann.categories.length);
  const row = new Array<number | null>(a);
  for (let i = 0; i < set.n; i++) {
    for (let j = 0; j < a; j++) {
      const v = ann.ratings[i * a + j]!;
      row[j] = v < 0 ? null : v;
    }
    addAgreementItem(acc, row, set.truth[i]!, i);
  }
  return agreementReport(acc, { annotators: ann.annotators, categories: ann.categories }, true);
}
