import { sha256Hex } from '../util/hash.js';
import { Xoshiro128 } from '../util/prng.js';

/**
 * The generator for one generated case: seeded from the suite seed, the source case's id and the
 * perturbation, so a case does not change when others are added, removed or reordered.
 */
export function caseRng(seed: number, sourceId: string, perturbationId: string): Xoshiro128 {
  const digest = sha256Hex(`${seed}\u0000${sourceId}\u0000${perturbationId}`);
  return new Xoshiro128(Number.parseInt(digest.slice(0, 12), 16)); // 48 bits: a safe integer
}
