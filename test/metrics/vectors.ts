import { readFileSync } from 'node:fs';

/**
 * Reference vectors copied from /work/shared/test-vectors/ (classification.json: scikit-learn 1.2
 * and 1.9; comparison.json: statsmodels contingency_tables.mcnemar and an exhaustive bootstrap).
 */
export function loadVector<T>(name: 'classification' | 'comparison'): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Absolute-difference check that also names what was compared. */
export function expectClose(actual: number | null | undefined, expected: number, tol = 1e-12): void {
  if (actual === null || actual === undefined || !(Math.abs(actual - expected) <= tol)) {
    throw new Error(`expected ${expected} ± ${tol}, got ${actual}`);
  }
}
