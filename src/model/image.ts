import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { BadInputError } from '../util/errors.js';
import { errnoCode, formatBytes, readBytesFile } from '../util/files.js';
import { alphaOf, IMAGE_MAX_BYTES, type ImageInput } from './card.js';
import type { RowIssue } from './preprocess.js';
import { resizeBilinear, resizeNearest } from './resample.js';

/**
 * Image preprocessing: encoded bytes → the pixel tensor a card declares. Decoding is libvips
 * through sharp; every way an image can be bad (empty, corrupt, truncated, not an image, a format
 * we do not decode, a header claiming more pixels than `maxPixels`) becomes a row reason.
 */

/** Formats decoded. SVG (external references, a renderer) and PDF are refused on purpose. */
const DECODED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** Seconds libvips may spend on one image before the row is given up. */
const DECODE_TIMEOUT_S = 30;

let sharpLoaded: Promise<(input: Uint8Array, options: SharpOptions) => Sharp> | undefined;

/** sharp, loaded on the first image: a text model's workers never pay for libvips. */
function sharpLib(): Promise<(input: Uint8Array, options: SharpOptions) => Sharp> {
  sharpLoaded ??= import('sharp').then(({ default: sharp }) => {
    // Images are seen once: libvips's operation cache would only hold memory.
    sharp.cache(false);
    return sharp;
  });
  return sharpLoaded;
}

export type PixelArray = Float32Array | Uint8Array;

/** Values per image in the tensor: height × width × channels. */
export function imageValueCount(input: ImageInput): number {
  return input.size[0] * input.size[1] * input.channels;
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n', 1)[0]!.trim() || 'decoder error';
}

/**
 * Decode one image into pixels at the input size, height × width × channels (HWC, row-major) with
 * values in [0, 255]: 8-bit from a `libvips` resize, float from a `bilinear`/`nearest` one. A string
 * says why the image cannot be used.
 */
export async function decodePixels(bytes: Uint8Array, input: ImageInput): Promise<PixelArray | string> {
  if (bytes.byteLength === 0) return 'empty image (0 bytes)';
  const options = {
    limitInputPixels: input.maxPixels,
    failOn: 'error' as const,
    autoOrient: input.orient === 'exif',
  };
  const sharp = await sharpLib();
  let meta: Metadata;
  try {
    // The header alone (no pixels decoded, so no limit needed): a bomb is refused below, with its size.
    meta = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch (err) {
    return `not a decodable image: ${reasonOf(err)}`;
  }
  if (meta.format === undefined || !DECODED_FORMATS.has(meta.format)) {
    return `unsupported image format ${meta.format ?? 'unknown'}; decoded: ${[...DECODED_FORMATS].join(', ')}`;
  }
  const { width, height } = meta;
  if (!width || !height) return 'the image header has no dimensions';
  if (width * height > input.maxPixels) {
    return `image is ${width}×${height} = ${width * height} pixels, over the limit of ${input.maxPixels} (maxPixels)`;
  }
  const [h, w] = input.size;
  try {
    let img = sharp(bytes, options).timeout({ seconds: DECODE_TIMEOUT_S });
    if (alphaOf(input) === 'flatten') img = img.flatten({ background: input.background! });
    // libvips resizes here; bilinear/nearest take the full-size pixels and resize them below.
    if (input.resize === 'libvips') {
      img = img.resize(w, h, {
        fit: input.fit,
        kernel: input.kernel,
        ...(input.background !== undefined ? { background: input.background } : {}),
      });
    }
    img = input.channels === 1 ? img.greyscale() : img.toColourspace('srgb');
    const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const at = input.resize === 'libvips' ? { w, h } : { w: info.width, h: info.height };
    if (
      info.width !== at.w ||
      info.height !== at.h ||
      info.channels !== input.channels ||
      data.length !== at.w * at.h * input.channels
    ) {
      return `decoded to ${info.width}×${info.height}×${info.channels}, expected ${at.w}×${at.h}×${input.channels}`;
    }
    if (input.resize === 'libvips') return pixels;
    const full = { data: pixels, height: info.height, width: info.width, channels: input.channels };
    const grid = input.coordinates!;
    return input.resize === 'bilinear' ? resizeBilinear(full, h, w, grid) : resizeNearest(full, h, w, grid);
  } catch (err) {
    return `cannot decode the image: ${reasonOf(err)}`;
  }
}

/** Write one image's HWC pixels into `out` at `offset`, in the card's layout, dtype and normalisation. */
export function writePixels(pixels: PixelArray, input: ImageInput, out: PixelArray, offset: number): void {
  const [h, w] = input.size;
  const c = input.channels;
  const plane = h * w;
  const mean = Float32Array.from({ length: c }, (_, k) => input.mean?.[input.mean.length === 1 ? 0 : k] ?? 0);
  const std = Float32Array.from({ length: c }, (_, k) => input.std?.[input.std.length === 1 ? 0 : k] ?? 1);
  const raw = input.dtype === 'uint8';
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < c; k++) {
      const v = pixels[p * c + k]!;
      const at = input.layout === 'nhwc' ? offset + p * c + k : offset + k * plane + p;
      out[at] = raw ? v : (v * input.scale - mean[k]!) / std[k]!;
    }
  }
}

