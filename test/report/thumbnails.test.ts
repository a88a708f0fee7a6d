import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { auditMarkup } from '../../src/report/audit.js';
import { makeThumbnail, THUMBNAIL_MAX_BYTES, THUMBNAIL_SIDE } from '../../src/report/thumbnails.js';
import { pngClaiming } from '../helpers/hostile-images.js';
import { someGoldenImages } from '../helpers/images.js';

/** Mean absolute difference between horizontally adjacent pixels: high for detail, low when blurred. */
async function detail(uri: string): Promise<number> {
  const { data, info } = await sharp(Buffer.from(uri.split(',')[1]!, 'base64'))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = 1; x < info.width; x++)
      sum += Math.abs(data[y * info.width + x]! - data[y * info.width + x - 1]!);
  return sum / (info.height * (info.width - 1));
}

describe('report thumbnails', () => {
  it('are small JPEG data URIs; blurred ones lose their detail', async () => {
    const { images } = await someGoldenImages(25);
    for (const bytes of images) {
      const sharpThumb = (await makeThumbnail(bytes, false))!;
      const blurred = (await makeThumbnail(bytes, true))!;
      expect(sharpThumb.uri).toMatch(/^data:image\/jpeg;base64,/);
      expect(blurred.blurred).toBe(true);
      for (const t of [sharpThumb, blurred]) {
        const jpeg = Buffer.from(t.uri.split(',')[1]!, 'base64');
        expect(jpeg.length).toBeLessThanOrEqual(THUMBNAIL_MAX_BYTES);
        const meta = await sharp(jpeg).metadata();
        expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(THUMBNAIL_SIDE);
      }
      expect(await detail(blurred.uri)).toBeLessThanOrEqual((await detail(sharpThumb.uri)) + 1e-9);
    }
  });

  it('skip what they cannot draw safely: a bomb header, an SVG, garbage', async () => {
    const { images } = await someGoldenImages(1);
    const png = images.find((b) => b[0] === 0x89)!;
    expect(await makeThumbnail(pngClaiming(png, 60_000, 60_000), false)).toBeUndefined();
    expect(
      await makeThumbnail(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), false),
    ).toBeUndefined();
    expect(await makeThumbnail(new Uint8Array([1, 2, 3]), false)).toBeUndefined();
  });

  it('the markup audit allows only an <img> whose one URL is a base64 image data URI', () => {
    const ok = '<img class="thumb" src="data:image/jpeg;base64,AAAA/+9=" alt="thumbnail">';
    expect(auditMarkup(ok)).toEqual([]);
    for (const bad of [
      '<img src="https://example.com/x.jpg" alt="x">',
      '<img src="data:image/svg+xml;base64,AAAA" alt="x">',
      '<img src="data:text/html;base64,AAAA" alt="x">',
      '<img src="data:image/jpeg;base64,AAAA" onerror="alert(1)" alt="x">',
      '<img src="data:image/jpeg;base64,AAAA" srcset="https://example.com/x.jpg 2x">',
      '<img alt="no source">',
    ]) {
      expect(auditMarkup(bad), bad).not.toEqual([]);
    }
  });
});
