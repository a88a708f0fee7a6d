import type { Cluster } from '../../analysis/clusters-schema.js';
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

/** Error clusters from clusters.json: sizes, c-TF-IDF terms, slice lift and example texts. */
export async function clustersSection(m: ModelEntry, ctx: SectionContext): Promise<SafeHtml> {
  const c = m.clusters;
  if (!c) return EMPTY;
  const L = ctx.limits;
  const shown = c.clusters.slice(0, L.clusters);
  // Chart data is cleaned here (vega escapes markup, not controls); clusters.json is an input file.
  const name = (cl: Cluster) => `${cleanText(cl.id, 20)} · ${cleanText(cl.name, 60)}`;
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
  const cards = shown.map((cl) => clusterCard(cl, ctx));
  const cells = c.cells.map((cell) => [
    `${cleanText(cell.golden, L.nameChars)} → ${cleanText(cell.predicted, L.nameChars)}`,
    count(cell.size),
    cell.clustered ? String(cell.k ?? '—') : 'not clustered',
    f3(cell.silhouette),
    cell.note ?? '',
  ]);
  const more = c.clusters.length - shown.length;
  return html`<h3>Error clusters</h3>${note(
    `Errors grouped by text similarity within each confusion cell (seed ${c.seed}); terms by c-TF-IDF, lift = P(slice | cluster) / P(slice | cell).`,
  )}${chart ? figure(chart, '') : EMPTY}${table(['cell (golden → predicted)', 'errors', 'clusters', 'silhouette', 'note'], cells, 'num')}${cards}${
    more > 0 ? note(`${more} more clusters are in clusters.json.`) : EMPTY
  }`;
}

function clusterCard(cl: Cluster, ctx: SectionContext): SafeHtml {
  const L = ctx.limits;
  const terms = cl.terms
    .slice(0, L.clusterTerms)
    .map(
      (t) => html`<span class="term">${cleanText(t.term, 40)} <small>${t.weight.toFixed(3)}</small></span>`,
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
            ? html`<span class="badge relabel">golden label looks wrong</span>`
            : 'model error'
        }</div><div class="ex-text">${text(e.text, L.textChars, true)}</div></li>`,
    );
  return html`<div class="card"><h4>${cl.id} <span class="badge">${KIND_NAME[cl.kind]}</span> ${cleanText(cl.golden, L.nameChars)} → ${cleanText(
    cl.predicted,
    L.nameChars,
  )}</h4><p class="stats">${count(cl.size)} errors (${pct(cl.share)} of the cell) · error rate in region ${pct(cl.errorRate)} · mean score ${cl.meanScore.toFixed(
    3,
  )} · ${count(cl.relabelCandidates)} probable golden-label errors</p><p class="terms">${terms}</p>${lifts.length > 0 ? table(['slice', 'lift', 'members', 'in cluster', 'in cell'], lifts, 'num') : EMPTY}${
    examples.length > 0 ? html`<ol class="examples">${examples}</ol>` : EMPTY
  }</div>`;
}
