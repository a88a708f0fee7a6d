import type { Rate } from '../contracts/labelers-report.js';
import { wilsonInterval } from '../metrics/proportion.js';

/** x of n with its Wilson interval (the project's proportion interval); value and interval null when n = 0. */
export function rate(x: number, n: number, level: number): Rate {
  const bounds = wilsonInterval(x, n, level);
  return {
    n,
    x,
    value: n > 0 ? x / n : null,
    interval:
      bounds === null
        ? null
        : {
            estimate: x / n,
            low: bounds.low,
            high: bounds.high,
            level,
            method: 'wilson',
            resamples: 0,
            undefinedResamples: 0,
            seed: null,
          },
  };
}
