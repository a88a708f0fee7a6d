import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadInputError } from '../../src/util/errors.js';
import {
  checkOption,
  firstIssue,
  issuePath,
  parseInput,
  zodInputError,
  zodPhrase,
} from '../../src/util/zod.js';

// Synthetic schemas: the formatter's job is the shape of any zod issue, not a particular file.
const Rules = z.strictObject({
  rules: z.array(z.object({ metric: z.string(), bound: z.number().min(0) })),
});

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failed parse');
  return parsed.error;
}

describe('issuePath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(issuePath(['rules', 2, 'metric'])).toBe('rules[2].metric');
    expect(issuePath(['ratings', 3, 1])).toBe('ratings[3][1]');
    expect(issuePath([0, 'a'])).toBe('[0].a');
  });

  it('names the root when there is no path', () => {
    expect(issuePath([])).toBe('(root)');
  });

  it('keeps a hostile key as data', () => {
    expect(issuePath(['__proto__', 'x'])).toBe('__proto__.x');
  });
});

describe('firstIssue', () => {
  it('takes the first issue, its full path under the base, and the issue count', () => {
    const error = errorOf(Rules, {
      rules: [
        { metric: 'recall', bound: 1 },
        { metric: 7, bound: -1 },
      ],
    });
    const issue = firstIssue(error, ['policy']);
    expect(issue.path).toEqual(['policy', 'rules', 1, 'metric']);
    expect(issue.count).toBe(2);
    expect(issue.unknownKey).toBeUndefined();
  });

  it('reports the first unknown key of a strict object', () => {
    const issue = firstIssue(errorOf(Rules, { rules: [], ruels: [], extra: 1 }));
    expect(issue.path).toEqual([]);
    expect(issue.unknownKey).toBe('ruels');
  });
});

describe('zodInputError / parseInput', () => {
  it('names the file and the field in the message and the location', () => {
    const err = zodInputError(errorOf(Rules, { rules: [{ metric: 'x', bound: -2 }] }), { file: 'p.json' });
    expect(err).toBeInstanceOf(BadInputError);
    expect(err.exitCode).toBe(2);
    expect(err.location).toEqual({ file: 'p.json', field: 'rules[0].bound' });
    expect(err.message).toMatch(/^p\.json, field "rules\[0\]\.bound": /);
  });

  it('words the message with `say` and keeps other location parts', () => {
    const err = zodInputError(errorOf(Rules, { rules: 'no' }), {
      file: 'f',
      location: { line: 4 },
      say: (m, issue) => `bad rules (${issue.count}): ${m}`,
    });
    expect(err.location).toEqual({ file: 'f', line: 4, field: 'rules' });
    expect(err.message).toMatch(/^f, line 4, field "rules": bad rules \(1\): /);
  });

  it('names the root of a value that is not even an object', () => {
    expect(() => parseInput(Rules, null, { file: 'f' })).toThrow(/^f, field "\(root\)": /);
  });

  it('returns the parsed value, defaults applied', () => {
    const schema = z.object({ n: z.number().default(3) });
    expect(parseInput(schema, {})).toEqual({ n: 3 });
  });
});

describe('checkOption / zodPhrase', () => {
  it('names the option and the field under it', () => {
    const schema = z.object({ batchSize: z.number().int().positive() });
    expect(() => checkOption(schema, { batchSize: 0 }, 'run options')).toThrow(
      /^field "run options\.batchSize": invalid run options: /,
    );
  });

  it('names the option itself for a bad scalar', () => {
    expect(() => checkOption(z.enum(['keep', 'fail']), 'maybe', 'onConflict')).toThrow(
      /^field "onConflict": invalid onConflict: /,
    );
  });

  it('gives a phrase with the field, or none at the root', () => {
    expect(zodPhrase(errorOf(Rules, { rules: [{ metric: 1, bound: 0 }] })).field).toBe('rules[0].metric');
    expect(zodPhrase(errorOf(z.string(), 1))).not.toHaveProperty('field');
  });
});
