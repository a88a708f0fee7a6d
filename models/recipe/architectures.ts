import type * as tfjs from '@tensorflow/tfjs';
import { loadWithDependencies } from '../../src/util/optional-deps.js';
import { type Rng, uniform } from './prng.js';

/**
 * The two reference architectures, written once as TF.js forward passes. Training uses them, and
 * the ONNX exporter (onnx-export.ts) mirrors them op for op; the parity test runs both.
 */

export type Tf = typeof tfjs;

export type Architecture =
  /** v1: embedding → masked mean pooling → dense → 2 logits. */
  | { kind: 'mean-pool'; vocabSize: number; dim: number; labels: number }
  /** v2: embedding → ReLU → masked max pooling → dense + ReLU → dense → 2 logits. */
  | { kind: 'max-pool-mlp'; vocabSize: number; dim: number; hidden: number; labels: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Uniform init limit; 0 = zeros. */
  limit: number;
}

const glorot = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));

export function paramSpecs(arch: Architecture): ParamSpec[] {
  const embedding = { name: 'embedding', shape: [arch.vocabSize, arch.dim], limit: 0.05 };
  if (arch.kind === 'mean-pool') {
    return [
      embedding,
      { name: 'dense.weight', shape: [arch.dim, arch.labels], limit: glorot(arch.dim, arch.labels) },
      { name: 'dense.bias', shape: [arch.labels], limit: 0 },
    ];
  }
  return [
    embedding,
    { name: 'hidden.weight', shape: [arch.dim, arch.hidden], limit: glorot(arch.dim, arch.hidden) },
    { name: 'hidden.bias', shape: [arch.hidden], limit: 0 },
    { name: 'out.weight', shape: [arch.hidden, arch.labels], limit: glorot(arch.hidden, arch.labels) },
    { name: 'out.bias', shape: [arch.labels], limit: 0 },
  ];
}

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function initParams(arch: Architecture, rng: Rng): NamedArray[] {
  return paramSpecs(arch).map(({ name, shape, limit }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = limit === 0 ? new Float32Array(n) : uniform(n, limit, rng);
    // The max-pool model reads masked positions as [PAD] (id 0) and relies on its row being zero.
    if (arch.kind === 'max-pool-mlp' && name === 'embedding') data.fill(0, 0, arch.dim);
    return { name, shape, data };
  });
}

export type Params = ReadonlyMap<string, tfjs.Tensor>;

/**
 * Logits [batch, labels] for int32 ids [batch, seq] and a float32 0/1 mask [batch, seq].
 * Both poolings ignore padding exactly. Mean pooling is a batched matMul with weights mask/length
 * (length at least 1, so an empty text gives the bias alone); TF.js's cpu backend does that far
 * faster than a broadcast multiply and a sum. Max pooling looks masked positions up as id 0
 * ([PAD]), whose embedding row is zero and never trained, and takes ReLU features, so a masked
 * position contributes exactly 0, as multiplying by the mask would.
 */
export function forward(
  tf: Tf,
  arch: Architecture,
  params: Params,
  ids: tfjs.Tensor2D,
  mask: tfjs.Tensor2D,
): tfjs.Tensor2D {
  return tf.tidy(() => {
    const p = (name: string) => params.get(name)!;
    if (arch.kind === 'mean-pool') {
      const embedded = embeddingLookup(tf, p('embedding'), ids); // [B, S, D]
      const length = tf.maximum(tf.sum(mask, 1, true), 1); // [B, 1]
      const weights = tf.div(mask, length).expandDims(1) as tfjs.Tensor3D; // [B, 1, S]
      const pooled = tf.squeeze(tf.matMul(weights, embedded), [1]) as tfjs.Tensor2D; // [B, D]
      return tf.add(tf.matMul(pooled, p('dense.weight') as tfjs.Tensor2D), p('dense.bias'));
    }
    const table = p('embedding');
    // Row 0 pinned to zero: slicing it off and putting zeros back keeps its gradient at 0.
    const pinned = tf.concat(
      [tf.zeros([1, arch.dim]), table.slice([1, 0], [arch.vocabSize - 1, arch.dim])],
      0,
    );
    const visible = tf.mul(ids, tf.cast(mask, 'int32')) as tfjs.Tensor2D; // masked positions → id 0
    const features = tf.relu(embeddingLookup(tf, pinned, visible)); // [B, S, D]
    const pooled = tf.max(features, 1) as tfjs.Tensor2D; // [B, D]
    const hidden = tf.relu(tf.add(tf.matMul(pooled, p('hidden.weight') as tfjs.Tensor2D), p('hidden.bias')));
    return tf.add(tf.matMul(hidden as tfjs.Tensor2D, p('out.weight') as tfjs.Tensor2D), p('out.bias'));
  }) as tfjs.Tensor2D;
}

/**
 * `gather(table, ids)` with a scatter-add gradient. TF.js's own gather gradient on the cpu backend
 * goes through unsortedSegmentSum, which loops over every vocabulary row with whole-tensor ops
 * (minutes and gigabytes per step for an 8k vocabulary); scatterND sums duplicate ids in one pass.
 */
export function embeddingLookup(tf: Tf, table: tfjs.Tensor, ids: tfjs.Tensor2D): tfjs.Tensor3D {
  const [vocab, dim] = table.shape as [number, number];
  // Keep the ids as data: the ids tensor may be an intermediate that is disposed before backprop.
  const flatIds = ids.dataSync() as Int32Array;
  const lookup = tf.customGrad((...inputs) => ({
    value: tf.gather(inputs[0] as tfjs.Tensor, ids),
    gradFunc: (dy: tfjs.Tensor) =>
      tf.scatterND(tf.tensor2d(flatIds, [flatIds.length, 1], 'int32'), dy.reshape([-1, dim]), [vocab, dim]),
  }));
  return lookup(table) as tfjs.Tensor3D;
}

/**
 * TF.js with the fastest backend available: tfjs-node when its native library is installed (it is
 * an optional dependency that fails to install offline), else the pure-JS cpu backend.
 */
/** What the recipe imports beyond modeval's runtime dependencies (devDependencies). */
export const RECIPE_PACKAGES = ['@tensorflow/tfjs', 'onnx-proto'] as const;

export async function loadTf(): Promise<{ tf: Tf; backend: string }> {
  const nodeBackend = '@tensorflow/tfjs-node';
  try {
    const tf = (await import(nodeBackend)) as Tf;
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  } catch {
    const tf = await loadWithDependencies(
      'the training recipe',
      RECIPE_PACKAGES,
      () => import('@tensorflow/tfjs'),
    );
    await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  }
}
