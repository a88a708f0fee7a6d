import { describe, expect, it } from 'vitest';
import { parseTaxonomy } from '../../src/dataset/taxonomy.js';
import {
  closedTruth,
  evaluationTask,
  type LabelDeclaration,
  notPolicy,
  policyBinaryViews,
  rollupOf,
  TaskSchema,
  taskView,
  taskViewOf,
} from '../../src/task/index.js';
import { SYNTHETIC_POLICY_LABELS, SYNTHETIC_TAXONOMY } from '../helpers/policies.js';

const issuesOf = (task: 'binary' | 'multiclass' | 'multilabel', d: LabelDeclaration) => {
  const out: string[] = [];
  taskView(task).checkLabels(d, (path, message) => out.push(`${path.join('.')}: ${message}`));
  return out;
};

describe('taskView', () => {
  it('has one view per task kind, each naming its task', () => {
    for (const task of TaskSchema.options) {
      expect(taskView(task).task).toBe(task);
      expect(taskViewOf({ task })).toBe(taskView(task));
    }
    expect(() => taskView('ordinal' as never)).toThrow(/unknown task/);
  });

  it('holds golden labels and decisions as one label or as a set', () => {
    expect(TaskSchema.options.map((t) => taskView(t).multiLabel)).toEqual([false, false, true]);
    expect(taskView('binary').labelsOf('spam')).toEqual(['spam']);
    expect(taskView('multiclass').valueOf(['b'])).toBe('b');
    expect(() => taskView('multiclass').valueOf(['a', 'b'])).toThrow(/one label/);
    expect(taskView('multilabel').labelsOf(['a', 'b'])).toEqual(['a', 'b']);
    expect(taskView('multilabel').valueOf([])).toEqual([]);
  });

  it('reads whether an item is golden-positive for a label from the layout its task holds', () => {
    // SYNTHETIC columns: 3 items over labels a, b, c.
    const single = {
      labels: ['a', 'b', 'c'],
      truth: Int32Array.from([2, 0, 2]),
      truthFlags: new Uint8Array(0),
    };
    for (const task of ['binary', 'multiclass'] as const) {
      const c = taskView(task).goldenHas(single, 2);
      expect([0, 1, 2].map(c)).toEqual([true, false, true]);
    }
    const flags = Uint8Array.from([1, 0, 1, 0, 0, 0, 1, 1, 0]);
    const multi = { labels: ['a', 'b', 'c'], truth: new Int32Array(0), truthFlags: flags };
    expect([0, 1, 2].map(taskView('multilabel').goldenHas(multi, 0))).toEqual([true, false, true]);
    expect([0, 1, 2].map(taskView('multilabel').goldenHas(multi, 2))).toEqual([true, false, false]);
  });

  it('decides binary by a threshold on the positive label, multiclass by argmax, multilabel per label', () => {
    const thr = (l: string) => (l === 'spam' ? 0.7 : 0.5);
    expect(taskView('binary').decisionRule(['ham', 'spam'], 'spam', thr)).toEqual({
      kind: 'positive-threshold',
      positiveIndex: 1,
      threshold: 0.7,
    });
    // An import without a named positive takes the second label.
    expect(taskView('binary').decisionRule(['spam', 'ham'], undefined, thr)).toEqual({
      kind: 'positive-threshold',
      positiveIndex: 1,
      threshold: 0.5,
    });
    expect(taskView('multiclass').decisionRule(['a', 'b', 'c'], null, thr)).toEqual({ kind: 'argmax' });
    const rule = taskView('multilabel').decisionRule(['hate', 'spam'], null, thr);
    expect(rule).toEqual({ kind: 'per-label-threshold', thresholds: Float32Array.from([0.5, 0.7]) });
  });

  it('checks a declaration by its task', () => {
    expect(issuesOf('binary', { labels: ['a', 'b', 'c'], thresholds: {} })).toEqual([
      'labels: a binary model has 2 labels, got 3',
      'positive: a binary model names its positive label',
    ]);
    expect(issuesOf('binary', { labels: ['a', 'b'], positive: 'c', thresholds: {} })).toEqual([
      'positive: "c" is not one of labels ["a","b"]',
    ]);
    expect(issuesOf('multiclass', { labels: ['a'], positive: 'a', thresholds: {} })).toEqual([
      'positive: only binary models have a positive label (task is multiclass)',
      'labels: multiclass needs 2+ labels',
    ]);
    expect(issuesOf('multilabel', { labels: ['a'], thresholds: {} })).toEqual([]);
    const d = { labels: ['a', 'b'], positive: 'b', thresholds: { a: 0.3 } };
    expect(taskView('binary').thresholdIssue(d, 'a')).toMatch(/only its positive/);
    expect(taskView('binary').thresholdIssue(d, 'b')).toBeUndefined();
    expect(taskView('multiclass').thresholdIssue(d, 'a')).toMatch(/argmax/);
    expect(taskView('multilabel').thresholdIssue(d, 'a')).toBeUndefined();
    expect(taskView('multilabel').activationIssue('softmax')).toMatch(/sigmoid/);
    expect(taskView('binary').activationIssue('softmax')).toBeUndefined();
  });

  it('names the positive class only for binary', () => {
    expect(taskView('binary').positiveClass(['ham', 'spam'], 'spam')).toBe(1);
    expect(taskView('multiclass').positiveClass(['ham', 'spam'], 'spam')).toBeUndefined();
    expect(taskView('multilabel').positiveClass(['ham', 'spam'], 'spam')).toBeUndefined();
    expect(taskView('binary').positiveOf(['ham', 'spam'], undefined)).toBe('spam');
    expect(taskView('multiclass').positiveOf(['ham', 'spam'], undefined)).toBeNull();
  });

  it('says which metric families apply', () => {
    expect(taskView('binary').metrics).toMatchObject({ positiveClass: true, comparison: 'paired-set' });
    expect(taskView('multiclass').metrics).toMatchObject({ positiveClass: false, confusion: true });
    expect(taskView('multilabel').metrics).toMatchObject({
      labelSets: true,
      agreement: false,
      identityBias: false,
      comparison: 'per-policy',
    });
  });

  it('derives the evaluation task from the golden declaration', () => {
    expect(evaluationTask({ multiLabel: true, labels: ['a', 'b'], positive: null })).toBe('multilabel');
    expect(evaluationTask({ multiLabel: false, labels: ['a', 'b'], positive: 'b' })).toBe('binary');
    expect(evaluationTask({ multiLabel: false, labels: ['a', 'b'], positive: null })).toBe('multiclass');
    expect(evaluationTask({ multiLabel: false, labels: ['a', 'b', 'c'], positive: 'b' })).toBe('multiclass');
  });
});

