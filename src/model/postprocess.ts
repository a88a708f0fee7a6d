import type { Activation, DecisionRule } from './card.js';
import type { RowIssue } from './preprocess.js';

/**
 * Model output → scores → decisions. Pure functions over row-major [rows, K] Float32Arrays.
 */

function sigmoid(x: number): number {
  // Split by sign so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export interface ScoreOptions {
  activation: Activation;
  /** Score columns in the raw output. */
  width: number;
  /** Score columns wanted (labels.length). width 1 with labels 2 is a binary single-score graph. */
  labels: number;
  /** For a single-score binary graph: which label column the score belongs to. */
  positiveIndex?: number;
}

/**
 * Scores in [0, 1] per label, and the rows whose output is unusable (any non-finite value, or a
 * declared probability outside [0, 1]). Such rows keep NaN scores and must not be scored.
 */
export function toScores(
  raw: Float32Array,
  rows: number,
  options: ScoreOptions,
): { scores: Float32Array; issues: RowIssue[] } {
  const { activation, width, labels } = options;
  if (raw.length < rows * width)
    throw new Error(`model output has ${raw.length} values, expected ${rows}×${width}`);
  const scores = new Float32Array(rows * labels);
  const issues: RowIssue[] = [];
  const single = width === 1 && labels === 2;
  const positive = options.positiveIndex ?? 1;
  for (let r = 0; r < rows; r++) {
    const src = r * width;
    const dst = r * labels;
    let bad: string | null = null;
    for (let k = 0; k < width; k++) {
      const v = raw[src + k]!;
      if (!Number.isFinite(v)) {
        bad = `model output ${k} is ${v}`;
        break;
      }
      if (activation === 'none' && (v < -1e-6 || v > 1 + 1e-6)) {
        bad = `model output ${k} is ${v}, not a probability`;
        break;
      }
    }
    if (bad !== null) {
      issues.push({ row: r, reason: bad });
      scores.fill(Number.NaN, dst, dst + labels);
      continue;
    }
    if (single) {
      const v = raw[src]!;
      const p = activation === 'none' ? Math.min(1, Math.max(0, v)) : sigmoid(v);
      scores[dst + positive] = p;
      scores[dst + 1 - positive] = 1 - p;
    } else if (activation === 'softmax') {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < width; k++) max = Math.max(max, raw[src + k]!);
      let sum = 0;
      for (let k = 0; k < width; k++) sum += Math.exp(raw[src + k]! - max);
      for (let k = 0; k < width; k++) scores[dst + k] = Math.exp(raw[src + k]! - max) / sum;
    } else if (activation === 'sigmoid') {
      for (let k = 0; k < width; k++) scores[dst + k] = sigmoid(raw[src + k]!);
    } else {
      for (let k = 0; k < width; k++) scores[dst + k] = Math.min(1, Math.max(0, raw[src + k]!));
    }
  }
  return { scores, issues };
}

/**
 * Apply the decision rule to one row of scores. Ties in argmax go to the first label, so the
 * outcome does not depend on anything but the scores and the card's label order.
 */
export function decideRow(
  scores: Float32Array,
  row: number,
  k: number,
  rule: DecisionRule,
  labels: readonly string[],
): string | string[] {
  const base = row * k;
  switch (rule.kind) {
    case 'argmax': {
      let best = 0;
      for (let j = 1; j < k; j++) if (scores[base + j]! > scores[base + best]!) best = j;
      return labels[best]!;
    }
    case 'positive-threshold': {
      const i = rule.positiveIndex;
      return scores[base + i]! >= rule.threshold ? labels[i]! : labels[1 - i]!;
    }
    case 'per-label-threshold': {
      const out: string[] = [];
      for (let j = 0; j < k; j++) if (scores[base + j]! >= rule.thresholds[j]!) out.push(labels[j]!);
      return out;
    }
  }
}
