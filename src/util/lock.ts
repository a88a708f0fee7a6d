import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeFolder } from './atomic.js';
import { onInterruptCleanup } from './cleanup.js';
import { BadInputError } from './errors.js';
import { codeOf, outputFailure } from './fs-errors.js';

/** The lock file a command holds in its output folder while it writes there. */
export const LOCK_FILE = '.modeval.lock';

interface LockOwner {
  pid: number;
  host: string;
  command: string;
  started: string;
}

/** A held lock; `release` removes the lock file (idempotent). */
export interface OutputLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return codeOf(err) === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string') {
      return {
        pid: v.pid,
        host: v.host,
        command: typeof v.command === 'string' ? v.command : '?',
        started: typeof v.started === 'string' ? v.started : '?',
      };
    }
  } catch {
    // A lock file being written right now, or garbage: handled by the caller.
  }
  return undefined;
}

/**
 * Take the advisory lock on an output folder: a lock file created exclusively, holding the owner's
 * pid, host and command. A second modeval writing to the same folder gets exit 2 naming the owner.
 * A lock whose owner is gone (same host, pid not running, or an unreadable lock file older than a
 * minute) is stale: it is removed and taken over. The lock is removed on release and on a signal.
 */
export async function lockOutputFolder(dir: string, command: string): Promise<OutputLock> {
  await makeFolder(dir);
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  const written = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Created, written and registered for removal in one synchronous step: a signal handler runs
      // between event-loop turns, so it never sees a lock file that nobody would remove.
      writeLockFile(path, written);
      const unregister = onInterruptCleanup(() => {
        if (readFileSync(path, 'utf8') === written) rmSync(path, { force: true });
      });
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          unregister();
          // Only our own lock: a stale-lock takeover by another process must not be undone.
          const now = await readFile(path, 'utf8').catch(() => '');
          if (now === written) await rm(path, { force: true });
        },
      };
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw outputFailure(err, path, 'lock the output folder');
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again
    const owner = parseOwner(text);
    if (owner && owner.host === me.host && owner.pid === process.pid) {
      throw new BadInputError(`this process already writes to ${dir} (${owner.command})`, { file: path });
    }
    const stale = owner ? owner.host === me.host && !alive(owner.pid) : await olderThanAMinute(path);
    if (!stale) {
      const who = owner
        ? `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started})`
        : 'another modeval process';
      throw new BadInputError(
        `the output folder is in use by ${who}; wait for it to finish, or remove this lock file if no such process is running`,
        { file: path },
      );
    }
    // Stale: remove only if it is still the same lock file we judged.
    const again = await readFile(path, 'utf8').catch(() => undefined);
    if (again === text) await rm(path, { force: true });
  }
  throw new BadInputError('the output folder lock keeps changing hands; is another modeval writing here?', {
    file: path,
  });
}

/** Create the lock file exclusively with its content; a half-written one (full disk) is removed. */
function writeLockFile(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeFileSync(fd, text);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}

async function olderThanAMinute(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > 60_000;
}

/** Run `work` holding the output folder's lock; the lock is released however `work` ends. */
export async function withOutputLock<T>(dir: string, command: string, work: () => Promise<T>): Promise<T> {
  const lock = await lockOutputFolder(dir, command);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
