import type { Interval } from '../../metrics/schema.js';
import { html, type Interpolation, SafeHtml } from '../escape.js';
import { interval } from '../format.js';
import type { ReportLimits } from '../limits.js';
import type { ModelEntry } from '../load.js';

/** Shared pieces of the HTML sections. */

export interface SectionContext {
  limits: ReportLimits;
}

/** A table with a header row; cells are escaped unless already SafeHtml. */
export function table(head: Interpolation[], rows: Interpolation[][], className = ''): SafeHtml {
  return html`<table class="${className}"><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** An interval cell: estimate in bold, the interval small beside it. */
export function ivCell(iv: Interval | null | undefined): SafeHtml {
  if (!iv || iv.estimate === null) return html`<span class="na">—</span>`;
  if (iv.low === null || iv.high === null) return html`<b>${iv.estimate.toFixed(3)}</b>`;
  return html`<b>${iv.estimate.toFixed(3)}</b> <span class="ci">[${iv.low.toFixed(3)}, ${iv.high.toFixed(3)}]</span>`;
}

export function ivText(iv: Interval | null | undefined): string {
  return interval(iv);
}

/** "name version" of a model, for headings (escaped by the caller's template). */
export function modelName(m: ModelEntry): string {
  return `${m.model.model.name} ${m.model.model.version}`;
}

export function figure(svg: SafeHtml, caption: Interpolation): SafeHtml {
  return html`<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

export function note(body: Interpolation): SafeHtml {
  return html`<p class="note">${body}</p>`;
}

export const EMPTY = new SafeHtml('');
