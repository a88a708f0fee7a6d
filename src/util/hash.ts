import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

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

// Plain CommonJS run with `eval`: no file to find, from sources (tests) or the built tree alike.
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const fd = openSync(workerData, 'r');
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(4 << 20);
try {
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

/**
 * `sha256File` on a thread of its own: hashing a multi-gigabyte dataset takes seconds of one core,
 * which the caller spends reading and joining on its own meanwhile. Errors are the same fs errors.
 */
export function sha256FileOffThread(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the hashing thread for ${path} exited with code ${code}`));
    });
  });
}

/** sha256 of bytes or a string (UTF-8) already in memory, as hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
