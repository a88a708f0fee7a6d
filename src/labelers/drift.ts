import type { LabelersView } from '../contracts/labelers-report.js';
import type { JudgementTable } from './judgements.js';
import { rate } from './rates.js';
import type { NominalView } from './views.js';

/**
 * Accuracy against golden by ISO week (UTC) of the judgement's timestamp, for the team and each
 * annotator, with Wilson intervals: whether a drop is more than noise shows as intervals that no
 * longer overlap. Null when no judgement has a time (the wide column, a log without timestamps).
 * Judgements without a time are counted (`undated`), not placed.
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

interface Counts {
  x: number;
  n: number;
}

export function driftOf(table: JudgementTable, view: NominalView, level: number): LabelersView['drift'] {
  const team = new Map<string, Counts>();
  const byAnnotator = table.annotators.map(() => new Map<string, Counts>());
  let undated = 0;
  let dated = 0;
  for (let t = 0; t < table.item.length; t++) {
    const g = view.golden[table.item[t]!]!;
    if (g < 0) continue;
    const ms = table.time[t]!;
    if (Number.isNaN(ms)) {
      undated++;
      continue;
    }
    dated++;
    const week = isoWeek(ms);
    const right = view.label[t] === g ? 1 : 0;
    for (const m of [team, byAnnotator[table.annotator[t]!]!]) {
      const c = m.get(week) ?? { x: 0, n: 0 };
      c.x += right;
      c.n++;
      m.set(week, c);
    }
  }
  if (dated === 0) return null;
  const periods = (m: Map<string, Counts>) =>
    [...m.keys()].sort().map((period) => ({ period, ...rate(m.get(period)!.x, m.get(period)!.n, level) }));
  return {
    by: 'iso-week',
    undated,
    team: periods(team),
    annotators: table.annotators
      .map((annotator, a) => ({ annotator, periods: periods(byAnnotator[a]!) }))
      .filter((a) => a.periods.length > 0),
  };
}
