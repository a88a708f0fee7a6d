import { type GrowableArray, growableInt32 } from '../util/growable.js';
import type { EncodedColumn } from './eval-set.js';

/** Dictionary encoder that assigns codes in first-seen order; `finish` re-codes by sorted value. */
export class DictionaryEncoder {
  private readonly index = new Map<string, number>();
  private readonly values: string[] = [];
  private readonly codes: GrowableArray<Int32Array>;

  constructor(
    readonly name: string,
    capacity?: number,
  ) {
    this.codes = growableInt32(capacity);
  }

  push(value: string | null): void {
    if (value === null) {
      this.codes.push(-1);
      return;
    }
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.index.set(value, code);
      this.values.push(value);
    }
    this.codes.push(code);
  }

  /** Values sorted (numerically when all are numbers, so 2 < 10), codes remapped; `keep` selects rows. */
  finish(keep: Uint32Array): EncodedColumn {
    const numeric =
      this.values.length > 0 && this.values.every((v) => v.trim() !== '' && Number.isFinite(+v));
    const order = this.values
      .map((v, code) => ({ v, code }))
      .sort((a, b) => (numeric ? +a.v - +b.v : 0) || (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    const remap = new Int32Array(this.values.length);
    order.forEach((o, i) => {
      remap[o.code] = i;
    });
    const src = this.codes.view();
    const codes = new Int32Array(keep.length);
    for (let i = 0; i < keep.length; i++) {
      const c = src[keep[i]!]!;
      codes[i] = c < 0 ? -1 : remap[c]!;
    }
    return { name: this.name, values: order.map((o) => o.v), codes };
  }
}
