import type { MetricComparison } from '../contracts/gate-report.js';
import { f3, signed, signedInterval } from '../render/numbers.js';

/** Baseline, candidate, delta and the delta's interval of one compared metric, in both report formats. */
export function deltaCells(m: MetricComparison): [string, string, string, string] {
  return [f3(m.baseline), f3(m.candidate), signed(m.delta), signedInterval(m.interval)];
}
