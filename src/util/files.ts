import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { BadInputError } from './errors.js';

/**
 * Stat an input that must be a regular file (not a folder, FIFO or device, which readers would
 * hang on or misread). `unreadable` words the error for a failed stat from its errno code; `what`
 * names the file's role in the not-a-regular-file error.
 */
export async function statRegularFile(
  path: string,
  unreadable: (code: string) => string,
  what?: string,
): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw new BadInputError(unreadable(errnoCode(err)), { file: path });
  }
  if (!st.isFile()) {
    throw new BadInputError(what ? `${what} is not a regular file` : 'not a regular file', { file: path });
  }
  return st;
}

/** The errno code of a failed file operation (`ENOENT`), or the error itself when it has none. */
export function errnoCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

/**
 * Size caps on the inputs modeval reads whole into memory. A file over its cap is refused (exit 2)
 * before it is read: parsing JSON or YAML takes tens of times its size in memory, and no honest
 * card, policy or tokenizer comes near these sizes. Stated in README.md ("Limits").
 */
export const INPUT_SIZE_LIMITS = {
  /** model.json, dataset specs, checkpoints, review summaries. */
  small: 4 * 1024 * 1024,
  /** Gate policies (YAML or JSON). */
  policy: 1024 * 1024,
  /** tokenizer.json / vocab files (XLM-R's tokenizer.json is 17 MB). */
  tokenizer: 64 * 1024 * 1024,
  /** metrics.json, clusters.json, compare.json, gate.json and reviewers' verdict files. */
  document: 512 * 1024 * 1024,
  /** ONNX models: Node reads at most 2 GiB into one buffer. */
  model: 2 * 1024 * 1024 * 1024 - 1,
} as const;

/** `12.0 MiB` */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}

export interface ReadLimit {
  /** Refuse a file larger than this many bytes (default: INPUT_SIZE_LIMITS.document). */
  maxBytes?: number;
  /** Refuse a symbolic link as the last component (O_NOFOLLOW): for a path already resolved and checked. */
  noFollow?: boolean;
}

/**
 * Read a whole input file, only if it is a regular file under `maxBytes`. The file is opened
 * non-blocking and checked through its own descriptor, so a FIFO cannot hang the open, a device
 * (`/dev/zero`) is refused rather than read forever, and a file swapped after the check is still
 * the one checked. At most `maxBytes + 1` bytes are read, so a file that grows while read is
 * refused too.
 */
export async function readBoundedFile(file: string, what: string, limit: ReadLimit = {}): Promise<Buffer> {
  const maxBytes = limit.maxBytes ?? INPUT_SIZE_LIMITS.document;
  let handle: FileHandle;
  try {
    handle = await open(
      file,
      constants.O_RDONLY | constants.O_NONBLOCK | (limit.noFollow ? constants.O_NOFOLLOW : 0),
    );
  } catch (err) {
    throw new BadInputError(`cannot read the ${what}: ${errnoCode(err)}`, { file });
  }
  try {
    let st: Stats;
    try {
      st = await handle.stat();
    } catch (err) {
      throw new BadInputError(`cannot read the ${what}: ${errnoCode(err)}`, { file });
    }
    if (st.isDirectory()) throw new BadInputError(`cannot read the ${what}: EISDIR`, { file });
    if (!st.isFile()) throw new BadInputError(`the ${what} is not a regular file`, { file });
    const tooBig = () =>
      new BadInputError(
        `the ${what} is larger than the ${formatBytes(maxBytes)} modeval reads (${formatBytes(st.size)})`,
        { file },
      );
    if (st.size > maxBytes) throw tooBig();
    // Size from stat, but read to the end: /proc-like files report 0 and still have content.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(Math.max(st.size - total, 64 * 1024), maxBytes + 1 - total);
      if (want <= 0) throw tooBig();
      const buf = Buffer.allocUnsafe(want);
      let n: number;
      try {
        ({ bytesRead: n } = await handle.read(buf, 0, want, null));
      } catch (err) {
        throw new BadInputError(`cannot read the ${what}: ${errnoCode(err)}`, { file });
      }
      if (n === 0) break;
      chunks.push(n === want ? buf : buf.subarray(0, n));
      total += n;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Read a text file (bounded, regular); an unreadable file is a BadInputError naming the file and `what` it is. */
export async function readTextFile(file: string, what: string, limit?: ReadLimit): Promise<string> {
  return (await readBoundedFile(file, what, limit)).toString('utf8');
}

/** Read a binary file (bounded, regular); an unreadable file is a BadInputError naming the file and `what` it is. */
export async function readBytesFile(file: string, what: string, limit?: ReadLimit): Promise<Uint8Array> {
  return readBoundedFile(file, what, limit);
}

/** Parse a JSON file; an unreadable file or invalid JSON is a BadInputError naming the file and `what` it is. */
export async function readJsonFile(file: string, what: string, limit?: ReadLimit): Promise<unknown> {
  const text = await readTextFile(file, what, limit);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadInputError(
      `the ${what} is not valid JSON: ${jsonErrorWithoutContent((err as Error).message)}`,
      {
        file,
      },
    );
  }
}

/**
 * V8's JSON.parse message without the excerpt of the text it quotes (`Unexpected token 'r',
 * "root:x:0:0:"... is not valid JSON`): an input may be a link to a file that is not the user's
 * to show, and the excerpt can be long or hold terminal control characters.
 */
export function jsonErrorWithoutContent(message: string): string {
  // The excerpt may be cut (`"root:x:0:0"...`) or start mid-text (`..."x"`); the token is content too.
  const quoted = /^([^']*?)(?: '[\s\S]+?')?, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/.exec(
    message,
  );
  return quoted ? `${quoted[1]} (the file's text is not shown)` : message;
}
