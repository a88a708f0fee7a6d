import { BadInputError } from './errors.js';

/**
 * A command whose packages a production install leaves out (`npm ci --omit=dev`): the dataset
 * builders and the training recipe. Exit code 2, with the command to install them.
 */
export class MissingDependencyError extends BadInputError {
  constructor(
    what: string,
    readonly packages: readonly string[],
    missing: string,
  ) {
    super(
      `${what} needs ${packages.join(', ')} (development dependencies, not in a production install; ${missing} is missing): run \`npm install ${packages.join(' ')}\`, or \`npm ci\` in a clone of modeval`,
    );
    this.name = 'MissingDependencyError';
  }
}

/** The package (one of `packages`) whose absence made `err`, if that is what `err` is. */
export function missingPackage(err: unknown, packages: readonly string[]): string | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || typeof e.message !== 'string') return null;
  const named = /Cannot find (?:package|module) '([^']+)'/.exec(e.message)?.[1];
  if (!named) return null;
  return packages.find((p) => named === p || named.startsWith(`${p}/`)) ?? null;
}

/** Runs `load` (a dynamic import); a missing one of `packages` becomes a MissingDependencyError. */
export async function loadWithDependencies<T>(
  what: string,
  packages: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const missing = missingPackage(err, packages);
    if (missing !== null) throw new MissingDependencyError(what, packages, missing);
    throw err;
  }
}
