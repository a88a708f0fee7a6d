import type * as tfjs from '@tensorflow/tfjs';
import type { EncodedText } from '../../src/model/preprocess.js';
import { type Architecture, forward, type Tf } from './architectures.js';

/** ids int32 and mask float32, [rows, longest row]: the TF.js side of src/model/preprocess padEncoded. */
export function padForTf(encoded: readonly EncodedText[], padId: number) {
  let seq = 1;
  for (const e of encoded) seq = Math.max(seq, e.ids.length);
  const ids = new Int32Array(encoded.length * seq).fill(padId);
  const mask = new Float32Array(encoded.length * seq);
  encoded.forEach((e, r) => {
    ids.set(e.ids, r * seq);
    mask.fill(1, r * seq, r * seq + e.ids.length);
  });
  return { ids, mask, rows: encoded.length, seq };
}

export function tfLogits(
  tf: Tf,
  arch: Architecture,
  params: ReadonlyMap<string, tfjs.Tensor>,
  encoded: readonly EncodedText[],
  padId: number,
): Float32Array {
  const b = padForTf(encoded, padId);
  return tf.tidy(() => {
    const ids = tf.tensor2d(b.ids, [b.rows, b.seq], 'int32');
    const mask = tf.tensor2d(b.mask, [b.rows, b.seq], 'float32');
    return forward(tf, arch, params, ids, mask).dataSync() as Float32Array;
  });
}
