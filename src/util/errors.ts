/**
 * Exit codes are part of modeval's contract with CI systems (documented in README.md).
 */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in the user's input a problem was found; every field optional, printed in this order. */
export interface InputLocation {
  file?: string;
  batch?: number;
  row?: number;
  id?: string;
  field?: string;
  line?: number;
}

/**
 * A problem with what the user gave us (files, flags, specs). Maps to exit code 2.
 * The message is one line and names the location, so CI logs point at the culprit.
 */
export class BadInputError extends Error {
  readonly exitCode = ExitCode.badInput;
  /** The message without its location (a caller may locate it again, e.g. naming a CLI flag). */
  readonly reason: string;
  constructor(
    message: string,
    readonly location: InputLocation = {},
    options?: { cause?: unknown },
  ) {
    super(formatLocated(message, location), options);
    this.name = 'BadInputError';
    this.reason = message;
  }
}

/** A failed release gate (exit 1): not an error in the program or the input. */
export class GateFailedError extends Error {
  readonly exitCode = ExitCode.gateFailed;
  constructor(message: string) {
    super(message);
    this.name = 'GateFailedError';
  }
}

/**
 * The program could not finish for a reason outside the user's input (a model that keeps
 * crashing, a disk that fills up). Maps to exit code 3 but, unlike a bug, prints no stack trace.
 */
export class RunFailedError extends Error {
  readonly exitCode = ExitCode.internal;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFailedError';
  }
}

export function formatLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.batch !== undefined) parts.push(`batch ${loc.batch}`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.id !== undefined) parts.push(`id ${JSON.stringify(truncate(loc.id, 80))}`);
  if (loc.field !== undefined) parts.push(`field ${JSON.stringify(loc.field)}`);
  return parts.join(', ');
}

function formatLocated(message: string, loc: InputLocation): string {
  const where = formatLocation(loc);
  const oneLine = message.replace(/\s*\n\s*/g, ' ');
  return where ? `${where}: ${oneLine}` : oneLine;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * Names quoted for an error message, bounded: the first `max` (each capped at `chars`), then how
 * many there are in all. A label set of thousands must not become a line of tens of kilobytes.
 */
export function quotedList(values: readonly string[], max = 10, chars = 40): string {
  const shown = values.slice(0, max).map((v) => JSON.stringify(truncate(v, chars)));
  return values.length > max ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
}

export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof BadInputError || err instanceof GateFailedError || err instanceof RunFailedError) {
    return err.exitCode;
  }
  return ExitCode.internal;
}
