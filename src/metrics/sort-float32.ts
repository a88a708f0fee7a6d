/**
 * In-place ascending sort of a Float32Array by LSD radix sort on the IEEE-754 bit patterns (three
 * 11-bit digit passes, O(n), one temporary buffer of n words). About an order of magnitude faster
 * than the engine's comparison sort at 10^7 scores, which dominates ROC-AUC time otherwise.
 *
 * The bit patterns are mapped to unsigned keys that order like the numbers (flip every bit of a
 * negative, set the sign bit of a positive), sorted, and mapped back. NaN must not be present
 * (callers reject it); -0 sorts before +0, as with TypedArray#sort.
 */

const SMALL = 4096;
const DIGIT_BITS = 11;
const RADIX = 1 << DIGIT_BITS;
const MASK = RADIX - 1;

export function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  if (n < SMALL) return values.sort();
  const keys = new Uint32Array(values.buffer, values.byteOffset, n);
  const hist = new Uint32Array(3 * RADIX);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const m = (k & 0x80000000 ? ~k : k | 0x80000000) >>> 0;
    keys[i] = m;
    hist[m & MASK]!++;
    hist[RADIX + ((m >>> DIGIT_BITS) & MASK)]!++;
    hist[2 * RADIX + (m >>> (2 * DIGIT_BITS))]!++;
  }
  let src: Uint32Array = keys;
  let dst: Uint32Array = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX;
    const shift = pass * DIGIT_BITS;
    // A digit shared by every key leaves the order unchanged: skip the pass.
    let skip = false;
    for (let d = 0; d < RADIX; d++) {
      const c = hist[base + d]!;
      if (c === n) skip = true;
      if (c !== 0) break;
    }
    if (skip) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = hist[base + d]!;
      hist[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const m = src[i]!;
      const d = base + ((m >>> shift) & MASK);
      dst[hist[d]!++] = m;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== keys) keys.set(src);
  for (let i = 0; i < n; i++) {
    const m = keys[i]!;
    keys[i] = m & 0x80000000 ? m ^ 0x80000000 : ~m;
  }
  return values;
}
