import { html, type SafeHtml } from '../render/html.js';
import { harnessVersion } from '../util/version.js';
import { agreementSection } from './html/agreement.js';
import { largestClusterAnchor, largestShownCluster } from './html/clusters.js';
import { compareSection } from './html/compare.js';
import { headerSection, summarySection } from './html/header.js';
import { modelSection } from './html/model.js';
import { renderPage } from './html/page.js';
import { modelName, type SectionContext } from './html/parts.js';
import { reviewSection } from './html/review.js';
import { DEFAULT_LIMITS, type ReportLimits } from './limits.js';
import type { ReportInputs } from './load.js';

export interface HtmlReportOptions {
  limits?: Partial<ReportLimits>;
}

/** The whole report as one self-contained HTML document (deterministic for the same inputs). */
export async function renderHtmlReport(
  inputs: ReportInputs,
  options: HtmlReportOptions = {},
): Promise<string> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const ctx: SectionContext = {
    limits,
    thumbnails: inputs.thumbnails,
    ...(inputs.itemTexts ? { itemTexts: inputs.itemTexts } : {}),
  };
  const { banner, provenance } = headerSection(inputs, ctx);
  const nav: { anchor: string; label: string }[] = [];
  const body: SafeHtml[] = [];
  if (inputs.models.length > 0) {
    nav.push({ anchor: 'summary', label: 'Summary' });
    body.push(summarySection(inputs, ctx));
  }
  if (inputs.comparison) {
    nav.push({ anchor: 'compare', label: inputs.comparison.gate ? 'Gate and comparison' : 'Comparison' });
    body.push(await compareSection(inputs.comparison, inputs.models, ctx));
  }
  for (const [i, m] of inputs.models.entries()) {
    nav.push({ anchor: `model-${i}`, label: modelName(m) });
    const largest = largestShownCluster(m, limits.clusters);
    if (largest !== undefined) {
      const size = m.clusters!.clusters[largest]!.size;
      nav.push({
        anchor: largestClusterAnchor(i),
        label: `Largest error cluster of ${modelName(m)} (${size.toLocaleString('en-US')} errors)`,
      });
    }
    body.push(await modelSection(m, i, ctx));
  }
  const withAgreement = inputs.models.find((m) => m.report.agreement !== null);
  if (withAgreement) {
    nav.push({ anchor: 'agreement', label: 'Annotator agreement' });
    body.push(agreementSection(withAgreement.report, ctx));
  }
  if (inputs.reviews.length > 0) {
    nav.push({ anchor: 'review', label: 'Human review' });
    body.push(reviewSection(inputs.reviews, ctx));
  }
  nav.push({ anchor: 'provenance', label: 'Provenance' });
  body.push(provenance);
  const title =
    inputs.models.length > 0
      ? `modeval report: ${inputs.models.map(modelName).join(' vs ')}`
      : 'modeval report';
  return renderPage({
    title,
    header: banner,
    nav,
    body: html`${body}`,
    limits,
    generator: `modeval ${harnessVersion()}`,
  });
}
