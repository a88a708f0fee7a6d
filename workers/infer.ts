/**
 * Piscina worker: loads the model once (the module's default export is a promise of the handler,
 * so piscina waits for the load), then scores one chunk per task.
 */
import { Buffer } from 'node:buffer';
import { workerData } from 'piscina';
import { createPredictor } from '../src/model/predictor.js';
import type { FeatureColumn } from '../src/model/preprocess.js';
import type { InferResult, InferTask, WorkerSetup } from '../src/run/protocol.js';
import type { PackedInput } from '../src/run/rebatch.js';

const setup = workerData as WorkerSetup;

/** TextDecoder refuses views of shared memory; Buffer decodes them without an extra copy. */
function decodeStrings(input: Extract<PackedInput, { kind: 'utf8' }>, rows: number): string[] {
  const buf = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const out = new Array<string>(rows);
  for (let i = 0; i < rows; i++) out[i] = buf.toString('utf8', input.offsets[i]!, input.offsets[i + 1]!);
  return out;
}

function toColumn(input: PackedInput, rows: number): string[] | FeatureColumn {
  return input.kind === 'utf8'
    ? decodeStrings(input, rows)
    : { values: input.values, offsets: input.offsets };
}

export default (async () => {
  const predictor = await createPredictor(setup.modelDir, {
    threads: setup.threads,
    device: setup.device,
    thresholds: setup.thresholds,
  });
  return async (task: InferTask): Promise<InferResult> => {
    if (task.crash) process.exit(70);
    const columns = Object.fromEntries(
      Object.entries(task.inputs).map(([name, p]) => [name, toColumn(p, task.rows)]),
    );
    const out = await predictor.predict({ rows: task.rows, columns });
    return {
      seq: task.seq,
      scores: out.scores,
      predicted: out.predicted,
      invalid: out.invalidRows,
      truncated: out.truncatedRows,
      provider: predictor.provider,
      providerFallback: predictor.providerFallback ?? null,
    };
  };
})();
