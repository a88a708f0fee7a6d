import type { Interval } from '../contracts/metric-results.js';

/**
 * When a slice is too small to read: few items overall, few golden items of a class whose recall
 * it reports (a recall rests on that class's items only), or an accuracy interval wider than a
 * limit. Each reason is spelled out, so the report can say why a row is flagged.
 */
export interface SmallSliceRule {
  /** Fewer items than this: small. */
  minSupport: number;
  /** A class with golden items but fewer than this: its recall is flagged. */
  minClassSupport: number;
  /** An accuracy (or subset accuracy) interval wider than this: small. */
  maxWidth: number;
}

export function smallSliceReasons(
  n: number,
  support: readonly number[],
  labels: readonly string[],
  accuracy: Interval | undefined,
  rule: SmallSliceRule,
): string[] {
  const reasons: string[] = [];
  if (n < rule.minSupport) reasons.push(`${n} items, fewer than ${rule.minSupport}`);
  support.forEach((s, j) => {
    if (s > 0 && s < rule.minClassSupport)
      reasons.push(`${labels[j]} recall rests on ${s} golden ${labels[j]} item${s === 1 ? '' : 's'}`);
  });
  if (
    accuracy &&
    accuracy.low !== null &&
    accuracy.high !== null &&
    accuracy.high - accuracy.low > rule.maxWidth
  )
    reasons.push(
      `accuracy interval ${(accuracy.high - accuracy.low).toFixed(2)} wide, more than ${rule.maxWidth}`,
    );
  return reasons;
}
