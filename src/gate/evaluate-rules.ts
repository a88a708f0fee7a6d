import type { RuleOutcome, RuleResult } from '../contracts/gate-report.js';
import type { Comparator } from '../contracts/gate-rule.js';
import type { Interval } from '../contracts/metric-results.js';
import type { EncodedColumn } from '../evaluate/eval-set.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import { allRows, pick, type Rows } from '../evaluate/rows.js';
import { rowsBySliceValue } from '../evaluate/slices.js';
import { adjustPValues, rejectedAt } from '../metrics/multiplicity.js';
import { mcnemar } from '../metrics/significance.js';
import { fixed4, formatNumber, signedPlain } from '../render/numbers.js';
import { confusionMetric, pairedDelta } from './compare.js';
import { METRICS } from './metrics.js';
import { confusionOf, flipCounts } from './paired.js';
import type { GatePolicy } from './policy.js';
import type { BoundRule } from './policy-binding.js';
import { notPolicy } from './policy-views.js';
import { type RankingMetric, rankingPairedDelta, rankingValue } from './ranking.js';
import { ruleInterval } from './rule-interval.js';

/**
 * Decide every rule of a bound policy on a paired set.
 *
 * - Absolute rules compare the candidate's metric with the bound: on the point estimate by default,
 *   or (`decideOn: interval`) on the conservative end of its interval (the lower end for `>=`, the
 *   upper end for `<=`). The interval is the one eval reports for the metric (rule-interval.ts:
 *   Wilson on the counts for proportions, the widened bootstrap otherwise); reported either way.
 * - Rules relative to the baseline are non-inferiority tests on the paired bootstrap interval of
 *   candidate − baseline: `m >= baseline - 0.01` passes only when the interval's lower end is at
 *   least -0.01, so noise cannot pass a regression.
 * - Flip rules count items on the golden set itself (no sampling, no interval).
 * A metric that is undefined (0/0) fails a rule on the whole set or one slice; when a rule runs
 * over every value of a slice, such values are skipped and listed, as are values with fewer items
 * than `minSupport`; a rule with nothing left to check fails.
 */

export interface EvaluateOptions {
  level: number;
  resamples: number;
  seed: number;
}

function holds(x: number, op: Comparator, bound: number): boolean {
  // A tiny tolerance so that 0.95 >= 0.95 survives floating-point arithmetic on counts.
  const eps = 1e-12;
  return op === '>=' ? x >= bound - eps : x <= bound + eps;
}

interface Subset {
  slice: RuleOutcome['slice'];
  rows: Rows;
  /** Undefined values and small slices are skipped only when the rule spans every slice value. */
  optional: boolean;
  /** Listed but not checked, for this reason (the null items of a rule without includeNull). */
  skip?: string;
}

/** The rows whose value in the column is null. */
function nullRows(column: EncodedColumn): Rows {
  let n = 0;
  for (const c of column.codes) if (c < 0) n++;
  const rows = new Uint32Array(n);
  let j = 0;
  column.codes.forEach((c, i) => {
    if (c < 0) rows[j++] = i;
  });
  return rows;
}

function subsets(set: PairedSet, b: BoundRule): Subset[] {
  const slice = b.rule.slice;
  // slice_regressions looks at every value of its column(s) at once: one outcome.
  if (slice === null || b.metric === 'slice_regressions')
    return [{ slice: null, rows: allRows(set.ids.length), optional: false }];
  const column = set.slices.find((s) => s.name === slice.column);
  if (!column) throw new Error(`slice column ${slice.column} vanished after binding`);
  const byValue = rowsBySliceValue(column);
  const out: Subset[] = column.values.flatMap((value, v) =>
    slice.value === null || slice.value === value
      ? [{ slice: { column: column.name, value }, rows: byValue[v]!, optional: slice.value === null }]
      : [],
  );
  // Items with no value belong to no value: checked as one more with includeNull, else listed
  // as skipped with their count, never dropped unsaid.
  const missing = slice.value === null ? nullRows(column) : new Uint32Array(0);
  if (missing.length > 0) {
    out.push({
      slice: { column: column.name, value: null },
      rows: missing,
      optional: true,
      ...(b.rule.includeNull
        ? {}
        : { skip: `no ${column.name} value (null); includeNull: true or --include-null checks them` }),
    });
  }
  return out;
}

