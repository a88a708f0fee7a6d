import { existsSync } from 'node:fs';
import { BadInputError } from '../util/errors.js';

/**
 * The files of one model's predictions: one path, or several comma-separated (the shards of one
 * `modeval run --shard`, in order). A name that exists as a file is taken whole, commas and all.
 */
export function predictionFiles(spec: string): string[] {
  if (!spec.includes(',') || existsSync(spec)) return [spec];
  const files = spec.split(',');
  if (files.some((f) => f.trim() === '')) {
    throw new BadInputError(
      `predictions ${JSON.stringify(spec)}: an empty name in the comma-separated list`,
      {
        field: 'predictions',
      },
    );
  }
  return files;
}
