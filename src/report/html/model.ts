import type {
  ClassificationReport,
  MulticlassReport,
  OperatingConstraint,
} from '../../contracts/metric-results.js';
import type { LabelRanking, SliceReport } from '../../contracts/metrics-report.js';
import type { PlanRow } from '../../contracts/plan-report.js';
import { planFromMetrics } from '../../plan/plan.js';
import { cleanText, uniqueDisplay } from '../../render/clean.js';
import { html, type SafeHtml } from '../../render/html.js';
import { intervalCaption, type NamedInterval } from '../../render/interval-caption.js';
import { count, f3, interval, pct } from '../../render/numbers.js';
import { taskViewOf } from '../../task/index.js';
import {
  classBarsChart,
  confusionChart,
  curveChart,
  forestChart,
  histogramChart,
  reliabilityChart,
} from '../charts.js';
import type { ModelEntry } from '../load.js';
import { renderSvg } from '../svg.js';
import { biasSection } from './agreement.js';
import { clustersSection } from './clusters.js';
import {
  addCurves,
  classed,
  EMPTY,
  figure,
  ivCell,
  nameCell,
  note,
  type SectionContext,
  table,
} from './parts.js';

/** Everything about one model: confusion, per-class bars, curves, calibration, slices, clusters. */
export async function modelSection(m: ModelEntry, index: number, ctx: SectionContext): Promise<SafeHtml> {
  const r = m.report;
  const labels = uniqueDisplay(r.labels, ctx.limits.nameChars);
  const parts: SafeHtml[] = [];
  parts.push(await confusionPart(m, labels, ctx));
  parts.push(await classBarsPart(m, labels));
  parts.push(await curvesPart(m, labels, ctx));
  const scores = m.scores
    ? figure(
        await renderSvg(histogramChart(m.scores)),
        'Scores joined to the golden labels; well-separated humps mean the threshold has room.',
      )
    : EMPTY;
  // Every policy of a multi-policy model has its own threshold and calibration (up to the
  // confusion-matrix label bound); a multiclass model shows its first four classes.
  const reliabilityCharts = taskViewOf(r).policies ? ctx.limits.confusionLabels : 4;
  parts.push(await calibrationPart(m, labels, scores, reliabilityCharts));
  parts.push(await slicesPart(m, labels, ctx));
  parts.push(biasSection(m, ctx));
  parts.push(await clustersSection(m, index, ctx));
  const j = m.model.join;
  const joinNote =
    j.missing.count + j.unknown.count + j.rejected > 0
      ? note(
          `${count(j.missing.count)} labelled rows had no prediction, ${count(j.unknown.count)} predicted ids are not in the dataset, ${count(j.rejected)} predicted rows were rejected by the validator.`,
        )
      : EMPTY;
  return html`<section id="model-${index}"><h2>Model: ${m.model.model.name} <span class="ver">${m.model.model.version}</span></h2>${joinNote}${parts}</section>`;
}

/** Whether the task's report holds a golden × predicted matrix (single-label tasks: the task view says). */
function hasConfusionMatrix(c: ClassificationReport): c is MulticlassReport {
  return taskViewOf(c).metrics.confusion;
}

async function confusionPart(m: ModelEntry, labels: string[], ctx: SectionContext): Promise<SafeHtml> {
  const c = m.model.classification;
  if (!hasConfusionMatrix(c)) {
    const rows = c.perClass.map((k, i) => [labels[i]!, count(k.tp), count(k.fp), count(k.fn), count(k.tn)]);
    return html`<h3>Confusion per label</h3>${table(['label', 'TP', 'FP', 'FN', 'TN'], rows, 'num')}`;
  }
  const {
    labels: shown,
    counts,
    pooled,
  } = poolConfusion(labels, c.confusion.counts, m.model.overall.support, ctx.limits.confusionLabels);
  const svg = await renderSvg(confusionChart({ labels: shown, counts }));
  const caption =
    pooled > 0
      ? `${pooled} least frequent labels are pooled into one row and column.`
      : 'Rows: golden label; columns: the model’s label.';
  return html`<h3>Confusion matrix</h3>${figure(svg, caption)}`;
}

