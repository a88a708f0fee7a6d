/**
 * What bounds the report's size: every list drawn from the data is cut to these, and the footer
 * states them. With these defaults a report stays in the low megabytes whatever the dataset size.
 */
export interface ReportLimits {
  /** Characters of an id, label, slice value or model name. */
  nameChars: number;
  /** Characters of an example text. */
  textChars: number;
  /** Points per ROC / PR curve (evenly thinned, end points kept). */
  curvePoints: number;
  /** Labels drawn in a confusion matrix (the rest are pooled into one row and column). */
  confusionLabels: number;
  /** Values shown per slice column (largest first; metrics.json has them all). */
  sliceValues: number;
  /** Slice columns and crossings shown. */
  sliceColumns: number;
  /** Clusters shown per model, and example texts per cluster. */
  clusters: number;
  clusterExamples: number;
  /** Terms and slice lifts shown per cluster. */
  clusterTerms: number;
  /** Flipped items listed per direction in the compare view. */
  flipItems: number;
  /** Slice regressions listed in the compare view. */
  sliceRegressions: number;
  /** Rows of annotator tables (pairs, annotators vs gold). */
  agreementRows: number;
  /** Bias subgroups listed. */
  biasSubgroups: number;
}

export const DEFAULT_LIMITS: ReportLimits = {
  nameChars: 80,
  textChars: 400,
  curvePoints: 150,
  confusionLabels: 20,
  sliceValues: 25,
  sliceColumns: 12,
  clusters: 12,
  clusterExamples: 3,
  clusterTerms: 8,
  flipItems: 10,
  sliceRegressions: 15,
  agreementRows: 30,
  biasSubgroups: 30,
};

/** Keep at most `max` points, evenly spaced, always keeping the first and the last. */
export function thinIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const out: number[] = [];
  const step = (length - 1) / (max - 1);
  let last = -1;
  for (let k = 0; k < max; k++) {
    const i = Math.round(k * step);
    if (i !== last) out.push(i);
    last = i;
  }
  return out;
}
