import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeBilinear, resizeNearest, type SamplingGrid } from '../../src/model/resample.js';

/**
 * modeval's float resizes against TF.js's own kernels (tfjs-backend-cpu's ResizeBilinear and
 * ResizeNearestNeighbor) on the same pixels, for every sampling grid, up and down, odd sizes.
 */
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const GRIDS: { grid: SamplingGrid; alignCorners: boolean; halfPixelCenters: boolean }[] = [
  { grid: 'align-corners', alignCorners: true, halfPixelCenters: false },
  { grid: 'half-pixel', alignCorners: false, halfPixelCenters: true },
  { grid: 'asymmetric', alignCorners: false, halfPixelCenters: false },
];
const SHAPES: [number, number, number, number, number][] = [
  // [height, width, channels, outHeight, outWidth]
  [37, 53, 3, 7, 11],
  [5, 4, 3, 13, 9],
  [64, 48, 1, 64, 48],
  [1, 9, 3, 4, 1],
  [300, 211, 3, 224, 224],
];

/** Deterministic pixel values in [0, 255] (a linear congruential sequence). */
function pixels(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('resizeBilinear / resizeNearest match TF.js', () => {
  for (const { grid, alignCorners, halfPixelCenters } of GRIDS) {
    for (const [h, w, c, oh, ow] of SHAPES) {
      it(`${grid}: ${h}×${w}×${c} → ${oh}×${ow}`, () => {
        const data = pixels(h * w * c, h * 7 + w);
        const img = { data, height: h, width: w, channels: c };
        const t = tf.tensor3d(Float32Array.from(data), [h, w, c]);
        const bilinear = tf.image.resizeBilinear(t, [oh, ow], alignCorners, halfPixelCenters).dataSync();
        const nearest = tf.image
          .resizeNearestNeighbor(t, [oh, ow], alignCorners, halfPixelCenters)
          .dataSync();
        t.dispose();
        const ours = resizeBilinear(img, oh, ow, grid);
        expect(ours.length).toBe(bilinear.length);
        let worst = 0;
        ours.forEach((v, i) => {
          worst = Math.max(worst, Math.abs(v - bilinear[i]!));
        });
        expect(worst).toBeLessThanOrEqual(1e-4);
        expect(Array.from(resizeNearest(img, oh, ow, grid))).toEqual(Array.from(nearest));
      });
    }
  }

  it('a same-size resize is the identity on every grid', () => {
    const data = pixels(6 * 5 * 3, 3);
    for (const { grid } of GRIDS) {
      const img = { data, height: 6, width: 5, channels: 3 };
      expect(Array.from(resizeBilinear(img, 6, 5, grid))).toEqual(Array.from(data));
      expect(Array.from(resizeNearest(img, 6, 5, grid))).toEqual(Array.from(data));
    }
  });
});
