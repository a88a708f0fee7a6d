import type { LabelersView } from '../contracts/labelers-report.js';
import { adjustPValues } from '../metrics/multiplicity.js';
import { changePointScan, cochranArmitage } from '../metrics/trend.js';
import type { JudgementTable } from './judgements.js';
import { rate } from './rates.js';
import type { NominalView } from './views.js';

/**
 * Accuracy against golden per period (the ISO week, UTC, of the judgement's timestamp, or its
 * batch), for the team and each annotator, with Wilson intervals, and whether a drop is real:
 * the Cochran–Armitage trend test and a change-point scan with a permutation p-value
 * (src/metrics/trend.ts), the annotators' change-point p-values adjusted by Benjamini–Hochberg.
 * Null when no judgement can be placed (the wide column, a log without timestamps or batches).
 */

const DAY = 86_400_000;

/** ISO 8601 week of a UTC instant, `2026-W01`: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - day * DAY;
  const year = new Date(monday + 3 * DAY).getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const week1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  const week = Math.round((monday - week1) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

type Drift = NonNullable<LabelersView['drift']>;
type Series = Drift['team'];

export interface DriftSettings {
  readonly by: Drift['by'];
  readonly level: number;
  readonly minItems: number;
  readonly fdr: number;
  readonly resamples: number;
  readonly seed: number;
}

interface Counts {
  x: number;
  n: number;
}

export function driftTests(s: DriftSettings): string {
  return (
    `accuracy per ${s.by === 'batch' ? 'batch (ordered by first timestamp, then name)' : 'ISO week'}; ` +
    'trend: Cochran–Armitage, scores = period ranks, two-sided; change point: likelihood-ratio scan for one change ' +
    `in the proportion, permutation p-value (${s.resamples} resamples, seed ${s.seed}), Benjamini–Hochberg across annotators; ` +
    `drop or rise when the change point's adjusted p <= ${s.fdr}; fewer than two periods or ${s.minItems} placed ` +
    'golden-labelled judgements: not enough data'
  );
}

export function driftOf(table: JudgementTable, view: NominalView, s: DriftSettings): LabelersView['drift'] {
  const periodOf = periodKeys(table, s.by);
  const team = new Map<string, Counts>();
  const byAnnotator = table.annotators.map(() => new Map<string, Counts>());
  let unplaced = 0;
  let placed = 0;
  for (let t = 0; t < table.item.length; t++) {
    const g = view.golden[table.item[t]!]!;
    if (g < 0) continue;
    const period = periodOf[t];
    if (period === null || period === undefined) {
      unplaced++;
      continue;
    }
    placed++;
    const right = view.label[t] === g ? 1 : 0;
    for (const m of [team, byAnnotator[table.annotator[t]!]!]) {
      const c = m.get(period) ?? { x: 0, n: 0 };
      c.x += right;
      c.n++;
      m.set(period, c);
    }
  }
  if (placed === 0) return null;
  const order = periodOrder(table, periodOf, s.by);
  const teamSeries = series(team, order, s, s.seed);
  const annotators = table.annotators
    .map((annotator, a) => ({ annotator, ...series(byAnnotator[a]!, order, s, s.seed + 1 + a) }))
    .filter((a) => a.periods.length > 0);
  // The annotators' change points are many tests: control the false discovery rate across them.
  const adjusted = adjustPValues(
    annotators.map((a) => a.changePoint?.pValue ?? null),
    'benjamini-hochberg',
  );
  return {
    by: s.by,
    unplaced,
    tests: driftTests(s),
    team: withVerdict(teamSeries, teamSeries.changePoint?.pValue ?? null, s.fdr),
    annotators: annotators.map((a, i) => withVerdict(a, adjusted[i] ?? null, s.fdr)),
  };
}

/** Each judgement's period, or null when it has none (no timestamp, no batch). */
function periodKeys(table: JudgementTable, by: Drift['by']): (string | null)[] {
  if (by === 'batch') return [...table.batch];
  return Array.from(table.time, (ms) => (Number.isNaN(ms) ? null : isoWeek(ms)));
}

/** Weeks sort as text; batches by their earliest timestamp (any judgement), then by name. */
function periodOrder(
  table: JudgementTable,
  periodOf: (string | null)[],
  by: Drift['by'],
): (a: string, b: string) => number {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (by === 'iso-week') return byName;
  const first = new Map<string, number>();
  periodOf.forEach((p, t) => {
    const ms = table.time[t]!;
    if (p === null || Number.isNaN(ms)) return;
    first.set(p, Math.min(first.get(p) ?? ms, ms));
  });
  const at = (p: string) => first.get(p) ?? Number.POSITIVE_INFINITY;
  return (a, b) => (at(a) === at(b) ? byName(a, b) : at(a) < at(b) ? -1 : 1);
}

function series(
  m: Map<string, Counts>,
  order: (a: string, b: string) => number,
  s: DriftSettings,
  seed: number,
): Omit<Series, 'verdict' | 'changePoint'> & {
  changePoint: Omit<NonNullable<Series['changePoint']>, 'adjusted'> | null;
} {
  const keys = [...m.keys()].sort(order);
  const x = keys.map((k) => m.get(k)!.x);
  const n = keys.map((k) => m.get(k)!.n);
  const periods = keys.map((period, i) => ({ period, ...rate(x[i]!, n[i]!, s.level) }));
  const total = n.reduce((a, b) => a + b, 0);
  if (keys.length < 2 || total < s.minItems) return { periods, trend: null, changePoint: null };
  const trend = cochranArmitage(x, n);
  const c = changePointScan(x, n, { resamples: s.resamples, seed });
  return {
    periods,
    trend,
    changePoint:
      c === null
        ? null
        : {
            period: keys[c.at]!,
            statistic: c.statistic,
            before: rate(c.before.x, c.before.n, s.level),
            after: rate(c.after.x, c.after.n, s.level),
            pValue: c.pValue,
            resamples: c.resamples,
          },
  };
}

function withVerdict<T extends ReturnType<typeof series>>(
  v: T,
  adjusted: number | null,
  fdr: number,
): Omit<T, 'changePoint'> & Series {
  const c = v.changePoint;
  if (c === null || adjusted === null) return { ...v, changePoint: null, verdict: 'not enough data' };
  const real = adjusted <= fdr;
  const verdict = !real ? 'no evidence' : c.after.value! < c.before.value! ? 'drop' : 'rise';
  return { ...v, changePoint: { ...c, adjusted }, verdict };
}
