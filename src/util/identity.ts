import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BadInputError } from './errors.js';

/** A path a command reads or writes, and what it is (for the message). */
export interface NamedPath {
  readonly path: string;
  readonly what: string;
}

/**
 * The real path of a file that may not exist yet: the real path of its nearest existing ancestor
 * with the rest appended, so `link/new.arrow` and `target/new.arrow` compare equal.
 */
export function realPathOf(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const up = dirname(abs);
    if (up === abs) return abs;
    return join(realPathOf(up), basename(abs));
  }
}

/** `dev:ino` of an existing path (following links), or undefined when it does not exist. */
function inodeOf(path: string): string | undefined {
  const st = statSync(path, { throwIfNoEntry: false, bigint: true });
  return st ? `${st.dev}:${st.ino}` : undefined;
}

/**
 * Refuse a command whose outputs would replace one of its inputs. Compared by identity, not by
 * name: real paths (through symbolic links and `..`) and device + inode (hard links, bind mounts),
 * so `--out` reached through a link to the golden set is caught. Exit 2 naming both roles.
 */
export function assertOutputsSpareInputs(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  const ins = inputs.map((i) => ({ ...i, real: realPathOf(i.path), inode: inodeOf(i.path) }));
  for (const out of outputs) {
    const real = realPathOf(out.path);
    const inode = inodeOf(out.path);
    for (const input of ins) {
      if (real === input.real || (inode !== undefined && inode === input.inode)) {
        throw new BadInputError(
          `the ${out.what} would replace the ${input.what} ${input.path}; write it somewhere else`,
          { file: out.path },
        );
      }
    }
  }
}

/**
 * Refuse an output folder that is, or contains, one of the inputs' folders' files by the names the
 * command writes. Same as assertOutputsSpareInputs with each output file spelled out.
 */
export function assertFolderSparesInputs(
  dir: string,
  names: readonly NamedPath[],
  inputs: readonly NamedPath[],
): void {
  assertOutputsSpareInputs(
    names.map((n) => ({ path: join(dir, n.path), what: n.what })),
    inputs,
  );
}
