import { hash32, ID_HASH_SEEDS as seeds } from './id-set.js';

/** Highest share of slots in use (linear probing stays short below it). */
const MAX_LOAD = 0.8;

/**
 * Ids' fingerprints in an open-addressing table of 8-byte slots (both 32-bit hashes), doubling
 * when full: for streams whose length is not known up front. 10-20 bytes per row.
 */
class GrowingTable {
  private table = new Uint32Array(2 * 1024);
  private capacity = 1024;
  count = 0;

  get bytes(): number {
    return this.table.byteLength;
  }

  /** False when the fingerprint was already there. */
  add(h1: number, h2: number): boolean {
    if (this.count + 1 > this.capacity * MAX_LOAD) this.grow();
    return this.place(this.table, this.capacity, h1, h2, true);
  }

  has(h1: number, h2: number): boolean {
    return !this.place(this.table, this.capacity, h1, h2, false);
  }

  private place(table: Uint32Array, capacity: number, h1: number, h2: number, insert: boolean): boolean {
    let slot = home(h1, capacity);
    for (;;) {
      const b = table[2 * slot + 1]!;
      if (b === 0) {
        if (insert) {
          table[2 * slot] = h1;
          table[2 * slot + 1] = h2;
          this.count++;
        }
        return true;
      }
      if (b === h2 && table[2 * slot] === h1) return false;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  private grow(): void {
    const old = this.table;
    const oldCapacity = this.capacity;
    this.capacity *= 2;
    this.table = new Uint32Array(2 * this.capacity);
    for (let s = 0; s < oldCapacity; s++) {
      const b = old[2 * s + 1]!;
      if (b === 0) continue;
      let slot = home(old[2 * s]!, this.capacity);
      while (this.table[2 * slot + 1] !== 0) slot = slot + 1 === this.capacity ? 0 : slot + 1;
      this.table[2 * slot] = old[2 * s]!;
      this.table[2 * slot + 1] = b;
    }
  }
}

/** A hash's first slot; tables need not be a power of two, so they are sized to the row count. */
function home(h1: number, capacity: number): number {
  return Math.floor((h1 / 4294967296) * capacity);
}

/**
 * The ids seen so far, for duplicate-id detection in a dataset scan: the one check that must
 * remember every row. When the row count is known up front (an Arrow file's footer, or a stream's
 * batch headers), the table is sized once at most 80% full with a 4-byte slot per id: the first
 * hash picks the slot, the second is kept. That is 5 bytes per row (50 MB at 10 M rows), with no
 * doubling; rows past the expected count go to a growing 8-byte table. Without a count, only the
 * growing table is used (10-20 bytes per row).
 *
 * A repeated fingerprint is only a suspect (a 32-bit match in the fixed table happens by chance
 * about once per 10^8-10^9 rows): the scan then finds the earlier row with the very same bytes
 * (dataset/duplicate-rows.ts), which both names it and clears a chance match, so duplicate
 * detection stays exact.
 */
export class CompactIdSet {
  private readonly fixed: Uint32Array;
  private readonly capacity: number;
  private readonly limit: number;
  private inFixed = 0;
  private readonly overflow = new GrowingTable();

  constructor(expectedRows = 0) {
    this.capacity = expectedRows > 0 ? Math.ceil(expectedRows / MAX_LOAD) : 0;
    this.fixed = new Uint32Array(this.capacity);
    this.limit = Math.floor(this.capacity * 0.9);
  }

  get size(): number {
    return this.inFixed + this.overflow.count;
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    return this.fixed.byteLength + this.overflow.bytes;
  }

  /** Add an id; false when its fingerprint was already there (a suspected duplicate). */
  add(bytes: Uint8Array): boolean {
    const h1 = hash32(bytes, seeds[0]);
    const h2 = (hash32(bytes, seeds[1]) | 1) >>> 0; // odd: 0 marks an empty slot
    if (this.capacity > 0) {
      let slot = home(h1, this.capacity);
      for (;;) {
        const b = this.fixed[slot]!;
        if (b === 0) break;
        if (b === h2) return false;
        slot = slot + 1 === this.capacity ? 0 : slot + 1;
      }
      if (this.inFixed < this.limit && this.overflow.count === 0) {
        this.fixed[slot] = h2;
        this.inFixed++;
        return true;
      }
      if (this.overflow.has(h1, h2)) return false;
    }
    return this.overflow.add(h1, h2);
  }
}
