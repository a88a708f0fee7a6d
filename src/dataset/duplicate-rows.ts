import type { ArrowSource } from './arrow-reader.js';
import { idColumn as idColumnOf, type StringColumn } from './columns.js';
import { hash32, ID_HASH_SEEDS } from './id-set.js';

const encoder = new TextEncoder();
const bytesOf = (col: StringColumn, i: number) => col.bytes(i) ?? encoder.encode(col.get(i) ?? '');
const keyOf = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** What the search reads of a validated batch (dataset/validate.ts's ValidatedBatch has these). */
export interface BatchIds {
  /** The record batch's position in the file. */
  readonly index: number;
  /** Global index of the batch's first row in the dataset. */
  readonly rowOffset: number;
  readonly ids: StringColumn;
}

/**
 * For rows of `vb` whose id fingerprint was seen before (CompactIdSet), the dataset row that first
 * had the very same id bytes; a row left out of the answer was a fingerprint collision, not a
 * duplicate. Earlier record batches are read again (their ids only are compared, by hash first),
 * so this costs one pass over the file before `vb`: a scan makes it once per batch that holds
 * suspects, and caps how many (dataset/validate.ts).
 */
export async function firstRowsOf(
  source: ArrowSource,
  idColumn: string,
  vb: BatchIds,
  suspects: readonly number[],
): Promise<Map<number, number>> {
  const wanted = new Map<string, number>();
  const hashes = new Set<number>();
  for (const i of suspects) {
    const bytes = bytesOf(vb.ids, i);
    wanted.set(keyOf(bytes), -1);
    hashes.add(hash32(bytes, ID_HASH_SEEDS[0]));
  }
  const note = (bytes: Uint8Array, row: number) => {
    if (!hashes.has(hash32(bytes, ID_HASH_SEEDS[0]))) return;
    const key = keyOf(bytes);
    if (wanted.get(key) === -1) wanted.set(key, row);
  };
  let row = 0;
  let index = 0;
  if (vb.index > 0) {
    for await (const batch of source.batches()) {
      if (index++ >= vb.index) break;
      const ids = idColumnOf(batch.getChild(idColumn)!.data[0]!);
      for (let r = 0; r < batch.numRows; r++, row++) if (!ids.isNull(r)) note(bytesOf(ids, r), row);
    }
  }
  const last = Math.max(...suspects);
  for (let r = 0; r < last; r++) if (!vb.ids.isNull(r)) note(bytesOf(vb.ids, r), vb.rowOffset + r);
  const out = new Map<number, number>();
  for (const i of suspects) {
    const first = wanted.get(keyOf(bytesOf(vb.ids, i)))!;
    if (first >= 0 && first < vb.rowOffset + i) out.set(i, first);
  }
  return out;
}
