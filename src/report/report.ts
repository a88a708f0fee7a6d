import { dirname } from 'node:path';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import { checkOutputFile, folderFiles } from '../io/guard.js';
import { outputPath } from '../io/outputs.js';
import { bytes } from '../render/numbers.js';
import { writeFileAtomic } from '../util/atomic.js';
import { RunFailedError } from '../util/errors.js';
import { checkOption } from '../util/zod.js';
import { renderHtmlReport } from './html.js';
import { loadReportInputs, type ReportInputs } from './load.js';
import { renderMarkdownReport } from './markdown.js';
import { type ReportOptions, ReportOptionsSchema } from './options.js';

export interface ReportResult {
  path: string;
  format: 'html' | 'md';
  bytes: number;
  inputs: ReportInputs;
}

/** Render the report from the folders and write it atomically. */
export async function writeReport(reportOptions: ReportOptions): Promise<ReportResult> {
  const options = checkOption(ReportOptionsSchema, reportOptions, 'report options');
  const { format } = options;
  // Every file of the input folders is an input: `--out <dir>/metrics.json` must not replace it.
  await checkOutputFile(
    options.out,
    'report',
    options.dirs.flatMap((dir) => folderFiles(dir, 'report input')),
  );
  const golden = goldenRowsBeside(options, dirname(options.out), 'report');
  for (const file of golden.outputs) {
    await checkOutputFile(
      outputPath(dirname(options.out), file),
      file.what,
      options.dirs.flatMap((dir) => folderFiles(dir, 'report input')),
    );
  }
  const inputs = await loadReportInputs(options.dirs, {
    golden: golden.rule,
    autoCompare: options.autoCompare,
    resamples: options.resamples,
    seed: options.seed,
    thumbnails: options.thumbnails,
    ...(options.limits?.flipItems !== undefined ? { flipItems: options.limits.flipItems } : {}),
  });
  const doc =
    format === 'html'
      ? await renderHtmlReport(inputs, options.limits ? { limits: options.limits } : {})
      : renderMarkdownReport(inputs);
  const size = Buffer.byteLength(doc, 'utf8');
  const max = options.maxBytes;
  if (size > max) {
    throw new RunFailedError(
      `the report would be ${bytes(size)}, over the ${bytes(max)} limit; lower the report limits`,
    );
  }
  await writeFileAtomic(options.out, doc, 'report');
  return { path: options.out, format, bytes: size, inputs };
}