/**
 * `slice_regressions`: McNemar per slice value (of the rule's column, or of every column), the
 * p-values adjusted over all values with a flipped item; counted are the values where the candidate
 * is less accurate (more newly wrong than newly right) with an adjusted p-value at most alpha
 * (statsmodels' rejection rule, `rejectedAt`).
 */
function sliceRegressionOutcome(
  set: PairedSet,
  rule: BoundRule['rule'],
  base: Pick<RuleOutcome, 'slice' | 'n' | 'reason'>,
): RuleOutcome {
  const adjust = rule.adjust ?? { method: 'holm' as const, alpha: 0.05 };
  const family: { name: string; p: number; worse: boolean }[] = [];
  for (const column of set.slices) {
    if (rule.slice !== null && column.name !== rule.slice.column) continue;
    rowsBySliceValue(column).forEach((rows, v) => {
      const f = flipCounts(set, rows);
      if (f.newlyWrong + f.newlyRight === 0) return;
      family.push({
        name: `${column.name}=${JSON.stringify(column.values[v])}`,
        p: mcnemar(f.newlyWrong, f.newlyRight).pValue,
        worse: f.newlyWrong > f.newlyRight,
      });
    });
  }
  const ps = family.map((x) => x.p);
  const adjusted = adjustPValues(ps, adjust.method);
  const rejected = rejectedAt(ps, adjust.method, adjust.alpha);
  const significant = family
    .map((x, i) => ({ ...x, adjusted: adjusted[i]!, rejected: rejected[i]! }))
    .filter((x) => x.worse && x.rejected)
    .sort((a, b) => a.adjusted - b.adjusted);
  const bound = rule.bound.kind === 'absolute' ? rule.bound.value : 0;
  const observed = significant.length;
  const listed = significant
    .slice(0, 5)
    .map((x) => `${x.name} (adjusted p ${formatNumber(x.adjusted)})`)
    .join(', ');
  return {
    ...base,
    status: holds(observed, rule.op, bound) ? 'pass' : 'fail',
    observed,
    baseline: null,
    delta: null,
    interval: null,
    decidedOn: 'estimate',
    space: 'value',
    decisive: observed,
    bound,
    reason: `${family.length} slice values with a flipped item, McNemar p adjusted by ${adjust.method} at alpha ${adjust.alpha}${
      observed > 0 ? `: ${listed}${observed > 5 ? ', …' : ''}` : ''
    }`,
  };
}

/** A rule on flip counts (newly wrong/right, flip rate): decided on the counts, no interval. */
function flipsOutcome(
  set: PairedSet,
  b: BoundRule,
  sub: Subset,
  base: Pick<RuleOutcome, 'slice' | 'n' | 'reason'>,
  skipOrFail: RuleOutcome['status'],
): RuleOutcome {
  const { rule } = b;
  const f = flipCounts(set, sub.rows, b.classIdx);
  const observed =
    b.metric === 'newly_wrong'
      ? f.newlyWrong
      : b.metric === 'newly_right'
        ? f.newlyRight
        : f.n === 0
          ? null
          : f.predictionFlips / f.n;
  const bound = rule.bound.kind === 'absolute' ? rule.bound.value : 0;
  const pass = observed !== null && holds(observed, rule.op, bound);
  return {
    ...base,
    status: observed === null ? skipOrFail : pass ? 'pass' : 'fail',
    observed,
    baseline: null,
    delta: null,
    interval: null,
    decidedOn: 'estimate',
    space: 'value',
    decisive: observed,
    bound,
    reason: observed === null ? 'no items' : null,
  };
}

