import type { Comparison, FlipItem, MetricComparison } from '../../contracts/gate-report.js';
import { cleanText } from '../../render/clean.js';
import { html, type SafeHtml, text } from '../../render/html.js';
import { count, f3, pct, pValue } from '../../render/numbers.js';
import { curveChart, forestChart } from '../charts.js';
import { deltaCells } from '../deltas.js';
import type { ComparisonEntry, ModelEntry } from '../load.js';
import { renderSvg } from '../svg.js';
import {
  addCurves,
  EMPTY,
  figure,
  ivCell,
  nameCell,
  note,
  type SectionContext,
  table,
  thumbnailCell,
  warning,
} from './parts.js';

const VERDICT_COLORS = [
  { name: 'better', color: '#54a24b' },
  { name: 'worse', color: '#e45756' },
  { name: 'no significant change', color: '#888' },
];
const VERDICT: Record<MetricComparison['verdict'], string> = {
  better: 'better',
  worse: 'worse',
  'no-significant-change': 'no significant change',
  undefined: 'undefined',
};

/** Also the forest chart's data: the metric name is cleaned too (compare.json is an input file). */
function metricLabel(m: { metric: string; class: string | null }, max: number): string {
  const metric = cleanText(m.metric, max);
  return m.class === null ? metric : `${metric} [${cleanText(m.class, max)}]`;
}

/** The McNemar and flip-count table rows: all items first, then one row per class. */
function testRows(
  c: ComparisonEntry['comparison'],
  nameChars: number,
): { mc: string[][]; flipRows: string[][] } {
  const f = c.flips;
  const mc = [c.mcnemar.overall, ...c.mcnemar.perClass].map((g) => [
    g.class === null ? 'all items' : cleanText(g.class, nameChars),
    count(g.n),
    count(g.b),
    count(g.c),
    g.method,
    pValue(g.pValue),
  ]);
  const flipRows = [
    ['all items', count(f.n), count(f.newlyWrong), count(f.newlyRight), count(f.predictionFlips)],
    ...f.perClass.map((g) => [
      cleanText(g.class, nameChars),
      count(g.n),
      count(g.newlyWrong),
      count(g.newlyRight),
      count(g.predictionFlips),
    ]),
  ];
  return { mc, flipRows };
}

