import type { GraphSignature } from './onnx-session.js';

/**
 * What the predictor needs from a backend (ONNX Runtime or TF.js): the graph's signature to check
 * the card against, and a way to run named feeds to one output.
 */

/** One input tensor, backend-neutral. */
export type Feed =
  | { type: 'int64'; data: BigInt64Array; dims: number[] }
  | { type: 'float32'; data: Float32Array; dims: number[] }
  | { type: 'uint8'; data: Uint8Array; dims: number[] }
  | { type: 'string'; data: string[]; dims: number[] };

export interface RunOutput {
  type: string;
  dims: readonly number[];
  data: unknown;
}

export interface ModelRunner {
  readonly graph: GraphSignature;
  /** The graph file (for messages). */
  readonly file: string;
  /** Hex sha256 of the model's bytes (graph and weights). */
  readonly sha256: string;
  /** The device it runs on. */
  readonly provider: 'cpu' | 'cuda';
  /** Set when `auto` wanted cuda but fell back to cpu: why. */
  readonly fallback: string | undefined;
  /** Which runtime ran, for run.json and the predictions metadata (e.g. `{ tfjs: '4.22.0', 'tfjs-backend': 'wasm' }`). */
  readonly runtime: Readonly<Record<string, string>>;
  run(feeds: Readonly<Record<string, Feed>>, output: string): Promise<RunOutput>;
  release(): Promise<void>;
}
