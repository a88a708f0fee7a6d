import type {
  Comparison,
  FlipItem,
  McNemarGroup,
  MetricComparison,
  ModelRef,
  SliceRegression,
} from '../contracts/gate-report.js';
import type { Interval } from '../contracts/metric-results.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import type { ModelSide, PairedSet } from '../evaluate/paired-set.js';
import { allRows, pick, type Rows } from '../evaluate/rows.js';
import { rowsBySliceValue } from '../evaluate/slices.js';
import { type BootstrapOptions, pairedBootstrapConfusionMetric } from '../metrics/bootstrap.js';
import type { ConfusionMatrix } from '../metrics/confusion.js';
import { widenDegenerate } from '../metrics/edge-intervals.js';
import { adjustPValues } from '../metrics/multiplicity.js';
import { placed } from '../metrics/registry/index.js';
import { mcnemar } from '../metrics/significance.js';
import { checkOption } from '../util/zod.js';
import { type CostMatrix, METRICS, type MetricName } from './metrics.js';
import { type CompareOptions, CompareOptionsSchema } from './options.js';
import { confusionOf, flipCounts } from './paired.js';
import { type PolicyView, rollupOf } from './policy-views.js';
import { type RankingMetric, rankingPairedDelta, rankingValue } from './ranking.js';

/** Headline metrics compared side by side (per-class ones for every label): the registry's compare places. */
const comparedRules = (scope: 'overall' | 'class'): readonly MetricName[] =>
  placed('compare', scope).map((d) => {
    if (d.rule === null) throw new Error(`metric ${d.key} is placed in compare but has no rule name`);
    return d.rule.name as MetricName;
  });
const OVERALL = comparedRules('overall');
const PER_CLASS = comparedRules('class');

function modelRef(m: ModelSide): ModelRef {
  return {
    file: m.file,
    name: m.name,
    version: m.version,
    sha256: m.sha256,
    ...(m.cardSha256 !== undefined ? { cardSha256: m.cardSha256 } : {}),
    ...(m.thresholds !== undefined ? { thresholds: { ...m.thresholds } } : {}),
  };
}

/** The confusion-metric function a paired bootstrap replicate evaluates. */
export function confusionMetric(
  metric: MetricName,
  classIdx: number,
  costs: CostMatrix | undefined,
): (cm: ConfusionMatrix) => number | null {
  const def = METRICS[metric];
  if (def.kind !== 'confusion') throw new Error(`${metric} is not a confusion metric`);
  return (cm) => def.value(cm, classIdx, costs);
}

/** Paired bootstrap of metric(candidate) − metric(baseline) on some rows. */
export function pairedDelta(
  set: PairedSet,
  rows: Rows,
  metric: (cm: ConfusionMatrix) => number | null,
  options: BootstrapOptions,
): Interval {
  const truth = pick(set.truth, rows);
  return pairedBootstrapConfusionMetric(
    set.labels,
    truth,
    pick(set.candidate.predicted, rows),
    pick(set.baseline.predicted, rows),
    metric,
    options,
  );
}

function verdict(interval: Interval, higherIsBetter: boolean): MetricComparison['verdict'] {
  if (interval.low === null || interval.high === null) return 'undefined';
  if (interval.low > 0) return higherIsBetter ? 'better' : 'worse';
  if (interval.high < 0) return higherIsBetter ? 'worse' : 'better';
  return 'no-significant-change';
}

function compareMetric(
  set: PairedSet,
  rows: Rows,
  metric: MetricName,
  classIdx: number,
  costs: CostMatrix | undefined,
  boot: BootstrapOptions,
  cms: { baseline: ConfusionMatrix; candidate: ConfusionMatrix },
): MetricComparison {
  const f = confusionMetric(metric, classIdx, costs);
  const interval = pairedDelta(set, rows, f, boot);
  const b = f(cms.baseline);
  const c = f(cms.candidate);
  return {
    metric,
    class: classIdx >= 0 ? set.labels[classIdx]! : null,
    higherIsBetter: METRICS[metric].higherIsBetter,
    baseline: b,
    candidate: c,
    delta: b === null || c === null ? null : c - b,
    interval,
    verdict: verdict(interval, METRICS[metric].higherIsBetter),
  };
}

