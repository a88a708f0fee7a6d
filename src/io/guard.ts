import { existsSync, readdirSync, statSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkReplaceable, makeFolder } from '../util/atomic.js';
import { assertOutputsSpareInputs, type NamedPath } from '../util/identity.js';
import { lockOutputFolder } from '../util/lock.js';
import { type OutputFile, outputPath, prepareOutputDir } from './outputs.js';

/**
 * The checks every command makes before its heavy work, in one place: none of its outputs may be
 * one of its inputs (by identity, util/identity.ts), the output location must take files
 * (io/outputs prepareOutputDir), and an output folder is locked for the command's duration
 * (util/lock.ts), so a second modeval writing there gets exit 2 instead of a race.
 */

/** Run `work` with `dir` checked and locked for the files this command writes there. */
export async function withOutputFolder<T>(
  dir: string,
  command: string,
  guard: { outputs: readonly OutputFile[]; inputs: readonly NamedPath[] },
  work: () => Promise<T>,
): Promise<T> {
  assertOutputsSpareInputs(
    guard.outputs.map((f) => ({ path: outputPath(dir, f), what: f.what })),
    guard.inputs,
  );
  const existed = existsSync(dir);
  await prepareOutputDir(dir);
  const lock = await lockOutputFolder(dir, command);
  try {
    return await work();
  } catch (err) {
    await lock.release();
    // A command that fails writes nothing, not even the folder it created (left only if not empty).
    if (!existed) await rmdir(dir).catch(() => {});
    throw err;
  } finally {
    await lock.release();
  }
}

/**
 * Check a single output file before the work: not one of the inputs, its folder creatable and
 * writable, and nothing but a regular file (or nothing) where it goes.
 */
export async function checkOutputFile(
  path: string,
  what: string,
  inputs: readonly NamedPath[],
): Promise<void> {
  assertOutputsSpareInputs([{ path, what }], inputs);
  await makeFolder(dirname(path));
  await prepareOutputDir(dirname(path));
  await checkReplaceable(path, what);
}

/** Every regular file directly in a folder (a model folder: card, graph, tokenizer), as inputs. */
export function folderFiles(dir: string, what: string): NamedPath[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true)
    .map((path) => ({ path, what }));
}
