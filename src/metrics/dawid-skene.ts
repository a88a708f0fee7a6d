/**
 * Dawid & Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
 * algorithm", Applied Statistics 28(1): each annotator j has a confusion matrix π_j[k][l] (the
 * chance of answering l when the truth is k), classes have priors p_k, and EM alternates
 * - E-step: T_ik ∝ p_k · Π over item i's judgements (j, l) of π_j[k][l];
 * - M-step: p_k = (s + Σ_i T_ik) / (K·s + I), π_j[k][l] = (s + Σ T_ik·n_ijl) / (K·s + Σ T_ik·n_ij).
 *
 * Choices, stated because they change the numbers:
 * - initialisation: the majority-vote posteriors, T_ik = the share of item i's judgements that
 *   are k (the paper's own start), so a run is deterministic and needs no seed;
 * - smoothing s (default 0.01) is a pseudo-count in every prior and confusion cell, so a class no
 *   one used, or an annotator with one item, never gives log 0;
 * - every judgement counts, repeats by the same annotator included (as the paper's anaesthesia
 *   data, where observer 1 saw each patient three times);
 * - convergence: the largest change of any posterior between two iterations is at most
 *   `tolerance` (default 1e-6), or `maxIterations` (default 500) is reached (`converged` false).
 * Items without a judgement keep the priors as their posterior.
 */

export interface DawidSkeneInput {
  readonly items: number;
  readonly annotators: number;
  readonly categories: number;
  /** Per judgement, parallel arrays: the item, the annotator and the category answered. */
  readonly item: Int32Array;
  readonly annotator: Int32Array;
  readonly label: Int32Array;
}

export interface DawidSkeneOptions {
  tolerance?: number;
  maxIterations?: number;
  smoothing?: number;
}

export interface DawidSkeneResult {
  /** Row-major items × K posterior class probabilities. */
  readonly posteriors: Float64Array;
  readonly priors: Float64Array;
  /** Per annotator, row-major K × K: row = true class, column = answer; rows sum to 1. */
  readonly confusion: Float64Array[];
  readonly iterations: number;
  readonly converged: boolean;
  /** The marginal log-likelihood of the judgements under the parameters of the last E-step. */
  readonly logLikelihood: number;
  readonly settings: Required<DawidSkeneOptions>;
}

function check(input: DawidSkeneInput): void {
  const { items, annotators, categories, item, annotator, label } = input;
  if (!(categories >= 1)) throw new RangeError(`need at least one category, got ${categories}`);
  if (item.length !== annotator.length || item.length !== label.length) {
    throw new RangeError('item, annotator and label arrays must have the same length');
  }
  for (let t = 0; t < item.length; t++) {
    const i = item[t]!;
    const j = annotator[t]!;
    const l = label[t]!;
    if (!(i >= 0 && i < items && j >= 0 && j < annotators && l >= 0 && l < categories)) {
      throw new RangeError(`judgement ${t} (item ${i}, annotator ${j}, label ${l}) is out of range`);
    }
  }
}

/** T_ik = share of item i's judgements that are k; items without judgements get 1/K. */
function majorityStart(input: DawidSkeneInput): Float64Array {
  const k = input.categories;
  const t = new Float64Array(input.items * k);
  const n = new Float64Array(input.items);
  for (let x = 0; x < input.item.length; x++) {
    t[input.item[x]! * k + input.label[x]!]!++;
    n[input.item[x]!]!++;
  }
  for (let i = 0; i < input.items; i++) {
    for (let c = 0; c < k; c++) t[i * k + c] = n[i]! > 0 ? t[i * k + c]! / n[i]! : 1 / k;
  }
  return t;
}

