/**
 * What the predictor needs from a backend (ONNX Runtime or TF.js): the graph's signature to check
 * the card against, and a way to run named feeds to one output.
 */

/** The device a run asks for; `auto` tries the card's preference and falls back to cpu. */
export type Device = 'cpu' | 'cuda' | 'auto';

/** One graph input or output as the backends describe it (ONNX Runtime's value metadata). */
export type GraphValue =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string;
      readonly isTensor: true;
      /** Element type, e.g. `float32`, `int64`, `string`. */
      readonly type: string;
      /** Known dimensions as numbers, symbolic ones as their names. */
      readonly shape: readonly (number | string)[];
    };

/** The parts of a session that describe the graph: enough to check a card without a real session. */
export interface GraphSignature {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly GraphValue[];
  readonly outputMetadata: readonly GraphValue[];
}

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
