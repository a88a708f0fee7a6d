import { existsSync } from 'node:fs';
import type { EvalSet, GoldenRowRule } from '../evaluate/eval-set.js';
import { loadEvalSet } from '../evaluate/join.js';
import { comparedSetsOf } from '../gate/load.js';
import { OUTPUT_FILES, outputPath } from '../io/outputs.js';
import { taskViewOf } from '../task/index.js';
import type { ModelEntry, ReportInputs } from './inputs.js';
import { scoreHistogram } from './scores.js';

/*
 * The report's one recomputation step. Everything else the report shows is read from the stage
 * outputs it is given (metrics.json, compare.json, gate.json, clusters.json, run.json,
 * *.review.json). Two things no stage writes are made here, from the golden set and the
 * predictions metadata.json records (when they are still there):
 * - each model's score distribution by golden label (binned, report/scores.ts);
 * - with two models and no compare.json / gate.json given (and `autoCompare`), their paired
 *   comparison, through the same code as `modeval compare` (gate/load.ts `comparedSetsOf`, so a
 *   multi-policy pair is compared per policy as there).
 * The golden set is joined to the models' predictions once, all models together.
 */

export interface RecomputeOptions {
  /**
   * With exactly two models and no compare.json / gate.json, compute the paired comparison from
   * their predictions and the golden set (when those files are still where metrics.json says).
   */
  autoCompare?: boolean;
  /** Paired bootstrap settings of that comparison (compare's defaults otherwise). */
  resamples?: number;
  seed?: number;
  /** Bin each model's scores by golden label (reads the predictions and the golden set). Default true. */
  scoreHistograms?: boolean;
  /** Bad golden rows in those joins (EvalSetOptionsSchema): stop at the first (default), or skip. */
  golden?: GoldenRowRule;
}

/** The file a model's predictions are in: as metrics.json recorded it, else beside metrics.json. */
function predictionsPath(m: ModelEntry): string | null {
  const recorded = m.model.model.predictionsFile;
  if (existsSync(recorded)) return recorded;
  const beside = outputPath(m.dir, OUTPUT_FILES.predictions);
  return existsSync(beside) ? beside : null;
}

const sameLabels = (a: ModelEntry, b: ModelEntry) =>
  JSON.stringify(a.report.labels) === JSON.stringify(b.report.labels);

/** Join the golden set to some models' predictions (null when a file is gone). */
async function join(
  models: readonly ModelEntry[],
  golden: GoldenRowRule | undefined,
): Promise<EvalSet | null> {
  const first = models[0]!;
  const predictions = models.map(predictionsPath);
  const dataset = first.report.dataset.file;
  if (predictions.some((p) => p === null) || !existsSync(dataset)) return null;
  const spec = first.report.dataset.spec;
  return loadEvalSet({
    dataset,
    predictions: predictions as string[],
    ...(existsSync(spec) ? { spec } : {}),
    ...golden,
  });
}

/** Whether a model's score histogram is drawn (single-label models; multi-policy ones have none). */
const wantsHistogram = (m: ModelEntry) => !taskViewOf(m.report).multiLabel;

/** Add what the stage outputs do not hold (see above) to loaded report inputs. */
export async function recomputeFromSources(out: ReportInputs, options: RecomputeOptions): Promise<void> {
  const histograms = options.scoreHistograms !== false;
  const pair =
    !out.comparison && out.models.length === 2 && options.autoCompare !== false
      ? (out.models as [ModelEntry, ModelEntry])
      : undefined;
  const fingerprints = new Set(out.models.map((m) => m.report.dataset.fingerprint));
  const files = new Set(
    out.models.map((m) => JSON.stringify([m.report.dataset.file, m.report.dataset.spec])),
  );
  // One join for every model when they were evaluated on one golden file over the same labels.
  const together =
    out.models.length > 0 && fingerprints.size === 1 && files.size === 1
      ? out.models.every((m) => sameLabels(m, out.models[0]!))
      : false;
  const needed = out.models.some((m) => histograms && wantsHistogram(m)) || pair !== undefined;
  const joint = together && needed ? await join(out.models, options.golden) : null;

  if (histograms) {
    for (const [i, m] of out.models.entries()) {
      if (!wantsHistogram(m)) continue;
      // The joint set holds every model's rows only when no model left a labelled row out.
      const own = joint !== null && joint.counts.droppedMissingPrediction === 0;
      const set = own ? joint : await join([m], options.golden);
      if (set === null) continue;
      if (set.dataset.fingerprint !== m.report.dataset.fingerprint) {
        out.warnings.push(
          `${m.report.dataset.file} changed since ${m.metricsFile} was written; score histograms left out`,
        );
        continue;
      }
      m.scores = scoreHistogram(set, own ? i : 0);
    }
  }

  if (pair === undefined) return;
  if (fingerprints.size > 1) {
    out.warnings.push('no paired comparison: the two models were evaluated on different datasets');
    return;
  }
  const set = joint ?? (await join(pair, options.golden));
  if (set === null) {
    out.warnings.push(
      'no paired comparison: the predictions or the golden dataset are no longer where metrics.json says; run `modeval compare --out <dir>` and pass <dir>',
    );
    return;
  }
  const comparison = comparedSetsOf(set).compare({
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  out.comparison = { source: 'computed', comparison, gate: null };
}
