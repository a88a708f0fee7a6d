import type { LabelersView } from '../contracts/labelers-report.js';
import { type DawidSkeneResult, dawidSkene, posteriorArgmax } from '../metrics/dawid-skene.js';
import type { JudgementTable } from './judgements.js';
import { rate } from './rates.js';
import type { NominalView } from './views.js';

/**
 * The consensus of one view: majority vote (a tie is no majority: null) and Dawid–Skene, whose
 * label (largest posterior, ties to the first label of the view) is "the consensus" the
 * annotators' kappa is measured against. Golden suspects: items judged at least twice whose
 * golden label differs from the consensus while the consensus holds at least `confidence`.
 */
export interface ConsensusSettings {
  readonly tolerance: number;
  readonly maxIterations: number;
  readonly smoothing: number;
  readonly suspectConfidence: number;
  readonly level: number;
}

export interface Consensus {
  readonly report: LabelersView['consensus'];
  /** Per item: the consensus label index (items without judgements: the largest prior). */
  readonly label: Int32Array;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function consensusOf(table: JudgementTable, view: NominalView, s: ConsensusSettings): Consensus {
  const k = view.labels.length;
  const items = table.items.ids.length;
  const counts = new Int32Array(items * k);
  const judged = new Int32Array(items);
  for (let t = 0; t < table.item.length; t++) {
    counts[table.item[t]! * k + view.label[t]!]!++;
    judged[table.item[t]!]!++;
  }
  const ds = dawidSkene(
    {
      items,
      annotators: table.annotators.length,
      categories: k,
      item: table.item,
      annotator: table.annotator,
      label: view.label,
    },
    { tolerance: s.tolerance, maxIterations: s.maxIterations, smoothing: s.smoothing },
  );
  const label = Int32Array.from({ length: items }, (_, i) => posteriorArgmax(ds.posteriors, k, i));
  const rows: LabelersView['consensus']['items'] = [];
  const suspects: LabelersView['consensus']['goldenSuspects'] = [];
  let ties = 0;
  const agree = { majority: 0, dawidSkene: 0, n: 0 };
  for (let i = 0; i < items; i++) {
    if (judged[i] === 0) continue;
    const majority = majorityOf(counts, i, k);
    if (majority === null) ties++;
    const g = view.golden[i]!;
    const c = label[i]!;
    if (g >= 0) {
      agree.n++;
      if (majority === g) agree.majority++;
      if (c === g) agree.dawidSkene++;
    }
    const id = table.items.ids[i]!;
    rows.push({
      id,
      judgements: judged[i]!,
      golden: g >= 0 ? view.labels[g]! : null,
      majority: majority === null ? null : view.labels[majority]!,
      consensus: view.labels[c]!,
      posterior: Array.from(ds.posteriors.subarray(i * k, i * k + k), round6),
    });
    const p = ds.posteriors[i * k + c]!;
    if (g >= 0 && c !== g && judged[i]! >= 2 && p >= s.suspectConfidence) {
      suspects.push({
        id,
        golden: view.labels[g]!,
        consensus: view.labels[c]!,
        posterior: round6(p),
        goldenPosterior: round6(ds.posteriors[i * k + g]!),
        judgements: judged[i]!,
      });
    }
  }
  // Most confident first; the dataset order breaks ties (the sort is stable).
  suspects.sort((a, b) => b.posterior - a.posterior);
  return {
    label,
    report: {
      majorityTies: ties,
      dawidSkene: dsReport(ds, table.annotators, k),
      accuracyVsGolden: {
        majority: rate(agree.majority, agree.n, s.level),
        dawidSkene: rate(agree.dawidSkene, agree.n, s.level),
      },
      items: rows,
      goldenSuspects: suspects,
    },
  };
}

/** The label most judgements chose, or null when two or more labels share the most votes. */
function majorityOf(counts: Int32Array, i: number, k: number): number | null {
  let best = -1;
  let tied = false;
  for (let c = 0; c < k; c++) {
    const v = counts[i * k + c]!;
    if (best < 0 || v > counts[i * k + best]!) {
      best = c;
      tied = false;
    } else if (v === counts[i * k + best]!) tied = true;
  }
  return tied ? null : best;
}

function dsReport(ds: DawidSkeneResult, annotators: readonly string[], k: number) {
  return {
    iterations: ds.iterations,
    converged: ds.converged,
    logLikelihood: ds.logLikelihood,
    priors: Array.from(ds.priors, round6),
    confusion: annotators.map((annotator, a) => ({
      annotator,
      matrix: Array.from({ length: k }, (_, r) =>
        Array.from(ds.confusion[a]!.subarray(r * k, r * k + k), round6),
      ),
    })),
  };
}