/** Baseline against candidate: paired deltas, McNemar, flips, slice regressions, and the gate. */
export async function compareSection(
  entry: ComparisonEntry,
  models: ModelEntry[],
  ctx: SectionContext,
): Promise<SafeHtml> {
  const c = entry.comparison;
  const L = ctx.limits;
  const level = `${Math.round(c.level * 100)}%`;
  const base = `${cleanText(c.baseline.name, L.nameChars)} ${cleanText(c.baseline.version, 40)}`;
  const cand = `${cleanText(c.candidate.name, L.nameChars)} ${cleanText(c.candidate.version, 40)}`;
  const defined = c.metrics.filter((m) => m.delta !== null && m.verdict !== 'undefined');
  const names = defined.map((m) => metricLabel(m, L.nameChars));
  const deltas = await renderSvg(
    forestChart({
      title: `Candidate − baseline (${level} paired bootstrap interval)`,
      xTitle: 'delta',
      rows: defined.map((m, i) => ({
        name: names[i]!,
        estimate: m.delta!,
        low: m.interval.low,
        high: m.interval.high,
        group: VERDICT[m.verdict],
      })),
      groups: VERDICT_COLORS,
      reference: { x: 0, label: 'no change' },
      unit: false,
      width: 280,
    }),
  );
  const metricRows = c.metrics.map((m) => [
    metricLabel(m, L.nameChars),
    ...deltaCells(m),
    html`<span class="badge ${m.verdict}">${VERDICT[m.verdict]}</span>`,
  ]);
  const { mc, flipRows } = testRows(c, L.nameChars);
  const f = c.flips;
  const regressions = c.sliceRegressions
    .slice(0, L.sliceRegressions)
    .map((s) => [
      nameCell(`${cleanText(s.column, L.nameChars)} = ${cleanText(s.value, L.nameChars)}`),
      count(s.n),
      f3(s.baselineAccuracy),
      f3(s.candidateAccuracy),
      ivCell(s.interval),
      `${count(s.newlyWrong)} / ${count(s.newlyRight)}`,
      pValue(s.mcnemar.pValue),
      pValue(s.adjusted.holm),
    ]);
  const overlay = await overlayCurves(c, models, ctx);
  const source =
    entry.source === 'computed'
      ? 'computed by the report from the two models’ predictions'
      : 'from the comparison file';
  return html`<section id="compare"><h2>Comparison: ${cand} <span class="ver">vs baseline</span> ${base}</h2>${note(
    `${count(c.n)} paired items · ${level} paired bootstrap, ${c.resamples} resamples, seed ${c.seed} · ${source}.`,
  )}${entry.gate ? gatePart(entry) : EMPTY}${await policiesPart(c, ctx)}${c.warnings.map(warning)}<div class="row fit">${figure(
    deltas,
    'Green: the interval excludes 0 in the good direction; red: in the bad one.',
  )}${overlay}</div>${table(['metric', 'baseline', 'candidate', 'delta', `${level} interval`, 'verdict'], metricRows, 'num')}<h3>McNemar (per-item correctness)</h3>${note(
    'b = right before, wrong now; c = wrong before, right now.',
  )}${table(['group', 'items', 'b (newly wrong)', 'c (newly right)', 'test', 'p-value'], mc, 'num')}<h3>Flips</h3>${note(
    `Prediction flip rate ${pct(f.predictionFlipRate, 2)}.`,
  )}${table(['group', 'items', 'newly wrong', 'newly right', 'prediction changed'], flipRows, 'num')}${flipList(
    'Newly wrong (most confident first)',
    f.newlyWrongItems,
    c.labels,
    ctx,
  )}${flipList('Newly right', f.newlyRightItems, c.labels, ctx)}${
    regressions.length > 0
      ? html`<h3>Slices where the candidate is less accurate (most significant first)</h3>${note(
          `Holm p: the McNemar p-value adjusted (Holm) for testing all ${c.sliceRegressions[0]!.adjusted.family} slice values that have a flipped item at once; Benjamini-Hochberg values are in compare.json.`,
        )}${table(
          [
            'slice',
            'items',
            'baseline',
            'candidate',
            `delta [${level}]`,
            'newly wrong / right',
            'McNemar p',
            'Holm p',
          ],
          regressions,
          'num regressions',
        )}`
      : note('No slice value is less accurate with the candidate.')
  }</section>`;
}

/**
 * A multilabel comparison, per policy: the change in recall with its paired interval as a chart,
 * and a table of recall and precision deltas, newly missed and newly over-enforced items and
 * McNemar's p. Below it, the sections show the roll-up policy's comparison.
 */
async function policiesPart(c: Comparison, ctx: SectionContext): Promise<SafeHtml> {
  if (c.policies === undefined || c.policies.length === 0) return EMPTY;
  const L = ctx.limits;
  const level = `${Math.round(c.level * 100)}%`;
  const rows = c.policies.map(({ policy, comparison: p }) => {
    const m = (metric: string) => p.metrics.find((x) => x.metric === metric && x.class === policy);
    const missed = p.mcnemar.perClass.find((g) => g.class === policy);
    const over = p.mcnemar.perClass.find((g) => g.class !== policy);
    return {
      policy: cleanText(policy, L.nameChars),
      recall: m('recall'),
      precision: m('precision'),
      missed,
      over,
      p,
    };
  });
  const charted = rows.filter((r) => r.recall !== undefined && r.recall.delta !== null);
  const chart = await renderSvg(
    forestChart({
      title: `Recall per policy, candidate − baseline (${level} paired interval)`,
      xTitle: 'delta recall',
      rows: charted.map((r) => ({
        name: r.policy,
        estimate: r.recall!.delta!,
        low: r.recall!.interval.low,
        high: r.recall!.interval.high,
        group: VERDICT[r.recall!.verdict],
      })),
      groups: VERDICT_COLORS,
      reference: { x: 0, label: 'no change' },
      unit: false,
      width: 280,
    }),
  );
  const cells = (x: MetricComparison | undefined) =>
    x === undefined ? ['—', '—'] : [f3(x.candidate), ivCell(x.interval)];
  const body = rows.map((r) => [
    r.policy,
    count(r.missed?.n ?? 0),
    ...cells(r.recall),
    ...cells(r.precision),
    count(r.missed?.b ?? 0),
    count(r.over?.b ?? 0),
    pValue(r.p.mcnemar.overall.pValue),
  ]);
  return html`<h3>Per policy</h3>${note(
    'Golden labels and predictions are closed upward through the taxonomy; each policy is compared as its own binary decision. Newly missed: golden items of the policy the baseline flagged and the candidate does not; newly over-enforced: items outside the policy the candidate now flags. The sections below are the roll-up policy’s.',
  )}${figure(chart, 'Green: the interval excludes 0 in the good direction; red: in the bad one.')}${table(
    [
      'policy',
      'golden items',
      'candidate recall',
      `Δ recall [${level}]`,
      'candidate precision',
      `Δ precision [${level}]`,
      'newly missed',
      'newly over-enforced',
      'McNemar p',
    ],
    body,
    'num',
  )}`;
}

