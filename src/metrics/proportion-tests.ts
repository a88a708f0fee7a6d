import { betaCdf } from './distributions.js';
import { logFactorial } from './sampling.js';

/**
 * One-sided tests that a proportion is lower than a reference, for flagging an annotator whose
 * accuracy is below a target or below the rest of the team.
 */

function checkCounts(x: number, n: number, what: string): void {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(x) && x >= 0 && x <= n)) {
    throw new RangeError(`${what}: need integers 0 <= x <= n, got x = ${x}, n = ${n}`);
  }
}

/**
 * Exact binomial test, alternative "less": P(X <= x) for X ~ Binomial(n, p0), as scipy's
 * `binomtest(x, n, p0, alternative='less').pvalue`. Uses P(X <= x) = I_{1-p0}(n - x, x + 1).
 */
export function binomialLowerP(x: number, n: number, p0: number): number {
  checkCounts(x, n, 'binomial test');
  if (!(p0 >= 0 && p0 <= 1)) throw new RangeError(`p0 must be in [0, 1], got ${p0}`);
  if (x === n) return 1;
  if (p0 === 0) return 1;
  if (p0 === 1) return 0;
  return betaCdf(1 - p0, n - x, x + 1);
}

function logHypergeometric(k: number, n1: number, n2: number, total: number): number {
  // P(X = k): k of the `total` successes fall in group 1 (size n1) of n1 + n2.
  return (
    logFactorial(n1) -
    logFactorial(k) -
    logFactorial(n1 - k) +
    logFactorial(n2) -
    logFactorial(total - k) -
    logFactorial(n2 - total + k) -
    (logFactorial(n1 + n2) - logFactorial(total) - logFactorial(n1 + n2 - total))
  );
}

/**
 * Fisher's exact test of the 2 × 2 table [[x1, n1 − x1], [x2, n2 − x2]], alternative "less"
 * (group 1's proportion below group 2's): P(X <= x1) with X hypergeometric given the margins, as
 * scipy's `fisher_exact(table, alternative='less')[1]`.
 */
export function fisherLowerP(x1: number, n1: number, x2: number, n2: number): number {
  checkCounts(x1, n1, 'Fisher test, group 1');
  checkCounts(x2, n2, 'Fisher test, group 2');
  const total = x1 + x2;
  const lo = Math.max(0, total - n2);
  let p = 0;
  for (let k = lo; k <= x1; k++) p += Math.exp(logHypergeometric(k, n1, n2, total));
  return Math.min(1, p);
}
