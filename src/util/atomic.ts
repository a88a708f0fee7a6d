import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Outputs are written beside their destination under a temporary name and renamed into place
 * only when complete, so a crash or a bad row never leaves a half-written file behind.
 */
export function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(dest: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    await writeFile(tmp, data);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A write stream to a temporary file; `commit` renames it into place, `abort` removes it. */
export interface AtomicStream {
  readonly stream: WriteStream;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openAtomicStream(dest: string): Promise<AtomicStream> {
  await mkdir(dirname(dest), { recursive: true });
  const tempPath = tempPathFor(dest);
  const stream = createWriteStream(tempPath);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  // A write that failed after opening (a full disk) destroys the stream; remember why, so commit
  // refuses to rename what was only partly written (and no 'error' goes unhandled meanwhile).
  let failure: unknown;
  stream.on('error', (err) => {
    failure ??= err;
  });
  const closed = () =>
    new Promise<void>((resolve, reject) => {
      if (stream.closed) return resolve();
      // Destroyed by a failed write: its 'error' comes before 'close'.
      if (stream.destroyed) return void stream.once('close', () => resolve());
      stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  return {
    stream,
    tempPath,
    async commit() {
      try {
        await closed();
        if (failure !== undefined) throw failure;
      } catch (err) {
        await rm(tempPath, { force: true });
        throw err;
      }
      await rename(tempPath, dest);
    },
    async abort() {
      stream.destroy();
      await rm(tempPath, { force: true });
    },
  };
}
