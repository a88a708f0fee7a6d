import { OUTPUT_FILES, type OutputFile, outputPath } from '../io/outputs.js';
import { BadInputError } from '../util/errors.js';
import type { GoldenRowRule } from './eval-set.js';

/**
 * The one rule for bad golden rows, as each command applies it (README "The dataset contract"):
 * `error` (the default) stops at the first, naming it; `skip` leaves each out and writes it with its
 * reason to `rejected-golden.jsonl` in the command's output folder, which the command's output
 * guard then covers like its other outputs.
 */

export interface GoldenRowOptions {
  onInvalid?: 'error' | 'skip' | undefined;
}

/** The rule for a command writing into `dir`, and the outputs it adds there (none for `error`). */
export function goldenRowsBeside(
  options: GoldenRowOptions,
  dir: string | undefined,
  command: string,
): { rule: GoldenRowRule; outputs: OutputFile[] } {
  if (options.onInvalid !== 'skip') return { rule: { onInvalid: 'error' }, outputs: [] };
  if (dir === undefined) {
    throw new BadInputError(
      `${command} --on-invalid skip writes the rejected golden rows beside its output: give --out`,
      { field: 'out' },
    );
  }
  return {
    rule: { onInvalid: 'skip', rejectsPath: outputPath(dir, OUTPUT_FILES.rejectedGolden) },
    outputs: [OUTPUT_FILES.rejectedGolden],
  };
}
