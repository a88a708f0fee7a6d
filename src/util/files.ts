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
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new BadInputError(unreadable(code), { file: path });
  }
  if (!st.isFile()) {
    throw new BadInputError(what ? `${what} is not a regular file` : 'not a regular file', { file: path });
  }
  return st;
}

/** Parse a JSON file; an unreadable file or invalid JSON is a BadInputError naming the file and `what` it is. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read the ${what}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      file,
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`the ${what} is not valid JSON: ${(err as Error).message}`, { file });
  }
}
