import { z } from 'zod';

/**
 * Adjusted p-values for testing many hypotheses at once (many slices of one comparison), equal to
 * statsmodels' `multipletests(pvals, method='holm' | 'fdr_bh')[1]`:
 * - `holm`: Holm (1979) step-down Bonferroni; controls the family-wise error rate (the chance of
 *   any false alarm);
 * - `benjamini-hochberg`: Benjamini & Hochberg (1995) step-up; controls the false discovery rate
 *   (the expected share of false alarms among the flagged), valid for independent or positively
 *   dependent tests.
 * Entries that are null (no test possible) are left null and do not count towards m.
 */

export const MultiplicityMethodSchema = z.enum(['holm', 'benjamini-hochberg']);
export type MultiplicityMethod = z.infer<typeof MultiplicityMethodSchema>;

export function adjustPValues(
  pValues: readonly (number | null)[],
  method: MultiplicityMethod,
): (number | null)[] {
  const present: { p: number; at: number }[] = [];
  pValues.forEach((p, at) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${at} must be in [0, 1], got ${p}`);
    present.push({ p, at });
  });
  // Stable sort: ties keep input order, so the result does not depend on anything but the values.
  present.sort((x, y) => x.p - y.p);
  const m = present.length;
  const out: (number | null)[] = pValues.map(() => null);
  if (method === 'holm') {
    let running = 0;
    present.forEach(({ p, at }, i) => {
      running = Math.max(running, Math.min(1, (m - i) * p));
      out[at] = running;
    });
  } else {
    let running = 1;
    for (let i = m - 1; i >= 0; i--) {
      const { p, at } = present[i]!;
      running = Math.min(running, (p * m) / (i + 1));
      out[at] = running;
    }
  }
  return out;
}
