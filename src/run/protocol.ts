import type { Device } from '../model/runner.js';
import type { PackedInput } from './rebatch.js';

/** Set once per worker (piscina `workerData`): what to load. */
export interface WorkerSetup {
  modelDir: string;
  threads: number;
  device: Device;
  thresholds: Record<string, number>;
  /** Folder that image paths in the dataset are relative to. */
  datasetDir: string;
}

/** One chunk of rows to score. Buffers are shared, so this message copies no row data. */
export interface InferTask {
  seq: number;
  rows: number;
  inputs: Record<string, PackedInput>;
  /**
   * Fault injection for tests: the worker exits while holding this task, as a native crash
   * or an OOM kill would. Never set by the CLI.
   */
  crash?: boolean;
  /** Answered at once with `{ seq }` once the model is loaded (run/pool.ts destroyPool). */
  ping?: boolean;
}

export interface InferResult {
  seq: number;
  /** Row-major [rows, K] scores (NaN rows are in `invalid`). */
  scores: Float32Array;
  /**
   * Single-label: the predicted label's index in the card's labels per row (-1 for an invalid
   * row), so no string crosses threads per row; multilabel: the flagged labels (null if invalid).
   */
  predicted: Int32Array | (string[] | null)[];
  invalid: { row: number; reason: string }[];
  /** Rows of `invalid` whose input itself is bad (an undecodable image): exit 2 unless `--on-invalid skip`. */
  badInput: number[];
  /** Rows of `invalid` whose model output is unusable (NaN, ±Infinity): exit 2 unless `--on-invalid skip`. */
  badOutput: number[];
  truncated: number;
  provider: 'cpu' | 'cuda';
  providerFallback: string | null;
}

/**
 * What a worker answers when scoring a chunk threw: an error of the model or the data (a wrong
 * output shape, ONNX Runtime refusing the inputs) is deterministic, so it comes back as an answer
 * and is never retried; only a worker that died (a rejected task) is.
 */
export interface InferFailure {
  seq: number;
  failure: {
    /** The error's message, location included. */
    message: string;
    /** A BadInputError (exit 2); anything else is exit 3. */
    badInput: boolean;
  };
}

export type InferReply = InferResult | InferFailure;
