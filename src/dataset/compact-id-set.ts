import { hash32 } from './id-set.js';

/** Highest share of slots in use before the table doubles (linear probing stays short below it). */
const MAX_LOAD = 0.8;

/**
 * The set of 64-bit fingerprints of the ids seen so far, for duplicate-id detection in a dataset
 * scan: the one check that must remember every row. A slot holds the two 32-bit hashes of an id
 * (8 bytes); sized up front from the row count the Arrow metadata gives, the table is at most
 * 80% full, so it costs 10 bytes per row (100 MB at 10 M rows) with no doubling. A stream of
 * unknown length starts small and doubles (then 10-20 bytes per row, plus the old table while it
 * is copied).
 *
 * It keeps no row numbers: a repeated fingerprint is only a suspect. The scan then finds the
 * earlier row with the very same bytes (dataset/duplicate-rows.ts), which both names it and
 * clears the rare fingerprint collision (about n²/2⁶⁵: 3e-6 at 10 M rows), so duplicate
 * detection stays exact.
 */
export class CompactIdSet {
  private table: Uint32Array;
  private capacity: number;
  private count = 0;

  constructor(expectedRows = 0) {
    this.capacity = Math.max(1024, Math.ceil(expectedRows / MAX_LOAD));
    this.table = new Uint32Array(2 * this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Add an id's fingerprint; false when it was already there (a suspected duplicate). */
  add(bytes: Uint8Array): boolean {
    const h1 = hash32(bytes, 0x9747b28c);
    const h2 = (hash32(bytes, 0x1b873593) | 1) >>> 0; // odd: 0 marks an empty slot
    if (this.count + 1 > this.capacity * MAX_LOAD) this.grow();
    let slot = this.home(h1);
    for (;;) {
      const b = this.table[2 * slot + 1]!;
      if (b === 0) {
        this.table[2 * slot] = h1;
        this.table[2 * slot + 1] = h2;
        this.count++;
        return true;
      }
      if (b === h2 && this.table[2 * slot] === h1) return false;
      slot = slot + 1 === this.capacity ? 0 : slot + 1;
    }
  }

  /** A hash's first slot: the table need not be a power of two, so it is sized to the row count. */
  private home(h1: number): number {
    return Math.floor((h1 / 4294967296) * this.capacity);
  }

  private grow(): void {
    const old = this.table;
    const oldCapacity = this.capacity;
    this.capacity = oldCapacity * 2;
    this.table = new Uint32Array(2 * this.capacity);
    for (let s = 0; s < oldCapacity; s++) {
      const b = old[2 * s + 1]!;
      if (b === 0) continue;
      const a = old[2 * s]!;
      let slot = this.home(a);
      while (this.table[2 * slot + 1] !== 0) slot = slot + 1 === this.capacity ? 0 : slot + 1;
      this.table[2 * slot] = a;
      this.table[2 * slot + 1] = b;
    }
  }
}
