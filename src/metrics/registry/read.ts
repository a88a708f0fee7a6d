import { type Interval, IntervalSchema } from '../../contracts/metric-results.js';
import type { MetricDeclaration } from './declaration.js';

/**
 * Reading a declared metric back from a headline of metrics.json (the whole set's `overall` or a
 * slice value's `metrics`), for the outputs that list metrics: the CLI printout, the report.
 * The headline is taken as a plain object because its schema lives above this layer.
 */

/** A score metric as metrics.json holds it: its value (null with a reason) and its interval. */
interface ScoreValue {
  value: number | null;
  interval: Interval | null;
}

function at(h: object, path: string): unknown {
  let v: unknown = h;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A value with no interval, shown as an interval without ends. */
function scalar(value: number | null): Interval | null {
  if (value === null) return null;
  return {
    estimate: value,
    low: null,
    high: null,
    level: 0.95,
    method: 'percentile-bootstrap',
    resamples: 0,
    undefinedResamples: 0,
    seed: null,
  };
}

/**
 * The interval of `d` in headline `h`: an overall metric's own, a class metric's for the positive
 * class (`positive`); a score metric without an interval as its bare value. Undefined where the
 * headline does not have the metric (another task, no positive class).
 */
export function headlineInterval(h: object, d: MetricDeclaration): Interval | null | undefined {
  const v = at(h, d.scope === 'class' ? `positive.${d.key}` : d.key);
  if (v === undefined) return undefined;
  if (d.source === 'scores') {
    const s = v as ScoreValue;
    return s.interval ?? scalar(s.value);
  }
  return checked(v, d);
}

/** The interval of class metric `d` in one `perClass` entry; undefined where it is absent. */
export function classInterval(c: object, d: MetricDeclaration): Interval | undefined {
  const v = at(c, d.key);
  return v === undefined ? undefined : checked(v, d);
}

// The headline and class schemas name the metrics they had when written and pass other declared
// ones through unchecked (so adding a metric edits no contract): a value read back is checked here.
function checked(v: unknown, d: MetricDeclaration): Interval {
  const parsed = IntervalSchema.safeParse(v);
  if (!parsed.success)
    throw new Error(`metrics.json: ${d.key} is not an interval (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}
