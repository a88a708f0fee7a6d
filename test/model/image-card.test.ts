import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ModelCardInput, modelFileName, parseModelCard } from '../../src/model/card.js';
import { createPredictor } from '../../src/model/predictor.js';
import { NSFWJS_MODELS } from '../helpers/images.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writeModelDir } from './fixtures.js';

const tmp = useTmpDir();
const nsfwCard = (): ModelCardInput =>
  JSON.parse(readFileSync(join(NSFWJS_MODELS.MobileNetV2, 'model.json'), 'utf8'));

describe('image inputs and tfjs cards', () => {
  it('reads the three nsfwjs cards with their defaults', () => {
    for (const dir of Object.values(NSFWJS_MODELS)) {
      const card = parseModelCard(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), dir);
      expect(card.backend).toBe('tfjs');
      expect(modelFileName(card)).toBe('model.min.js');
      const input = card.inputs[0]!;
      expect(input.kind === 'image' && input.maxPixels).toBe(40_000_000);
    }
  });

  it('refuses inconsistent cards, naming the field', () => {
    const bad = (patch: (c: ModelCardInput) => void) => {
      const card = nsfwCard();
      patch(card);
      return () => parseModelCard(card, 'model.json');
    };
    expect(bad((c) => delete c.tfjs)).toThrow(/field "tfjs".*tfjs\.modelType/);
    expect(bad((c) => (c.backend = 'onnx'))).toThrow(
      /field "tfjs": invalid model card: only for backend "tfjs"/,
    );
    expect(bad((c) => Object.assign(c.inputs[0]!, { mean: [0.5, 0.5] }))).toThrow(
      /inputs\[0\]\.mean.*1 or one per channel/,
    );
    expect(bad((c) => Object.assign(c.inputs[0]!, { background: 'white' }))).toThrow(/#rrggbb/);
    // The reference-preprocessing fields (issue 28 item 17) must describe one pipeline.
    expect(bad((c) => Object.assign(c.inputs[0]!, { coordinates: undefined }))).toThrow(
      /inputs\[0\]\.coordinates.*align-corners, half-pixel or asymmetric/,
    );
    expect(bad((c) => Object.assign(c.inputs[0]!, { resize: 'libvips' }))).toThrow(
      /inputs\[0\]\.coordinates.*only for resize "bilinear" or "nearest"/,
    );
    expect(bad((c) => Object.assign(c.inputs[0]!, { fit: 'contain' }))).toThrow(/inputs\[0\]\.fit.*fill/);
    expect(bad((c) => Object.assign(c.inputs[0]!, { dtype: 'uint8', scale: undefined }))).toThrow(
      /inputs\[0\]\.dtype.*float32/,
    );
    expect(bad((c) => Object.assign(c.inputs[0]!, { alpha: 'flatten' }))).toThrow(
      /inputs\[0\]\.alpha.*needs a background/,
    );
    expect(bad((c) => Object.assign(c.inputs[0]!, { resize: 'area' }))).toThrow(/inputs\[0\]\.resize/);
    expect(bad((c) => (c.tfjs!.package!.dir = '../../etc'))).toThrow(/without "\.\."/);
    expect(bad((c) => (c.inputs = [{ kind: 'string', column: 'text', tensor: 'x' }]))).toThrow(
      /tfjs backend takes image and features inputs/,
    );
  });

  it('checks the card against the TF.js graph: size, and a package that is not installed', async () => {
    const wrongSize = nsfwCard();
    Object.assign(wrongSize.inputs[0]!, { size: [299, 299] });
    const dir = writeModelDir(join(tmp(), 'm'), { card: wrongSize });
    await expect(createPredictor(dir)).rejects.toThrow(
      /field "inputs\[0\]\.size".*shape \[batch, 224, 224, 3\], the card feeds \[batch, 299, 299, 3\]/,
    );
    const missing = nsfwCard();
    missing.tfjs!.package!.name = 'no-such-package-modeval';
    const dir2 = writeModelDir(join(tmp(), 'm2'), { card: missing });
    await expect(createPredictor(dir2)).rejects.toThrow(
      /npm package "no-such-package-modeval", which is not installed/,
    );
    await expect(createPredictor(NSFWJS_MODELS.MobileNetV2, { device: 'cuda' })).rejects.toThrow(
      /tfjs backend runs on the CPU here/,
    );
  });
});
