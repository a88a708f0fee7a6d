import { createHash } from 'node:crypto';

export type Split = 'train' | 'golden';

/** Share of ids (in percent) that land in the golden split. */
export const GOLDEN_PERCENT = 20;

/**
 * Deterministic split: the first 4 bytes of sha256(id) read as an unsigned big-endian integer,
 * modulo 100, below GOLDEN_PERCENT → golden. Depends on the id alone, so a message keeps its
 * split across rebuilds, package re-orderings and other messages being added or removed.
 */
export function splitOf(id: string): Split {
  const bucket = createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % 100;
  return bucket < GOLDEN_PERCENT ? 'golden' : 'train';
}
