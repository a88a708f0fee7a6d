// The metrics a computed headline carries against the registry's declarations for its task: every
// declared metric is there, nothing undeclared is. A declaration whose extractor or computation is
// lost turns the evaluate tests that call this red.
import { expect } from 'vitest';
import type { ClassIntervals, Headline } from '../../src/contracts/metrics-report.js';
import { CLASS_METRICS, OVERALL_METRICS, type Task } from '../../src/metrics/registry/index.js';

const NOT_METRICS = new Set(['n', 'support', 'positive']);
const CLASS_FIELDS = new Set(['label', 'support', 'predicted', 'notScored']);

function leafPaths(x: Record<string, unknown>, skip: Set<string>, prefix = ''): string[] {
  return Object.entries(x).flatMap(([k, v]) => {
    if (skip.has(k)) return [];
    const o = v as Record<string, unknown>;
    if ('estimate' in o || 'value' in o) return [`${prefix}${k}`];
    return leafPaths(o, new Set(), `${prefix}${k}.`);
  });
}

export function expectDeclaredMetrics(
  h: Headline,
  task: Task,
  perClass: readonly ClassIntervals[] = [],
): void {
  const declared = OVERALL_METRICS.filter((d) => d.tasks.includes(task)).map((d) => d.key as string);
  expect(leafPaths(h, NOT_METRICS).sort()).toEqual([...declared].sort());
  const classKeys = CLASS_METRICS.map((d) => d.key as string).sort();
  for (const c of [...(h.positive ? [h.positive] : []), ...perClass])
    expect(leafPaths(c, CLASS_FIELDS).sort()).toEqual(classKeys);
  expect(h.positive === undefined).toBe(task !== 'binary');
}
