import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf, type Tf } from '../../models/recipe/architectures.js';
import { readFloatInitializers } from '../../models/recipe/onnx-export.js';
import { tfLogits } from '../../models/recipe/tf-inference.js';
import { architectureOf, VARIANTS } from '../../models/recipe/variants.js';
import { openOnnxSession } from '../../src/model/onnx-session.js';
import { createPredictor } from '../../src/model/predictor.js';
import { encodeText, loadTextTokenizer, padEncoded } from '../../src/model/preprocess.js';
import { BadInputError } from '../../src/util/errors.js';
import { goldenTable, MODEL_V1, MODEL_V2 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';
import {
  logFeaturesModel,
  stringLookupModel,
  syntheticWordPiece,
  twoTextModel,
  writeModelDir,
} from './fixtures.js';

const tmp = useTmpDir();
let tf: Tf;
/** Real texts from the SpamAssassin golden split (never used for training). */
let goldenTexts: string[];

beforeAll(async () => {
  tf = (await loadTf()).tf;
  const golden = await goldenTable();
  const text = golden.getChild('text')!;
  // Every 12th row: a spread over the corpus groups rather than the first folder only.
  goldenTexts = [];
  for (let i = 0; i < golden.numRows && goldenTexts.length < 96; i += 12)
    goldenTexts.push(text.get(i) as string);
});

function softmaxRows(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / 2; r++) {
    const a = logits[2 * r]!;
    const b = logits[2 * r + 1]!;
    const m = Math.max(a, b);
    const ea = Math.exp(a - m);
    const eb = Math.exp(b - m);
    out[2 * r] = ea / (ea + eb);
    out[2 * r + 1] = eb / (ea + eb);
  }
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe.each([
  ['spam-v1', MODEL_V1],
  ['spam-v2', MODEL_V2],
])('%s: ONNX Runtime agrees with the TF.js model on real golden texts', (name, dir) => {
  it('logits and scores within 1e-5', async () => {
    const variant = VARIANTS.find((v) => v.name === name)!;
    // Rebuild the TF.js model from the weights stored in the ONNX file, and run the recipe's forward pass.
    const weights = readFloatInitializers(readFileSync(join(dir, 'model.onnx')));
    const params = new Map<string, tfjs.Tensor>(weights.map((w) => [w.name, tf.tensor(w.data, w.shape)]));
    const arch = architectureOf(variant, weights.find((w) => w.name === 'embedding')!.shape[0]!);

    const predictor = await createPredictor(dir, { threads: 1 });
    const input = predictor.card.inputs[0]!;
    if (input.kind !== 'text') throw new Error('reference models take text');
    const tok = await loadTextTokenizer(dir, input);
    const encoded = goldenTexts.map((t) => {
      const e = encodeText(tok, t, input);
      if (typeof e === 'string') throw new Error(e);
      return e;
    });
    const reference = tfLogits(tf, arch, params, encoded, tok.padId);
    for (const p of params.values()) p.dispose();
    // The texts are real and varied: both classes appear and logits are far from trivial.
    const predictedSpam = softmaxRows(reference).filter((_, i) => i % 2 === 1 && _ > 0.5).length;
    expect(predictedSpam).toBeGreaterThan(5);
    expect(predictedSpam).toBeLessThan(goldenTexts.length - 5);

    // Raw graph output.
    const { session } = await openOnnxSession(join(dir, 'model.onnx'), { threads: 1, device: 'cpu' });
    const t = padEncoded(encoded, { padding: 'longest', maxLength: input.maxLength, padId: tok.padId });
    const out = await session.run({
      input_ids: new Tensor('int64', t.inputIds, [t.rows, t.seqLen]),
      attention_mask: new Tensor('int64', t.attentionMask, [t.rows, t.seqLen]),
    });
    await session.release();
    expect(maxAbsDiff(out.logits!.data as Float32Array, reference)).toBeLessThan(1e-5);

    // Through the predictor (tokenize, pad, run, softmax, decide).
    const result = await predictor.predict({ texts: goldenTexts });
    expect(result.invalidRows).toEqual([]);
    expect(result.k).toBe(2);
    expect(maxAbsDiff(result.scores, softmaxRows(reference))).toBeLessThan(1e-5);
    result.predicted.forEach((p, i) => {
      expect(p).toBe(result.scores[2 * i + 1]! >= 0.5 ? 'spam' : 'ham');
    });

    // Padding never leaks into a row's score: alone or in a batch, the same answer.
    for (const i of [0, 7, 31]) {
      const alone = await predictor.predict({ texts: [goldenTexts[i]!] });
      expect(Math.abs(alone.scores[1]! - result.scores[2 * i + 1]!)).toBeLessThan(1e-6);
    }
    await predictor.release();
  });
});

describe('predictor batches', () => {
  it('skips null texts, reports them and still scores the other rows', async () => {
    const predictor = await createPredictor(MODEL_V2, { threads: 1 });
    const texts = [goldenTexts[0]!, null, goldenTexts[1]!, ''];
    const result = await predictor.predict({ texts });
    expect(result.invalidRows).toEqual([{ row: 1, reason: 'text: text is null' }]);
    expect(result.multilabel).toBe(false);
    expect(result.predicted[1]).toBeNull();
    expect(Number.isNaN(result.scores[2]!)).toBe(true);
    for (const r of [0, 2, 3]) {
      expect(result.predicted[r]).toMatch(/^(ham|spam)$/);
      expect(result.scores[2 * r]! + result.scores[2 * r + 1]!).toBeCloseTo(1, 6);
    }
    // Same text through `columns` (how the worker calls it) gives the same scores.
    const byColumn = await predictor.predict({ rows: 4, columns: { text: texts } });
    expect([...byColumn.scores.subarray(0, 2)]).toEqual([...result.scores.subarray(0, 2)]);
    await predictor.release();
  });

  it('applies threshold overrides and refuses thresholds for unknown labels', async () => {
    const strict = await createPredictor(MODEL_V1, { threads: 1, thresholds: { spam: 1 } });
    const result = await strict.predict({ texts: goldenTexts.slice(0, 24) });
    result.predicted.forEach((p, i) => {
      expect(p).toBe(result.scores[2 * i + 1]! >= 1 ? 'spam' : 'ham');
    });
    expect(result.predicted.filter((p) => p === 'ham').length).toBeGreaterThan(12);
    await strict.release();
    await expect(createPredictor(MODEL_V1, { threads: 1, thresholds: { junk: 0.3 } })).rejects.toThrow(
      BadInputError,
    );
  });

  it('reports rows whose model output is NaN, by row index, and never scores them', async () => {
    const dir = writeModelDir(tmp(), {
      onnx: logFeaturesModel(),
      card: {
        name: 'log-features (synthetic)',
        version: '1',
        task: 'multilabel',
        labels: ['a', 'b'],
        inputs: [{ kind: 'features', column: 'v', tensor: 'x', dim: 2 }],
      },
    });
    const predictor = await createPredictor(dir, { threads: 1 });
    // Row 1: log(-1) = NaN. Row 3: null features. Log then sigmoid: x ↦ x / (1 + x).
    const values = Float32Array.of(1, 2, -1, 1, 0.5, 0.5, 0, 0, 3, 1);
    const result = await predictor.predict({
      rows: 5,
      columns: { v: { values, valid: Uint8Array.of(1, 1, 1, 0, 1) } },
    });
    expect(result.invalidRows).toEqual([
      { row: 1, reason: 'model output 0 is NaN' },
      { row: 3, reason: 'v: features are null' },
    ]);
    expect(result.multilabel).toBe(true);
    expect(result.predicted).toEqual([['a', 'b'], null, [], null, ['a', 'b']]);
    expect(result.scores[1]).toBeCloseTo(2 / 3, 6);
    expect(result.scores[8]).toBeCloseTo(3 / 4, 6);
    expect(Number.isNaN(result.scores[2]!) && Number.isNaN(result.scores[3]!)).toBe(true);
    await predictor.release();
  });

  it('checks the real output shape when the graph declares it symbolically', async () => {
    const dir = writeModelDir(tmp(), {
      onnx: logFeaturesModel(3, true),
      card: {
        name: 'log-features (synthetic)',
        version: '1',
        task: 'multilabel',
        labels: ['a', 'b'],
        inputs: [{ kind: 'features', column: 'v', tensor: 'x', dim: 3 }],
      },
    });
    const predictor = await createPredictor(dir, { threads: 1 });
    const run = predictor.predict({ rows: 1, columns: { v: { values: Float32Array.of(1, 2, 3) } } });
    await expect(run).rejects.toThrow(BadInputError);
    await expect(run).rejects.toThrow(
      `${join(dir, 'model.onnx')}: output "logits" came back as float32[1, 3], expected float32[1, 2] for labels ["a","b"]`,
    );
    await predictor.release();
  });

  it('counts a row cut in two text inputs once in truncatedRows', async () => {
    const dir = writeModelDir(tmp(), {
      onnx: twoTextModel(),
      tokenizer: syntheticWordPiece(),
      card: {
        name: 'two-text (synthetic)',
        version: '1',
        task: 'binary',
        labels: ['ham', 'spam'],
        positive: 'spam',
        inputs: [
          { kind: 'text', column: 'subject', maxLength: 4, feeds: { input_ids: 'ids_a' } },
          { kind: 'text', column: 'body', maxLength: 4, feeds: { input_ids: 'ids_b' } },
        ],
      },
    });
    const predictor = await createPredictor(dir, { threads: 1 });
    const long = 'the cat sat on the mat and the cat sat again';
    // Row 0 is cut in both inputs, row 1 in the body only, row 2 nowhere.
    const result = await predictor.predict({
      rows: 3,
      columns: { subject: [long, 'hi', 'hi'], body: [long, long, 'hi'] },
    });
    expect(result.invalidRows).toEqual([]);
    expect(result.truncatedRows).toBe(2);
    await predictor.release();
  });

  it('feeds raw strings to a string-tensor graph and skips null rows', async () => {
    const dir = writeModelDir(tmp(), {
      onnx: stringLookupModel(),
      card: {
        name: 'string-lookup (synthetic)',
        version: '1',
        task: 'binary',
        labels: ['ham', 'spam'],
        positive: 'spam',
        inputs: [{ kind: 'string', column: 'body', tensor: 'text' }],
      },
    });
    const predictor = await createPredictor(dir, { threads: 1 });
    const result = await predictor.predict({ columns: { body: ['buy now', 'hi', null, 'other'] } });
    expect(result.invalidRows).toEqual([{ row: 2, reason: 'body: text is null' }]);
    expect(result.predicted).toEqual(['spam', 'ham', null, 'spam']);
    const e4 = Math.exp(4);
    expect(result.scores[1]).toBeCloseTo(e4 / (1 + e4), 6);
    expect(result.scores[2]).toBeCloseTo(e4 / (1 + e4), 6);
    expect([result.scores[6], result.scores[7]]).toEqual([0.5, 0.5]);
    await predictor.release();
  });
});
