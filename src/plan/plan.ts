import type { Interval } from '../contracts/metric-results.js';
import type { MetricsReport, ModelMetrics } from '../contracts/metrics-report.js';
import {
  type Need,
  type PlanOptions,
  PlanOptionsSchema,
  type PlanReport,
  type PlanRow,
  type PlanSettings,
  type PlanSettingsInput,
  PlanSettingsSchema,
} from '../contracts/plan-report.js';
import { type ProportionMethod, ProportionMethodSchema } from '../contracts/proportion-method.js';
import { OUTPUT_FILES, readOutput } from '../io/outputs.js';
import {
  independentDiscordance,
  MAX_PLANNED_ITEMS,
  mcnemarTestPower,
  pairedSampleSize,
  sampleSizeForIntervalWidth,
} from '../metrics/sample-size.js';
import { taskViewOf } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import { checkOption } from '../util/zod.js';

/**
 * Golden-set sizing: per policy (class) and per slice, how many labelled items give a recall
 * interval of the chosen width, and how many give the chosen power to see a drop of the chosen
 * size between two model versions scored on the same items (McNemar's test, Connor 1987). The
 * formulas live in src/metrics/sample-size.ts and are checked against statsmodels there.
 */

function definitions(s: PlanSettings, method: ProportionMethod): PlanReport['definitions'] {
  const pct = (x: number) => `${+(x * 100).toFixed(2)}`;
  return {
    width: `items of the class for a two-sided ${pct(s.level)}% recall interval of full width at most ${pct(s.width)} points, as eval reports it: the smallest n for which the ${method} interval of round(p·n) out of n is that narrow (not the normal approximation, which promises widths the reported interval does not have near 0 and 1); all items = that / the slice's share of the class`,
    drop: `items of the class for McNemar's test (two-sided α = ${s.alpha}) to detect a recall drop of ${pct(s.drop)} points with power ${s.power} when a candidate is scored on the same items as the baseline: Connor (1987), n = ((z_α/2·√ψ + z_β·√(ψ − δ²))/δ)², δ = the drop, ψ = the share of those items the two models disagree on: ${s.discordance === undefined ? 'assumed from independent errors, p10 = p(1 − p + δ), p01 = (1 − p)(p − δ), which overstates ψ (and n) for correlated model versions' : `given, ${s.discordance}`}. Connor's formula is for the uncorrected z-test; the test compare runs (exact binomial below 25 discordant items, continuity-corrected chi-square above, reject at p ≤ α) reaches a little less at that size: powerAtDrop is its exact power there, and powerNow its exact power with today's items`,
    planningValue:
      'p is the end of the recall interval nearest 1/2 (the value the data cannot rule out that needs the most items); a slice without its own recall interval for the class uses the model’s overall one',
  };
}

/**
 * All items for `relevant` items of the class at its share. The quotient is rounded up, but one
 * that float division puts a hair above a whole number (21 / 0.7 = 30.000000000000004) is that
 * whole number.
 */
export function itemsAtShare(relevant: number, share: number): number {
  const q = relevant / share;
  const whole = Math.round(q);
  return Math.abs(q - whole) <= 1e-9 * Math.max(1, whole) ? whole : Math.ceil(q);
}

function need(relevant: number, share: number, itemsNow: number): Need {
  const items = itemsAtShare(relevant, share);
  return { relevant, items, more: Math.max(0, items - itemsNow) };
}

function planningValue(recall: Interval): number | null {
  if (recall.estimate === null) return null;
  const ends = [recall.low, recall.high, recall.estimate].filter((x): x is number => x !== null);
  return ends.reduce((best, x) => (Math.abs(x - 0.5) < Math.abs(best - 0.5) ? x : best));
}

function discordance(p: number, s: PlanSettings): { p10: number; p01: number } | string {
  if (s.discordance !== undefined) {
    if (!(s.discordance > s.drop))
      return `the given discordance ${s.discordance} is not above the drop ${s.drop}`;
    return { p10: (s.discordance + s.drop) / 2, p01: (s.discordance - s.drop) / 2 };
  }
  if (!(p >= s.drop)) return `recall ${p.toFixed(3)} is below the drop to detect`;
  return independentDiscordance(p, s.drop);
}

