import type { Options } from 'yargs';
import { ZodDefault, ZodEnum, ZodOptional, type z } from 'zod';
import { EvalSetOptionsSchema } from '../evaluate/eval-set.js';
import { CompareOptionsSchema } from '../gate/options.js';
import { BadInputError } from '../util/errors.js';
import { firstIssue } from '../util/zod.js';

/** The inputs of the verbs that weigh a candidate model against a baseline on one golden set. */
export const pairOptions = {
  baseline: {
    type: 'string',
    demandOption: true,
    describe: 'predictions of the model in production (shards: comma-separated)',
  },
  candidate: {
    type: 'string',
    demandOption: true,
    describe: 'predictions of the new model (shards: comma-separated)',
  },
  dataset: { type: 'string', demandOption: true, describe: 'golden dataset (Arrow IPC)' },
  spec: { type: 'string', describe: 'dataset spec JSON (default: found beside the dataset)' },
} as const satisfies Record<string, Options>;

export const listLimitOption = {
  'list-limit': {
    type: 'number',
    default: schemaDefault(CompareOptionsSchema, 'listLimit'),
    describe: 'flipped items listed per direction',
  },
} as const satisfies Record<string, Options>;

/** The one flag for bad golden rows, in every command that reads them (README "The dataset contract"). */
export const onInvalidOption = {
  'on-invalid': {
    choices: schemaChoices(EvalSetOptionsSchema, 'onInvalid'),
    default: schemaDefault(EvalSetOptionsSchema, 'onInvalid'),
    describe:
      'a bad golden row: error = stop at the first (exit 2, naming file, row, id and field); skip = leave each out, with its reason in rejected-golden.jsonl beside the output',
  },
} as const satisfies Record<string, Options>;

/** yargs only checks that a number option is a number; counts and seeds must also be whole. */
export function requireInteger(option: string, value: number, min: 0 | 1): void {
  if (!(Number.isInteger(value) && value >= min)) {
    const kind = min === 1 ? 'a positive' : 'a non-negative';
    throw new BadInputError(`--${option} must be ${kind} integer, got ${value}`);
  }
}

/**
 * Checks a library call's options with that library's own schema before the call, so that a bad
 * flag value (`--batch-size 0`) is a usage error naming the flag (exit 2) rather than a zod error
 * escaping from inside the library as an internal one. Option `fooBar` is flag `--foo-bar`.
 */
export function checkFlags<S extends z.ZodType>(schema: S, options: z.input<S>): void {
  const parsed = schema.safeParse(options);
  if (parsed.success) return;
  const issue = firstIssue(parsed.error);
  const key = issue.path[0];
  if (typeof key !== 'string') throw new BadInputError(issue.message);
  const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new BadInputError(`--${flag}: ${issue.message}`);
}

/**
 * Runs a library call so that its errors about its own options name the command's flags instead:
 * a BadInputError located at option `categoryMap.remove` and at no file (a problem of the call, not
 * of an input file) becomes one about `--map remove`. `flags`: option name → flag.
 */
export async function namingFlags<T>(flags: ReadonlyMap<string, string>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    if (!Object.keys(err.location).every((k) => k === 'field')) throw err;
    const field = err.location.field ?? '';
    const option = /^[^.[]+/.exec(field)?.[0] ?? '';
    const flag = flags.get(option);
    if (flag === undefined) throw err;
    const key = field.slice(option.length).replace(/^\./, ' ');
    throw new BadInputError(`${flag}${key}: ${err.reason}`, {}, { cause: err });
  }
}

/**
 * A flag's default, read from the library schema that owns it, so the CLI never states a default
 * twice. Parsing `undefined` gives the schema's default; a field without one throws at startup.
 */
export function schemaDefault<S extends z.ZodObject, K extends keyof S['shape'] & string>(
  schema: S,
  key: K,
): z.output<S['shape'][K]> {
  return (schema.shape[key] as z.ZodType).parse(undefined) as z.output<S['shape'][K]>;
}

/** A flag's choices, from the enum in the library schema (under any default/optional wrapper). */
export function schemaChoices<S extends z.ZodObject, K extends keyof S['shape'] & string>(
  schema: S,
  key: K,
): readonly NonNullable<z.output<S['shape'][K]>>[] {
  let field = schema.shape[key] as z.ZodType;
  while (field instanceof ZodDefault || field instanceof ZodOptional) field = field.unwrap() as z.ZodType;
  if (!(field instanceof ZodEnum)) throw new Error(`schema field ${key} is not an enum`);
  return field.options as unknown as readonly NonNullable<z.output<S['shape'][K]>>[];
}
