import type { LabelersView, Rate } from '../contracts/labelers-report.js';
import { cohenKappaFromTable } from '../metrics/cohen.js';
import type { JudgementTable } from './judgements.js';
import { rate } from './rates.js';
import type { NominalView } from './views.js';

/**
 * Per annotator, within one view: accuracy against golden, per-label recall and precision,
 * Cohen's kappa against golden and against the consensus, and self-consistency. Every judgement
 * counts (a repeat is another decision to audit). Self-consistency compares each later judgement
 * of an item with the annotator's first one (by time, else input order).
 */
export type AnnotatorStats = Omit<LabelersView['annotators'][number], 'flag'>;

interface Tally {
  judgements: number;
  /** rows = the annotator's answer, columns = golden (or consensus). */
  vsGolden: number[][];
  vsConsensus: number[][];
  repeats: number;
  repeatsAgreeing: number;
}

const square = (k: number) => Array.from({ length: k }, () => new Array<number>(k).fill(0));

export function annotatorStats(
  table: JudgementTable,
  view: NominalView,
  consensus: Int32Array,
  level: number,
): AnnotatorStats[] {
  const k = view.labels.length;
  const tallies: Tally[] = table.annotators.map(() => ({
    judgements: 0,
    vsGolden: square(k),
    vsConsensus: square(k),
    repeats: 0,
    repeatsAgreeing: 0,
  }));
  let first = -1;
  for (let t = 0; t < table.item.length; t++) {
    const i = table.item[t]!;
    const a = table.annotator[t]!;
    const l = view.label[t]!;
    const s = tallies[a]!;
    s.judgements++;
    if (view.golden[i]! >= 0) s.vsGolden[l]![view.golden[i]!]!++;
    s.vsConsensus[l]![consensus[i]!]!++;
    // Judgements are ordered by item, annotator, time: a run of the same pair is one person's repeats.
    if (t > 0 && table.item[t - 1] === i && table.annotator[t - 1] === a) {
      s.repeats++;
      if (view.label[first] === l) s.repeatsAgreeing++;
    } else first = t;
  }
  return table.annotators.map((annotator, a) => {
    const s = tallies[a]!;
    const g = s.vsGolden;
    let n = 0;
    let correct = 0;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) n += g[r]![c]!;
    for (let c = 0; c < k; c++) correct += g[c]![c]!;
    return {
      annotator,
      judgements: s.judgements,
      accuracy: rate(correct, n, level),
      perClass: view.labels.map((label, c) => ({
        label,
        recall: rate(g[c]![c]!, column(g, c), level),
        precision: rate(g[c]![c]!, sum(g[c]!), level),
      })),
      kappaVsGolden: kappa(g),
      kappaVsConsensus: kappa(s.vsConsensus),
      selfConsistency: rate(s.repeatsAgreeing, s.repeats, level),
    };
  });
}

const sum = (row: readonly number[]) => row.reduce((x, y) => x + y, 0);
const column = (m: readonly (readonly number[])[], c: number) => m.reduce((x, row) => x + row[c]!, 0);

function kappa(table: number[][]): { n: number; kappa: number | null; reason?: string } {
  const k = cohenKappaFromTable(table);
  return { n: k.n, kappa: k.kappa, ...(k.reason !== undefined ? { reason: k.reason } : {}) };
}

/** The pooled accuracy of every judgement of an item with a golden label. */
export function teamAccuracy(stats: readonly AnnotatorStats[], level: number): Rate {
  let x = 0;
  let n = 0;
  for (const s of stats) {
    x += s.accuracy.x;
    n += s.accuracy.n;
  }
  return rate(x, n, level);
}
