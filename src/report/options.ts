import { z } from 'zod';
import { EvalSetOptionsSchema } from '../evaluate/eval-set.js';
import { CompareOptionsSchema } from '../gate/options.js';
import type { ReportLimits } from './limits.js';

/** Options of `writeReport` (`modeval report`). */
export const ReportOptionsSchema = z.object({
  /** Model folders (metrics.json, run.json, predictions.arrows, clusters.json) and/or a comparison folder. */
  dirs: z.array(z.string()).readonly(),
  /** Output file. */
  out: z.string(),
  format: z.enum(['html', 'md']).default('html'),
  /** Pair two models' predictions when no compare.json / gate.json is given. */
  autoCompare: z.boolean().default(true),
  /** Paired bootstrap settings for that comparison (those of `modeval compare`). */
  resamples: CompareOptionsSchema.shape.resamples,
  seed: CompareOptionsSchema.shape.seed,
  limits: z.custom<Partial<ReportLimits>>().optional(),
  /** Inline thumbnails of flipped items when the golden set holds images. */
  thumbnails: z.boolean().default(true),
  /** Bad golden rows where the report joins the golden set: stop at the first, or leave each out. */
  onInvalid: EvalSetOptionsSchema.shape.onInvalid,
  /** Refuse to write a larger file (the limits keep reports far below). */
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
});
export type ReportOptions = z.input<typeof ReportOptionsSchema>;
