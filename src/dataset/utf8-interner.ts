import { hash32 } from './id-set.js';

/**
 * Strings of a few-valued Utf8 column (labels, slice values) decoded once per distinct byte
 * sequence: a row's value is found by hashing and comparing its bytes, so a batch of 10k rows with
 * 3 labels decodes 3 strings, not 10k (and every row shares the same string, whose hash a Map
 * lookup then finds cached). A column with more than `maxValues` distinct values stops interning
 * new ones and decodes them per call, so memory stays bounded on an id-like column.
 */
export class Utf8Interner {
  /** Open-addressing slots: index into `keys`, -1 empty. */
  private slots = new Int32Array(64).fill(-1);
  /** Key index by (length, first byte, last byte), a shortcut in front of the hash table. */
  private readonly quick = new Int32Array(256).fill(-1);
  private readonly keys: Uint8Array[] = [];
  private readonly hashes: number[] = [];
  /** Decoded value per key; `undefined` for bytes that are not valid UTF-8. */
  private readonly values: (string | undefined)[] = [];

  constructor(
    private readonly decode: (bytes: Uint8Array) => string,
    private readonly maxValues = 4096,
  ) {}

  /** The string of these bytes; `decode`'s error for invalid UTF-8 (every time, for every row). */
  get(bytes: Uint8Array): string {
    return this.getRange(bytes, 0, bytes.length);
  }

  /** The string of `values[start..end)`, found without a view on the common path. */
  getRange(values: Uint8Array, start: number, end: number): string {
    // A labels column has a handful of values: most rows are found by length and end bytes alone,
    // checked against the key, without hashing (a third of a 10 M-row eval's validation time).
    const q = end > start ? ((end - start) * 131 + values[start]! * 31 + values[end - 1]!) & 255 : 0;
    const seen = this.quick[q]!;
    if (seen >= 0 && sameRange(this.keys[seen]!, values, start, end)) {
      const v = this.values[seen];
      return v === undefined ? this.decode(values.subarray(start, end)) : v;
    }
    const h = hash32(values, 0x5bd1e995, start, end);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const k = this.slots[slot]!;
      if (k < 0) break;
      if (this.hashes[k] === h && sameRange(this.keys[k]!, values, start, end)) {
        this.quick[q] = k;
        const v = this.values[k];
        return v === undefined ? this.decode(values.subarray(start, end)) : v;
      }
      slot = (slot + 1) & mask;
    }
    const bytes = values.subarray(start, end);
    if (this.keys.length >= this.maxValues) return this.decode(bytes);
    let value: string | undefined;
    try {
      value = this.decode(bytes);
    } finally {
      // Remembered either way, so a repeated invalid value is recognised (and fails) cheaply.
      this.slots[slot] = this.keys.length;
      this.quick[q] = this.keys.length;
      this.keys.push(bytes.slice());
      this.hashes.push(h);
      this.values.push(value);
      if (this.keys.length * 2 > this.slots.length) this.grow();
    }
    return value;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let k = 0; k < this.keys.length; k++) {
      let slot = this.hashes[k]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = k;
    }
    this.slots = slots;
  }
}

function sameRange(key: Uint8Array, values: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== values[start + i]) return false;
  return true;
}
