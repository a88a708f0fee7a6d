import type { MetricsReport } from '../../contracts/metrics-report.js';
import { cleanText } from '../../render/clean.js';
import { html, type SafeHtml } from '../../render/html.js';
import { count, f3 } from '../../render/numbers.js';
import type { ModelEntry } from '../load.js';
import { EMPTY, note, type SectionContext, table } from './parts.js';

/** Inter-annotator agreement (model-independent), when the dataset carries annotations. */
export function agreementSection(report: MetricsReport, ctx: SectionContext): SafeHtml {
  const a = report.agreement;
  if (a === null) return EMPTY;
  if ('value' in a)
    return html`<section id="agreement"><h2>Annotator agreement</h2>${note(a.reason)}</section>`;
  const L = ctx.limits;
  const name = (s: string) => cleanText(s, L.nameChars);
  const summary = [
    ["Fleiss' kappa", count(a.fleiss.items), f3(a.fleiss.kappa), a.fleiss.reason ?? ''],
    [
      "Krippendorff's alpha (nominal)",
      count(a.krippendorffNominal.units),
      f3(a.krippendorffNominal.alpha),
      a.krippendorffNominal.reason ?? '',
    ],
    ["Gwet's AC1", count(a.gwetAc1.pairableItems), f3(a.gwetAc1.ac1), a.gwetAc1.reason ?? ''],
  ];
  const pairs = a.pairwiseCohen
    .slice(0, L.agreementRows)
    .map((p) => [name(p.a), name(p.b), count(p.n), f3(p.pObserved), f3(p.kappa)]);
  const gold = (a.vsGold ?? [])
    .slice(0, L.agreementRows)
    .map((g) => [name(g.annotator), count(g.n), f3(g.accuracy), f3(g.kappa)]);
  return html`<section id="agreement"><h2>Annotator agreement</h2>${note(
    `${count(a.items)} items, ${count(a.ratedItems)} rated, ${count(a.pairableItems)} with two or more ratings; ${a.annotators.length} annotators.`,
  )}${table(['statistic', 'items', 'value', 'note'], summary, 'num')}${
    pairs.length > 0
      ? html`<h3>Pairwise Cohen's kappa</h3>${table(['annotator A', 'annotator B', 'items', 'agreement', 'kappa'], pairs, 'num')}`
      : EMPTY
  }${gold.length > 0 ? html`<h3>Annotators against the golden label</h3>${table(['annotator', 'items', 'accuracy', 'kappa'], gold, 'num')}` : EMPTY}${
    a.pairwiseCohen.length > pairs.length
      ? note(`${a.pairwiseCohen.length - pairs.length} more pairs are in metrics.json.`)
      : EMPTY
  }</section>`;
}

/** Unintended-bias AUCs per identity subgroup (Borkan et al. 2019), when the dataset has identities. */
export function biasSection(m: ModelEntry, ctx: SectionContext): SafeHtml {
  const b = m.model.bias;
  if (b === null) return EMPTY;
  if ('reason' in b && b.value === null) return html`<h3>Identity bias</h3>${note(b.reason)}`;
  if (!('subgroups' in b)) return EMPTY;
  const v = (x: { value: number | null; reason?: string }) =>
    x.value === null ? (x.reason ?? '—') : x.value.toFixed(3);
  const rows = b.subgroups
    .slice(0, ctx.limits.biasSubgroups)
    .map((s) => [
      cleanText(s.subgroup, ctx.limits.nameChars),
      count(s.size),
      v(s.subgroupAuc),
      v(s.bpsnAuc),
      v(s.bnspAuc),
    ]);
  return html`<h3>Identity bias</h3>${note(
    `Final score ${v(b.finalScore)} (overall AUC ${v(b.overallAuc)}, power mean p = ${b.power}, overall weight ${b.overallWeight}).`,
  )}${table(['subgroup', 'items', 'subgroup AUC', 'BPSN AUC', 'BNSP AUC'], rows, 'num')}`;
}