/** `rel` (from `relative(root, x)`) names `root` itself or a path below it. */
function isInside(rel: string): boolean {
  return !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

/**
 * A dataset value that names an image file, resolved inside `root` (the dataset's folder). Data
 * is hostile: an absolute path or one climbing out of the folder is a row reason, never read.
 * Links are resolved first and the real path must stay under the folder's real path (a link in
 * the folder to /etc/passwd, /dev/zero or another folder is refused); the file is then opened
 * non-blocking without following a link, must be a regular file (a FIFO named x.png cannot hang
 * the run) and is read to at most `maxBytes` + 1 bytes.
 */
export async function readImageFile(
  root: string,
  value: string,
  maxBytes: number = IMAGE_MAX_BYTES,
): Promise<Uint8Array | string> {
  if (value === '' || value.includes('\0')) return 'empty or malformed image path';
  if (isAbsolute(value)) return 'image path must be relative to the dataset folder';
  const full = resolve(root, value);
  const rel = relative(root, full);
  if (rel === '' || !isInside(rel)) return 'image path points outside the dataset folder';
  let real: string;
  try {
    const [realRoot, realFull] = await Promise.all([realpath(root), realpath(full)]);
    if (!isInside(relative(realRoot, realFull)) || realFull === realRoot) {
      return 'image path points outside the dataset folder (through a symbolic link)';
    }
    real = realFull;
  } catch (err) {
    return `cannot read image file: ${errnoCode(err)}`;
  }
  try {
    return await readBytesFile(real, 'image file', { maxBytes, noFollow: true });
  } catch (err) {
    if (err instanceof BadInputError) return err.message.replace(/^cannot read the /, 'cannot read ');
    return `cannot read image file: ${errnoCode(err)}`;
  }
}

/** An image already in memory (a Binary column) obeys the same byte cap as a file. */
function bytesWithinCap(bytes: Uint8Array, maxBytes: number): Uint8Array | string {
  if (bytes.byteLength <= maxBytes) return bytes;
  return `the image is larger than the ${formatBytes(maxBytes)} modeval reads (${formatBytes(bytes.byteLength)})`;
}

/** One batch's image column: encoded bytes per row, or a file path per row. */
export type ImageColumn =
  | { kind: 'bytes'; values: readonly (Uint8Array | null)[] }
  | { kind: 'paths'; root: string; values: readonly (string | null | undefined)[] };

/**
 * Decode a batch of images (at most `concurrency` at a time; libvips threads inside each).
 * Returns HWC pixels per row (null where the row has an issue) and the rows' issues.
 */
export async function decodeImageBatch(
  column: ImageColumn,
  input: ImageInput,
  concurrency = 2,
): Promise<{ pixels: (PixelArray | null)[]; issues: RowIssue[] }> {
  const rows = column.values.length;
  const pixels = new Array<PixelArray | null>(rows).fill(null);
  const reasons = new Array<string | undefined>(rows);
  let next = 0;
  const one = async (r: number) => {
    const v = column.values[r];
    if (v === null || v === undefined) {
      reasons[r] = 'missing image (null)';
      return;
    }
    const bytes =
      column.kind === 'bytes'
        ? bytesWithinCap(v as Uint8Array, input.maxBytes)
        : await readImageFile(column.root, v as string, input.maxBytes);
    const out = typeof bytes === 'string' ? bytes : await decodePixels(bytes, input);
    if (typeof out === 'string') reasons[r] = out;
    else pixels[r] = out;
  };
  const lane = async () => {
    while (next < rows) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rows)) }, lane));
  const issues: RowIssue[] = [];
  reasons.forEach((reason, row) => {
    if (reason !== undefined) issues.push({ row, reason });
  });
  return { pixels, issues };
}

/** The tensor of the selected rows' images, [rows, …size] in the card's layout and dtype. */
export function packImages(
  pixels: readonly (PixelArray | null)[],
  input: ImageInput,
  select: readonly number[],
): { data: PixelArray; dims: number[] } {
  const n = imageValueCount(input);
  const data =
    input.dtype === 'uint8' ? new Uint8Array(select.length * n) : new Float32Array(select.length * n);
  select.forEach((r, i) => {
    writePixels(pixels[r]!, input, data, i * n);
  });
  const [h, w] = input.size;
  const dims =
    input.layout === 'nhwc' ? [select.length, h, w, input.channels] : [select.length, input.channels, h, w];
  return { data, dims };
}
