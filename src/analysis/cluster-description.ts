import type { SliceLift } from '../contracts/clusters-report.js';
import type { EncodedColumn } from '../evaluate/eval-set.js';

/** What describes one error cluster beyond its c-TF-IDF name: separating terms and slice lift. */

/**
 * Terms that separate cluster c from the rest of its cell: for each term, the share of the
 * cluster's documents containing it minus the share of the other documents containing it; terms
 * in fewer than two of the cluster's documents (or none, for a one-document cluster) are skipped.
 */
export function separatingTerms(
  docs: readonly (readonly string[])[],
  labels: readonly number[],
  c: number,
  n: number,
): { term: string; clusterShare: number; restShare: number }[] {
  const inC = new Map<string, number>();
  const inRest = new Map<string, number>();
  let sizeC = 0;
  docs.forEach((terms, i) => {
    const target = labels[i] === c ? inC : inRest;
    if (labels[i] === c) sizeC++;
    for (const t of new Set(terms)) target.set(t, (target.get(t) ?? 0) + 1);
  });
  const sizeRest = docs.length - sizeC;
  if (sizeC === 0 || sizeRest === 0) return [];
  const minDocs = Math.min(2, sizeC);
  return [...inC]
    .filter(([, df]) => df >= minDocs)
    .map(([term, df]) => ({ term, clusterShare: df / sizeC, restShare: (inRest.get(term) ?? 0) / sizeRest }))
    .filter((t) => t.clusterShare > t.restShare)
    .sort(
      (a, b) =>
        b.clusterShare - b.restShare - (a.clusterShare - a.restShare) ||
        b.clusterShare - a.clusterShare ||
        (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
    )
    .slice(0, n);
}

export function sliceLifts(
  slices: readonly EncodedColumn[],
  members: readonly number[],
  cellRows: readonly number[],
  minSupport: number,
): SliceLift[] {
  const out: SliceLift[] = [];
  for (const col of slices) {
    const inCell = new Map<number, number>();
    for (const r of cellRows) inCell.set(col.codes[r]!, (inCell.get(col.codes[r]!) ?? 0) + 1);
    const inCluster = new Map<number, number>();
    for (const r of members) inCluster.set(col.codes[r]!, (inCluster.get(col.codes[r]!) ?? 0) + 1);
    for (const [code, support] of inCluster) {
      if (code < 0 || support < minSupport) continue;
      const clusterShare = support / members.length;
      const cellShare = inCell.get(code)! / cellRows.length;
      const lift = clusterShare / cellShare;
      if (lift <= 1 + 1e-9) continue;
      out.push({ column: col.name, value: col.values[code]!, lift, support, clusterShare, cellShare });
    }
  }
  return out
    .sort(
      (a, b) =>
        b.lift - a.lift || b.support - a.support || (a.column + a.value < b.column + b.value ? -1 : 1),
    )
    .slice(0, 5);
}
