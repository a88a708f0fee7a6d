import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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

/** Read a text file; an unreadable file is a BadInputError naming the file and `what` it is. */
export async function readTextFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read the ${what}: ${errnoCode(err)}`, { file });
  }
}

/** Read a binary file; an unreadable file is a BadInputError naming the file and `what` it is. */
export async function readBytesFile(file: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new BadInputError(`cannot read the ${what}: ${errnoCode(err)}`, { file });
  }
}

/** Parse a JSON file; an unreadable file or invalid JSON is a BadInputError naming the file and `what` it is. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  const text = await readTextFile(file, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`the ${what} is not valid JSON: ${(err as Error).message}`, { file });
  }
}