function compareRanking(
  set: PairedSet,
  rows: Rows,
  metric: RankingMetric,
  boot: BootstrapOptions,
): MetricComparison {
  const b = rankingValue(set, rows, set.baseline, set.positiveIndex, metric);
  const c = rankingValue(set, rows, set.candidate, set.positiveIndex, metric);
  const interval = rankingPairedDelta(set, rows, set.positiveIndex, metric, boot);
  return {
    metric,
    class: null,
    higherIsBetter: true,
    baseline: b,
    candidate: c,
    delta: b === null || c === null ? null : c - b,
    interval,
    verdict: verdict(interval, true),
  };
}

function mcnemarGroup(set: PairedSet, rows: Rows, classIdx: number): McNemarGroup {
  const f = flipCounts(set, rows, classIdx);
  return {
    class: classIdx >= 0 ? set.labels[classIdx]! : null,
    n: f.n,
    ...mcnemar(f.newlyWrong, f.newlyRight),
  };
}

function flipItem(set: PairedSet, i: number): FlipItem {
  const k = set.labels.length;
  const scores = (m: ModelSide) => Array.from(m.scores.subarray(i * k, (i + 1) * k));
  return {
    id: set.ids[i]!,
    truth: set.labels[set.truth[i]!]!,
    baselinePredicted: set.labels[set.baseline.predicted[i]!]!,
    candidatePredicted: set.labels[set.candidate.predicted[i]!]!,
    baselineScores: scores(set.baseline),
    candidateScores: scores(set.candidate),
  };
}

/**
 * Flip lists: newly wrong items ordered by how confident the candidate is in its wrong label
 * (the mistakes a reviewer should see first), newly right by the candidate's score of the truth;
 * ties by id so the order is deterministic.
 */
function flipLists(set: PairedSet, limit: number): { wrong: FlipItem[]; right: FlipItem[] } {
  const k = set.labels.length;
  const t = set.truth;
  const b = set.baseline.predicted;
  const c = set.candidate.predicted;
  const s = set.candidate.scores;
  const wrong: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (b[i] === t[i] && c[i] !== t[i]) wrong.push(i);
    else if (b[i] !== t[i] && c[i] === t[i]) right.push(i);
  }
  const byScore = (score: (i: number) => number) => (x: number, y: number) =>
    score(y) - score(x) || (set.ids[x]! < set.ids[y]! ? -1 : set.ids[x]! > set.ids[y]! ? 1 : 0);
  wrong.sort(byScore((i) => s[i * k + c[i]!]!));
  right.sort(byScore((i) => s[i * k + t[i]!]!));
  return {
    wrong: wrong.slice(0, limit).map((i) => flipItem(set, i)),
    right: right.slice(0, limit).map((i) => flipItem(set, i)),
  };
}

const accuracyMetric = confusionMetric('accuracy', -1, undefined);

/**
 * Slice values where the candidate is less accurate, with McNemar's test per value and its p-value
 * adjusted (Holm, Benjamini-Hochberg) over the family of every slice value that has a discordant
 * item, improved ones included: a family of only the regressed values would understate m.
 */
