/** The typed arrays a growable column can hold. */
export type NumericArray = Int32Array | Uint32Array | Uint8Array | Float32Array | Float64Array;

/**
 * An append-only typed array that doubles its buffer when full: columns of unknown length (rows
 * read from a stream, scores added one by one) without a JS number array's 8+ bytes per value.
 */
export class GrowableArray<T extends NumericArray> {
  private data: T;
  private used = 0;

  constructor(
    private readonly create: (length: number) => T,
    initialCapacity = 1024,
    /** Start from these values (taken over, not copied). */
    initial?: T,
  ) {
    this.data = initial ?? create(Math.max(16, initialCapacity));
    this.used = initial?.length ?? 0;
  }

  get length(): number {
    return this.used;
  }

  push(value: number): void {
    if (this.used === this.data.length) this.reserve(this.used + 1);
    this.data[this.used++] = value;
  }

  /** Append `values[start..end)` (converted to this array's type, e.g. float64 to float32). */
  append(values: ArrayLike<number>, start = 0, end = values.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.reserve(this.used + n);
    const data = this.data;
    // A short run is copied in a loop: a subarray view per call would be garbage per row.
    if (n > 32 && ArrayBuffer.isView(values))
      data.set((values as NumericArray).subarray(start, end), this.used);
    else for (let j = 0; j < n; j++) data[this.used + j] = values[start + j]!;
    this.used += n;
  }

  /** The values so far; a view that later pushes may detach from (copy it to keep it). */
  view(): T {
    return this.data.subarray(0, this.used) as T;
  }

  /** Forget the values, keeping the buffer for reuse. */
  clear(): void {
    this.used = 0;
  }

  private reserve(needed: number): void {
    if (needed <= this.data.length) return;
    const next = this.create(Math.max(needed, this.data.length * 2));
    next.set(this.view());
    this.data = next;
  }
}

export const growableInt32 = (capacity?: number) => new GrowableArray((n) => new Int32Array(n), capacity);
export const growableFloat32 = (capacity?: number) => new GrowableArray((n) => new Float32Array(n), capacity);
export const growableUint8 = (capacity?: number) => new GrowableArray((n) => new Uint8Array(n), capacity);
