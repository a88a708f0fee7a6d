import { z } from 'zod';

/**
 * `z.record(z.string(), value)` for objects keyed by names from data (labels, classes, reviewers):
 * zod's own record builds a plain `{}`, so a `__proto__` key is silently dropped (or replaces the
 * object's prototype) and `constructor` reads Object's. This keeps every key, in a prototype-free
 * object (as util/keyed.ts's keyedRecord makes them; this layer imports nothing but zod), and
 * reports a bad value at its key's path.
 */
export function keyedRecordSchema<V extends z.ZodType>(value: V) {
  return z
    .custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'expected an object',
    )
    .transform((obj, ctx) => {
      const out = Object.create(null) as Record<string, z.output<V>>;
      for (const key of Object.keys(obj)) {
        const parsed = value.safeParse(obj[key]);
        if (parsed.success) out[key] = parsed.data;
        else
          for (const issue of parsed.error.issues)
            ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never);
      }
      return out;
    });
}
