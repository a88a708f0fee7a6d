import { BadInputError } from './errors.js';

/**
 * What the environment can do to an output: errno codes meaning "this place cannot take the file"
 * (a read-only mount, a full disk, a path through a file), worded for the user. They are exit 2
 * naming the path, not internal errors: the user picked the place and can pick another.
 */
const ENVIRONMENT_CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'something already exists there',
  EISDIR: 'it is a folder',
  ENOENT: 'a folder on the path does not exist',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EXDEV: 'not on the same file system as its folder',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EINVAL: 'the file system does not accept it',
  EIO: 'input/output error',
};

/** The errno code of a failed file operation, if it has one. */
export function codeOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a failed file operation failed because of the place (a mapped errno code). */
export function isEnvironmentError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && Object.hasOwn(ENVIRONMENT_CAUSES, code);
}

/** An output that cannot be written where asked: exit 2, naming the path and the cause. */
export class OutputError extends BadInputError {
  constructor(
    readonly path: string,
    readonly action: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot ${action}: ${ENVIRONMENT_CAUSES[code] ?? code} (${code})`, { file: path }, options);
    this.name = 'OutputError';
  }
}

/**
 * Map a failed write of `path` to an OutputError (exit 2) when the environment refused it; any
 * other failure is returned unchanged (a bug stays an internal error). `action` completes
 * "cannot …" ("write the metrics report").
 */
export function outputFailure(err: unknown, path: string, action: string): unknown {
  if (err instanceof BadInputError) return err;
  const code = codeOf(err);
  if (code !== undefined && Object.hasOwn(ENVIRONMENT_CAUSES, code)) {
    return new OutputError(path, action, code, { cause: err });
  }
  return err;
}
