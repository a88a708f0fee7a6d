import type { Options } from 'yargs';
import { BadInputError } from '../util/errors.js';

/** The inputs of the verbs that weigh a candidate model against a baseline on one golden set. */
export const pairOptions = {
  baseline: { type: 'string', demandOption: true, describe: 'predictions of the model in production' },
  candidate: { type: 'string', demandOption: true, describe: 'predictions of the new model' },
  dataset: { type: 'string', demandOption: true, describe: 'golden dataset (Arrow IPC)' },
  spec: { type: 'string', describe: 'dataset spec JSON (default: found beside the dataset)' },
} as const satisfies Record<string, Options>;

export const listLimitOption = {
  'list-limit': { type: 'number', default: 50, describe: 'flipped items listed per direction' },
} as const satisfies Record<string, Options>;

/** yargs only checks that a number option is a number; counts and seeds must also be whole. */
export function requireInteger(option: string, value: number, min: 0 | 1): void {
  if (!(Number.isInteger(value) && value >= min)) {
    const kind = min === 1 ? 'a positive' : 'a non-negative';
    throw new BadInputError(`--${option} must be ${kind} integer, got ${value}`);
  }
}
