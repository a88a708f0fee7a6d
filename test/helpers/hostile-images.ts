import { crc32 } from 'node:zlib';

/**
 * SYNTHETIC hostile images, made from real ones: the real golden set has none of these shapes.
 * Each entry is what an attacker or a broken upload pipeline can put in an image column.
 */
export function hostileImages(png: Uint8Array, jpeg: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  out.set('zero-bytes', new Uint8Array(0));
  out.set('truncated-jpeg', jpeg.slice(0, Math.floor(jpeg.length / 2)));
  const corrupt = png.slice();
  // Overwrite the middle of the compressed image data: the header still parses.
  for (let i = Math.floor(corrupt.length / 3); i < Math.floor((2 * corrupt.length) / 3); i++)
    corrupt[i] = (i * 7919) & 0xff;
  out.set('corrupt-png', corrupt);
  out.set('bomb-png', pngClaiming(png, 60_000, 60_000));
  out.set('not-an-image', new TextEncoder().encode('<html><script>alert(1)</script></html>'));
  out.set(
    'svg',
    new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="http://example.com/x.png"/></svg>',
    ),
  );
  return out;
}

/**
 * A decompression bomb's header: the PNG's IHDR rewritten to claim width × height pixels (CRC
 * fixed), so a decoder that trusts it would allocate width × height × 4 bytes.
 */
export function pngClaiming(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = png.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (String.fromCharCode(...out.subarray(12, 16)) !== 'IHDR') throw new Error('not a PNG');
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}
