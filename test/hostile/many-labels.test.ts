import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classificationReport,
  classMetrics,
  cohenKappa,
  confusionMargins,
  matthewsCorrelation,
  reportFromMargins,
} from '../../src/metrics/classification.js';
import { ConfusionMatrix } from '../../src/metrics/confusion.js';

/**
 * Issue 16 item 7: work that grows with the label count. Bootstrap replicates compute their report
 * from the confusion margins (O(cells + K)) instead of the K×K matrix; these tests pin that the
 * margin path gives exactly the numbers of the matrix path (whole-process timings live in
 * bench/many-labels.ts, never in tests).
 */
function randomMatrix(k: number, n: number, seed: number, emptyClass?: number): ConfusionMatrix {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const cm = new ConfusionMatrix(Array.from({ length: k }, (_, j) => `c${j}`));
  for (let i = 0; i < n; i++) {
    let t = Math.floor(next() * k);
    let p = next() < 0.6 ? t : Math.floor(next() * k);
    if (t === emptyClass) t = (t + 1) % k;
    if (p === emptyClass) p = (p + 1) % k;
    cm.add(t, p);
  }
  return cm;
}

/** Mean of the defined values: the plain definition, written out for the comparison. */
function plainMean(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
}

function expectSame(actual: number | null, expected: number | null): void {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 12);
}

describe('single-label report from margins', () => {
  it('equals the per-class and whole-matrix definitions (binary, multiclass, an empty class, no items)', () => {
    const cases = [
      randomMatrix(2, 500, 1),
      randomMatrix(7, 300, 2),
      randomMatrix(50, 120, 3, 4),
      new ConfusionMatrix(['a', 'b', 'c']),
    ];
    for (const cm of cases) {
      for (const zeroDivision of ['nan', 0, 1] as const) {
        for (const absentClasses of ['skip', 'include', 'present-in-golden'] as const) {
          const options = { zeroDivision, absentClasses };
          const r = reportFromMargins(confusionMargins(cm), options);
          const perClass = cm.labels.map((_, j) => classMetrics(cm, j, options));
          expect(r.perClass).toStrictEqual(perClass);
          expect(r.accuracy).toBe(accuracy(cm));
          expectSame(r.cohenKappa, cohenKappa(cm));
          expectSame(r.matthews, matthewsCorrelation(cm));
          const averaged = perClass.filter((c) =>
            absentClasses === 'skip'
              ? !c.absent
              : absentClasses === 'present-in-golden'
                ? c.support > 0
                : true,
          );
          const macroF1 =
            absentClasses === 'present-in-golden' && averaged.length < 2
              ? null
              : plainMean(averaged.map((c) => c.f1));
          expectSame(r.macro.f1, macroF1);
          const { confusion: _, ...full } = classificationReport(cm, options);
          expect(r).toStrictEqual(full);
        }
      }
    }
  });

  it('with `classes`, fills only those classes and keeps every average', () => {
    const cm = randomMatrix(20, 200, 5);
    const full = classificationReport(cm, { zeroDivision: 'nan' });
    const part = reportFromMargins(confusionMargins(cm), { zeroDivision: 'nan' }, [3, 11]);
    expect(Object.keys(part.perClass)).toEqual(['3', '11']);
    expect(part.perClass[3]).toEqual(full.perClass[3]);
    expect(part.macro).toEqual(full.macro);
    expect(part.weighted).toEqual(full.weighted);
    expect(part.matthews).toBe(full.matthews);
    expect(part.cohenKappa).toBe(full.cohenKappa);
  });
});
