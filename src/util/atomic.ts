import { randomBytes } from 'node:crypto';
import { createWriteStream, lstatSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { onInterruptCleanup } from './cleanup.js';
import { codeOf, OutputError, outputFailure } from './fs-errors.js';

/**
 * Outputs are written beside their destination under a temporary name and renamed into place
 * only when complete, so a crash or a bad row never leaves a half-written file behind. Every
 * temporary file is registered for removal if a signal stops the process before the rename, and
 * every failure the environment causes (read-only mount, full disk, a file where a folder should
 * be) is an OutputError (exit 2) naming the destination.
 */
export function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The pid inside a temporary name made by tempPathFor, or undefined for any other name. */
export function tempFileOwner(name: string): number | undefined {
  const m = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * A temporary path registered for removal on a signal; `release` unregisters it once renamed
 * into place or removed.
 */
export function trackedTempPath(dest: string): { path: string; release: () => void } {
  const path = tempPathFor(dest);
  const release = onInterruptCleanup(() => rmSync(path, { force: true }));
  return { path, release };
}

/**
 * Create a folder and its missing parents one at a time. (`mkdir -p` semantics, but Node's own
 * recursive mkdir never returns on some pseudo file systems, `/proc/self/x/y`.)
 */
export async function makeFolder(dir: string, what = 'output folder'): Promise<void> {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    try {
      const st = await stat(at);
      if (!st.isDirectory()) throw new OutputError(at, `create the ${what} ${target}`, 'ENOTDIR');
      break;
    } catch (err) {
      if (err instanceof OutputError) throw err;
      if (codeOf(err) !== 'ENOENT') throw outputFailure(err, at, `create the ${what}`);
      missing.push(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
    }
  }
  for (const part of missing.reverse()) {
    try {
      await mkdir(part);
    } catch (err) {
      if (codeOf(err) === 'EEXIST' && (await stat(part).catch(() => undefined))?.isDirectory()) continue;
      throw outputFailure(err, part, `create the ${what}`);
    }
  }
}

/**
 * Refuse a destination that exists and is not a regular file (a folder, `/dev/null`, a FIFO):
 * renaming over it would replace a device node or fail obscurely.
 */
export async function checkReplaceable(dest: string, what: string): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(dest);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return;
    throw outputFailure(err, dest, `write the ${what}`);
  }
  if (st.isDirectory()) throw new OutputError(dest, `write the ${what}`, 'EISDIR');
  if (!st.isFile() && !st.isSymbolicLink()) {
    throw new OutputError(dest, `write the ${what} over something that is not a regular file`, 'EEXIST');
  }
}

export async function writeFileAtomic(
  dest: string,
  data: string | Uint8Array,
  what = 'output',
): Promise<void> {
  await makeFolder(dirname(dest));
  await checkReplaceable(dest, what);
  const tmp = trackedTempPath(dest);
  try {
    await writeFile(tmp.path, data);
    await rename(tmp.path, dest);
  } catch (err) {
    await rm(tmp.path, { force: true });
    throw outputFailure(err, dest, `write the ${what}`);
  } finally {
    tmp.release();
  }
}

/** A write stream to a temporary file; `commit` renames it into place, `abort` removes it. */
export interface AtomicStream {
  readonly stream: WriteStream;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openAtomicStream(dest: string, what = 'output'): Promise<AtomicStream> {
  await makeFolder(dirname(dest));
  await checkReplaceable(dest, what);
  const tmp = trackedTempPath(dest);
  const tempPath = tmp.path;
  const stream = createWriteStream(tempPath);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (err) {
    tmp.release();
    throw outputFailure(err, dest, `write the ${what}`);
  }
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
        await rename(tempPath, dest);
      } catch (err) {
        await rm(tempPath, { force: true });
        throw outputFailure(err, dest, `write the ${what}`);
      } finally {
        tmp.release();
      }
    },
    async abort() {
      stream.destroy();
      await rm(tempPath, { force: true });
      tmp.release();
    },
  };
}

/** One file of a set written together. */
export interface SetFile {
  readonly path: string;
  readonly data: string | Uint8Array;
  /** What it holds, for messages. */
  readonly what: string;
}

/**
 * Write several files so that, seen from outside, they change together: every new file is first
 * written in full under a temporary name (where a full disk or a read-only mount shows), then the
 * old files are moved aside, the new ones renamed into place, and the old ones removed. If any
 * step fails, or a signal arrives, the old files are put back: the folder holds either the old
 * complete set or the new complete set. Files are placed in the order given (put the one whose
 * presence marks completion last).
 */
export async function writeFileSet(files: readonly SetFile[]): Promise<void> {
  for (const f of files) {
    await makeFolder(dirname(f.path));
    await checkReplaceable(f.path, f.what);
  }
  const temps: { path: string; release: () => void }[] = [];
  const backups = new Map<string, string>();
  const placed: string[] = [];
  let done = false;
  const rollback = () => {
    if (done) return;
    for (const p of placed) rmSync(p, { force: true });
    for (const [dest, backup] of backups) renameSync(backup, dest);
    for (const t of temps) rmSync(t.path, { force: true });
  };
  const unregister = onInterruptCleanup(rollback);
  let current: SetFile | undefined;
  try {
    for (const f of files) {
      current = f;
      const tmp = trackedTempPath(f.path);
      temps.push(tmp);
      await writeFile(tmp.path, f.data);
    }
    for (const f of files) {
      current = f;
      if (lstatSync(f.path, { throwIfNoEntry: false })) {
        const backup = tempPathFor(f.path);
        await rename(f.path, backup);
        backups.set(f.path, backup);
      }
    }
    for (const [i, f] of files.entries()) {
      current = f;
      await rename(temps[i]!.path, f.path);
      placed.push(f.path);
    }
    done = true;
    for (const backup of backups.values()) await rm(backup, { force: true });
  } catch (err) {
    try {
      rollback();
    } finally {
      done = true;
    }
    throw outputFailure(
      err,
      current?.path ?? files[0]?.path ?? '.',
      `write the ${current?.what ?? 'output'}`,
    );
  } finally {
    unregister();
    for (const t of temps) t.release();
  }
}