function sliceRegressions(set: PairedSet, boot: BootstrapOptions): SliceRegression[] {
  const family: { key: string; p: number }[] = [];
  for (const column of set.slices) {
    rowsBySliceValue(column).forEach((rows, v) => {
      const f = flipCounts(set, rows);
      if (f.newlyWrong + f.newlyRight > 0)
        family.push({
          key: `${column.name}\u0000${column.values[v]}`,
          p: mcnemar(f.newlyWrong, f.newlyRight).pValue,
        });
    });
  }
  const ps = family.map((x) => x.p);
  const holm = adjustPValues(ps, 'holm');
  const bh = adjustPValues(ps, 'benjamini-hochberg');
  const adjustedOf = new Map(
    family.map((x, i) => [x.key, { holm: holm[i]!, benjaminiHochberg: bh[i]!, family: family.length }]),
  );
  const out: SliceRegression[] = [];
  for (const column of set.slices) {
    rowsBySliceValue(column).forEach((rows, v) => {
      const f = flipCounts(set, rows);
      if (f.newlyWrong <= f.newlyRight) return;
      const truth = pick(set.truth, rows);
      const b = accuracyMetric(confusionOf(set.labels, truth, pick(set.baseline.predicted, rows)));
      const c = accuracyMetric(confusionOf(set.labels, truth, pick(set.candidate.predicted, rows)));
      out.push({
        column: column.name,
        value: column.values[v]!,
        n: f.n,
        baselineAccuracy: b,
        candidateAccuracy: c,
        delta: b === null || c === null ? null : c - b,
        // A slice of one flipped item gives −1 in every replicate: widen on its items (see edge-intervals).
        interval: widenDegenerate(pairedDelta(set, rows, accuracyMetric, boot), f.n, [-1, 1], 'wilson'),
        newlyWrong: f.newlyWrong,
        newlyRight: f.newlyRight,
        mcnemar: mcnemar(f.newlyWrong, f.newlyRight),
        adjusted: adjustedOf.get(`${column.name}\u0000${column.values[v]}`)!,
      });
    });
  }
  // Most significant first; among equals the larger drop; then by name for a stable order.
  return out.sort(
    (x, y) =>
      x.mcnemar.pValue - y.mcnemar.pValue ||
      (x.delta ?? 0) - (y.delta ?? 0) ||
      (x.column < y.column ? -1 : x.column > y.column ? 1 : 0) ||
      (x.value < y.value ? -1 : x.value > y.value ? 1 : 0),
  );
}

/** Compare a candidate with a baseline on the same golden items (pure; deterministic given the seed). */
export function comparePaired(set: PairedSet, options: CompareOptions = {}): Comparison {
  const o = checkOption(CompareOptionsSchema, options, 'compare options');
  const boot: Required<BootstrapOptions> = { resamples: o.resamples, seed: o.seed, level: o.level };
  const { listLimit, costs } = o;
  const n = set.ids.length;
  const rows = allRows(n);
  const cms = {
    baseline: confusionOf(set.labels, set.truth, set.baseline.predicted),
    candidate: confusionOf(set.labels, set.truth, set.candidate.predicted),
  };
  const metrics: MetricComparison[] = OVERALL.map((m) =>
    compareMetric(set, rows, m, -1, undefined, boot, cms),
  );
  if (set.positiveIndex >= 0) {
    for (const m of ['roc_auc', 'average_precision'] as const)
      metrics.push(compareRanking(set, rows, m, boot));
  }
  if (costs) metrics.push(compareMetric(set, rows, 'cost', -1, costs, boot, cms));
  set.labels.forEach((_, j) => {
    for (const m of PER_CLASS) metrics.push(compareMetric(set, rows, m, j, undefined, boot, cms));
  });

  const total = flipCounts(set, rows);
  const lists = flipLists(set, listLimit);
  return {
    schemaVersion: 1,
    dataset: { ...set.dataset },
    baseline: modelRef(set.baseline),
    candidate: modelRef(set.candidate),
    labels: [...set.labels],
    n,
    level: boot.level,
    resamples: boot.resamples,
    seed: boot.seed,
    metrics,
    mcnemar: {
      overall: mcnemarGroup(set, rows, -1),
      perClass: set.labels.map((_, j) => mcnemarGroup(set, rows, j)),
    },
    flips: {
      ...total,
      predictionFlipRate: n === 0 ? null : total.predictionFlips / n,
      perClass: set.labels.map((label, j) => ({ class: label, ...flipCounts(set, rows, j) })),
      perSlice: set.slices.flatMap((column) =>
        rowsBySliceValue(column).map((r, v) => ({
          column: column.name,
          value: column.values[v]!,
          ...flipCounts(set, r),
        })),
      ),
      listLimit,
      newlyWrongItems: lists.wrong,
      newlyRightItems: lists.right,
    },
    sliceRegressions: sliceRegressions(set, boot),
    warnings: [...set.warnings],
  };
}

/** Every policy's paired comparison; the top level is the roll-up's (else the first policy's). */
export function comparePolicies(
  views: readonly PolicyView[],
  taxonomy: Taxonomy | undefined,
  options: CompareOptions,
): Comparison {
  const policies = views.map((v) => ({ policy: v.policy, comparison: comparePaired(v.set, options) }));
  const rollup = rollupOf(views, taxonomy);
  const main = (policies.find((p) => p.policy === rollup) ?? policies[0]!).comparison;
  return { ...main, policies };
}
