import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/util/errors.js';
import { loadWithDependencies, MissingDependencyError } from '../../src/util/optional-deps.js';

// Specifiers held in variables so TypeScript does not resolve them; neither package exists.
const absent = 'modeval-test-absent-package';
const other = 'modeval-test-other-absent-package';

describe('loadWithDependencies', () => {
  it('turns a missing listed package into exit 2 with the install command', async () => {
    const err = await loadWithDependencies('building X', [absent, 'postal-mime'], () => import(absent)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).exitCode).toBe(ExitCode.badInput);
    expect((err as Error).message).toBe(
      `building X needs ${absent}, postal-mime (development dependencies, not in a production install; ${absent} is missing): run \`npm install ${absent} postal-mime\`, or \`npm ci\` in a clone of modeval`,
    );
  });

  it('passes other failures through unchanged', async () => {
    await expect(loadWithDependencies('building X', [absent], () => import(other))).rejects.toMatchObject({
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      loadWithDependencies('x', [absent], () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    await expect(loadWithDependencies('x', [absent], async () => 42)).resolves.toBe(42);
  });
});
