import { writeFileAtomic } from '../src/util/atomic.js';
import { sha256Hex } from '../src/util/hash.js';

/** What a dataset build manifest records of each file it wrote. */
export interface RecordedFile {
  sha256: string;
  bytes: number;
  rows: number;
}

/** Writes a build output atomically and returns its manifest entry (shared by the dataset builders). */
export async function writeRecorded(
  path: string,
  data: string | Uint8Array,
  rows: number,
): Promise<RecordedFile> {
  await writeFileAtomic(path, data);
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  return { sha256: sha256Hex(data), bytes, rows };
}
