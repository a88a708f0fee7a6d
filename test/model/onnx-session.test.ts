import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelCard, type ModelCard, type ModelCardInput, parseModelCard } from '../../src/model/card.js';
import { checkCardAgainstGraph } from '../../src/model/graph-check.js';
import { type OpenedSession, openOnnxSession } from '../../src/model/onnx-session.js';
import { createPredictor } from '../../src/model/predictor.js';
import { BadInputError } from '../../src/util/errors.js';
import { MODEL_V1 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';
import { logFeaturesModel, writeModelDir } from './fixtures.js';

const tmp = useTmpDir();
let v1: OpenedSession;
let card: ModelCard;

beforeAll(async () => {
  v1 = await openOnnxSession(join(MODEL_V1, 'model.onnx'), { threads: 1, device: 'cpu' });
  card = await loadModelCard(MODEL_V1);
});
afterAll(async () => {
  await v1?.session.release();
});

function checkError(f: () => unknown): BadInputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return err as BadInputError;
  }
  throw new Error('no error');
}

const variant = (patch: Partial<ModelCardInput>) => parseModelCard({ ...card, ...patch }, 'model.json');

describe('opening ONNX models', () => {
  it('opens the reference model on cpu and hashes its bytes', () => {
    expect(v1.provider).toBe('cpu');
    expect(v1.fallback).toBeUndefined();
    const expected = createHash('sha256')
      .update(readFileSync(join(MODEL_V1, 'model.onnx')))
      .digest('hex');
    expect(v1.sha256).toBe(expected);
    expect(v1.session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(v1.session.outputNames).toEqual(['logits']);
  });

  it('reports a missing or corrupt model file as bad input naming the file', async () => {
    const dir = tmp();
    const missing = join(dir, 'model.onnx');
    await expect(openOnnxSession(missing, { threads: 1, device: 'cpu' })).rejects.toThrow(
      `${missing}: cannot read the ONNX model: ENOENT`,
    );
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, 'this is not a protobuf model');
    const err = await openOnnxSession(corrupt, { threads: 1, device: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(new RegExp(`^${corrupt}: ONNX Runtime cannot load the model: .+`));
    // A truncated copy of a real model fails the same way.
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(join(MODEL_V1, 'model.onnx')).subarray(0, 5000));
    await expect(openOnnxSession(truncated, { threads: 1, device: 'cpu' })).rejects.toThrow(BadInputError);
  });

  it('cuda either works or fails clearly; auto falls back to cpu and says why', async () => {
    const file = join(MODEL_V1, 'model.onnx');
    const cuda = await openOnnxSession(file, { threads: 1, device: 'cuda' }).catch((e: unknown) => e);
    const auto = await openOnnxSession(file, { threads: 1, device: 'auto', preference: ['cuda', 'cpu'] });
    try {
      if (cuda instanceof Error) {
        expect(cuda).toBeInstanceOf(BadInputError);
        expect(cuda.message).toMatch(/the CUDA execution provider is not available .*--device cpu\|auto/);
        expect(auto.provider).toBe('cpu');
        expect(auto.fallback).toMatch(/^cuda unavailable, running on cpu: /);
      } else {
        expect((cuda as OpenedSession).provider).toBe('cuda');
        expect(auto.provider).toBe('cuda');
        await (cuda as OpenedSession).session.release();
      }
    } finally {
      await auto.session.release();
    }
  });
});

describe('checking a card against its graph', () => {
  it('plans the feeds of the reference card', () => {
    const check = checkCardAgainstGraph(card, v1.session);
    expect(check.outputWidth).toBe(2);
    expect(check.feeds.map((f) => f.tensor)).toEqual(['input_ids', 'attention_mask']);
  });

  it('a wrong input name lists the real inputs and outputs', () => {
    const bad = variant({
      inputs: [
        { kind: 'text', maxLength: 16, feeds: { input_ids: 'ids', attention_mask: 'attention_mask' } },
      ],
    });
    const err = checkError(() => checkCardAgainstGraph(bad, v1.session, { cardFile: 'm/model.json' }));
    expect(err.message).toBe(
      'm/model.json, field "inputs[0].feeds.input_ids": the card feeds graph input "ids", but the graph has ' +
        'inputs [input_ids: int64[batch, sequence]; attention_mask: int64[batch, sequence]] and outputs ' +
        '[logits: float32[batch, 2]]',
    );
  });

  it('a graph input the card leaves unfed is named', () => {
    const bad = variant({ inputs: [{ kind: 'text', maxLength: 16, feeds: { input_ids: 'input_ids' } }] });
    const err = checkError(() => checkCardAgainstGraph(bad, v1.session));
    expect(err.message).toMatch(
      /does not feed graph input\(s\) "attention_mask"; the graph has inputs \[input_ids/,
    );
  });

  it('a wrong output name lists the real outputs', () => {
    const err = checkError(() => checkCardAgainstGraph(variant({ output: { tensor: 'probs' } }), v1.session));
    expect(err.location.field).toBe('output.tensor');
    expect(err.message).toMatch(
      /reads output "probs", but the graph has inputs .* and outputs \[logits: float32\[batch, 2\]\]/,
    );
  });

  it('a label count that does not match the output lists both sides', () => {
    const bad = variant({
      task: 'multiclass',
      positive: undefined,
      thresholds: {},
      labels: ['ham', 'spam', 'eggs'],
    });
    const err = checkError(() => checkCardAgainstGraph(bad, v1.session));
    expect(err.message).toContain(
      'output "logits" has 2 score column(s) [batch, 2], the card has 3 labels ["ham","spam","eggs"]',
    );
  });

  it('a dataset without the input column lists both sides', () => {
    const err = checkError(() =>
      checkCardAgainstGraph(card, v1.session, {
        datasetColumns: ['id', 'body', 'label'],
        datasetFile: 'data.arrow',
      }),
    );
    expect(err.message).toBe(
      'data.arrow, field "inputs[0].column": the model reads column "text", the dataset has columns ["id","body","label"]',
    );
    expect(() => checkCardAgainstGraph(card, v1.session, { datasetColumns: ['id', 'text'] })).not.toThrow();
  });

  it('a features input must match the graph dtype and width', () => {
    const dir = writeModelDir(tmp(), {
      onnx: logFeaturesModel(),
      card: {
        name: 'log',
        version: '1',
        task: 'multilabel',
        labels: ['a', 'b'],
        inputs: [{ kind: 'features', column: 'v', tensor: 'x', dim: 3 }],
      },
    });
    return createPredictor(dir, { threads: 1 }).then(
      () => {
        throw new Error('accepted');
      },
      (err: unknown) => {
        expect(err).toBeInstanceOf(BadInputError);
        expect((err as Error).message).toContain(
          'field "inputs[0].dim": graph input "x" has 2 features, the card says dim 3',
        );
      },
    );
  });

  it('the predictor refuses a card whose graph does not match, naming the card file', async () => {
    const dir = tmp();
    copyFileSync(join(MODEL_V1, 'model.onnx'), join(dir, 'model.onnx'));
    copyFileSync(join(MODEL_V1, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const raw = JSON.parse(readFileSync(join(MODEL_V1, 'model.json'), 'utf8'));
    raw.output.tensor = 'scores';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(raw));
    await expect(createPredictor(dir, { threads: 1 })).rejects.toThrow(
      `${join(dir, 'model.json')}, field "output.tensor": the card reads output "scores"`,
    );
  });
});
