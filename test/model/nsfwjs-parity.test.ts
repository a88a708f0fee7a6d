import * as tf from '@tensorflow/tfjs-core';
import { load as loadNsfwjs, type ModelName } from 'nsfwjs';
import { describe, expect, it } from 'vitest';
import { loadModelCard } from '../../src/model/card.js';
import { decodePixels } from '../../src/model/image.js';
import { createPredictor } from '../../src/model/predictor.js';
import { NSFWJS_MODELS, someGoldenImages } from '../helpers/images.js';

/**
 * modeval's scores for the three nsfwjs models equal nsfwjs's own `classify()` on the same images.
 * "Same decoding": both get the pixels modeval's decoder produces at the model's input size, so
 * nsfwjs skips its own resize and only divides by 255, as modeval's card says (scale 1/255).
 * nsfwjs loads its weights from its own bundles; modeval reads the same files through the card.
 */
describe('parity with nsfwjs classify()', async () => {
  // About 10 real images spread over the golden set (clip art and wallpapers, both labels).
  const { ids, images } = await someGoldenImages(20);

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
      let worst = 0;
      for (const [r, bytes] of images.entries()) {
        const pixels = await decodePixels(bytes, input);
        if (typeof pixels === 'string') throw new Error(`${ids[r]}: ${pixels}`);
        const tensor = tf.tensor3d(Int32Array.from(pixels), [input.size[0], input.size[1], 3], 'int32');
        const classes = await reference.classify(tensor as never, 5);
        tensor.dispose();
        const byLabel = new Map<string, number>(classes.map((c) => [c.className, c.probability]));
        card.labels.forEach((label, k) => {
          const theirs = byLabel.get(label);
          expect(theirs, `${ids[r]} ${label}`).toBeDefined();
          const diff = Math.abs(ours.scores[r * card.labels.length + k]! - theirs!);
          worst = Math.max(worst, diff);
          expect(
            diff,
            `${ids[r]} ${label}: modeval ${ours.scores[r * card.labels.length + k]} vs nsfwjs ${theirs}`,
          ).toBeLessThanOrEqual(1e-4);
        });
      }
      reference.dispose();
      // The comparison must have compared something.
      expect(images.length).toBeGreaterThanOrEqual(10);
      expect(worst).toBeGreaterThanOrEqual(0);
    });
  }
});