/**
 * The smallest recall drop that `relevant` items of the class give the chosen power to detect
 * (the same Connor size and discordance rule as `forDrop`), found by bisection on the drop: the
 * size falls as the drop grows. Null when not even a drop of the whole recall (or of the given
 * discordance) is detectable with so few items.
 */
export function detectableDrop(p: number, relevant: number, s: PlanSettings): number | null {
  const itemsFor = (drop: number): number => {
    const d = discordance(p, { ...s, drop });
    if (typeof d === 'string') return Number.POSITIVE_INFINITY;
    return pairedSampleSize({ ...d, alpha: s.alpha, power: s.power }).items;
  };
  // The largest drop there is: the whole recall, or (given a discordance) just below it.
  let hi = s.discordance === undefined ? p : Math.min(p, s.discordance * (1 - 1e-9));
  if (!(hi > 0) || itemsFor(hi) > relevant) return null;
  let lo = 0;
  for (let k = 0; k < 60 && hi - lo > 1e-6; k++) {
    const mid = (lo + hi) / 2;
    if (itemsFor(mid) <= relevant) hi = mid;
    else lo = mid;
  }
  return hi;
}

interface Needs {
  forWidth: Need | null;
  forDrop: Need | null;
  powerAtDrop: number | null;
  reasons: string[];
}

/**
 * The needs at planning recall p, a share of the class among items, and `itemsNow` items today,
 * for an interval of the method eval reports.
 */
function needsFor(
  p: number,
  share: number,
  itemsNow: number,
  s: PlanSettings,
  method: ProportionMethod,
): Needs {
  const width = sampleSizeForIntervalWidth(p, s.width, s.level, method);
  const d = discordance(p, s);
  const drop = typeof d === 'string' ? null : pairedSampleSize({ ...d, alpha: s.alpha, power: s.power });
  return {
    forWidth: width ? need(width.items, share, itemsNow) : null,
    forDrop: drop ? need(drop.items, share, itemsNow) : null,
    powerAtDrop:
      drop && typeof d !== 'string' ? mcnemarTestPower({ ...d, n: drop.items, alpha: s.alpha }) : null,
    reasons: [
      width === null
        ? `no golden set of up to ${MAX_PLANNED_ITEMS.toLocaleString('en-US')} items gives an interval that narrow`
        : null,
      typeof d === 'string' ? d : null,
    ].filter((r): r is string => r !== null),
  };
}

/** The interval method eval reported a recall with (its default, Wilson, when it is not a proportion method). */
function methodOf(recall: Interval | null): ProportionMethod {
  const parsed = ProportionMethodSchema.safeParse(recall?.method);
  return parsed.success ? parsed.data : 'wilson';
}

/** One row: the needs for a policy in a set or slice with `items` items, `relevant` of the class. */
export function planRow(
  slice: PlanRow['slice'],
  policy: string,
  items: number,
  relevant: number,
  recall: Interval | null,
  settings: PlanSettingsInput = {},
): PlanRow {
  const s = PlanSettingsSchema.parse(settings);
  const p = recall ? planningValue(recall) : null;
  const base = {
    slice,
    policy,
    items,
    relevant,
    recall: recall?.estimate ?? null,
    planningRecall: p,
    halfWidthNow:
      recall && recall.low !== null && recall.high !== null && relevant > 0
        ? (recall.high - recall.low) / 2
        : null,
  };
  if (relevant === 0 || items === 0 || p === null) {
    return {
      ...base,
      forWidth: null,
      forDrop: null,
      powerAtDrop: null,
      powerNow: null,
      reason:
        relevant === 0
          ? `no golden ${policy} items here, so the share of ${policy} among its items is unknown`
          : `no recall for ${policy} to plan from`,
    };
  }
  const needs = needsFor(p, relevant / items, items, s, methodOf(recall));
  const d = discordance(p, s);
  return {
    ...base,
    forWidth: needs.forWidth,
    forDrop: needs.forDrop,
    powerAtDrop: needs.powerAtDrop,
    powerNow: typeof d === 'string' ? null : mcnemarTestPower({ ...d, n: relevant, alpha: s.alpha }),
    dropNow: detectableDrop(p, relevant, s),
    ...(needs.reasons.length > 0 ? { reason: needs.reasons.join('; ') } : {}),
  };
}

