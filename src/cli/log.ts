import { formatCell } from '../render/terminal.js';

/** A log or warning line for stderr, cleaned like a cell: library messages may quote dataset text. */
export function logLine(line: string): void {
  process.stderr.write(`${formatCell(line)}\n`);
}
