import type { SliceReport, SliceValue } from '../contracts/metrics-report.js';
import type { EvalSet, ModelColumns } from './eval-set.js';
import { sliceHeadline } from './headline.js';
import type { ResolvedMetricOptions } from './options.js';
import { groupRows } from './slices.js';
import { smallSliceReasons } from './small-slices.js';

/** Headline metrics per value of each slice column and declared crossing. */

export function sliceReports(set: EvalSet, m: ModelColumns, r: ResolvedMetricOptions): SliceReport[] {
  const byName = new Map(set.slices.map((s) => [s.name, s] as const));
  const dims: (readonly string[])[] = [...set.slices.map((s) => [s.name]), ...set.crossings];
  return dims.map((names) => {
    const columns = names.map((name) => byName.get(name)!);
    const all = set.n === 0 ? [] : groupRows(columns);
    // A column with very many values (an id-like column) would cost one bootstrap per value and
    // say little: only the largest values are measured, the rest are counted.
    const kept = new Set(
      all
        .map((g, index) => ({ index, size: g.rows.length }))
        .sort((a, b) => b.size - a.size || a.index - b.index)
        .slice(0, r.maxSliceValues)
        .map((g) => g.index),
    );
    const values: SliceValue[] = [];
    let omittedRows = 0;
    all.forEach((g, index) => {
      if (!kept.has(index)) {
        omittedRows += g.rows.length;
        return;
      }
      const metrics = sliceHeadline(set, m, g.rows, r);
      const smallReasons = smallSliceReasons(
        g.rows.length,
        metrics.support,
        set.labels,
        metrics.accuracy ?? metrics.subsetAccuracy,
        { minSupport: r.minSliceSupport, minClassSupport: r.minClassSupport, maxWidth: r.maxIntervalWidth },
      );
      values.push({ values: g.values, small: smallReasons.length > 0, smallReasons, metrics });
    });
    return {
      columns: [...names],
      values,
      omitted: { values: all.length - values.length, rows: omittedRows },
    };
  });
}
