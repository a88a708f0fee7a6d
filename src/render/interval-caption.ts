import type { Interval } from '../contracts/metric-results.js';

/**
 * The caption of a set of intervals, read off the intervals themselves (each carries its method),
 * so a caption can never name a method the numbers beside it did not use: issue 26 found "bootstrap"
 * over Wilson numbers. `95% intervals: Wilson for accuracy, recall; percentile bootstrap for F1`.
 */
const METHOD_NAMES: Readonly<Record<Interval['method'], string>> = {
  wilson: 'Wilson',
  jeffreys: 'Jeffreys',
  'percentile-bootstrap': 'percentile bootstrap',
  'exhaustive-bootstrap': 'exhaustive bootstrap',
};

export function methodName(method: Interval['method']): string {
  return METHOD_NAMES[method];
}

export interface NamedInterval {
  readonly name: string;
  readonly interval: Pick<Interval, 'method' | 'level' | 'resamples' | 'seed'> | null | undefined;
}

/** Which method each named number's interval used, grouped by method in first-seen order. */
export function intervalCaption(items: readonly NamedInterval[]): string {
  const byMethod = new Map<Interval['method'], string[]>();
  let level: number | undefined;
  let boot: { resamples: number; seed: number | null } | undefined;
  for (const { name, interval } of items) {
    if (!interval) continue;
    level ??= interval.level;
    const names = byMethod.get(interval.method) ?? [];
    if (!names.includes(name)) names.push(name);
    byMethod.set(interval.method, names);
    if (interval.method.endsWith('bootstrap') && interval.resamples > 0) {
      boot ??= { resamples: interval.resamples, seed: interval.seed };
    }
  }
  if (level === undefined) return 'no intervals';
  const groups = [...byMethod].map(([method, names]) => `${METHOD_NAMES[method]} for ${names.join(', ')}`);
  const settings = boot ? ` (bootstrap: ${boot.resamples} resamples, seed ${boot.seed ?? 'none'})` : '';
  return `${Math.round(level * 100)}% intervals: ${groups.join('; ')}${settings}`;
}
