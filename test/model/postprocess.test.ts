import { describe, expect, it } from 'vitest';
import { decideRow, toScores } from '../../src/model/postprocess.js';

const f32 = (...xs: number[]) => Float32Array.from(xs);

describe('scores from model output', () => {
  it('applies a numerically stable softmax per row', () => {
    const { scores, issues } = toScores(f32(0, Math.log(3), 1000, 1000, -1000, 0), 3, {
      activation: 'softmax',
      width: 2,
      labels: 2,
    });
    expect(issues).toEqual([]);
    expect(scores[0]).toBeCloseTo(0.25, 6);
    expect(scores[1]).toBeCloseTo(0.75, 6);
    expect([scores[2], scores[3]]).toEqual([0.5, 0.5]);
    expect(scores[4]).toBe(0);
    expect(scores[5]).toBe(1);
  });

  it('applies an independent sigmoid without overflow', () => {
    const { scores } = toScores(f32(0, 2, -1000), 1, { activation: 'sigmoid', width: 3, labels: 3 });
    expect(scores[0]).toBe(0.5);
    expect(scores[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(scores[2]).toBe(0);
  });

  it('reports NaN and infinite rows by index and leaves the other rows scored', () => {
    const { scores, issues } = toScores(f32(1, 2, Number.NaN, 0, 3, 3, Number.POSITIVE_INFINITY, 0), 4, {
      activation: 'softmax',
      width: 2,
      labels: 2,
    });
    expect(issues).toEqual([
      { row: 1, reason: 'model output 0 is NaN' },
      { row: 3, reason: 'model output 0 is Infinity' },
    ]);
    expect(Number.isNaN(scores[2]!) && Number.isNaN(scores[3]!)).toBe(true);
    expect(Number.isNaN(scores[6]!) && Number.isNaN(scores[7]!)).toBe(true);
    expect([scores[4], scores[5]]).toEqual([0.5, 0.5]);
    expect(scores[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
  });

  it('checks that declared probabilities are probabilities', () => {
    const { scores, issues } = toScores(f32(0.2, 0.8, 1.7, -0.7), 2, {
      activation: 'none',
      width: 2,
      labels: 2,
    });
    expect(issues).toEqual([{ row: 1, reason: 'model output 0 is 1.7000000476837158, not a probability' }]);
    expect(scores[0]).toBeCloseTo(0.2, 6);
  });

  it('expands a single binary logit into both label columns', () => {
    const { scores } = toScores(f32(0, 2), 2, {
      activation: 'sigmoid',
      width: 1,
      labels: 2,
      positiveIndex: 0,
    });
    expect([scores[0], scores[1]]).toEqual([0.5, 0.5]);
    expect(scores[2]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(scores[3]).toBeCloseTo(1 - 1 / (1 + Math.exp(-2)), 6);
  });
});

describe('decisions', () => {
  const labels = ['ham', 'spam'];
  it('argmax breaks ties towards the first label', () => {
    const s = f32(0.5, 0.5, 0.2, 0.8);
    expect(decideRow(s, 0, 2, { kind: 'argmax' }, labels)).toBe('ham');
    expect(decideRow(s, 1, 2, { kind: 'argmax' }, labels)).toBe('spam');
  });

  it('a score equal to the threshold is positive', () => {
    const rule = { kind: 'positive-threshold', positiveIndex: 1, threshold: 0.75 } as const;
    const s = f32(0.25, 0.75, 0.26, 0.74);
    expect(decideRow(s, 0, 2, rule, labels)).toBe('spam');
    expect(decideRow(s, 1, 2, rule, labels)).toBe('ham');
  });

  it('multilabel keeps every label at or above its own threshold', () => {
    const rule = { kind: 'per-label-threshold', thresholds: f32(0.5, 0.9, 0.1) } as const;
    const s = f32(0.6, 0.8, 0.1, 0.1, 0.95, 0.05);
    expect(decideRow(s, 0, 3, rule, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(decideRow(s, 1, 3, rule, ['a', 'b', 'c'])).toEqual(['b']);
  });
});
