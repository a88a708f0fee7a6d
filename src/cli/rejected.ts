import { existsSync, readFileSync } from 'node:fs';
import type { GoldenRowRule } from '../evaluate/eval-set.js';
import { logLine } from './log.js';

/**
 * The stderr line of a command that left bad golden rows out (`--on-invalid skip`) and whose
 * output has no warnings list to carry it: how many, and the file naming each with its reason.
 */
export function logRejectedGolden(rule: GoldenRowRule): void {
  if (rule.rejectsPath === undefined || !existsSync(rule.rejectsPath)) return;
  const text = readFileSync(rule.rejectsPath, 'utf8');
  const rows = text === '' ? 0 : text.trimEnd().split('\n').length;
  if (rows === 0) return;
  logLine(
    `modeval: warning: ${rows} golden rows were rejected and left out; each with its reason in ${rule.rejectsPath}`,
  );
}
