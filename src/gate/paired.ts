import type { FlipCounts } from '../contracts/gate-report.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import type { Rows } from '../evaluate/rows.js';
import { ConfusionMatrix } from '../metrics/confusion.js';

export function confusionOf(
  labels: readonly string[],
  truth: Int32Array,
  predicted: Int32Array,
): ConfusionMatrix {
  const cm = new ConfusionMatrix(labels);
  cm.addAll(truth, predicted);
  return cm;
}

export function flipCounts(set: PairedSet, rows: Rows, classIdx = -1): FlipCounts {
  const t = set.truth;
  const b = set.baseline.predicted;
  const c = set.candidate.predicted;
  const out: FlipCounts = { n: 0, newlyWrong: 0, newlyRight: 0, predictionFlips: 0 };
  for (const i of rows) {
    if (classIdx >= 0 && t[i] !== classIdx) continue;
    out.n++;
    const bRight = b[i] === t[i];
    const cRight = c[i] === t[i];
    if (bRight && !cRight) out.newlyWrong++;
    else if (!bRight && cRight) out.newlyRight++;
    if (b[i] !== c[i]) out.predictionFlips++;
  }
  return out;
}
