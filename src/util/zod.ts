import type { z } from 'zod';
import { BadInputError } from './errors.js';

/** First zod issue as a short phrase with its path. */
export function zodPhrase(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.');
  return field ? { message: issue.message, field } : { message: issue.message };
}

/**
 * Parse options given to a library entry point; a bad value is the caller's input error (exit 2,
 * naming the option), not an internal one.
 */
export function checkOption<S extends z.ZodType>(schema: S, value: unknown, option: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const p = zodPhrase(parsed.error);
  throw new BadInputError(`invalid ${option}: ${p.message}`, {
    field: p.field ? `${option}.${p.field}` : option,
  });
}
