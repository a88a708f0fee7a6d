import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  annotatorDisagreement,
  calibrateJoint,
  confidentThresholds,
  findLabelIssues,
  LabelIssueReportSchema,
  labelQualityScores,
  roundPreservingSum,
} from '../../src/analysis/label-issues.js';
import { BadInputError } from '../../src/util/errors.js';

/**
 * Vector: test/vectors/moderation.json `confident_learning`, copied from
 * /work/shared/test-vectors/moderation.json. Method: Northcutt, Jiang & Chuang, "Confident
 * Learning: Estimating Uncertainty in Dataset Labels" (JAIR 2021), as implemented by cleanlab's
 * `filter.find_label_issues(filter_by='prune_by_noise_rate')`.
 */
interface ClVector {
  labels: number[];
  pred_probs: number[][];
  thresholds: number[];
  confident_joint_uncalibrated: number[][];
  confident_joint_calibrated: number[][];
  label_issues: number[];
  predicted_neq_given: number[];
  self_confidence: number[];
}
const V = (
  JSON.parse(readFileSync(new URL('../vectors/moderation.json', import.meta.url), 'utf8')) as {
    confident_learning: ClVector;
  }
).confident_learning;

describe('confident learning (moderation.json vector)', () => {
  const report = findLabelIssues(V.labels, V.pred_probs);

  it('per-class thresholds are the mean self-confidence', () => {
    report.thresholds.forEach((t, j) => {
      expect(Math.abs(t! - V.thresholds[j]!)).toBeLessThanOrEqual(1e-12);
    });
    expect(confidentThresholds(V.labels, V.pred_probs)).toEqual(report.thresholds);
  });

  it('confident joint, raw and calibrated', () => {
    expect(report.confidentJoint).toEqual(V.confident_joint_uncalibrated);
    expect(report.calibratedJoint).toEqual(V.confident_joint_calibrated);
    expect(report.estimatedErrors).toBe(2);
    expect(report.labelCounts).toEqual([4, 4, 4]);
  });

  it('prune by noise rate flags items 3 and 7, not 11 (0.6 < t0, never confident)', () => {
    expect(report.issues.map((x) => x.index)).toEqual(V.label_issues);
    expect(report.issues[0]).toEqual({
      index: 3,
      given: 0,
      predicted: 1,
      selfConfidence: 0.1,
      normalizedMargin: (0.1 - 0.85 + 1) / 2,
    });
    expect(LabelIssueReportSchema.parse(report)).toEqual(report);
  });

  it('the predicted ≠ given baseline flags 3, 7 and 11', () => {
    const r = findLabelIssues(V.labels, V.pred_probs, { filterBy: 'predicted_neq_given' });
    expect(r.issues.map((x) => x.index).sort((a, b) => a - b)).toEqual(V.predicted_neq_given);
  });

  it('the off-diagonal filter agrees with the vector here', () => {
    const r = findLabelIssues(V.labels, V.pred_probs, { filterBy: 'confident_learning' });
    expect(r.issues.map((x) => x.index)).toEqual(V.label_issues);
  });

  it('self-confidence of every item', () => {
    expect(labelQualityScores(V.labels, V.pred_probs)).toEqual(V.self_confidence);
  });

  it('ranks by normalized margin when asked (item 3: 0.125 before item 7: 0.15)', () => {
    const r = findLabelIssues(V.labels, V.pred_probs, { rankBy: 'normalized_margin' });
    expect(r.issues.map((x) => [x.index, x.normalizedMargin])).toEqual([
      [3, (0.1 - 0.85 + 1) / 2],
      [7, (0.1 - 0.8 + 1) / 2],
    ]);
  });
});

