import { describe, expect, it } from 'vitest';
import { ClassificationReportSchema, ConfusionMatrixJsonSchema } from '../../src/contracts/metric-results.js';
import {
  accuracy,
  classificationReport,
  macroF1,
  multilabelReport,
} from '../../src/metrics/classification.js';
import { ConfusionMatrix, MultilabelConfusion } from '../../src/metrics/confusion.js';
import { expectClose, loadVector } from './vectors.js';

// Source: test/vectors/classification.json (copied from /work/shared/test-vectors), scikit-learn values.
interface Multiclass20 {
  y_true: number[];
  y_pred: number[];
  confusion: number[][];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  accuracy: number;
  balanced_accuracy: number;
  cohen_kappa: number;
  matthews_corrcoef: number;
}
const v = loadVector<{ multiclass_20: Multiclass20 }>('classification').multiclass_20;

function matrixOf(labels: string[] | number, yTrue: number[], yPred: number[]): ConfusionMatrix {
  const cm = new ConfusionMatrix(labels);
  cm.addAll(yTrue, yPred);
  return cm;
}

describe('ConfusionMatrix', () => {
  it('counts rows = truth, columns = prediction', () => {
    const cm = matrixOf(3, v.y_true, v.y_pred);
    expect(cm.toJSON().counts).toEqual(v.confusion);
    expect(cm.total()).toBe(20);
  });

  it('merging partial accumulators equals one pass over all items', () => {
    const whole = matrixOf(3, v.y_true, v.y_pred);
    const cuts = [0, 7, 13, 20];
    const parts = cuts
      .slice(1)
      .map((end, i) => matrixOf(3, v.y_true.slice(cuts[i], end), v.y_pred.slice(cuts[i], end)));
    const merged = new ConfusionMatrix(3);
    // merge order must not matter
    merged.merge(parts[2]!).merge(parts[0]!).merge(parts[1]!);
    expect(Array.from(merged.counts)).toEqual(Array.from(whole.counts));
  });

  it('round-trips through JSON and validates against the schema', () => {
    const cm = matrixOf(['ok', 'spam', 'abuse'], v.y_true, v.y_pred);
    const json = ConfusionMatrixJsonSchema.parse(JSON.parse(JSON.stringify(cm)));
    const back = ConfusionMatrix.fromJSON(json);
    expect(back.labels).toEqual(['ok', 'spam', 'abuse']);
    expect(Array.from(back.counts)).toEqual(Array.from(cm.counts));
  });

  it('weights count fractionally and bad indices or weights throw', () => {
    const cm = new ConfusionMatrix(2);
    cm.add(0, 1, 2.5);
    expect(cm.get(0, 1)).toBe(2.5);
    expect(() => cm.add(2, 0)).toThrow(RangeError);
    expect(() => cm.add(0, -1)).toThrow(RangeError);
    expect(() => cm.add(0, 0, Number.NaN)).toThrow(RangeError);
    expect(() => cm.merge(new ConfusionMatrix(['a', 'b']))).toThrow(/different labels/);
  });
});

