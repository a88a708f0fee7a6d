import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import { keyedRecord } from '../util/keyed.js';
import { ShardSpecSchema } from './shard.js';

/** `run`'s options (kept apart from the engine, so the CLI reads them without loading it). */
export const RunOptionsSchema = z.object({
  model: z.string().min(1),
  dataset: z.string().min(1),
  out: z.string().min(1),
  spec: z.string().optional(),
  /** Worker threads, each with its own ONNX Runtime session. Default: one per core. */
  workers: z.number().int().positive().optional(),
  /** Intra-op threads per session. Default: cores / workers (never oversubscribe). */
  threads: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().max(65_536).default(256),
  device: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
  onInvalid: z.enum(['error', 'skip']).default('error'),
  resume: z.boolean().default(false),
  quiet: z.boolean().default(false),
  /** Seconds between plain progress lines when not on a TTY. */
  progressEvery: z.number().positive().default(5),
  /** Attempts after the first for a chunk whose worker died. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  thresholds: keyedRecordSchema(z.number().min(0).max(1)).default(() => keyedRecord<number>()),
  /**
   * Make progress durable (predictions synced, checkpoint replaced) at least this often, so a run
   * killed outright (SIGKILL, OOM killer, preemption) redoes at most this much work on `--resume`.
   */
  checkpointSeconds: z.number().positive().default(10),
  /** Also checkpoint after this many rows (0: by time only). */
  checkpointRows: z.number().int().min(0).default(0),
  /** Score only share `index` (0-based) of `count` contiguous shares; merge with `predictions merge`. */
  shard: ShardSpecSchema.optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;
export type RunOptionsInput = z.input<typeof RunOptionsSchema>;

export function defaultParallelism(workers?: number, threads?: number): { workers: number; threads: number } {
  const cores = availableParallelism();
  const w = workers ?? Math.max(1, Math.floor(cores / (threads ?? 1)));
  const t = threads ?? Math.max(1, Math.floor(cores / w));
  return { workers: w, threads: t };
}
