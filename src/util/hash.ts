import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * sha256 of a file, read in chunks into one reused buffer (datasets can be larger than memory, and
 * a fresh buffer per chunk would be gigabytes of garbage for a large one).
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** sha256 of bytes or a string (UTF-8) already in memory, as hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
