import { bytes } from '../render/numbers.js';
import { writeFileAtomic } from '../util/atomic.js';
import { RunFailedError } from '../util/errors.js';
import { renderHtmlReport } from './html.js';
import type { ReportLimits } from './limits.js';
import { loadReportInputs, type ReportInputs } from './load.js';
import { renderMarkdownReport } from './markdown.js';

export interface ReportOptions {
  /** Model folders (metrics.json, run.json, predictions.arrows, clusters.json) and/or a comparison folder. */
  dirs: readonly string[];
  /** Output file. */
  out: string;
  format?: 'html' | 'md';
  /** Pair two models' predictions when no compare.json / gate.json is given. Default true. */
  autoCompare?: boolean;
  /** Paired bootstrap settings for that comparison (defaults as `modeval compare`). */
  resamples?: number;
  seed?: number;
  limits?: Partial<ReportLimits>;
  /** Refuse to write a larger file (the limits keep reports far below). Default 25 MiB. */
  maxBytes?: number;
}

export interface ReportResult {
  path: string;
  format: 'html' | 'md';
  bytes: number;
  inputs: ReportInputs;
}

/** Render the report from the folders and write it atomically. */
export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const format = options.format ?? 'html';
  const inputs = await loadReportInputs(options.dirs, {
    ...(options.autoCompare !== undefined ? { autoCompare: options.autoCompare } : {}),
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const doc =
    format === 'html'
      ? await renderHtmlReport(inputs, options.limits ? { limits: options.limits } : {})
      : renderMarkdownReport(inputs);
  const size = Buffer.byteLength(doc, 'utf8');
  const max = options.maxBytes ?? 25 * 1024 * 1024;
  if (size > max) {
    throw new RunFailedError(
      `the report would be ${bytes(size)}, over the ${bytes(max)} limit; lower the report limits`,
    );
  }
  await writeFileAtomic(options.out, doc);
  return { path: options.out, format, bytes: size, inputs };
}
