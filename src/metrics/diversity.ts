/**
 * Diversity of two classifiers from their oracle outputs (1 = wrong on the item, 0 = right):
 * Kuncheva & Whitaker (2003, "Measures of diversity in classifier ensembles", Machine Learning
 * 51, eq. 4) correlation coefficient ρ = (N¹¹N⁰⁰ − N¹⁰N⁰¹) / √((N¹¹+N¹⁰)(N⁰¹+N⁰⁰)(N¹¹+N⁰¹)(N¹⁰+N⁰⁰)),
 * the phi coefficient of the two outcome vectors (Matthews' correlation for binary vectors).
 * 1: the two always err together, 0: independent errors. null when either never errs or always
 * errs (a constant outcome has no correlation).
 */
export function errorCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) throw new RangeError(`outcome vectors of ${a.length} and ${b.length} items`);
  let n11 = 0;
  let n10 = 0;
  let n01 = 0;
  let n00 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    if (x && y) n11++;
    else if (x) n10++;
    else if (y) n01++;
    else n00++;
  }
  const denominator = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00);
  if (denominator === 0) return null;
  return (n11 * n00 - n10 * n01) / Math.sqrt(denominator);
}
