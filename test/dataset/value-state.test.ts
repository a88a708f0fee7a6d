import { makeData, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnInterner, stringColumn, ValueState } from '../../src/dataset/columns.js';

/** A Utf8 column from raw bytes per value (null = a null value), so values can be malformed. */
function utf8Of(values: (number[] | null)[]) {
  const offsets = new Int32Array(values.length + 1);
  const bytes: number[] = [];
  const valid = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) {
      bytes.push(...v);
      valid[i >> 3]! |= 1 << (i & 7);
    }
    offsets[i + 1] = bytes.length;
  });
  const nulls = values.filter((v) => v === null).length;
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: nulls > 0 ? valid : null,
    valueOffsets: offsets,
    data: Uint8Array.from(bytes),
  });
}

const enc = (s: string) => [...new TextEncoder().encode(s)];

describe('value state without decoding', () => {
  it('agrees with a strict decode on every value, including a character cut across two values', () => {
    const e = enc('é'); // C3 A9: the whole buffer is valid UTF-8, each half alone is not
    const values = [enc('ab'), [e[0]!], [e[1]!], null, [], enc('ok'), [0xed, 0xa0, 0x80], enc('😀')];
    const col = stringColumn(utf8Of(values));
    const strict = new TextDecoder('utf-8', { fatal: true });
    values.forEach((v, i) => {
      let expected: ValueState;
      if (v === null) expected = ValueState.null;
      else if (v.length === 0) expected = ValueState.empty;
      else {
        try {
          strict.decode(Uint8Array.from(v));
          expected = ValueState.ok;
        } catch {
          expected = ValueState.invalidUtf8;
        }
      }
      expect(col.state(i), `value ${i}`).toBe(expected);
    });
  });

  it('calls a value blank exactly when trim() leaves nothing', () => {
    const texts = [' ', '\t\n', '\u00a0', '\u3000 ', '\ufeff', '\u0000', ' x', 'x', '\u00a0é', '\u2003'];
    const col = stringColumn(utf8Of(texts.map(enc)));
    texts.forEach((t, i) => {
      expect(col.blank(i), JSON.stringify(t)).toBe(t.trim() === '');
    });
  });

  it('an interned column returns one string per distinct value and still refuses bad bytes', () => {
    const col = stringColumn(utf8Of([enc('spam'), enc('ham'), enc('spam'), [0xff]]), columnInterner());
    expect(col.get(0)).toBe('spam');
    expect(col.get(2)).toBe(col.get(0));
    expect(col.get(1)).toBe('ham');
    expect(() => col.get(3)).toThrow(/UTF-8/);
    expect(() => col.get(3)).toThrow(/UTF-8/);
  });
});
