import * as tf from '@tensorflow/tfjs-core';
import { load as loadNsfwjs, type ModelName } from 'nsfwjs';
import { describe, expect, it } from 'vitest';
import { loadModelCard } from '../../src/model/card.js';
import { decodePixels, packImages } from '../../src/model/image.js';
import { createPredictor } from '../../src/model/predictor.js';
import { NSFWJS_MODELS, someGoldenImages } from '../helpers/images.js';
import { decodePngAsTensorflow, pngHasAlpha } from '../helpers/png-reference.js';

/**
 * modeval's scores for the three nsfwjs models equal those of nsfwjs's documented Node path
 * (nsfwjs README, "Node JS App"): `tf.node.decodeImage(bytes, 3)`, then `classify()`, which divides
 * by 255 and resizes the full-size tensor with `tf.image.resizeBilinear(…, alignCorners = true)`
 * (nsfwjs dist/esm/core.js, `infer`). @tensorflow/tfjs-node cannot install here, so the test
 * decodes as TensorFlow's decode_png does with its own PNG decoder (test/helpers/png-reference.ts:
 * alpha stripped, no gamma, no EXIF) and hands nsfwjs the full-size tensor; nsfwjs's own
 * classify() does the rest. Real clip art and wallpapers from the golden set, many transparent.
 */
describe('parity with nsfwjs classify() on its documented Node path', async () => {
  const sample = await someGoldenImages(9);
  const picked = sample.images
    .map((bytes, i) => ({ id: sample.ids[i]!, bytes }))
    .filter((x) => x.bytes[0] === 0x89)
    .map((x) => ({ ...x, decoded: decodePngAsTensorflow(x.bytes) }))
    .filter((x) => x.decoded !== undefined);
  const images = picked.map((p) => p.bytes);

  it('the sample holds real PNGs, transparent ones among them', () => {
    expect(picked.length).toBeGreaterThanOrEqual(10);
    expect(picked.filter((p) => pngHasAlpha(p.bytes)).length).toBeGreaterThanOrEqual(4);
  });

  it('the tensor modeval feeds equals tf.image.resizeBilinear(decoded / 255, alignCorners) to 1e-5', async () => {
    const card = await loadModelCard(NSFWJS_MODELS.MobileNetV2);
    const input = card.inputs[0]!;
    if (input.kind !== 'image') throw new Error('nsfwjs cards read images');
    for (const { id, bytes, decoded } of picked) {
      const ours = await decodePixels(bytes, input);
      if (typeof ours === 'string') throw new Error(`${id}: ${ours}`);
      const fed = packImages([ours], input, [0]).data;
      const theirs = tf.tidy(() =>
        tf.image
          .resizeBilinear(
            tf
              .tensor3d(Int32Array.from(decoded!.data), [decoded!.height, decoded!.width, 3], 'int32')
              .toFloat()
              .div<tf.Tensor3D>(255),
            input.size,
            true,
          )
          .dataSync(),
      );
      expect(fed.length, id).toBe(theirs.length);
      let worst = 0;
      for (let i = 0; i < fed.length; i++) worst = Math.max(worst, Math.abs(fed[i]! - theirs[i]!));
      expect(worst, `${id}: largest pixel difference`).toBeLessThanOrEqual(1e-5);
    }
  });

  for (const [name, dir] of Object.entries(NSFWJS_MODELS)) {
    it(`${name}: every score within 1e-4 of nsfwjs`, async () => {
      const card = await loadModelCard(dir);
      const input = card.inputs[0]!;
      if (input.kind !== 'image') throw new Error('nsfwjs cards read images');
      const predictor = await createPredictor(dir, { threads: 1 });
      const ours = await predictor.predict({
        rows: images.length,
        columns: { image: { kind: 'bytes', values: images } },
      });
      await predictor.release();
      expect(ours.invalidRows).toEqual([]);

      const reference = await loadNsfwjs(name as ModelName, { size: input.size[0] });
      for (const [r, { id, decoded }] of picked.entries()) {
        const tensor = tf.tensor3d(
          Int32Array.from(decoded!.data),
          [decoded!.height, decoded!.width, 3],
          'int32',
        );
        const classes = await reference.classify(tensor as never, 5);
        tensor.dispose();
        const byLabel = new Map<string, number>(classes.map((c) => [c.className, c.probability]));
        card.labels.forEach((label, k) => {
          const theirs = byLabel.get(label);
          expect(theirs, `${id} ${label}`).toBeDefined();
          const mine = ours.scores[r * card.labels.length + k]!;
          expect(
            Math.abs(mine - theirs!),
            `${id} ${label}: modeval ${mine} vs nsfwjs ${theirs}`,
          ).toBeLessThanOrEqual(1e-4);
        });
      }
      reference.dispose();
    }, 300_000);
  }
});
