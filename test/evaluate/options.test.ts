import { describe, expect, it } from 'vitest';
import { MetricOptionsSchema, resolveMetricOptions } from '../../src/evaluate/options.js';
import { CompareOptionsSchema, GateOptionsSchema } from '../../src/gate/options.js';
import { ReportOptionsSchema } from '../../src/report/options.js';
import { BadInputError } from '../../src/util/errors.js';

describe('metric options schema', () => {
  it('fills in the defaults recorded in metrics.json', () => {
    const r = resolveMetricOptions({});
    expect(r.bootstrap).toEqual({ resamples: 1000, seed: 0, level: 0.95 });
    expect(r.bins).toBe(15);
    expect(r.binning).toBe('equal-mass');
    expect(r.minBinItems).toBe(20);
    expect(r.intervals).toBe('wilson');
    expect(r.minClassSupport).toBe(10);
    expect(r.maxIntervalWidth).toBe(0.2);
    expect(r.zeroDivision).toBe('nan');
    expect(r.absentClasses).toBe('present-in-golden');
    expect(r.sweep).toHaveLength(21);
    expect(r.scoreIntervals).toBe(true);
    expect(resolveMetricOptions({}, 100_001).scoreIntervals).toBe(false);
  });

  it('refuses a bad value as bad input naming the option and the value', () => {
    const cases: [Parameters<typeof resolveMetricOptions>[0], RegExp][] = [
      [{ level: 1 }, /^level must be in \(0, 1\), got 1$/],
      [{ level: Number.NaN }, /^level must be in \(0, 1\), got NaN$/],
      [{ seed: 1.5 }, /^seed must be an integer, got 1.5$/],
      [{ resamples: 0 }, /^resamples must be an integer >= 1, got 0$/],
      [{ minSliceSupport: -1 }, /^min-slice-support must be an integer >= 0, got -1$/],
      [{ curvePoints: 1 }, /^curve points must be an integer >= 2, got 1$/],
      [{ maxIntervalWidth: 0 }, /^max-interval-width must be in \(0, 1\], got 0$/],
      [{ minBinItems: 0 }, /^min-bin-items must be an integer >= 1, got 0$/],
      // The first bad option in schema order is the one reported.
      [{ bins: 0, level: 2 }, /^level must/],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveMetricOptions(options)).toThrow(BadInputError);
      expect(() => resolveMetricOptions(options)).toThrow(message);
    }
  });

  it('states the shared comparison defaults once', () => {
    const compare = CompareOptionsSchema.parse({});
    expect(compare).toMatchObject({ resamples: 2000, seed: 0, level: 0.95, listLimit: 50 });
    const report = ReportOptionsSchema.parse({ dirs: [], out: 'r.html' });
    expect(report.resamples).toBe(compare.resamples);
    expect(report.seed).toBe(compare.seed);
    expect(GateOptionsSchema.shape.listLimit.parse(undefined)).toBe(compare.listLimit);
    expect(MetricOptionsSchema.parse({}).resamples).toBe(1000);
  });
});
