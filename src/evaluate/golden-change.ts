import type { GoldenChange, MetricChange } from '../contracts/golden-change.js';
import type { Interval } from '../contracts/metric-results.js';
import { classInterval, headlineInterval, placed } from '../metrics/registry/index.js';
import { type GoldenColumns, taskViewOf } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import { type EvalSet, type ModelColumns, scoresLabel } from './eval-set.js';
import { headline } from './headline.js';
import type { ResolvedMetricOptions } from './options.js';

/**
 * What a relabel changed for one model (`eval --compare-golden`): the same predictions evaluated
 * on the previous and the current golden version. Pure: two evaluation sets in, the comparison
 * out. Labels are read through the task view (`goldenHas`), so binary, multiclass and multi-policy
 * sets are compared alike: an item's golden value is its set of labels (one label, or a policy set).
 */

/** One changed item, as `golden-changes.jsonl` lists it. */
export interface ChangedItem {
  id: string;
  previous: string[];
  current: string[];
  predicted: string[];
  /** Whether the model's decision equals the golden labels, before and after. */
  before: 'correct' | 'wrong';
  after: 'correct' | 'wrong';
}

type Has = (i: number) => boolean;

/** Per label, whether item i holds it: the golden labels of a set, or a model's decisions. */
function membership(set: EvalSet, columns: GoldenColumns): Has[] {
  const view = taskViewOf(set);
  return set.labels.map((_, j) => view.goldenHas(columns, j));
}

const decisions = (set: EvalSet, m: ModelColumns): GoldenColumns => ({
  labels: set.labels,
  truth: m.predicted,
  truthFlags: m.predictedFlags,
});

const labelsAt = (labels: readonly string[], has: readonly Has[], i: number, keep: readonly number[]) =>
  keep.filter((j) => has[j]!(i)).map((j) => labels[j]!);

function metricRows(previous: EvalSet, current: EvalSet, r: ResolvedMetricOptions): MetricChange[] {
  const before = headline(previous, previous.models[0]!, null, r);
  const after = headline(current, current.models[0]!, null, r);
  const row = (
    key: string,
    label: string,
    cls: string | null,
    a: Interval | null | undefined,
    b: Interval | null | undefined,
  ): MetricChange => ({
    key,
    label,
    class: cls,
    previous: a ?? null,
    current: b ?? null,
    delta: a?.estimate != null && b?.estimate != null ? b.estimate - a.estimate : null,
  });
  const rows: MetricChange[] = [];
  for (const d of placed('terminal', 'overall')) {
    if (!d.tasks.includes(current.task)) continue;
    rows.push(
      row(d.key, d.label, null, headlineInterval(before.headline, d), headlineInterval(after.headline, d)),
    );
  }
  const classes = placed('terminal', 'class');
  current.labels.forEach((label, j) => {
    const a = before.perClass.find((c) => c.label === label);
    const b = after.perClass[j];
    for (const d of classes) {
      rows.push(row(d.key, `${label} ${d.label}`, label, a && classInterval(a, d), b && classInterval(b, d)));
    }
  });
  return rows;
}

/** Refuse two versions that cannot be compared label by label. */
function checkComparable(previous: EvalSet, current: EvalSet): void {
  if (previous.task !== current.task) {
    throw new BadInputError(
      `the previous golden version is a ${previous.task} set and the current one a ${current.task} set: nothing to compare label by label`,
      { file: previous.dataset.file },
    );
  }
  const a = [...previous.labels].sort();
  const b = [...current.labels].sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new BadInputError(
      `the previous golden version's labels (${a.join(', ')}) are not the current one's (${b.join(', ')})`,
      { file: previous.dataset.file, field: 'labels' },
    );
  }
}

/**
 * The golden change of one model between `previous` and `current` (each an evaluation set of that
 * model's predictions on one golden version), and the changed items.
 */
