import type { Cluster, ClusterExample } from '../../contracts/clusters-report.js';
import { cleanText } from '../../render/clean.js';
import { html, type SafeHtml, text } from '../../render/html.js';
import { count, f3, pct } from '../../render/numbers.js';
import { barsChart } from '../charts.js';
import type { ModelEntry } from '../load.js';
import { renderSvg } from '../svg.js';
import { EMPTY, figure, note, type SectionContext, table } from './parts.js';

const KIND_COLORS = [
  { name: 'false positive', color: '#e45756' },
  { name: 'false negative', color: '#f58518' },
  { name: 'confusion', color: '#4c78a8' },
];
const KIND_NAME: Record<Cluster['kind'], string> = {
  false_positive: 'false positive',
  false_negative: 'false negative',
  confusion: 'confusion',
};

const ERROR_NAME = { missed: 'missed', over_enforced: 'over-enforced' } as const;

/** `golden → predicted`, or a multi-policy cell's `missed X` / `over-enforced X`. */
function cellName(
  c: { cell: string; golden: string; predicted: string; policy?: string | undefined },
  max: number,
): string {
  return c.policy !== undefined
    ? cleanText(c.cell, max + 16)
    : `${cleanText(c.golden, max)} → ${cleanText(c.predicted, max)}`;
}

/** The page anchor of a model's largest shown error cluster (our id, never data). */
export const largestClusterAnchor = (modelIndex: number) => `model-${modelIndex}-largest-cluster`;

/**
 * Which of the shown clusters (the first `limit`) is the largest, by errors; ties go to the first.
 * Undefined when there is none.
 */
export function largestShownCluster(m: ModelEntry, limit: number): number | undefined {
  const shown = m.clusters?.clusters.slice(0, limit) ?? [];
  let best: number | undefined;
  shown.forEach((cl, i) => {
    if (best === undefined || cl.size > shown[best]!.size) best = i;
  });
  return best;
}

