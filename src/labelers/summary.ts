import type { LabelersReport } from '../contracts/labelers-report.js';
import type { JudgementTable } from './judgements.js';

/** Per annotator, whatever the view: distinct items, judgements, and seconds per judgement when the log has them. */
export function annotatorSummaries(table: JudgementTable): LabelersReport['annotators'] {
  const items = table.annotators.map(() => new Set<number>());
  const judgements = table.annotators.map(() => 0);
  const seconds: number[][] = table.annotators.map(() => []);
  for (let t = 0; t < table.item.length; t++) {
    const a = table.annotator[t]!;
    items[a]!.add(table.item[t]!);
    judgements[a]!++;
    if (!Number.isNaN(table.seconds[t]!)) seconds[a]!.push(table.seconds[t]!);
  }
  return table.annotators.map((annotator, a) => ({
    annotator,
    items: items[a]!.size,
    judgements: judgements[a]!,
    seconds: secondsOf(seconds[a]!),
  }));
}

function secondsOf(values: number[]): { n: number; median: number; mean: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: values.length, median, mean: values.reduce((x, y) => x + y, 0) / values.length };
}
