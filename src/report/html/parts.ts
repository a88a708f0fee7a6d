import type { Interval } from '../../contracts/metric-results.js';
import type { ClassIntervals, LabelRanking } from '../../contracts/metrics-report.js';
import { cleanText } from '../../render/clean.js';
import { html, type Interpolation, SafeHtml, text } from '../../render/html.js';
import { f3, interval } from '../../render/numbers.js';
import type { CurveInput } from '../charts.js';
import { type ReportLimits, thinIndices } from '../limits.js';
import type { ModelEntry } from '../load.js';
import type { Thumbnail } from '../thumbnails.js';

/** Shared pieces of the HTML sections. */

export interface SectionContext {
  limits: ReportLimits;
  /** Inline thumbnails by item id (image datasets; empty otherwise). */
  thumbnails?: ReadonlyMap<string, Thumbnail>;
  /** Item texts by id (flipped items; empty when the golden set is gone or holds no text). */
  itemTexts?: ReadonlyMap<string, string>;
}

/** An item's inline thumbnail (a data URI; blurred when it may be unsafe), or nothing. */
export function thumbnailCell(id: string, ctx: SectionContext): SafeHtml {
  const t = ctx.thumbnails?.get(id);
  // The URI is ours (base64 of a JPEG we encoded); checked, then inserted whole (text() would cut it).
  if (t === undefined || !/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/.test(t.uri)) return EMPTY;
  const src = new SafeHtml(t.uri);
  return html`<img class="thumb${t.blurred ? ' blurred' : ''}" src="${src}" alt="${t.blurred ? 'blurred thumbnail' : 'thumbnail'}">`;
}

/** A table cell with a class (how the page lays it out: `flag` may wrap, `long` a long name may). */
export class ClassedCell {
  constructor(
    readonly className: string,
    readonly content: Interpolation,
  ) {}
}

export function classed(className: string, content: Interpolation): ClassedCell {
  return new ClassedCell(className, content);
}

/**
 * A row's name in a table whose cells do not wrap (slices, slice regressions): a short one stays on
 * one line, a long one (past `LONG_NAME` characters) may wrap rather than widen the table.
 */
export const LONG_NAME = 32;

export function nameCell(name: string): string | ClassedCell {
  return name.length > LONG_NAME ? classed('long', name) : name;
}

/** A table with a header row; cells are escaped unless already SafeHtml. */
export function table(
  head: Interpolation[],
  rows: (Interpolation | ClassedCell)[][],
  className = '',
): SafeHtml {
  return html`<table class="${className}"><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr>${r.map((c) =>
        c instanceof ClassedCell ? html`<td class="${c.className}">${c.content}</td>` : html`<td>${c}</td>`,
      )}</tr>`,
  )}</tbody></table>`;
}

/** An interval cell: estimate in bold, the interval small beside it. */
export function ivCell(iv: Interval | null | undefined): SafeHtml {
  if (!iv || iv.estimate === null)
    return iv?.reason
      ? html`<span class="na" title="${cleanText(iv.reason, 300)}">— ⁱ</span>`
      : html`<span class="na">—</span>`;
  if (iv.low === null || iv.high === null) return html`<b>${f3(iv.estimate)}</b>`;
  return html`<b>${f3(iv.estimate)}</b> <span class="ci">[${f3(iv.low)}, ${f3(iv.high)}]</span>`;
}

export function ivText(iv: Interval | null | undefined): string {
  return interval(iv);
}

/** "name version" of a model, for headings (escaped by the caller's template). */
export function modelName(m: ModelEntry): string {
  return `${m.model.model.name} ${m.model.model.version}`;
}

/**
 * Sentences the report composes are capped as prose, not at the default cap meant for names (which
 * cut the longer notes, warnings and settings mid-word); the dataset values inside them are cleaned
 * and capped one by one where they are interpolated.
 */
const PROSE_CHARS = 1000;

export function prose(sentence: string): SafeHtml {
  return text(sentence, PROSE_CHARS);
}

function asProse(body: Interpolation): Interpolation {
  return typeof body === 'string' ? prose(body) : body;
}

export function figure(svg: SafeHtml, caption: Interpolation): SafeHtml {
  return html`<figure>${svg}<figcaption>${asProse(caption)}</figcaption></figure>`;
}

export function note(body: Interpolation): SafeHtml {
  return html`<p class="note">${asProse(body)}</p>`;
}

export function warning(message: string): SafeHtml {
  return html`<p class="warn">${prose(message)}</p>`;
}

export const EMPTY = new SafeHtml('');

/** What a curve's marked point stands for when it is the model's own thresholded decisions. */
export const DECISION = 'model’s decisions';

/**
 * Adds one label's ROC and PR curves (thinned to `maxPoints`) as series `name`, and, when `decisions`
 * is given, that label's recall/FPR/precision at the model's own thresholds as marked points.
 */
export function addCurves(
  roc: CurveInput,
  pr: CurveInput,
  name: string,
  r: LabelRanking,
  maxPoints: number,
  decisions?: ClassIntervals,
): void {
  if (r.roc) {
    const { fpr, tpr } = r.roc;
    const idx = thinIndices(fpr.length, maxPoints);
    roc.series.push({ name, x: idx.map((i) => fpr[i]!), y: idx.map((i) => tpr[i]!) });
  }
  if (r.pr) {
    const { recall, precision } = r.pr;
    const idx = thinIndices(recall.length, maxPoints);
    pr.series.push({ name, x: idx.map((i) => recall[i]!), y: idx.map((i) => precision[i]!) });
  }
  const { recall, fpr, precision } = decisions ?? {};
  if (recall?.estimate == null) return;
  if (fpr?.estimate != null) roc.points.push({ name, what: DECISION, x: fpr.estimate, y: recall.estimate });
  if (precision?.estimate != null) {
    pr.points.push({ name, what: DECISION, x: recall.estimate, y: precision.estimate });
  }
}
