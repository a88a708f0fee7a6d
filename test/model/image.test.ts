import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageInputSchema } from '../../src/model/card.js';
import { decodeImageBatch, decodePixels, packImages, readImageFile } from '../../src/model/image.js';
import { hostileImages } from '../helpers/hostile-images.js';
import { someGoldenImages } from '../helpers/images.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const input = (over: Record<string, unknown> = {}) =>
  ImageInputSchema.parse({ kind: 'image', tensor: 'x', size: [2, 3], ...over });

/** A 3×2 RGB image with known pixels (SYNTHETIC: exact values the real images cannot pin). */
async function knownPng(): Promise<{ png: Buffer; pixels: number[] }> {
  const pixels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180];
  const png = await sharp(Buffer.from(pixels), { raw: { width: 3, height: 2, channels: 3 } })
    .png()
    .toBuffer();
  return { png, pixels };
}

describe('image decoding', () => {
  it('decodes at the input size without resampling when sizes match, in HWC order', async () => {
    const { png, pixels } = await knownPng();
    const out = await decodePixels(png, input({ kernel: 'nearest' }));
    expect(Array.from(out as Uint8Array)).toEqual(pixels);
  });

  it('lays out NHWC and NCHW, scales, and normalises per channel', async () => {
    const { png, pixels } = await knownPng();
    const nhwc = input({ scale: 1, mean: [10, 20, 30], std: [2, 4, 5] });
    const decoded = (await decodePixels(png, nhwc)) as Uint8Array;
    const a = packImages([decoded], nhwc, [0]);
    expect(a.dims).toEqual([1, 2, 3, 3]);
    const means = [10, 20, 30];
    const stds = [2, 4, 5];
    expect(Array.from(a.data)).toEqual(pixels.map((v, i) => (v - means[i % 3]!) / stds[i % 3]!));
    const nchw = input({ layout: 'nchw', dtype: 'uint8' });
    const b = packImages([decoded], nchw, [0]);
    expect(b.dims).toEqual([1, 3, 2, 3]);
    expect(b.data).toBeInstanceOf(Uint8Array);
    // Channel planes: every red value, then every green, then every blue.
    expect(Array.from(b.data)).toEqual([0, 1, 2].flatMap((c) => pixels.filter((_, i) => i % 3 === c)));
  });

  it('flattens transparency onto the card background, and makes one grey channel when asked', async () => {
    const rgba = await sharp(Buffer.from([255, 0, 0, 0, 0, 0, 255, 255]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    const one = input({ size: [1, 2], background: '#00ff00', kernel: 'nearest' });
    expect(Array.from((await decodePixels(rgba, one)) as Uint8Array)).toEqual([0, 255, 0, 0, 0, 255]);
    const grey = input({ size: [1, 2], channels: 1, background: '#ffffff', kernel: 'nearest' });
    const g = (await decodePixels(rgba, grey)) as Uint8Array;
    expect(g.length).toBe(2);
    expect(g[0]).toBe(255);
  });

  it('orient none keeps the stored pixel order of an EXIF-rotated image, exif rotates it', async () => {
    const { png, pixels } = await knownPng();
    // Orientation 6: displayed rotated 90° clockwise, so 3×2 stored becomes 2×3 shown.
    const rotated = await sharp(png).withMetadata({ orientation: 6 }).png().toBuffer();
    const kept = await decodePixels(rotated, input({ kernel: 'nearest', orient: 'none' }));
    expect(Array.from(kept as Uint8Array)).toEqual(pixels);
    const turned = await decodePixels(rotated, input({ size: [3, 2], kernel: 'nearest', orient: 'exif' }));
    // Shown column-major from the bottom-left: first shown row = stored column 0, bottom to top.
    expect(Array.from((turned as Uint8Array).subarray(0, 6))).toEqual([100, 110, 120, 10, 20, 30]);
  });

  it('resize bilinear: full-size pixels, alpha dropped or flattened, resized in float', async () => {
    // 2×1 RGBA: an opaque red pixel and a transparent pixel storing blue.
    const rgba = await sharp(Buffer.from([255, 0, 0, 255, 0, 0, 255, 0]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    const at = (over: Record<string, unknown>) =>
      decodePixels(rgba, input({ size: [1, 3], resize: 'bilinear', coordinates: 'align-corners', ...over }));
    const dropped = await at({});
    expect(dropped).toBeInstanceOf(Float32Array);
    // align-corners: output x = 0, 1, 2 samples source 0, 0.5, 1.
    expect(Array.from(dropped as Float32Array)).toEqual([255, 0, 0, 127.5, 0, 127.5, 0, 0, 255]);
    const white = await at({ background: '#ffffff' });
    expect(Array.from(white as Float32Array)).toEqual([255, 0, 0, 255, 127.5, 127.5, 255, 255, 255]);
    const kept = await at({ background: '#ffffff', alpha: 'drop' });
    expect(Array.from(kept as Float32Array)).toEqual(Array.from(dropped as Float32Array));
  });

  it('gives every hostile image a reason instead of throwing, and decodes the real ones', async () => {
    const { images } = await someGoldenImages(1);
    const png = images.find((b) => b[0] === 0x89)!;
    const jpeg = images.find((b) => b[0] === 0xff)!;
    const hostile = hostileImages(png, jpeg);
    const card = input({ size: [32, 32], maxPixels: 40_000_000 });
    const names = [...hostile.keys()];
    const { pixels, issues } = await decodeImageBatch(
      { kind: 'bytes', values: [png, ...hostile.values(), jpeg, null] },
      card,
    );
    expect(pixels[0]).toBeInstanceOf(Uint8Array);
    expect(pixels[names.length + 1]).toBeInstanceOf(Uint8Array);
    const reasons = new Map(
      issues.map((i) => [i.row === names.length + 2 ? 'null' : names[i.row - 1]!, i.reason]),
    );
    expect([...reasons.keys()].sort()).toEqual([...names, 'null'].sort());
    expect(reasons.get('zero-bytes')).toMatch(/empty image \(0 bytes\)/);
    expect(reasons.get('truncated-jpeg')).toMatch(/cannot decode|truncated|premature/i);
    expect(reasons.get('corrupt-png')).toMatch(/cannot decode|not a decodable/);
    expect(reasons.get('bomb-png')).toMatch(/60000×60000 = 3600000000 pixels, over the limit of 40000000/);
    expect(reasons.get('not-an-image')).toMatch(/not a decodable image/);
    expect(reasons.get('svg')).toMatch(/unsupported image format svg/);
    expect(reasons.get('null')).toMatch(/missing image/);
  });

  it('reads image paths only inside the dataset folder', async () => {
    const root = join(tmp(), 'data');
    mkdirSync(join(root, 'img'), { recursive: true });
    writeFileSync(join(root, 'img', 'a.png'), (await knownPng()).png);
    writeFileSync(join(tmp(), 'secret.png'), (await knownPng()).png);
    expect(await readImageFile(root, 'img/a.png')).toBeInstanceOf(Uint8Array);
    expect(await readImageFile(root, '../secret.png')).toMatch(/outside the dataset folder/);
    expect(await readImageFile(root, 'img/../../secret.png')).toMatch(/outside the dataset folder/);
    expect(await readImageFile(root, join(tmp(), 'secret.png'))).toMatch(/relative to the dataset folder/);
    expect(await readImageFile(root, 'img/missing.png')).toMatch(/ENOENT/);
    expect(await readImageFile(root, '')).toMatch(/empty/);
  });
});
