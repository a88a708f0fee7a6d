import { describe, expect, it } from 'vitest';
import { GrowableArray, growableFloat32, growableInt32, growableUint8 } from '../../src/util/growable.js';

describe('GrowableArray', () => {
  it('keeps every pushed value in order across many growths', () => {
    const a = growableInt32(16);
    for (let i = 0; i < 10_000; i++) a.push(i * 3 - 7);
    expect(a.length).toBe(10_000);
    const v = a.view();
    expect(v).toBeInstanceOf(Int32Array);
    expect(v.length).toBe(10_000);
    expect(v[0]).toBe(-7);
    expect(v[9_999]).toBe(9_999 * 3 - 7);
  });

  it('appends a range of a typed array or a plain array, converting to its element type', () => {
    const f = growableFloat32(16);
    f.append(Float64Array.of(0.1, 0.2, 0.3, 0.4), 1, 3);
    f.append([1.5, 2.5]);
    expect([...f.view()]).toEqual([Math.fround(0.2), Math.fround(0.3), 1.5, 2.5]);
    const b = growableUint8(16);
    b.append(new Uint8Array(100).fill(7));
    b.append(new Uint8Array(0));
    expect(b.length).toBe(100);
    expect(b.view().every((x) => x === 7)).toBe(true);
  });

  it('starts over after clear, reusing its buffer', () => {
    const a = new GrowableArray((n) => new Uint32Array(n), 4);
    a.append([1, 2, 3]);
    a.clear();
    expect(a.length).toBe(0);
    expect(a.view().length).toBe(0);
    a.push(9);
    expect([...a.view()]).toEqual([9]);
  });
});