describe('confident learning edge cases (synthetic)', () => {
  it('skips unlabelled items and keeps ids', () => {
    const labels = [...V.labels, null];
    const probs = [...V.pred_probs, [0.1, 0.1, 0.8]];
    const ids = labels.map((_, i) => `item-${i}`);
    const r = findLabelIssues(labels, probs, {}, ids);
    expect(r.unlabelled).toBe(1);
    expect(r.items).toBe(12);
    expect(r.issues.map((x) => x.id)).toEqual(['item-3', 'item-7']);
  });

  it('a class with no given label gets a null threshold and is never confident', () => {
    const r = findLabelIssues(
      [0, 0, 1, 1],
      [
        [0.9, 0.05, 0.05],
        [0.8, 0.1, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
      ],
    );
    expect(r.thresholds[2]).toBeNull();
    expect(r.confidentJoint[1]).toEqual([0, 1, 0]);
    expect(r.issues).toEqual([]);
  });

  it('with several confident classes, counts the most probable confident one (paper; cleanlab uses the overall argmax)', () => {
    // t = [0.9, 0.3, 0.2]; item 4 = [0.5, 0.3, 0.2] given 2: confident in {1, 2} but not in its argmax 0.
    const r = findLabelIssues(
      [0, 0, 1, 1, 2, 2],
      [
        [0.9, 0.1, 0],
        [0.9, 0.1, 0],
        [0.7, 0.3, 0],
        [0.7, 0.3, 0],
        [0.5, 0.3, 0.2],
        [0.6, 0.2, 0.2],
      ],
      { filterBy: 'confident_learning' },
    );
    expect(r.confidentJoint).toEqual([
      [2, 0, 0],
      [0, 2, 0],
      [0, 1, 1],
    ]);
    expect(r.issues.map((x) => [x.index, x.predicted])).toEqual([[4, 0]]);
  });

  it('a class at or under minExamplesPerClass is never pruned', () => {
    const labels = [0, 0, 0, 1];
    const probs = [
      [0.9, 0.1],
      [0.8, 0.2],
      [0.85, 0.15],
      [0.95, 0.05],
    ];
    // Item 3 is confidently class 0 but is the only item given class 1.
    expect(findLabelIssues(labels, probs).issues).toEqual([]);
    expect(findLabelIssues(labels, probs, { minExamplesPerClass: 0 }).issues.map((x) => x.index)).toEqual([
      3,
    ]);
  });

  it('calibration raises an empty diagonal to 1 and rescales rows to the label counts', () => {
    // Row 0: [1, 2] → [4/3, 8/3] → [1, 3]; row 1 unchanged.
    expect(
      calibrateJoint(
        [
          [0, 2],
          [0, 3],
        ],
        [4, 3],
      ),
    ).toEqual([
      [1, 3],
      [0, 3],
    ]);
  });

  it('rounding keeps the row total, halves to even, ties to the lower index', () => {
    expect(roundPreservingSum([0.5, 0.5, 1])).toEqual([1, 0, 1]);
    expect(roundPreservingSum([1.2, 1.2, 1.6])).toEqual([1, 1, 2]);
    expect(roundPreservingSum([2.5, 0.5])).toEqual([3, 0]);
  });

  it('names the row of a malformed probability row', () => {
    expect(() => findLabelIssues([0, 1], [[0.5, 0.5], [0.5]])).toThrow(BadInputError);
    expect(() => findLabelIssues([0, 1], [[0.5, 0.5], [0.5]])).toThrow(/row 1, field "scores"/);
    expect(() =>
      findLabelIssues(
        [0, 2],
        [
          [0.5, 0.5],
          [0.5, Number.NaN],
        ],
      ),
    ).toThrow(/row 1/);
    expect(() =>
      findLabelIssues(
        [0, 2],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/row 1, field "label"/);
  });
});

describe('annotatorDisagreement (synthetic)', () => {
  const matrix = {
    annotators: ['a', 'b', 'c', 'd'],
    categories: ['ok', 'toxic', 'spam'],
    itemIds: ['i0', 'i1', 'i2', 'i3', 'i4'],
    ratings: [
      [0, 0, 0, 0], // unanimous: not listed
      [0, 1, null, null], // 1:1 split, 1 bit
      [0, 0, 0, 1], // 3:1, 0.811 bits
      [0, 1, 2, null], // three ways, log2(3) bits
      [1, null, null, null], // single rating: skipped
    ],
  };

  it('lists only contested items, most contested first, with entropy and majority share', () => {
    const d = annotatorDisagreement(matrix);
    expect(d.map((x) => x.id)).toEqual(['i3', 'i1', 'i2']);
    expect(d[0]!.entropy).toBeCloseTo(Math.log2(3), 12);
    expect(d[0]).toMatchObject({ ratings: 3, counts: [1, 1, 1], majority: 0, tied: true });
    expect(d[1]).toMatchObject({ entropy: 1, majorityShare: 0.5, tied: true });
    const h = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
    expect(d[2]!.entropy).toBeCloseTo(h, 12);
    expect(d[2]).toMatchObject({ majority: 0, majorityShare: 0.75, tied: false });
  });

  it('minRatings drops thinly rated items', () => {
    expect(annotatorDisagreement(matrix, 4).map((x) => x.id)).toEqual(['i2']);
  });
});
