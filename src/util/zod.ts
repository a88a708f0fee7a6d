import type { z } from 'zod';
import { BadInputError, type InputLocation } from './errors.js';

/** `rules[2].metric` from ['rules', 2, 'metric']: the one path style of every input error. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

/** The first zod issue with its path as plain keys (symbols cannot occur in parsed JSON or YAML). */
export interface FirstIssue {
  message: string;
  path: (string | number)[];
  /** For an unknown key, that key (so a reader can point at it rather than at its parent). */
  unknownKey?: string;
  /** How many issues zod found in all. */
  count: number;
}

export function firstIssue(error: z.ZodError, base: readonly (string | number)[] = []): FirstIssue {
  const issue = error.issues[0]!;
  const path = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
  const out: FirstIssue = { message: issue.message, path, count: error.issues.length };
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) out.unknownKey = issue.keys[0];
  return out;
}

/** First zod issue as a short phrase with its field (for callers that collect problems per row). */
export function zodPhrase(error: z.ZodError): { message: string; field?: string } {
  const issue = firstIssue(error);
  return issue.path.length > 0
    ? { message: issue.message, field: issuePath(issue.path) }
    : { message: issue.message };
}

export interface ZodInputContext {
  /** The file the value came from. */
  file?: string;
  /** Keys above the parsed value (`['rules', 3]`), prefixed to the issue's path. */
  base?: readonly (string | number)[];
  /** Words the message from the issue's own (default: the issue's message alone). */
  say?: (message: string, issue: FirstIssue) => string;
  /** Other parts of the location (a row, a line). */
  location?: InputLocation;
}

/** The first issue of a failed parse as a BadInputError naming the file and the field. */
export function zodInputError(error: z.ZodError, context: ZodInputContext = {}): BadInputError {
  const issue = firstIssue(error, context.base);
  const message = context.say ? context.say(issue.message, issue) : issue.message;
  return new BadInputError(message, {
    ...context.location,
    ...(context.file !== undefined ? { file: context.file } : {}),
    field: issuePath(issue.path),
  });
}

/** Parse untrusted input; the first problem is a BadInputError (exit 2) naming file and field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: ZodInputContext = {},
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw zodInputError(parsed.error, context);
}

/**
 * Parse options given to a library entry point; a bad value is the caller's input error (exit 2,
 * naming the option), not an internal one.
 */
export function checkOption<S extends z.ZodType>(schema: S, value: unknown, option: string): z.output<S> {
  return parseInput(schema, value, { base: [option], say: (m) => `invalid ${option}: ${m}` });
}
