import { z } from 'zod';
import { BadInputError } from '../util/errors.js';

/** Share `index` (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of `count`. */
export const ShardSpecSchema = z
  .object({ index: z.number().int().min(0), count: z.number().int().min(1).max(100_000) })
  .refine((s) => s.index < s.count, { message: 'shard index must be below the shard count' });
export type ShardSpec = z.infer<typeof ShardSpecSchema>;

/** Parse `i/n` (CLI and environment form). */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const parsed = m ? ShardSpecSchema.safeParse({ index: Number(m[1]), count: Number(m[2]) }) : undefined;
  if (!parsed?.success) {
    throw new BadInputError(`--shard ${JSON.stringify(text)}: expected i/n with 0 <= i < n (e.g. 0/4)`, {
      field: 'shard',
    });
  }
  return parsed.data;
}

export interface ShardRows extends ShardSpec {
  firstRow: number;
  endRow: number;
}

/**
 * The dataset rows of a share: contiguous, deterministic, as equal as integers allow. A chunk
 * belongs to the share its first row falls in, so every chunk is scored by exactly one shard.
 */
export function shardRows(shard: ShardSpec, datasetRows: number | null, file: string): ShardRows {
  if (datasetRows === null) {
    throw new BadInputError('--shard needs an Arrow file or stream whose row count its metadata gives', {
      file,
    });
  }
  const cut = (i: number) => Math.floor((i * datasetRows) / shard.count);
  return { ...shard, firstRow: cut(shard.index), endRow: cut(shard.index + 1) };
}