describe('per-policy binary views', () => {
  const labels = SYNTHETIC_POLICY_LABELS; // hate, hate/slur, hate/threat, spam, violating
  const tax = parseTaxonomy(SYNTHETIC_TAXONOMY);
  const k = labels.length;
  const flags = (rows: string[][]) => {
    const out = new Uint8Array(rows.length * k);
    rows.forEach((r, i) => {
      for (const l of r) out[i * k + labels.indexOf(l)] = 1;
    });
    return out;
  };
  // Row 0: golden slur (stored unclosed); row 1: nothing; row 2: spam.
  const truthFlags = flags([['hate/slur'], [], ['spam']]);
  const scores = (rows: number[][]) => Float32Array.from(rows.flat());
  const a = {
    predictedFlags: flags([['hate/threat'], [], []]),
    scores: scores([
      [0, 0.2, 0.9, 0.1, 0],
      [0, 0.1, 0.1, 0.2, 0],
      [0, 0.3, 0.2, 0.4, 0],
    ]),
  };
  const b = { ...a, predictedFlags: flags([[], [], ['spam']]), scored: Uint8Array.from([1, 1, 1, 0, 1]) };

  it('closes golden labels and predictions upward, with `not <policy>` negatives', () => {
    const views = policyBinaryViews({ n: 3, labels, truthFlags, models: [a] }, tax);
    expect(views.map((v) => v.policy)).toEqual(labels);
    const hate = views.find((v) => v.policy === 'hate')!;
    expect(hate.labels).toEqual([notPolicy('hate'), 'hate']);
    expect(hate.labels[0]).toBe('not hate');
    expect([...hate.truth]).toEqual([1, 0, 0]);
    // The model flags threat on row 0, so it flags hate and the roll-up there.
    expect([...hate.sides[0]!.predicted]).toEqual([1, 0, 0]);
    // hate's score is the max of its children's (parentScore max): 0.9, 0.1, 0.3.
    expect([...hate.sides[0]!.scores].map((s) => Math.round(s * 10) / 10)).toEqual([
      0.1, 0.9, 0.9, 0.1, 0.7, 0.3,
    ]);
    const violating = views.find((v) => v.policy === 'violating')!;
    expect([...violating.truth]).toEqual([1, 0, 1]);
    // The input columns are not closed in place.
    expect(truthFlags[labels.indexOf('hate')]).toBe(0);
    expect(a.predictedFlags[labels.indexOf('hate')]).toBe(0);
  });

  it('leaves out a policy one model does not score', () => {
    const views = policyBinaryViews({ n: 3, labels, truthFlags, models: [a, b] }, tax);
    expect(views.map((v) => v.policy)).toEqual(['hate', 'hate/slur', 'hate/threat', 'violating']);
    expect(views[0]!.sides.map((s) => s.model)).toEqual([a, b]);
    expect(rollupOf(views, tax)).toBe('violating');
    expect(rollupOf(views.slice(0, 1), undefined)).toBe('hate');
    expect(rollupOf(views, undefined)).toBeUndefined();
  });

  it('takes labels as given without a taxonomy', () => {
    expect([...closedTruth(truthFlags, labels, 3, undefined)]).toEqual([...truthFlags]);
    const views = policyBinaryViews({ n: 3, labels, truthFlags, models: [a] }, undefined);
    expect([...views[0]!.truth]).toEqual([0, 0, 0]);
  });
});
