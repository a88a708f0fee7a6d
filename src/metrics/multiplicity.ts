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
  const present = sortedPresent(pValues);
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
      // p / (i/m), not p·m/i: statsmodels' order of operations, so the values agree to the bit.
      running = Math.min(running, p / ((i + 1) / m));
      out[at] = running;
    }
  }
  return out;
}

/**
 * Which hypotheses are rejected at `alpha`, equal to statsmodels'
 * `multipletests(pvals, alpha, method='holm' | 'fdr_bh')[0]`: rejected when the adjusted p-value is
 * at most alpha (alpha itself included). The comparison is made as statsmodels makes it, on the
 * sorted raw p-values: Holm rejects p_(1..r) while p_(i) <= alpha/(m − i + 1), BH rejects
 * p_(1..r) for the largest r with p_(r) <= alpha·r/m. In exact arithmetic that is "adjusted <=
 * alpha"; in float64 the two can differ by a rounding at the boundary, and this one follows
 * statsmodels' decision. Null entries stay null.
 */
export function rejectedAt(
  pValues: readonly (number | null)[],
  method: MultiplicityMethod,
  alpha: number,
): (boolean | null)[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const present = sortedPresent(pValues);
  const m = present.length;
  let rejected = 0;
  if (method === 'holm') {
    while (rejected < m && present[rejected]!.p <= alpha / (m - rejected)) rejected++;
  } else {
    for (let i = m - 1; i >= 0; i--) {
      if (present[i]!.p <= ((i + 1) / m) * alpha) {
        rejected = i + 1;
        break;
      }
    }
  }
  const out: (boolean | null)[] = pValues.map((p) => (p === null ? null : false));
  for (let i = 0; i < rejected; i++) out[present[i]!.at] = true;
  return out;
}

/** The non-null p-values with their positions, checked and sorted (stable: ties keep input order). */
function sortedPresent(pValues: readonly (number | null)[]): { p: number; at: number }[] {
  const present: { p: number; at: number }[] = [];
  pValues.forEach((p, at) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${at} must be in [0, 1], got ${p}`);
    present.push({ p, at });
  });
  present.sort((x, y) => x.p - y.p);
  return present;
}