describe('classificationReport on the 20-item scikit-learn vector', () => {
  const report = classificationReport(matrixOf(3, v.y_true, v.y_pred));

  it('per-class precision, recall, F1, support', () => {
    report.perClass.forEach((m, j) => {
      expectClose(m.precision, v.precision[j]!);
      expectClose(m.recall, v.recall[j]!);
      expectClose(m.f1, v.f1[j]!);
      expect(m.support).toBe(v.support[j]);
    });
  });

  it('per-class TP/FP/FN/TN, FPR and FNR', () => {
    const c2 = report.perClass[2]!; // class 2 is never predicted
    expect([c2.tp, c2.fp, c2.fn, c2.tn]).toEqual([0, 0, 4, 16]);
    expectClose(c2.fpr, 0);
    expectClose(c2.fnr, 1);
    const c0 = report.perClass[0]!;
    expect([c0.tp, c0.fp, c0.fn, c0.tn]).toEqual([7, 4, 2, 7]);
    expectClose(c0.fpr, 4 / 11);
    expectClose(c0.fnr, 2 / 9);
  });

  it('micro, macro and weighted averages', () => {
    for (const key of ['precision', 'recall', 'f1'] as const) {
      expectClose(report.macro[key], v.macro[key]);
      expectClose(report.micro[key], v.micro[key]);
      expectClose(report.weighted[key], v.weighted[key]);
    }
  });

  it('accuracy, balanced accuracy, kappa and MCC', () => {
    expectClose(report.accuracy, v.accuracy);
    expectClose(report.balancedAccuracy, v.balanced_accuracy);
    expectClose(report.cohenKappa, v.cohen_kappa);
    expectClose(report.matthews, v.matthews_corrcoef);
  });

  it('records its policies and validates against the schema', () => {
    expect(report.zeroDivision).toBe(0);
    expect(report.absentClasses).toBe('include');
    expect(ClassificationReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });
});

describe('zero-division and absent-class policies (zero_division_note in the vector)', () => {
  it('a never-predicted class: precision 0/0 follows the policy, F1 stays 0', () => {
    const cm = matrixOf(3, v.y_true, v.y_pred);
    const zd1 = classificationReport(cm, { zeroDivision: 1 });
    expect(zd1.perClass[2]!.precision).toBe(1);
    expect(zd1.perClass[2]!.f1).toBe(0);
    expectClose(zd1.macro.precision, 0.7306397306397306);
    const zdNan = classificationReport(cm, { zeroDivision: 'nan' });
    expect(zdNan.perClass[2]!.precision).toBeNull();
    // undefined values are left out of the macro average, as scikit-learn's zero_division=np.nan
    expectClose(zdNan.macro.precision, (v.precision[0]! + v.precision[1]!) / 2);
  });

  it('a fourth declared class with no true and no predicted items', () => {
    const cm = matrixOf(4, v.y_true, v.y_pred);
    expectClose(classificationReport(cm, { zeroDivision: 0 }).macro.f1, 0.33125);
    expectClose(classificationReport(cm, { zeroDivision: 1 }).macro.f1, 0.58125);
    expectClose(classificationReport(cm, { absentClasses: 'skip' }).macro.f1, 0.44166666666666665);
    expectClose(
      classificationReport(cm, { zeroDivision: 1, absentClasses: 'skip' }).macro.f1,
      0.44166666666666665,
    );
    const report = classificationReport(cm, { zeroDivision: 0 });
    expect(report.perClass[3]!.absent).toBe(true);
    expect(report.perClass[2]!.absent).toBe(false);
    // the absent class changes neither accuracy nor balanced accuracy nor weighted averages
    expectClose(report.accuracy, v.accuracy);
    expectClose(report.balancedAccuracy, v.balanced_accuracy);
    expectClose(report.weighted.f1, v.weighted.f1);
    expectClose(report.cohenKappa, v.cohen_kappa);
    expectClose(report.matthews, v.matthews_corrcoef);
  });

  it('macroF1 and accuracy shortcuts agree with the report', () => {
    const cm = matrixOf(4, v.y_true, v.y_pred);
    for (const zeroDivision of [0, 1, 'nan'] as const) {
      for (const absentClasses of ['include', 'skip'] as const) {
        const opts = { zeroDivision, absentClasses };
        expect(macroF1(cm, opts)).toBe(classificationReport(cm, opts).macro.f1);
      }
    }
    expect(accuracy(cm)).toBe(0.6);
  });

  it('constant truth and prediction leave kappa and MCC undefined, not invented', () => {
    const cm = matrixOf(2, [1, 1, 1], [1, 1, 1]);
    const report = classificationReport(cm);
    expect(report.cohenKappa).toBeNull();
    expect(report.matthews).toBeNull();
    expect(report.accuracy).toBe(1);
    expect(classificationReport(new ConfusionMatrix(2)).accuracy).toBeNull();
  });
});

describe('multilabel', () => {
  // Synthetic 4-sample, 3-label example, counts worked by hand.
  const truth = [
    [1, 0, 1],
    [0, 1, 0],
    [1, 1, 0],
    [0, 0, 0],
  ];
  const pred = [
    [1, 0, 0],
    [0, 1, 0],
    [1, 0, 1],
    [0, 0, 0],
  ];

  it('per-label 2x2 counts, subset accuracy and Hamming loss', () => {
    const m = new MultilabelConfusion(['hate', 'spam', 'sexual']);
    truth.forEach((t, i) => {
      m.add(t, pred[i]!);
    });
    expect(Array.from(m.tp)).toEqual([2, 1, 0]);
    expect(Array.from(m.fp)).toEqual([0, 0, 1]);
    expect(Array.from(m.fn)).toEqual([0, 1, 1]);
    expect(Array.from(m.tn)).toEqual([2, 2, 2]);
    const r = multilabelReport(m);
    expect(r.subsetAccuracy).toBe(0.5);
    expectClose(r.hammingLoss, 3 / 12);
    expectClose(r.micro.precision, 3 / 4);
    expectClose(r.micro.recall, 3 / 5);
    expectClose(r.macro.f1, (1 + 2 / 3 + 0) / 3);
  });

  it('merges exactly and round-trips JSON', () => {
    const whole = new MultilabelConfusion(3);
    const a = new MultilabelConfusion(3);
    const b = new MultilabelConfusion(3);
    truth.forEach((t, i) => {
      whole.add(t, pred[i]!);
      (i < 2 ? a : b).add(t, pred[i]!);
    });
    const merged = MultilabelConfusion.fromJSON(JSON.parse(JSON.stringify(a.merge(b))));
    expect(merged.toJSON()).toEqual(whole.toJSON());
  });
});