function outcomeOf(set: PairedSet, b: BoundRule, sub: Subset, options: EvaluateOptions): RuleOutcome {
  const { rule } = b;
  const def = METRICS[b.metric];
  const base = { slice: sub.slice, n: sub.rows.length, reason: null } as const;
  const skipOrFail: RuleOutcome['status'] = sub.optional ? 'skipped' : 'fail';

  const skipReason =
    sub.skip ??
    (sub.optional && sub.rows.length < rule.minSupport
      ? `${sub.rows.length} items, fewer than minSupport ${rule.minSupport}`
      : undefined);
  if (skipReason !== undefined) {
    return {
      ...base,
      status: 'skipped',
      observed: null,
      baseline: null,
      delta: null,
      interval: null,
      decidedOn: 'estimate',
      space: 'value',
      decisive: null,
      bound: rule.bound.kind === 'absolute' ? rule.bound.value : rule.bound.offset,
      reason: skipReason,
    };
  }

  if (b.metric === 'slice_regressions') return sliceRegressionOutcome(set, rule, base);

  if (def.kind === 'flips') return flipsOutcome(set, b, sub, base, skipOrFail);

  const boot = { resamples: options.resamples, seed: options.seed, level: options.level };
  const relative = rule.bound.kind === 'baseline';
  let observed: number | null;
  let baseline: number | null;
  let interval: Interval;
  if (def.kind === 'ranking') {
    const ranking = b.metric as RankingMetric;
    const pos = set.positiveIndex;
    observed = rankingValue(set, sub.rows, set.candidate, pos, ranking);
    baseline = rankingValue(set, sub.rows, set.baseline, pos, ranking);
    interval = relative
      ? rankingPairedDelta(set, sub.rows, pos, ranking, boot)
      : ruleInterval(set, sub.rows, b.metric, b.classIdx, () => null, boot);
  } else {
    const metric = confusionMetric(b.metric, b.classIdx, b.costs);
    const truth = pick(set.truth, sub.rows);
    observed = metric(confusionOf(set.labels, truth, pick(set.candidate.predicted, sub.rows)));
    baseline = metric(confusionOf(set.labels, truth, pick(set.baseline.predicted, sub.rows)));
    // Paired deltas stay as they are: a delta that is 0 in every replicate means the two models
    // agree on every item. An absolute rule takes the interval eval reports (rule-interval.ts).
    interval = relative
      ? pairedDelta(set, sub.rows, metric, boot)
      : ruleInterval(set, sub.rows, b.metric, b.classIdx, metric, boot);
  }
  const delta = observed === null || baseline === null ? null : observed - baseline;
  const space: RuleOutcome['space'] = relative ? 'delta' : 'value';
  const bound = rule.bound.kind === 'baseline' ? rule.bound.offset : rule.bound.value;
  const useInterval = rule.decideOn === 'interval';
  const decidedOn: RuleOutcome['decidedOn'] = useInterval
    ? rule.op === '>='
      ? 'interval-low'
      : 'interval-high'
    : 'estimate';
  const decisive =
    decidedOn === 'interval-low'
      ? interval.low
      : decidedOn === 'interval-high'
        ? interval.high
        : interval.estimate;
  let reason: string | null = null;
  if (interval.estimate === null)
    reason = `${rule.metric} is undefined here (${interval.reason ?? (def.kind === 'ranking' ? 'needs both classes' : '0/0')})`;
  else if (decisive === null) reason = 'the interval is undefined (every bootstrap replicate was 0/0)';
  const status: RuleOutcome['status'] =
    decisive === null ? skipOrFail : holds(decisive, rule.op, bound) ? 'pass' : 'fail';
  return { ...base, status, observed, baseline, delta, interval, decidedOn, space, decisive, bound, reason };
}

function intervalText(i: Interval | null, fmt: (x: number | null) => string): string {
  if (!i || i.low === null || i.high === null) return '';
  return `${Math.round(i.level * 100)}% CI [${fmt(i.low)}, ${fmt(i.high)}]`;
}

/**
 * One format for every number of an outcome: counts (flip counts, flagged annotators: no interval,
 * whole values) as integers, any other metric at four decimals.
 */
function outcomeFormat(o: RuleOutcome): (x: number | null) => string {
  const whole = (x: number | null) => x === null || Number.isInteger(x);
  return o.interval === null && whole(o.observed) && whole(o.bound) && whole(o.baseline)
    ? formatNumber
    : fixed4;
}

/**
 * What a rule measures, as its messages name it: `recall[spam]`, `f1_macro`, or on a multi-policy
 * roll-up `f1_macro[offensive vs not offensive]` (the roll-up policy's two classes).
 */
export function ruleSubject(rule: RuleResult['rule']): string {
  if (rule.class !== null) return `${rule.metric}[${rule.class}]`;
  return rule.rollup === undefined
    ? rule.metric
    : `${rule.metric}[${rule.rollup} vs ${notPolicy(rule.rollup)}]`;
}

