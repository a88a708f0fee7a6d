import { BadInputError } from '../util/errors.js';
import type { GoldenItems, JudgementTable, RawJudgement } from './judgements.js';

/**
 * Encode the judgements: the label set (declared, else every label seen, sorted), annotators
 * sorted by name (names are data: a Map, never an object key), judgements ordered by item, then
 * annotator, then time (input order where a time is missing), so that the order of a log's rows
 * changes nothing.
 */
export function buildTable(items: GoldenItems, raw: readonly RawJudgement[], file: string): JudgementTable {
  const labels = items.declared ? [...items.declared] : observedLabels(items, raw);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const annotators = [...new Set(raw.map((j) => j.annotator))].sort(byCodeUnits);
  const annotatorIndex = new Map(annotators.map((a, i) => [a, i]));
  const ordered = raw
    .map((j) => ({ j, a: annotatorIndex.get(j.annotator)! }))
    .sort(
      (x, y) =>
        x.j.item - y.j.item ||
        x.a - y.a ||
        (x.j.time !== null && y.j.time !== null ? x.j.time - y.j.time : 0) ||
        x.j.seq - y.j.seq,
    );
  const k = labels.length;
  const n = ordered.length;
  const flags = new Uint8Array(n * k);
  const item = new Int32Array(n);
  const annotator = new Int32Array(n);
  const seconds = new Float64Array(n);
  const time = new Float64Array(n);
  const batch = new Array<string | null>(n);
  ordered.forEach(({ j, a }, t) => {
    item[t] = j.item;
    annotator[t] = a;
    seconds[t] = j.seconds ?? Number.NaN;
    time[t] = j.time ?? Number.NaN;
    batch[t] = j.batch;
    for (const label of j.labels) {
      const c = labelIndex.get(label);
      if (c === undefined) {
        throw new BadInputError(
          `label "${label}" is not one of the dataset's labels (${labels.join(', ')})`,
          {
            file,
            row: j.where.row,
            field: j.where.field,
          },
        );
      }
      flags[t * k + c] = 1;
    }
  });
  const m = items.ids.length;
  const goldenFlags = new Uint8Array(m * k);
  const hasGolden = new Uint8Array(m);
  items.golden.forEach((g, i) => {
    if (g === null) return;
    hasGolden[i] = 1;
    for (const label of g) {
      const c = labelIndex.get(label);
      if (c !== undefined) goldenFlags[i * k + c] = 1;
    }
  });
  return { items, labels, annotators, item, annotator, flags, seconds, time, batch, goldenFlags, hasGolden };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function observedLabels(items: GoldenItems, raw: readonly RawJudgement[]): string[] {
  const seen = new Set<string>();
  for (const g of items.golden) for (const l of g ?? []) seen.add(l);
  for (const j of raw) for (const l of j.labels) seen.add(l);
  return [...seen].sort(byCodeUnits);
}