/** Keep the `max` most supported labels and pool the rest, so a large label set stays legible. */
export function poolConfusion(
  labels: string[],
  counts: number[][],
  support: number[],
  max: number,
): { labels: string[]; counts: number[][]; pooled: number } {
  if (labels.length <= max) return { labels, counts, pooled: 0 };
  const order = labels.map((_, i) => i).sort((a, b) => (support[b] ?? 0) - (support[a] ?? 0) || a - b);
  const keep = order.slice(0, max - 1).sort((a, b) => a - b);
  const slot = new Map<number, number>(keep.map((k, i) => [k, i]));
  const other = keep.length;
  const pooled = labels.length - keep.length;
  const out = Array.from({ length: other + 1 }, () => new Array<number>(other + 1).fill(0));
  for (const [i, row] of counts.entries()) {
    for (const [j, v] of row.entries()) out[slot.get(i) ?? other]![slot.get(j) ?? other] += v;
  }
  return { labels: [...keep.map((k) => labels[k]!), `(${pooled} other labels)`], counts: out, pooled };
}

async function classBarsPart(m: ModelEntry, labels: string[]): Promise<SafeHtml> {
  const rows: Parameters<typeof classBarsChart>[0]['rows'] = [];
  const named: NamedInterval[] = [];
  m.model.perClass.forEach((c, i) => {
    for (const [metric, iv] of [
      ['precision', c.precision],
      ['recall', c.recall],
      ['F1', c.f1],
    ] as const) {
      if (iv.estimate === null) continue;
      rows.push({ label: labels[i]!, metric, estimate: iv.estimate, low: iv.low, high: iv.high });
      named.push({ name: metric, interval: iv });
    }
  });
  const svg = await renderSvg(classBarsChart({ rows, caption: intervalCaption(named) }));
  const tableRows = m.model.perClass.map((c, i) => [
    labels[i]!,
    count(c.support),
    c.predicted === null ? 'not scored' : count(c.predicted),
    ivCell(c.precision),
    ivCell(c.recall),
    ivCell(c.f1),
    ivCell(c.fpr),
  ]);
  return html`<h3>Per class</h3><div class="row">${figure(svg, 'A missing bar is an undefined ratio (no item of that class, or none predicted).')}${table(
    ['label', 'support', 'predicted', 'precision', 'recall', 'F1', 'FPR'],
    tableRows,
    'num',
  )}</div>`;
}

export function describeConstraint(c: OperatingConstraint): string {
  switch (c.kind) {
    case 'max-recall-at-precision':
      return `best recall at precision ≥ ${c.value}`;
    case 'max-tpr-at-fpr':
      return `best TPR at FPR ≤ ${c.value}`;
    case 'min-fpr-at-tpr':
      return `lowest FPR at TPR ≥ ${c.value}`;
  }
}

/** The curves to draw: the positive label for a binary task, else up to six labels. */
function curveLabels(m: ModelEntry): LabelRanking[] {
  return m.model.ranking.filter((r) => r.roc !== null || r.pr !== null).slice(0, 6);
}

