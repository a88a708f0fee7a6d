import { inflateSync } from 'node:zlib';

/**
 * An independent PNG decoder for parity tests, following TensorFlow's `decode_png` with 3
 * channels (tensorflow/core/lib/png/png_io.cc, CommonInitDecode): the alpha channel and tRNS are
 * stripped (transparent pixels keep the colour they store), 16-bit samples keep their high byte
 * (png_set_strip_16), palettes expand to RGB, grey becomes R = G = B (1/2/4-bit grey scaled to
 * 8 bits as png_set_expand_gray_1_2_4_to_8 does), and no gamma is applied. Interlaced images are
 * refused (returns undefined): the tests pick the others.
 */
export function decodePngAsTensorflow(
  png: Uint8Array,
): { data: Uint8Array; height: number; width: number } | undefined {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colour = 0;
  let interlace = 0;
  let palette: Uint8Array = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  while (pos + 8 <= png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      depth = body[8]!;
      colour = body[9]!;
      interlace = body[12]!;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (interlace !== 0) return undefined;
  const samples = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour as 0 | 2 | 3 | 4 | 6];
  const bitsPerPixel = samples * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const raw = inflateSync(Buffer.concat(idat));
  const rows = new Uint8Array(stride * height);
  const prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    const up = y === 0 ? prev : rows.subarray((y - 1) * stride, y * stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp]! : 0;
      const b = up[i]!;
      const c = i >= bpp ? up[i - bpp]! : 0;
      let p: number;
      if (filter === 0) p = 0;
      else if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else {
        const e = a + b - c;
        const da = Math.abs(e - a);
        const db = Math.abs(e - b);
        const dc = Math.abs(e - c);
        p = da <= db && da <= dc ? a : db <= dc ? b : c;
      }
      out[i] = (line[i]! + p) & 0xff;
    }
  }
  /** Sample s (0-based, over the row's samples) of row y, as an 8-bit value or palette index. */
  const sample = (y: number, s: number): number => {
    const row = y * stride;
    if (depth === 16) return rows[row + s * 2]!;
    if (depth === 8) return rows[row + s]!;
    const bit = s * depth;
    const v = (rows[row + (bit >> 3)]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return colour === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (colour === 3) {
        const k = sample(y, x) * 3;
        data.set(palette.subarray(k, k + 3), o);
      } else if (colour === 0 || colour === 4) {
        data.fill(sample(y, x * samples), o, o + 3);
      } else {
        for (let k = 0; k < 3; k++) data[o + k] = sample(y, x * samples + k);
      }
    }
  }
  return { data, height, width };
}

/** The PNG's colour type and whether it can be transparent (an alpha channel or a tRNS chunk). */
export function pngHasAlpha(png: Uint8Array): boolean {
  const colour = png[25]!;
  return colour === 4 || colour === 6 || Buffer.from(png).includes('tRNS');
}