/** `column="value"`, or `column=(null)` for the items with no value (a real value is quoted). */
export function sliceValueText(slice: NonNullable<RuleOutcome['slice']>): string {
  return `${slice.column}=${slice.value === null ? '(null)' : JSON.stringify(slice.value)}`;
}

/** One line about one outcome: observed value, bound, interval. */
export function describeOutcome(rule: RuleResult['rule'], o: RuleOutcome): string {
  const where = o.slice ? `${sliceValueText(o.slice)} (n=${o.n}): ` : '';
  if (o.status === 'skipped') return `${where}skipped: ${o.reason}`;
  const parts: string[] = [];
  const name = ruleSubject(rule);
  const fmt = outcomeFormat(o);
  const signedFmt = (x: number) => signedPlain(x, fmt);
  if (o.space === 'delta') {
    parts.push(
      `${name} ${fmt(o.observed)} vs baseline ${fmt(o.baseline)}, Δ ${o.delta === null ? 'undefined' : signedFmt(o.delta)}`,
    );
    const ci = intervalText(o.interval, fmt);
    if (ci) parts.push(`paired ${ci}`);
    parts.push(
      `required Δ ${o.decidedOn === 'interval-low' ? 'CI low' : 'CI high'} ${rule.op} ${signedFmt(o.bound)}` +
        (o.baseline === null ? '' : ` (${name} ${rule.op} ${fmt(o.baseline + o.bound)})`),
    );
  } else {
    parts.push(`${name} ${fmt(o.observed)}`);
    const ci = intervalText(o.interval, fmt);
    if (ci) parts.push(ci);
    const on =
      o.decidedOn === 'estimate'
        ? ''
        : ` (decided on CI ${o.decidedOn === 'interval-low' ? 'low' : 'high'} ${fmt(o.decisive)})`;
    parts.push(`required ${rule.op} ${fmt(o.bound)}${on}`);
  }
  if (o.reason) parts.push(o.reason);
  return `${where}${parts.join('; ')}`;
}

/** The outcome a one-line message should show: the first failure, else the tightest pass. */
function headline(outcomes: readonly RuleOutcome[]): RuleOutcome | undefined {
  const failed = outcomes.find((o) => o.status === 'fail');
  if (failed) return failed;
  const checked = outcomes.filter((o) => o.status === 'pass' && o.decisive !== null);
  return checked.sort((a, b) => Math.abs(a.decisive! - a.bound) - Math.abs(b.decisive! - b.bound))[0];
}

/** The items with no slice value, when skipped: named in the one-line message with their count. */
function nullNote(outcomes: readonly RuleOutcome[]): string {
  const o = outcomes.find((x) => x.slice !== null && x.slice.value === null && x.status === 'skipped');
  if (o === undefined) return '';
  return `; ${o.n.toLocaleString('en-US')} items with no ${o.slice!.column} value skipped (--include-null checks them)`;
}

export function evaluateRules(
  set: PairedSet,
  rules: readonly BoundRule[],
  options: EvaluateOptions,
): RuleResult[] {
  return rules.map((b) => {
    const outcomes = subsets(set, b).map((sub) => outcomeOf(set, b, sub, options));
    const failed = outcomes.filter((o) => o.status === 'fail');
    const checked = outcomes.filter((o) => o.status !== 'skipped');
    const status = failed.length === 0 && checked.length > 0 ? 'pass' : 'fail';
    let message: string;
    if (checked.length === 0) {
      message = `nothing to check: every slice value was skipped (${outcomes.length} values; see minSupport)${nullNote(outcomes)}`;
    } else {
      const head = describeOutcome(b.rule, headline(outcomes)!);
      const skipped = outcomes.length - checked.length;
      const tally =
        b.rule.slice?.value === null
          ? ` [${failed.length} of ${checked.length} slice values fail${skipped ? `, ${skipped} skipped` : ''}${nullNote(outcomes)}]`
          : '';
      message = `${head}${tally}`;
    }
    return { rule: b.rule, status, message, outcomes };
  });
}

/** Decide a policy's rules with its own bootstrap settings. */
export function evaluatePolicy(
  set: PairedSet,
  policy: GatePolicy,
  rules: readonly BoundRule[],
): RuleResult[] {
  return evaluateRules(set, rules, { level: policy.level, resamples: policy.resamples, seed: policy.seed });
}
