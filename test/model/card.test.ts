import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cardThresholds,
  decisionRule,
  loadModelCard,
  type ModelCardInput,
  modelFileName,
  outputActivation,
  parseModelCard,
} from '../../src/model/card.js';
import { BadInputError } from '../../src/util/errors.js';
import { MODEL_V1, MODEL_V2 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

const base: ModelCardInput = {
  name: 'toy',
  version: '1',
  task: 'binary',
  labels: ['ham', 'spam'],
  positive: 'spam',
  inputs: [{ kind: 'text', column: 'text', maxLength: 16 }],
};

function rejection(card: unknown): BadInputError {
  try {
    parseModelCard(card, 'models/toy/model.json');
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return err as BadInputError;
  }
  throw new Error('the card was accepted');
}

describe('model card schema', () => {
  it('accepts both reference cards and fills defaults', async () => {
    for (const dir of [MODEL_V1, MODEL_V2]) {
      const card = await loadModelCard(dir);
      expect(card.task).toBe('binary');
      expect(card.labels).toEqual(['ham', 'spam']);
      expect(card.positive).toBe('spam');
      expect(modelFileName(card)).toBe('model.onnx');
      const input = card.inputs[0]!;
      expect(input.kind).toBe('text');
      if (input.kind === 'text') expect(input.feeds.input_ids).toBe('input_ids');
      expect(outputActivation(card)).toBe('softmax');
    }
  });

  it('fills defaults for a minimal card', () => {
    const card = parseModelCard(base, 'x');
    const input = card.inputs[0]!;
    expect(input.kind === 'text' && input.tokenizer).toBe('tokenizer.json');
    expect(input.kind === 'text' && input.padding).toBe('longest');
    expect(input.kind === 'text' && input.truncation).toBe('right');
    expect(input.kind === 'text' && input.feeds).toEqual({
      input_ids: 'input_ids',
      attention_mask: 'attention_mask',
    });
    expect(card.output).toEqual({ tensor: 'logits', type: 'logits' });
    expect(card.executionProviders).toEqual(['cpu']);
  });

  it.each([
    ['a negative maxLength', { ...base, inputs: [{ kind: 'text', maxLength: -3 }] }, 'inputs[0].maxLength'],
    ['an unknown input kind', { ...base, inputs: [{ kind: 'audio', column: 'clip' }] }, 'inputs[0].kind'],
    ['an image input without size', { ...base, inputs: [{ kind: 'image', tensor: 'x' }] }, 'inputs[0].size'],
    [
      'a features input without dim',
      { ...base, inputs: [{ kind: 'features', column: 'v', tensor: 'x' }] },
      'inputs[0].dim',
    ],
    ['a binary card without positive', { ...base, positive: undefined }, 'positive'],
    ['a positive label not in labels', { ...base, positive: 'junk' }, 'positive'],
    ['a threshold for an unknown label', { ...base, thresholds: { eggs: 0.3 } }, 'thresholds.eggs'],
    ['a threshold above 1', { ...base, thresholds: { spam: 1.5 } }, 'thresholds.spam'],
    [
      'duplicate labels',
      { ...base, task: 'multiclass', positive: undefined, labels: ['a', 'b', 'a'] },
      'labels[2]',
    ],
    [
      'softmax on multilabel',
      { ...base, task: 'multilabel', positive: undefined, output: { activation: 'softmax' } },
      'output.activation',
    ],
    [
      'probabilities with an activation',
      { ...base, output: { type: 'probabilities', activation: 'sigmoid' } },
      'output.activation',
    ],
    [
      'a tokenizer path outside the folder',
      { ...base, inputs: [{ kind: 'text', maxLength: 8, tokenizer: '../x.json' }] },
      'inputs[0].tokenizer',
    ],
    ['an unknown key', { ...base, lables: ['x'] }, '(root)'],
    ['an unknown backend', { ...base, backend: 'torch' }, 'backend'],
  ])('rejects %s, naming the file and the field', (_what, card, path) => {
    const err = rejection(card);
    expect(err.location.file).toBe('models/toy/model.json');
    expect(err.location.field).toBe(path);
    expect(err.message).toContain('models/toy/model.json');
    expect(err.message).toContain(`field ${JSON.stringify(path)}`);
  });

  it('reports an unreadable or non-JSON card as bad input naming model.json', async () => {
    const dir = tmp();
    await expect(loadModelCard(dir)).rejects.toThrow(BadInputError);
    await expect(loadModelCard(dir)).rejects.toThrow(join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.json'), '{"name": "x",');
    await expect(loadModelCard(dir)).rejects.toThrow(/model\.json: the model card is not valid JSON/);
  });

  it('reads the card from disk exactly as written', async () => {
    const raw = JSON.parse(readFileSync(join(MODEL_V2, 'model.json'), 'utf8'));
    const card = await loadModelCard(MODEL_V2);
    expect(card.name).toBe(raw.name);
    expect(card.version).toBe(raw.version);
    expect(card.inputs[0]).toMatchObject(raw.inputs[0]);
  });
});

describe('decision rule', () => {
  it('thresholds the positive label for binary, with overrides', () => {
    const card = parseModelCard({ ...base, labels: ['spam', 'ham'], thresholds: { spam: 0.7 } }, 'x');
    expect(decisionRule(card)).toEqual({ kind: 'positive-threshold', positiveIndex: 0, threshold: 0.7 });
    expect(decisionRule(card, { spam: 0.2 })).toMatchObject({ threshold: 0.2 });
  });

  it('uses argmax for multiclass and per-label thresholds (default 0.5) for multilabel', () => {
    const multi = parseModelCard(
      { ...base, task: 'multiclass', positive: undefined, labels: ['a', 'b', 'c'] },
      'x',
    );
    expect(decisionRule(multi)).toEqual({ kind: 'argmax' });
    const ml = parseModelCard(
      { ...base, task: 'multilabel', positive: undefined, labels: ['a', 'b'], thresholds: { b: 0.25 } },
      'x',
    );
    const rule = decisionRule(ml);
    expect(rule.kind).toBe('per-label-threshold');
    if (rule.kind === 'per-label-threshold') expect([...rule.thresholds]).toEqual([0.5, 0.25]);
    expect(outputActivation(ml)).toBe('sigmoid');
  });

  it('records the thresholds it applies, per label, as the rule applies them (exact values, not float32)', () => {
    const bin = parseModelCard({ ...base, thresholds: { spam: 0.35 } }, 'x');
    expect(cardThresholds(bin)).toEqual({ spam: 0.35 });
    expect(cardThresholds(bin, { spam: 0.9 })).toEqual({ spam: 0.9 });
    // Binary without a card threshold: the default, on the positive label only.
    expect(cardThresholds(parseModelCard(base, 'x'))).toEqual({ spam: 0.5 });
    const multi = parseModelCard(
      { ...base, task: 'multiclass', positive: undefined, labels: ['a', 'b', 'c'] },
      'x',
    );
    expect(cardThresholds(multi)).toEqual({});
    // Labels are data: `__proto__` and `constructor` are thresholds like any other.
    const ml = parseModelCard(
      {
        ...base,
        task: 'multilabel',
        positive: undefined,
        labels: ['__proto__', 'constructor', 'c'],
        thresholds: JSON.parse('{"__proto__": 0.7, "c": 0.35}'),
      },
      'x',
    );
    const applied = cardThresholds(ml, { constructor: 0.2 });
    expect(Object.entries(applied)).toEqual([
      ['__proto__', 0.7],
      ['constructor', 0.2],
      ['c', 0.35],
    ]);
  });
});
