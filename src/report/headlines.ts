import type { Interval } from '../contracts/metric-results.js';
import type { Headline } from '../contracts/metrics-report.js';
import { headlineInterval, type MetricDeclaration, placed } from '../metrics/registry/index.js';

/** The headline metrics, in the order both the HTML summary and the Markdown table show them. */
export interface HeadlineRow {
  name: string;
  get: (h: Headline) => Interval | null | undefined;
}

/** The registry's report places: overall metrics, and class metrics of the positive class. */
const row = (d: MetricDeclaration): HeadlineRow => ({
  name: d.scope === 'class' ? `positive ${d.label}` : d.label,
  get: (h) => headlineInterval(h, d),
});

export const HEADLINES: HeadlineRow[] = [...placed('report', 'overall'), ...placed('report', 'class')]
  .sort((a, b) => a.places.report! - b.places.report!)
  .map(row);