async function curvesPart(m: ModelEntry, labels: string[], ctx: SectionContext): Promise<SafeHtml> {
  const ranked = curveLabels(m);
  if (ranked.length === 0) return note('No ROC or PR curve: the scores do not separate two classes here.');
  const display = (label: string) =>
    labels[m.report.labels.indexOf(label)] ?? cleanText(label, ctx.limits.nameChars);
  const roc: Parameters<typeof curveChart>[0] = { title: 'ROC curve', kind: 'roc', series: [], points: [] };
  const pr: Parameters<typeof curveChart>[0] = {
    title: 'Precision-recall curve',
    kind: 'pr',
    series: [],
    points: [],
    baselines: [],
  };
  const marked = ranked.length === 1;
  for (const r of ranked) {
    const name = display(r.label);
    // Operating points are marked when one curve is drawn; with several they would not be legible.
    const decisions = marked ? m.model.perClass.find((c) => c.label === r.label) : undefined;
    addCurves(roc, pr, name, r, ctx.limits.curvePoints, decisions);
    const total = r.ranking.positives + r.ranking.negatives;
    if (total > 0) pr.baselines!.push({ name, y: r.ranking.positives / total });
    if (!marked) continue;
    for (const op of r.operatingPoints) {
      if (!op.point || op.point.fpr === null || op.point.recall === null) continue;
      const what = describeConstraint(op.constraint);
      if (op.constraint.kind === 'max-recall-at-precision') {
        if (op.point.precision !== null)
          pr.points.push({ name, what, x: op.point.recall, y: op.point.precision });
      } else {
        roc.points.push({ name, what, x: op.point.fpr, y: op.point.recall });
      }
    }
  }
  const [rocSvg, prSvg] = [await renderSvg(curveChart(roc)), await renderSvg(curveChart(pr))];
  const aucRows = m.model.ranking.map((r) => [
    display(r.label),
    count(r.ranking.positives),
    count(r.ranking.negatives),
    r.ranking.rocAuc === null ? (r.ranking.rocAucReason ?? '—') : r.ranking.rocAuc.toFixed(3),
    r.ranking.averagePrecision === null
      ? (r.ranking.averagePrecisionReason ?? '—')
      : r.ranking.averagePrecision.toFixed(3),
  ]);
  const opRows = ranked.flatMap((r) =>
    r.operatingPoints.map((op) => [
      display(r.label),
      describeConstraint(op.constraint),
      op.point ? op.point.threshold.toFixed(4) : (op.reason ?? 'not reachable'),
      op.point ? pct(op.point.precision) : '—',
      op.point ? pct(op.point.recall) : '—',
      op.point ? pct(op.point.fpr, 2) : '—',
    ]),
  );
  return html`<h3>Ranking: ROC and precision-recall</h3><div class="row">${figure(rocSvg, 'Dashed: a random ranker.')}${figure(
    prSvg,
    'Dashed: the positive share (a random ranker’s precision).',
  )}</div>${table(['label', 'positives', 'negatives', 'ROC-AUC', 'average precision'], aucRows, 'num')}${
    opRows.length > 0
      ? html`<h4>Operating points</h4>${table(['label', 'constraint', 'threshold', 'precision', 'recall', 'FPR'], opRows, 'num')}`
      : EMPTY
  }`;
}

async function calibrationPart(
  m: ModelEntry,
  labels: string[],
  scores: SafeHtml,
  maxCharts: number,
): Promise<SafeHtml> {
  const cal = m.model.calibration;
  const reports = cal.topLabel
    ? taskViewOf(m.report).metrics.positiveClass && cal.positiveClass[0]
      ? [
          {
            title: `Reliability: P(${labels[m.report.labels.indexOf(cal.positiveClass[0].label)] ?? ''})`,
            report: cal.positiveClass[0].report,
          },
        ]
      : [{ title: 'Reliability: top-label confidence', report: cal.topLabel }]
    : cal.positiveClass.slice(0, maxCharts).map((p) => ({
        title: `Reliability: P(${labels[m.report.labels.indexOf(p.label)] ?? ''})`,
        report: p.report,
      }));
  if (reports.length === 0) return scores.value === '' ? EMPTY : html`<h3>Score distribution</h3>${scores}`;
  const figures: SafeHtml[] = [];
  // The headline ECE (with its interval) is the one of the first chart for single-label tasks.
  const headlineEce = m.model.overall.ece?.interval ?? null;
  for (const [i, r] of reports.entries()) {
    const svg = await renderSvg(reliabilityChart({ title: r.title, bins: r.report.reliability }));
    // The bracket is the bootstrap spread of the binned (upward-biased) estimate: say so.
    const ece =
      i === 0 && cal.topLabel && headlineEce
        ? `${interval(headlineEce)} (spread of the estimate, biased upward at small n)`
        : r.report.ece === null
          ? '—'
          : r.report.ece.toFixed(3);
    const sparse = r.report.sparseBins
      ? ` ${r.report.sparseBins} bin${r.report.sparseBins === 1 ? ' holds' : 's hold'} fewer than ${r.report.minBinCount} items (open circles): too few to read.`
      : '';
    figures.push(
      figure(
        svg,
        `ECE ${ece}, MCE ${f3(r.report.mce)}; ${r.report.reliability.length} ${r.report.binning} bins, each point with the ${m.report.definitions.intervals.proportions} interval of its observed frequency; the bars below (and the table) give the items per bin. On the dashed line the scores are calibrated.${sparse}`,
      ),
    );
  }
  // The bins of the first chart, with their counts and intervals in numbers.
  const first = reports[0]!.report;
  const binRows = first.reliability
    .filter((b) => b.count > 0)
    .map((b) => [
      `${edge(b.lo)}–${edge(b.hi)}`,
      count(b.count),
      b.meanConfidence === null ? '—' : b.meanConfidence.toFixed(3),
      b.accuracy === null ? '—' : b.accuracy.toFixed(3),
      b.interval ? `[${b.interval.low.toFixed(3)}, ${b.interval.high.toFixed(3)}]` : '—',
      b.sparse ? html`<span class="badge small">sparse</span>` : '',
    ]);
  const binTable = table(
    ['bin (confidence)', 'items', 'mean confidence', 'observed', 'interval', ''],
    binRows,
    'num',
  );
  const brier = cal.brier.map((b) => [
    b.label === null ? 'all labels' : cleanText(b.label, 80),
    b.report.definition,
    b.report.brier === null ? '—' : b.report.brier.toFixed(4),
  ]);
  return html`<h3>Calibration and score distribution</h3><div class="row">${figures}${scores}${table(['Brier score', 'definition', 'value'], brier, 'num')}</div><h4>${reports[0]!.title}: bins</h4>${binTable}`;
}