export function goldenChange(
  previous: EvalSet,
  current: EvalSet,
  r: ResolvedMetricOptions,
): { report: Omit<GoldenChange, 'changesFile'>; changed: ChangedItem[] } {
  if (previous.models.length !== 1 || current.models.length !== 1)
    throw new BadInputError('--compare-golden compares one model: give one predictions file', {
      field: 'predictions',
    });
  checkComparable(previous, current);
  const labels = current.labels;
  const m = current.models[0]!;
  // Labels the model decides: all, but for a multi-policy model that scores a subset.
  const scored = labels.map((_, j) => j).filter((j) => scoresLabel(m, j));
  const all = labels.map((_, j) => j);
  const prevIndex = new Map(labels.map((l, j) => [j, previous.labels.indexOf(l)] as const));
  const gPrev = membership(previous, previous);
  const gCur = membership(current, current);
  const pred = membership(current, decisions(current, m));
  const prevRow = new Map<string, number>();
  previous.ids.forEach((id, i) => {
    prevRow.set(id, i);
  });

  const perLabel = labels.map((label, j) => ({
    label,
    gained: 0,
    lost: 0,
    fixed: scoresLabel(m, j) ? 0 : null,
    broken: scoresLabel(m, j) ? 0 : null,
  }));
  const errors = { previous: 0, current: 0, becameCorrect: 0, becameWrong: 0 };
  const transitions = new Map<string, { from: string[]; to: string[]; count: number }>();
  const changed: ChangedItem[] = [];
  let both = 0;
  current.ids.forEach((id, i) => {
    const k = prevRow.get(id);
    if (k === undefined) return;
    both++;
    let differs = false;
    let rightBefore = true;
    let rightAfter = true;
    for (const j of all) {
      const was = gPrev[prevIndex.get(j)!]!(k);
      const is = gCur[j]!(i);
      if (was !== is) {
        differs = true;
        if (is) perLabel[j]!.gained++;
        else perLabel[j]!.lost++;
      }
      if (!scoresLabel(m, j)) continue;
      const p = pred[j]!(i);
      rightBefore &&= p === was;
      rightAfter &&= p === is;
      if (p !== was && p === is) perLabel[j]!.fixed!++;
      if (p === was && p !== is) perLabel[j]!.broken!++;
    }
    if (!rightBefore) errors.previous++;
    if (!rightAfter) errors.current++;
    if (!rightBefore && rightAfter) errors.becameCorrect++;
    if (rightBefore && !rightAfter) errors.becameWrong++;
    if (!differs) return;
    const from = all.filter((j) => gPrev[prevIndex.get(j)!]!(k)).map((j) => labels[j]!);
    const to = labelsAt(labels, gCur, i, all);
    const key = JSON.stringify([from, to]);
    const t = transitions.get(key) ?? { from, to, count: 0 };
    t.count++;
    transitions.set(key, t);
    changed.push({
      id,
      previous: from,
      current: to,
      predicted: labelsAt(labels, pred, i, scored),
      before: rightBefore ? 'correct' : 'wrong',
      after: rightAfter ? 'correct' : 'wrong',
    });
  });

  const report = changeReport(previous, current, r, { both, changed, transitions, perLabel, errors });
  return { report, changed };
}

/** The golden-change report from what the item loop counted (kept apart: the loop is long). */
function changeReport(
  previous: EvalSet,
  current: EvalSet,
  r: ResolvedMetricOptions,
  counted: {
    both: number;
    changed: ChangedItem[];
    transitions: Map<string, { from: string[]; to: string[]; count: number }>;
    perLabel: GoldenChange['perLabel'];
    errors: GoldenChange['errors'];
  },
): Omit<GoldenChange, 'changesFile'> {
  const { both, changed, transitions, perLabel, errors } = counted;
  const labels = current.labels;
  const m = current.models[0]!;
  const pm = previous.models[0]!;
  const version = (s: EvalSet) => ({
    file: s.dataset.file,
    fingerprint: s.dataset.fingerprint,
    evaluated: s.n,
  });
  return {
    kind: 'modeval.golden-change',
    schemaVersion: 1,
    task: current.task,
    labels: [...labels],
    model: { name: m.meta.model.name, version: m.meta.model.version, predictionsFile: m.file },
    previous: version(previous),
    current: version(current),
    items: {
      both,
      onlyPrevious: previous.n - both,
      onlyCurrent: current.n - both,
      changed: changed.length,
    },
    transitions: [...transitions.values()].sort(
      (a, b) =>
        b.count - a.count || JSON.stringify([a.from, a.to]).localeCompare(JSON.stringify([b.from, b.to])),
    ),
    perLabel,
    errors,
    metrics: metricRows(previous, current, r),
    warnings: [
      ...(pm.meta.model.name !== m.meta.model.name || pm.file !== m.file
        ? ['the two versions were evaluated with different predictions files']
        : []),
      ...previous.warnings.map((w) => `previous golden version: ${w}`),
      ...current.warnings.map((w) => `current golden version: ${w}`),
    ],
  };
}
