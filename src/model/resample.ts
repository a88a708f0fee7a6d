/**
 * Resizing without antialiasing, on float pixels, the way TF.js's `tf.image.resizeBilinear` and
 * `tf.image.resizeNearestNeighbor` compute it (tfjs-backend-cpu's kernels, which TensorFlow's C++
 * kernels match): each output pixel samples the source at a mapped coordinate, so a large
 * downscale reads only a few source pixels per output pixel, as the reference pipelines do.
 * Pure functions over HWC arrays.
 */

export type SamplingGrid = 'align-corners' | 'half-pixel' | 'asymmetric';

export interface HwcImage {
  data: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
}

/** in/out size ratio of one axis; align-corners maps the corner pixels onto each other. */
function ratio(inSize: number, outSize: number, grid: SamplingGrid): number {
  return grid === 'align-corners' && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

/** The source coordinate sampled for output index `i`. */
function sourceAt(i: number, r: number, grid: SamplingGrid): number {
  return grid === 'half-pixel' ? r * (i + 0.5) - 0.5 : r * i;
}

/** Bilinear resize to outH × outW (float32 output, same channels). */
export function resizeBilinear(img: HwcImage, outH: number, outW: number, grid: SamplingGrid): Float32Array {
  const { data, height, width, channels: c } = img;
  const out = new Float32Array(outH * outW * c);
  const rowRatio = ratio(height, outH, grid);
  const colRatio = ratio(width, outW, grid);
  // Column taps are the same for every row: compute them once.
  const colLo = new Int32Array(outW);
  const colHi = new Int32Array(outW);
  const colFrac = new Float64Array(outW);
  for (let x = 0; x < outW; x++) {
    const src = sourceAt(x, colRatio, grid);
    const lo = Math.max(0, Math.floor(src));
    colLo[x] = lo * c;
    colHi[x] = Math.min(width - 1, Math.ceil(src)) * c;
    colFrac[x] = src - lo;
  }
  let o = 0;
  for (let y = 0; y < outH; y++) {
    const src = sourceAt(y, rowRatio, grid);
    const lo = Math.max(0, Math.floor(src));
    const rowFrac = src - lo;
    const top = lo * width * c;
    const bottom = Math.min(height - 1, Math.ceil(src)) * width * c;
    for (let x = 0; x < outW; x++) {
      const f = colFrac[x]!;
      for (let k = 0; k < c; k++) {
        const tl = data[top + colLo[x]! + k]!;
        const tr = data[top + colHi[x]! + k]!;
        const bl = data[bottom + colLo[x]! + k]!;
        const br = data[bottom + colHi[x]! + k]!;
        const t = tl + (tr - tl) * f;
        const b = bl + (br - bl) * f;
        out[o++] = t + (b - t) * rowFrac;
      }
    }
  }
  return out;
}

/** The source index nearest-neighbour picks for output index `i`. */
function nearestAt(i: number, r: number, inSize: number, grid: SamplingGrid): number {
  const src = r * (grid === 'half-pixel' ? i + 0.5 : i);
  const n = Math.min(inSize - 1, grid === 'align-corners' ? Math.round(src) : Math.floor(src));
  return grid === 'half-pixel' ? Math.max(0, n) : n;
}

/** Nearest-neighbour resize to outH × outW (float32 output, same channels). */
export function resizeNearest(img: HwcImage, outH: number, outW: number, grid: SamplingGrid): Float32Array {
  const { data, height, width, channels: c } = img;
  const out = new Float32Array(outH * outW * c);
  const rowRatio = ratio(height, outH, grid);
  const colRatio = ratio(width, outW, grid);
  const cols = Int32Array.from({ length: outW }, (_, x) => nearestAt(x, colRatio, width, grid) * c);
  let o = 0;
  for (let y = 0; y < outH; y++) {
    const row = nearestAt(y, rowRatio, height, grid) * width * c;
    for (let x = 0; x < outW; x++) {
      for (let k = 0; k < c; k++) out[o++] = data[row + cols[x]! + k]!;
    }
  }
  return out;
}