function mStep(
  input: DawidSkeneInput,
  t: Float64Array,
  judged: Uint8Array,
  s: number,
): { priors: Float64Array; confusion: Float64Array[] } {
  const k = input.categories;
  const priors = new Float64Array(k).fill(s);
  let judgedItems = 0;
  for (let i = 0; i < input.items; i++) {
    if (!judged[i]) continue;
    judgedItems++;
    for (let c = 0; c < k; c++) priors[c]! += t[i * k + c]!;
  }
  for (let c = 0; c < k; c++) priors[c] = priors[c]! / (k * s + judgedItems);
  const confusion = Array.from({ length: input.annotators }, () => new Float64Array(k * k).fill(s));
  for (let x = 0; x < input.item.length; x++) {
    const m = confusion[input.annotator[x]!]!;
    const i = input.item[x]!;
    const l = input.label[x]!;
    for (let c = 0; c < k; c++) m[c * k + l]! += t[i * k + c]!;
  }
  for (const m of confusion) {
    for (let c = 0; c < k; c++) {
      let row = 0;
      for (let l = 0; l < k; l++) row += m[c * k + l]!;
      for (let l = 0; l < k; l++) m[c * k + l] = m[c * k + l]! / row;
    }
  }
  return { priors, confusion };
}

/** New posteriors into `t` (log-sum-exp per item); returns the marginal log-likelihood. */
function eStep(
  input: DawidSkeneInput,
  priors: Float64Array,
  confusion: Float64Array[],
  logT: Float64Array,
  t: Float64Array,
): number {
  const k = input.categories;
  // Logs once per annotator and cell, not once per judgement (the same values, far fewer calls).
  const logConfusion = confusion.map((m) => m.map(Math.log));
  const logPriors = priors.map(Math.log);
  for (let i = 0; i < input.items; i++) for (let c = 0; c < k; c++) logT[i * k + c] = logPriors[c]!;
  for (let x = 0; x < input.item.length; x++) {
    const m = logConfusion[input.annotator[x]!]!;
    const i = input.item[x]!;
    const l = input.label[x]!;
    for (let c = 0; c < k; c++) logT[i * k + c]! += m[c * k + l]!;
  }
  let ll = 0;
  for (let i = 0; i < input.items; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, logT[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logT[i * k + c]! - max);
      t[i * k + c] = e;
      sum += e;
    }
    ll += max + Math.log(sum);
    for (let c = 0; c < k; c++) t[i * k + c] = t[i * k + c]! / sum;
  }
  return ll;
}

export function dawidSkene(input: DawidSkeneInput, options: DawidSkeneOptions = {}): DawidSkeneResult {
  const settings = {
    tolerance: options.tolerance ?? 1e-6,
    maxIterations: options.maxIterations ?? 500,
    smoothing: options.smoothing ?? 0.01,
  };
  if (!(settings.smoothing > 0)) throw new RangeError(`smoothing must be > 0, got ${settings.smoothing}`);
  if (!(Number.isInteger(settings.maxIterations) && settings.maxIterations >= 1)) {
    throw new RangeError(`maxIterations must be a positive integer, got ${settings.maxIterations}`);
  }
  check(input);
  const k = input.categories;
  const judged = new Uint8Array(input.items);
  for (let x = 0; x < input.item.length; x++) judged[input.item[x]!] = 1;
  let t: Float64Array = majorityStart(input);
  let next: Float64Array = new Float64Array(t.length);
  const logT = new Float64Array(t.length);
  let params = mStep(input, t, judged, settings.smoothing);
  let logLikelihood = 0;
  let iterations = 0;
  let converged = false;
  while (iterations < settings.maxIterations) {
    iterations++;
    logLikelihood = eStep(input, params.priors, params.confusion, logT, next);
    let change = 0;
    for (let x = 0; x < t.length; x++) change = Math.max(change, Math.abs(next[x]! - t[x]!));
    [t, next] = [next, t];
    params = mStep(input, t, judged, settings.smoothing);
    if (change <= settings.tolerance) {
      converged = true;
      break;
    }
  }
  // Unjudged items carry no evidence: their posterior is the prior.
  for (let i = 0; i < input.items; i++) {
    if (!judged[i]) for (let c = 0; c < k; c++) t[i * k + c] = params.priors[c]!;
  }
  return {
    posteriors: t,
    priors: params.priors,
    confusion: params.confusion,
    iterations,
    converged,
    logLikelihood,
    settings,
  };
}

/** The class with the largest posterior of item i; a tie goes to the lowest index (the label order). */
export function posteriorArgmax(posteriors: Float64Array, k: number, i: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (posteriors[i * k + c]! > posteriors[i * k + best]!) best = c;
  return best;
}
