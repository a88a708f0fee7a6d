/** The seeds of an id's two 32-bit hashes, shared by every id fingerprint table. */
export const ID_HASH_SEEDS = [0x9747b28c, 0x1b873593] as const;

/**
 * A map from 64-bit fingerprints of ids to the first row that had each: for the id checks that
 * must name that row without re-reading anything (`predictions import`, the position join's rows no
 * model scored). Two 32-bit hashes and the row in an open-addressing table cost 12 bytes per slot,
 * 24-48 bytes per row at load factor 1/4-1/2. A dataset scan uses the smaller CompactIdSet instead.
 * The chance of a false "duplicate" from a 64-bit collision is about n²/2⁶⁵ (3e-6 at 10 M rows),
 * and a reported duplicate names both rows, so a person can check it.
 */
export class IdFingerprintSet {
  private table = new Uint32Array(2 * 1024);
  private rows = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Add an id; returns the row that first had the same fingerprint, or -1 when new. */
  addOrGetRow(bytes: Uint8Array, row: number): number {
    let h1 = hash32(bytes, ID_HASH_SEEDS[0]);
    const h2 = hash32(bytes, ID_HASH_SEEDS[1]) | 1; // odd: 0 marks an empty slot in the second word
    if (this.count * 2 >= this.rows.length) this.grow();
    const mask = this.rows.length - 1;
    let slot = h1 & mask;
    h1 >>>= 0;
    for (;;) {
      const a = this.table[2 * slot]!;
      const b = this.table[2 * slot + 1]!;
      if (b === 0) {
        this.table[2 * slot] = h1;
        this.table[2 * slot + 1] = h2;
        this.rows[slot] = row;
        this.count++;
        return -1;
      }
      if (a === h1 && b === h2 >>> 0) return this.rows[slot]!;
      slot = (slot + 1) & mask;
    }
  }

  /** The row added with this id's fingerprint, or -1 (a lookup that adds nothing). */
  rowOf(bytes: Uint8Array): number {
    const h1 = hash32(bytes, ID_HASH_SEEDS[0]);
    const h2 = (hash32(bytes, ID_HASH_SEEDS[1]) | 1) >>> 0;
    const mask = this.rows.length - 1;
    let slot = h1 & mask;
    for (;;) {
      const b = this.table[2 * slot + 1]!;
      if (b === 0) return -1;
      if (this.table[2 * slot] === h1 && b === h2) return this.rows[slot]!;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldTable = this.table;
    const oldRows = this.rows;
    const cap = oldRows.length * 2;
    this.table = new Uint32Array(2 * cap);
    this.rows = new Uint32Array(cap);
    const mask = cap - 1;
    for (let s = 0; s < oldRows.length; s++) {
      const b = oldTable[2 * s + 1]!;
      if (b === 0) continue;
      const a = oldTable[2 * s]!;
      let slot = a & mask;
      while (this.table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      this.table[2 * slot] = a;
      this.table[2 * slot + 1] = b;
      this.rows[slot] = oldRows[s]!;
    }
  }
}

/**
 * MurmurHash3 (x86, 32-bit) over bytes[start..end); seeded so two calls give independent-enough
 * halves.
 */
export function hash32(bytes: Uint8Array, seed: number, start = 0, end = bytes.length): number {
  let h = seed >>> 0;
  const n = end - start;
  const whole = start + (n & ~3);
  for (let i = start; i < whole; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = n & 3;
  if (rest > 0) {
    let k = bytes[whole]!;
    if (rest > 1) k ^= bytes[whole + 1]! << 8;
    if (rest > 2) k ^= bytes[whole + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