/** The policies planned: the positive class of a binary task, every label otherwise. */
function policies(report: MetricsReport): number[] {
  const positive = taskViewOf(report).positiveClass(report.labels, report.positive);
  if (positive !== undefined) return [positive];
  return report.labels.map((_, j) => j);
}

function modelRows(report: MetricsReport, m: ModelMetrics, s: PlanSettings): PlanRow[] {
  const rows: PlanRow[] = [];
  for (const j of policies(report)) {
    const label = report.labels[j]!;
    const overall = m.perClass[j]?.recall ?? null;
    rows.push(planRow(null, label, m.overall.n, m.overall.support[j] ?? 0, overall, s));
    for (const slice of m.slices) {
      for (const v of slice.values) {
        const own =
          v.metrics.positive && v.metrics.positive.label === label ? v.metrics.positive.recall : null;
        rows.push(
          planRow(
            { columns: slice.columns, values: v.values },
            label,
            v.metrics.n,
            v.metrics.support[j] ?? 0,
            own && own.estimate !== null ? own : overall,
            s,
          ),
        );
      }
    }
  }
  return rows;
}

/** The plan for every model (or `model`) of a metrics report (pure). */
export function planFromMetrics(
  report: MetricsReport,
  settings: PlanSettingsInput = {},
  options: { model?: string; source?: string } = {},
): PlanReport {
  const s = PlanSettingsSchema.parse(settings);
  const models = report.models.filter((m) => options.model === undefined || m.model.name === options.model);
  if (models.length === 0) {
    throw new BadInputError(
      `no model named ${JSON.stringify(options.model)} in the metrics (has ${report.models.map((m) => JSON.stringify(m.model.name)).join(', ')})`,
      { field: 'model' },
    );
  }
  return {
    kind: 'modeval.plan',
    schemaVersion: 1,
    settings: { ...s, discordance: s.discordance ?? null },
    definitions: definitions(s, report.definitions.intervals.proportions),
    source: options.source ?? null,
    models: models.map((m) => ({ name: m.model.name, rows: modelRows(report, m, s) })),
  };
}

/**
 * The plan for a policy with a given prevalence and expected recall, without any data: the recall
 * is taken as known (no interval), so the planning value is the target itself.
 */
export function planFromPrevalence(
  prevalence: number,
  target: number,
  settings: PlanSettingsInput = {},
): PlanReport {
  const s = PlanSettingsSchema.parse(settings);
  const needs = needsFor(target, prevalence, 0, s, 'wilson');
  const row: PlanRow = {
    slice: null,
    policy: 'policy',
    items: 0,
    relevant: 0,
    recall: target,
    planningRecall: target,
    halfWidthNow: null,
    forWidth: needs.forWidth,
    forDrop: needs.forDrop,
    powerAtDrop: needs.powerAtDrop,
    powerNow: null,
    ...(needs.reasons.length > 0 ? { reason: needs.reasons.join('; ') } : {}),
  };
  return {
    kind: 'modeval.plan',
    schemaVersion: 1,
    settings: { ...s, discordance: s.discordance ?? null },
    definitions: definitions(s, 'wilson'),
    source: null,
    models: [{ name: null, rows: [row] }],
  };
}

/** The library form of `modeval plan`: read a metrics.json (or use a prevalence and target) and plan. */
export async function plan(options: PlanOptions): Promise<PlanReport> {
  const o = checkOption(PlanOptionsSchema, options, 'plan options');
  if (o.metrics === undefined) return planFromPrevalence(o.prevalence!, o.target!, o);
  const metrics = await readOutput(OUTPUT_FILES.metrics, o.metrics);
  return planFromMetrics(metrics, o, { ...(o.model ? { model: o.model } : {}), source: o.metrics });
}