/** A bin edge readable near 0 and 1, where equal-mass bins crowd (0.000–0.000 says nothing). */
function edge(x: number): string {
  if (x > 0 && x < 0.001) return x.toExponential(1);
  if (x < 1 && 1 - x < 0.001) return `1 − ${(1 - x).toExponential(1)}`;
  return x.toFixed(3);
}

function sliceName(values: (string | null)[], max: number): string {
  return values.map((v) => (v === null ? '(null)' : cleanText(v, max))).join(' × ');
}

async function slicesPart(m: ModelEntry, labels: string[], ctx: SectionContext): Promise<SafeHtml> {
  const slices = m.model.slices;
  if (slices.length === 0) return EMPTY;
  const defs = m.report.definitions;
  const positive = m.report.positive;
  const plan = slicePlan(m);
  const out: SafeHtml[] = [];
  const shown = slices.slice(0, ctx.limits.sliceColumns);
  for (const s of shown) out.push(await slicePart(m, s, plan, positive, labels, ctx));
  const more = slices.length - shown.length;
  const pl = plan.settings;
  return html`<h3>Slices</h3>${note(
    `Accuracy per slice value with its ${defs.intervals.proportions} interval, worst accuracy first (of each column's ${ctx.limits.sliceValues} largest values). Grey rows are small: fewer than ${defs.slices.minSupport} items, a class with fewer than ${defs.slices.minClassSupport} golden items (its recall rests on them), or an accuracy interval wider than ${defs.slices.maxIntervalWidth}; the flag says which. Macro F1 is shown only where at least two classes have golden items (— ⁱ: undefined, hover for why). “To see a ${+(pl.drop * 100).toFixed(2)}-point drop”: about how many more items the slice needs for a paired comparison (McNemar, α = ${pl.alpha}, power ${pl.power}) to detect a recall drop that size (modeval plan; ${plan.definitions.planningValue}); “out of reach” where that is more than ${OUT_OF_REACH} times the slice's items, with the smallest drop its items can detect today instead.`,
  )}${out}${more > 0 ? note(`${more} more slice columns are in metrics.json.`) : EMPTY}`;
}

interface SlicePlan {
  settings: ReturnType<typeof planFromMetrics>['settings'];
  definitions: ReturnType<typeof planFromMetrics>['definitions'];
  /** The plan row with the largest need per slice value (key: columns and values). */
  byValue: Map<string, PlanRow>;
}

const planKey = (columns: readonly string[], values: readonly (string | null)[]) =>
  JSON.stringify([columns, values]);

/** The golden-set plan of this model, keyed by slice value (the neediest policy of each). */
function slicePlan(m: ModelEntry): SlicePlan {
  const plan = planFromMetrics({ ...m.report, models: [m.model] }, {});
  const byValue = new Map<string, PlanRow>();
  for (const row of plan.models[0]!.rows) {
    if (row.slice === null) continue;
    const key = planKey(row.slice.columns, row.slice.values);
    const prev = byValue.get(key);
    if (!prev || (row.forDrop?.more ?? -1) > (prev.forDrop?.more ?? -1)) byValue.set(key, row);
  }
  return { settings: plan.settings, definitions: plan.definitions, byValue };
}

/**
 * A slice that would need more than this many times its items to see the drop is called out of
 * reach, and shown the drop its items can see instead (an 80-item slice is not told to find
 * 196,180 more).
 */
const OUT_OF_REACH = 10;

const points = (x: number) => `${Math.max(1, Math.round(x * 100))}`;

function planCell(row: PlanRow | undefined, many: boolean): SafeHtml | string {
  if (!row) return '';
  if (row.forDrop === null)
    return html`<span class="na" title="${cleanText(row.reason ?? '', 300)}">— ⁱ</span>`;
  const who = many ? ` (${cleanText(row.policy, 30)})` : '';
  if (row.forDrop.more === 0) return `enough now${who}`;
  if (row.forDrop.more > OUT_OF_REACH * row.items) {
    const now = row.dropNow == null ? 'no drop seen now' : `sees −${points(row.dropNow)} pts now`;
    return html`<span title="${`needs about ${count(row.forDrop.more)} more items, ${count(Math.round(row.forDrop.more / Math.max(1, row.items)))} times this slice`}">out of reach: ${now}${who}</span>`;
  }
  return `about ${count(row.forDrop.more)} more${who}`;
}

/** Lowest accuracy first; values without one last; ties by size, largest first. */
function worstFirst(values: SliceReport['values']): SliceReport['values'] {
  const acc = (v: SliceReport['values'][number]) => v.metrics.accuracy?.estimate ?? Number.POSITIVE_INFINITY;
  return [...values].sort((a, b) => acc(a) - acc(b) || b.metrics.n - a.metrics.n);
}

async function slicePart(
  m: ModelEntry,
  s: SliceReport,
  plan: SlicePlan,
  positive: string | null,
  labels: string[],
  ctx: SectionContext,
): Promise<SafeHtml> {
  // The cap keeps the largest values (it drops those whose intervals say least); the shown ones
  // are then ordered worst accuracy first, so the slice to look at is the first row.
  const values = worstFirst(
    [...s.values].sort((a, b) => b.metrics.n - a.metrics.n).slice(0, ctx.limits.sliceValues),
  );
  const names = uniqueDisplay(
    values.map((v) => sliceName(v.values, ctx.limits.nameChars)),
    ctx.limits.nameChars * 2,
  );
  const title = s.columns.map((c) => cleanText(c, ctx.limits.nameChars)).join(' × ');
  const rows = values
    .map((v, i) => ({ v, name: names[i]! }))
    .filter(({ v }) => v.metrics.accuracy?.estimate !== null && v.metrics.accuracy !== undefined);
  const chart =
    rows.length > 0
      ? await renderSvg(
          forestChart({
            title: `Accuracy by ${title}`,
            xTitle: 'accuracy',
            rows: rows.map(({ v, name }) => ({
              name,
              estimate: v.metrics.accuracy!.estimate!,
              low: v.metrics.accuracy!.low,
              high: v.metrics.accuracy!.high,
              group: v.small ? 'small (see flag)' : 'enough items',
            })),
            groups: [
              { name: 'enough items', color: '#4c78a8' },
              { name: 'small (see flag)', color: '#aaa' },
            ],
            reference:
              m.model.overall.accuracy?.estimate != null
                ? { x: m.model.overall.accuracy.estimate, label: 'overall' }
                : null,
            unit: true,
          }),
        )
      : null;
  const posName =
    positive === null ? null : (labels[m.report.labels.indexOf(positive)] ?? cleanText(positive, 40));
  const head = [
    'value',
    'n',
    'accuracy',
    'macro F1',
    ...(posName === null ? [] : [`${posName} recall`, `${posName} FPR`]),
    `to see a ${+(plan.settings.drop * 100).toFixed(2)}-point drop`,
    'flag',
  ];
  const manyPolicies = positive === null;
  const tableRows = values.map((v, i) => [
    nameCell(names[i]!),
    count(v.metrics.n),
    ivCell(v.metrics.accuracy),
    ivCell(v.metrics.macro.f1),
    ...(posName === null ? [] : [ivCell(v.metrics.positive?.recall), ivCell(v.metrics.positive?.fpr)]),
    planCell(plan.byValue.get(planKey(s.columns, v.values)), manyPolicies),
    classed(
      'flag',
      v.small
        ? html`<span class="badge small">small</span> <small>${v.smallReasons.map((r) => cleanText(r, 120)).join('; ')}</small>`
        : '',
    ),
  ]);
  const more = s.values.length - values.length;
  return html`<h4>${title}</h4><div class="row">${chart ? figure(chart, 'Dashed: the overall accuracy.') : EMPTY}${table(head, tableRows, 'num slices')}</div>${
    more > 0 ? note(`${more} smaller values are in metrics.json.`) : EMPTY
  }`;
}