function gatePart(entry: ComparisonEntry): SafeHtml {
  const g = entry.gate!;
  const rows = g.rules.map((r) => [
    html`<span class="badge ${r.status}">${r.status.toUpperCase()}</span>`,
    cleanText(r.rule.name, 80),
    cleanText(r.rule.text, 120),
    cleanText(r.message, 200),
  ]);
  return html`<div class="gate ${g.verdict}"><b>Gate ${g.verdict.toUpperCase()}</b>: ${g.summary.passed} of ${g.summary.rules} rules pass (policy ${cleanText(
    g.policy.file,
    120,
  )}).</div>${table(['', 'rule', 'definition', 'result'], rows)}`;
}

function flipList(title: string, items: FlipItem[], labels: string[], ctx: SectionContext): SafeHtml {
  if (items.length === 0) return EMPTY;
  const L = ctx.limits;
  const shown = items.slice(0, L.flipItems);
  const score = (scores: number[], label: string) => {
    const i = labels.indexOf(label);
    return f3(i >= 0 ? scores[i] : null);
  };
  // Texts come from the golden set (hostile content: escaped and cut by text()).
  const withText = shown.some((it) => ctx.itemTexts?.has(it.id));
  const rows = shown.map((it) => {
    const body = ctx.itemTexts?.get(it.id);
    return [
      html`${thumbnailCell(it.id, ctx)}<code>${text(it.id, L.nameChars)}</code>`,
      ...(withText
        ? [
            body === undefined
              ? html`<span class="na">—</span>`
              : html`<div class="ex-text">${text(body, L.textChars, true)}</div>`,
          ]
        : []),
      cleanText(it.truth, L.nameChars),
      `${cleanText(it.baselinePredicted, L.nameChars)} (${score(it.baselineScores, it.baselinePredicted)})`,
      `${cleanText(it.candidatePredicted, L.nameChars)} (${score(it.candidateScores, it.candidatePredicted)})`,
    ];
  });
  const head = ['id', ...(withText ? ['text'] : []), 'golden', 'baseline (score)', 'candidate (score)'];
  return html`<h4>${title}</h4>${table(head, rows, 'flips')}${
    items.length > shown.length
      ? note(`${items.length - shown.length} more are in the comparison file.`)
      : EMPTY
  }`;
}

/** Both models' ROC and PR curves for the positive label, when both models' metrics are loaded. */
async function overlayCurves(c: Comparison, models: ModelEntry[], ctx: SectionContext): Promise<SafeHtml> {
  const find = (ref: Comparison['baseline']) =>
    models.find((m) => m.model.model.name === ref.name && m.model.model.version === ref.version);
  const pair = [find(c.baseline), find(c.candidate)];
  if (pair.some((m) => m === undefined)) return EMPTY;
  const roc: Parameters<typeof curveChart>[0] = {
    title: 'ROC: baseline and candidate',
    kind: 'roc',
    series: [],
    points: [],
    size: 250,
  };
  const pr: Parameters<typeof curveChart>[0] = {
    title: 'Precision-recall: baseline and candidate',
    kind: 'pr',
    series: [],
    points: [],
    size: 250,
  };
  const names = ['baseline', 'candidate'];
  for (const [k, m] of (pair as ModelEntry[]).entries()) {
    const positive = m.report.positive;
    const r = positive === null ? undefined : m.model.ranking.find((x) => x.label === positive);
    if (!r) return EMPTY;
    const decisions = m.model.perClass.find((p) => p.label === positive);
    addCurves(roc, pr, names[k]!, r, ctx.limits.curvePoints, decisions);
  }
  return html`${figure(await renderSvg(curveChart(roc)), 'Points: each model’s decisions at its own threshold.')}${figure(
    await renderSvg(curveChart(pr)),
    '',
  )}`;
}
