import { type FileHandle, open } from 'node:fs/promises';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { Message } from 'apache-arrow/ipc/metadata/message';
import { detectArrowFormat } from './arrow-reader.js';

/*
 * Row counts from IPC metadata alone: the file format's footer lists every record batch's block,
 * and each batch's message header holds its length, so the count costs one small read per batch
 * and never touches column data. Streams have no footer; their headers are walked in order,
 * skipping each body by its declared length.
 */

const CONTINUATION = 0xffffffff;

/** Rows in an Arrow IPC file or stream, or null when its metadata cannot be read that way. */
export async function countArrowRows(path: string): Promise<number | null> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = await readAt(fh, 0, Math.min(8, size));
    const format = detectArrowFormat(head);
    if (format === 'file') return await countFileRows(fh, size);
    if (format === 'stream') return await countStreamRows(fh, 0, size);
    return null;
  } catch {
    // A progress total is a nicety: a file the reader accepts but this walk does not gets none.
    return null;
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

async function countFileRows(fh: FileHandle, size: number): Promise<number | null> {
  // The file ends with the footer, its int32 length and the 6-byte magic.
  const tail = await readAt(fh, size - 10, 10);
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  if (footerLength <= 0 || footerLength > size - 18) return null;
  const footer = Footer.decode(await readAt(fh, size - 10 - footerLength, footerLength));
  let rows = 0;
  for (const block of footer.recordBatches()) {
    const meta = await readAt(fh, Number(block.offset), block.metaDataLength);
    const header = messageHeader(meta);
    if (header === null) return null;
    rows += header.rows;
  }
  return rows;
}

async function countStreamRows(fh: FileHandle, start: number, size: number): Promise<number | null> {
  let rows = 0;
  let pos = start;
  while (pos + 8 <= size) {
    const prefix = await readAt(fh, pos, 8);
    const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
    let metaLength = view.getUint32(0, true);
    let skip = 4;
    if (metaLength === CONTINUATION) {
      metaLength = view.getUint32(4, true);
      skip = 8;
    }
    if (metaLength === 0) return rows; // end-of-stream marker
    const header = messageHeader(await readAt(fh, pos + skip, metaLength));
    if (header === null) return null;
    rows += header.rows;
    pos += skip + metaLength + header.bodyLength;
  }
  return rows;
}

/** Decode one message's metadata (with or without its length prefix). */
function messageHeader(meta: Uint8Array): { rows: number; bodyLength: number } | null {
  let bytes = meta;
  const view = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
  if (meta.byteLength >= 8 && view.getUint32(0, true) === CONTINUATION) bytes = meta.subarray(8);
  else if (meta.byteLength >= 4 && view.getUint32(0, true) === meta.byteLength - 4) bytes = meta.subarray(4);
  const message = Message.decode(bytes);
  const rows = message.isRecordBatch() ? Number(message.header().length) : 0;
  return { rows, bodyLength: Number(message.bodyLength) };
}