/** Error clusters from clusters.json: sizes, c-TF-IDF terms, slice lift and example texts. */
export async function clustersSection(
  m: ModelEntry,
  modelIndex: number,
  ctx: SectionContext,
): Promise<SafeHtml> {
  const c = m.clusters;
  if (!c) return EMPTY;
  const L = ctx.limits;
  const shown = c.clusters.slice(0, L.clusters);
  const largest = largestShownCluster(m, L.clusters);
  // Chart data is cleaned here (vega escapes markup, not controls); clusters.json is an input file.
  // A multi-policy cluster's name alone does not say which policy it is about.
  const name = (cl: Cluster) =>
    `${cleanText(cl.id, 20)} · ${cl.policy !== undefined ? `${cleanText(cl.cell, 60)}: ` : ''}${cleanText(cl.name, 60)}`;
  const chart =
    shown.length > 0
      ? await renderSvg(
          barsChart({
            title: 'Error clusters by impact (size × error rate in their region)',
            xTitle: 'impact',
            rows: shown.map((cl) => ({ name: name(cl), value: cl.impact, group: KIND_NAME[cl.kind] })),
            groups: KIND_COLORS,
          }),
        )
      : null;
  const cards = shown.map((cl, i) =>
    clusterCard(cl, ctx, i === largest ? largestClusterAnchor(modelIndex) : undefined),
  );
  const cells = c.cells.map((cell) => [
    cellName(cell, L.nameChars),
    count(cell.size),
    cell.clustered ? String(cell.k ?? '—') : 'not clustered',
    f3(cell.silhouette),
    cell.warning
      ? html`<span class="badge small">weak</span> ${cleanText(cell.warning, 400)}`
      : (cell.note ?? ''),
  ]);
  const weak = c.cells.filter((cell) => cell.warning).length;
  const rule = c.labelIssues
    ? note(`Golden-label check: ${c.labelIssues.rule}.`)
    : note(
        'Golden-label check: this clusters.json predates the agreement rule; its badges come from one model’s own probabilities.',
      );
  const more = c.clusters.length - shown.length;
  return html`<h3>Error clusters</h3>${note(
    `Errors grouped by text similarity within each error cell (seed ${c.seed}): a confusion cell, or for a multi-policy model each policy's missed and over-enforced items; names are the terms that most separate a cluster from the rest of its cell; lift = P(slice | cluster) / P(slice | cell).`,
  )}${
    weak > 0
      ? note(
          `${weak} cell${weak === 1 ? ' has' : 's have'} weak structure (silhouette under ${c.options.minSilhouette ?? 0.25}): their clusters are loose groupings, not topics. Their cards lead with the examples; read the names only as hints.`,
        )
      : EMPTY
  }${rule}${chart ? figure(chart, '') : EMPTY}${table(['cell', 'errors', 'clusters', 'silhouette', 'note'], cells, 'num')}${cards}${
    more > 0 ? note(`${more} more clusters are in clusters.json.`) : EMPTY
  }`;
}

function clusterCard(cl: Cluster, ctx: SectionContext, anchor: string | undefined): SafeHtml {
  const L = ctx.limits;
  // Separating terms: share of the cluster's errors holding the term vs the rest of the cell.
  const terms =
    cl.separating && cl.separating.length > 0
      ? cl.separating
          .slice(0, L.clusterTerms)
          .map(
            (t) =>
              html`<span class="term">${cleanText(t.term, 40)} <small>${pct(t.clusterShare, 0)} vs ${pct(t.restShare, 0)}</small></span>`,
          )
      : cl.terms
          .slice(0, L.clusterTerms)
          .map(
            (t) =>
              html`<span class="term">${cleanText(t.term, 40)} <small>${t.weight.toFixed(3)}</small></span>`,
          );
  const lifts = cl.slices
    .slice(0, L.clusterTerms)
    .map((s) => [
      `${cleanText(s.column, L.nameChars)} = ${cleanText(s.value, L.nameChars)}`,
      `×${s.lift.toFixed(2)}`,
      count(s.support),
      pct(s.clusterShare),
      pct(s.cellShare),
    ]);
  const examples = cl.representatives
    .slice(0, L.clusterExamples)
    .map(
      (e) =>
        html`<li><div class="ex-meta">id <code>${text(e.id, L.nameChars)}</code> · score ${e.score.toFixed(3)} · ${
          e.labelIssue === 'relabel'
            ? html`<span class="badge relabel">check the golden label</span> <small>${evidence(e.labelEvidence)}</small>`
            : e.labelIssue === 'model_error'
              ? 'model error'
              : 'golden label not checked'
        }</div><div class="ex-text">${text(e.text, L.textChars, true)}</div></li>`,
    );
  const examplesHtml = examples.length > 0 ? html`<ol class="examples">${examples}</ol>` : EMPTY;
  const liftTable =
    lifts.length > 0 ? table(['slice', 'lift', 'members', 'in cluster', 'in cell'], lifts, 'num') : EMPTY;
  const badge = cl.error ? ERROR_NAME[cl.error] : KIND_NAME[cl.kind];
  // The badge already says missed / over-enforced: the header then names the policy alone.
  const where = cl.policy !== undefined ? cleanText(cl.policy, L.nameChars) : cellName(cl, L.nameChars);
  return html`<div class="card"${anchor === undefined ? EMPTY : html` id="${anchor}"`}><h4>${cl.id} <span class="badge">${badge}</span> ${where}</h4><p class="stats">${count(cl.size)} errors (${pct(cl.share)} of the cell) · error rate in region ${pct(cl.errorRate)} · mean score ${cl.meanScore.toFixed(
    3,
  )} · ${count(cl.relabelCandidates)} golden labels to check</p>${
    cl.weakStructure
      ? html`${examplesHtml}<p class="terms"><small>weak structure; name terms only as hints:</small> ${terms}</p>${liftTable}`
      : html`<p class="terms">${terms}</p>${liftTable}${examplesHtml}`
  }</div>`;
}

/** "flagged by spam-v2 (P(golden) 0.02) and spam-v1 (0.04)": the evidence behind a badge. */
function evidence(ev: ClusterExample['labelEvidence']): string {
  if (!ev) return '';
  const flagged = ev.filter((x) => x.flagged);
  return `flagged by ${flagged.map((x) => `${cleanText(x.model, 40)} (P(golden label) ${x.pGolden.toFixed(3)})`).join(' and ')}`;
}
