// The metric registry against the metrics.json schema: every headline and per-class field the
// schema names is declared (deleting a declaration, or naming a field without one, turns this
// red); declarations beyond the named fields pass through the schema's loose objects.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { IntervalSchema } from '../../src/contracts/metric-results.js';
import { ClassIntervalsSchema, HeadlineSchema } from '../../src/contracts/metrics-report.js';
import {
  CLASS_METRICS,
  classInterval,
  classIntervalKey,
  isIntervalKey,
  METRIC_REGISTRY,
  type MetricDeclaration,
  OVERALL_METRICS,
  overallMetric,
  placed,
  ruleMetrics,
} from '../../src/metrics/registry/index.js';

/** Fields of the headline that are counts or the positive class's block, not metrics. */
const NOT_METRICS = new Set(['n', 'support', 'positive']);
const CLASS_NOT_METRICS = new Set(['label', 'support', 'predicted', 'notScored']);

function unwrap(s: z.ZodType): z.ZodType {
  const def = (s as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
  return def.type === 'optional' || def.type === 'nullable' ? unwrap(def.innerType!) : s;
}

/** Leaf metric paths of an object schema: an interval, or a value with its interval, is a leaf. */
function metricPaths(shape: Record<string, z.ZodType>, skip: Set<string>, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([k, v]) => {
    if (skip.has(k)) return [];
    const s = unwrap(v);
    const inner = (s as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (s === IntervalSchema || inner === undefined || 'interval' in inner) return [`${prefix}${k}`];
    return metricPaths(inner, new Set(), `${prefix}${k}.`);
  });
}

describe('metric registry', () => {
  it('declares every headline field metrics.json names', () => {
    const declared = new Set<string>(OVERALL_METRICS.map((d) => d.key));
    const named = metricPaths(HeadlineSchema.shape, NOT_METRICS);
    expect(named.filter((k) => !declared.has(k))).toEqual([]);
  });

  it('declares every per-class field metrics.json names', () => {
    const declared = new Set<string>(CLASS_METRICS.map((d) => d.key));
    const named = metricPaths(ClassIntervalsSchema.shape, CLASS_NOT_METRICS);
    expect(named.filter((k) => !declared.has(k))).toEqual([]);
  });

  it('a metric the schema does not name passes through metrics.json and is read back checked', () => {
    const iv = { ...IntervalSchema.parse(interval()), estimate: 0.5 };
    const h = HeadlineSchema.parse({ ...headlineBase(), extraMetric: iv, n: 3 });
    expect((h as Record<string, unknown>).extraMetric).toEqual(iv);
    const c = ClassIntervalsSchema.parse({ ...classBase(), extraClassMetric: iv });
    const d = { ...CLASS_METRICS[0], key: 'extraClassMetric' } as MetricDeclaration;
    expect(classInterval(c, d)).toEqual(iv);
    expect(() => classInterval({ ...c, extraClassMetric: { estimate: 'x' } }, d)).toThrow(
      /extraClassMetric is not an interval/,
    );
    expect(classInterval(classBase(), d)).toBeUndefined();
  });

  it('keys, rule names and places are unique; scopes match the lists', () => {
    const keys = METRIC_REGISTRY.map((d) => `${d.scope}:${d.key}`);
    expect(new Set(keys).size).toBe(keys.length);
    const rules = METRIC_REGISTRY.flatMap((d) => (d.rule ? [d.rule.name] : []));
    expect(new Set(rules).size).toBe(rules.length);
    const orders = METRIC_REGISTRY.flatMap((d) => (d.rule ? [d.rule.order] : []));
    expect(new Set(orders).size).toBe(orders.length);
    for (const view of ['terminal', 'report', 'compare'] as const) {
      for (const scope of ['overall', 'class'] as const) {
        const at = placed(view, scope).map((d) => d.places[view]);
        expect(new Set(at).size).toBe(at.length);
      }
    }
    expect(OVERALL_METRICS.every((d) => d.scope === 'overall')).toBe(true);
    expect(CLASS_METRICS.every((d) => d.scope === 'class')).toBe(true);
  });

  it('every declaration is complete: a range, tasks, an interval method and, for confusion metrics, an extractor', () => {
    for (const d of METRIC_REGISTRY) {
      const [lo, hi] = d.range === 'labels' ? [0, 1] : d.range;
      expect(lo, d.key).toBeLessThan(hi);
      expect(d.tasks.length, d.key).toBeGreaterThan(0);
      expect(['proportion', 'bootstrap'], d.key).toContain(d.interval.method);
      expect(d.label.length, d.key).toBeGreaterThan(0);
      if (d.source === 'confusion') expect(typeof d.value, d.key).toBe('function');
    }
  });

  it('interval keys: declared ones are known, anything else is not', () => {
    for (const d of OVERALL_METRICS) expect(isIntervalKey(d.key)).toBe(true);
    for (const d of CLASS_METRICS) expect(isIntervalKey(classIntervalKey(3, d.key))).toBe(true);
    for (const bad of ['cardinality.golden', 'c1.specificity', 'precision', 'c.f1', 'c01.f1', '__proto__'])
      expect(isIntervalKey(bad), bad).toBe(false);
    expect(() => overallMetric('cardinality.golden')).toThrow(/no metric is declared/);
  });

  it('the gate table keeps its rule names in their order (a new rule may go anywhere among them)', () => {
    const known = new Set(GATE_TABLE);
    expect(ruleMetrics().flatMap((d) => (known.has(d.rule!.name) ? [d.rule!.name] : []))).toEqual(GATE_TABLE);
  });
});

/** The gate table's rule names, in order, when the registry was made (issue 21). */
const GATE_TABLE = [
  'accuracy',
  'balanced_accuracy',
  'f1_macro',
  'f1_micro',
  'f1_weighted',
  'precision_macro',
  'recall_macro',
  'mcc',
  'kappa',
  'roc_auc',
  'average_precision',
  'precision',
  'recall',
  'f1',
  'fpr',
  'fnr',
];

function interval() {
  return {
    estimate: null,
    low: null,
    high: null,
    level: 0.95,
    method: 'wilson',
    resamples: 0,
    undefinedResamples: 0,
    seed: null,
  };
}

function classBase() {
  const iv = interval();
  return { label: 'spam', support: 3, predicted: 2, precision: iv, recall: iv, f1: iv, fpr: iv, fnr: iv };
}

function headlineBase() {
  const iv = interval();
  const avg = { precision: iv, recall: iv, f1: iv };
  const score = { value: null, reason: 'none', interval: null };
  return {
    n: 3,
    support: [1, 2],
    micro: avg,
    macro: avg,
    weighted: avg,
    rocAuc: score,
    averagePrecision: score,
  };
}
