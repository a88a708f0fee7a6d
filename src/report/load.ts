import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Comparison } from '../contracts/gate-report.js';
import type { MetricsReport, ModelMetrics } from '../contracts/metrics-report.js';
import type { PredictionsMeta } from '../contracts/predictions.js';
import { openDataset } from '../dataset/open.js';
import { OUTPUT_FILES, outputPath, readOutput } from '../io/outputs.js';
import { openPredictions } from '../run/predictions.js';
import { BadInputError } from '../util/errors.js';
import { sha256File } from '../util/hash.js';
import type { ReportInputs } from './inputs.js';
import { datasetTexts } from './item-texts.js';
import { DEFAULT_LIMITS } from './limits.js';
import { type RecomputeOptions, recomputeFromSources } from './recompute.js';
import { datasetThumbnails } from './thumbnails.js';

/*
 * The folders `modeval report` reads. A **model folder** is what `modeval run --out D` followed by
 * `modeval eval --out D` leaves: `metrics.json` (required), `run.json` and `predictions.arrows`
 * (for fingerprints and run options), and `clusters.json` when `modeval clusters` wrote one there.
 * A **comparison folder** holds `compare.json` (from `modeval compare --out`) and/or `gate.json`
 * (from `modeval gate --out`). One folder may be both. The names are in io/outputs.ts.
 */

export type { ComparisonEntry, ModelEntry, ReportInputs, ReviewEntry } from './inputs.js';

export interface LoadOptions extends RecomputeOptions {
  /** Inline thumbnails of flipped items when the golden set holds images. Default true. */
  thumbnails?: boolean;
  /** Flipped items the page lists per list (its `flipItems` limit): only those get thumbnails. */
  flipItems?: number;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Same model, same predictions file, same golden set: listed once when two folders both hold it. */
function modelIdentity(model: ModelMetrics, report: MetricsReport): string {
  return JSON.stringify([
    model.model.name,
    model.model.version,
    model.model.predictionsFile,
    report.dataset.fingerprint,
  ]);
}

/** Which metrics.json model a run folder's run.json / clusters.json belongs to. */
function matchModel(models: ModelMetrics[], name: string, version: string): ModelMetrics | undefined {
  const same = models.filter((m) => m.model.name === name && m.model.version === version);
  return same.length === 1 ? same[0] : undefined;
}

async function loadFolder(dir: string, out: ReportInputs): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(dir);
  } catch {
    throw new BadInputError('no such folder', { file: dir });
  }
  if (!st.isDirectory()) {
    throw new BadInputError('expected a run or comparison folder (see `modeval report --help`)', {
      file: dir,
    });
  }
  const path = (name: string) => join(dir, name);
  const reviewFiles = (await readdir(dir))
    .filter((f) => f.endsWith(OUTPUT_FILES.reviewSummary.suffix))
    .sort();
  const has = {
    metrics: await isFile(outputPath(dir, OUTPUT_FILES.metrics)),
    run: await isFile(outputPath(dir, OUTPUT_FILES.run)),
    predictions: await isFile(outputPath(dir, OUTPUT_FILES.predictions)),
    clusters: await isFile(outputPath(dir, OUTPUT_FILES.clusters)),
    compare: await isFile(outputPath(dir, OUTPUT_FILES.compare)),
    gate: await isFile(outputPath(dir, OUTPUT_FILES.gate)),
  };
  for (const f of reviewFiles) {
    out.reviews.push({ file: path(f), summary: await readOutput(OUTPUT_FILES.reviewSummary, path(f)) });
  }
  if (!has.metrics && !has.compare && !has.gate && reviewFiles.length === 0) {
    const hint = has.run
      ? `; run \`modeval eval --predictions ${outputPath(dir, OUTPUT_FILES.predictions)} --dataset <golden> --out ${dir}\` first`
      : '';
    throw new BadInputError(
      `holds no ${OUTPUT_FILES.metrics.name}, ${OUTPUT_FILES.compare.name}, ${OUTPUT_FILES.gate.name} or *${OUTPUT_FILES.reviewSummary.suffix}${hint}`,
      {
        file: dir,
      },
    );
  }
  if (has.metrics) {
    const metricsFile = outputPath(dir, OUTPUT_FILES.metrics);
    const report = await readOutput(OUTPUT_FILES.metrics, metricsFile);
    const run = has.run ? await readOutput(OUTPUT_FILES.run, outputPath(dir, OUTPUT_FILES.run)) : null;
    let predictionsMeta: PredictionsMeta | null = run?.meta ?? null;
    if (!predictionsMeta && has.predictions)
      predictionsMeta = (await openPredictions(outputPath(dir, OUTPUT_FILES.predictions))).meta;
    const clusters = has.clusters
      ? await readOutput(OUTPUT_FILES.clusters, outputPath(dir, OUTPUT_FILES.clusters))
      : null;
    const runModel = run
      ? report.models.length === 1
        ? report.models[0]
        : matchModel(report.models, run.model.name, run.model.version)
      : undefined;
    const clusterModel = clusters
      ? report.models.length === 1
        ? report.models[0]
        : matchModel(report.models, clusters.model.name, clusters.model.version)
      : undefined;
    if (clusters && clusterModel === undefined) {
      out.warnings.push(
        `${outputPath(dir, OUTPUT_FILES.clusters)} names a model that ${metricsFile} does not hold; not shown`,
      );
    }
    for (const model of report.models) {
      const key = modelIdentity(model, report);
      if (out.models.some((m) => modelIdentity(m.model, m.report) === key)) continue;
      const mine = model === runModel;
      out.models.push({
        dir,
        metricsFile,
        report,
        model,
        run: mine ? run : null,
        meta: mine ? predictionsMeta : report.models.length === 1 ? predictionsMeta : null,
        clusters: model === clusterModel ? clusters : null,
        scores: null,
      });
    }
  }
  if (has.gate || has.compare) {
    if (out.comparison)
      throw new BadInputError('a second comparison; give one compare or gate folder', { file: dir });
    const gate = has.gate ? await readOutput(OUTPUT_FILES.gate, outputPath(dir, OUTPUT_FILES.gate)) : null;
    // A gate of a labelling delivery alone (labelers.json rules) compared no models.
    const comparison =
      gate?.comparison ??
      (has.compare ? await readOutput(OUTPUT_FILES.compare, outputPath(dir, OUTPUT_FILES.compare)) : null);
    if (comparison)
      out.comparison = {
        source: outputPath(dir, gate?.comparison ? OUTPUT_FILES.gate : OUTPUT_FILES.compare),
        comparison,
        gate,
      };
  }
}

/**
 * Load and validate every folder's stage outputs; then the one recomputation step (recompute.ts:
 * score histograms, and the paired comparison of two models when no compare.json / gate.json is
 * given), and the thumbnails of flipped items.
 */
export async function loadReportInputs(
  dirs: readonly string[],
  options: LoadOptions = {},
): Promise<ReportInputs> {
  if (dirs.length === 0) throw new BadInputError('give at least one run or comparison folder');
  const out: ReportInputs = {
    models: [],
    comparison: null,
    reviews: [],
    thumbnails: new Map(),
    warnings: [],
  };
  for (const dir of dirs) await loadFolder(resolve(dir), out);
  const fingerprints = new Set(out.models.map((m) => m.report.dataset.fingerprint));
  if (fingerprints.size > 1) {
    out.warnings.push(
      'the models were evaluated on different datasets (fingerprints differ): compare them with care',
    );
  }
  if (out.comparison && out.models.length > 0) {
    const fp = out.comparison.comparison.dataset.fingerprint;
    if (!fingerprints.has(fp))
      out.warnings.push('the comparison was made on a different dataset than the metrics');
  }
  // The one step that reads the golden set and predictions rather than stage outputs (recompute.ts).
  await recomputeFromSources(out, options);
  if (out.comparison)
    await addFlipDetails(
      out,
      out.comparison.comparison,
      options.thumbnails !== false,
      options.flipItems ?? DEFAULT_LIMITS.flipItems,
    );
  return out;
}

/**
 * The flipped items' texts and thumbnails, from the compared golden file (when it is still there,
 * unchanged). An item is blurred when its golden label or either prediction
 * is a label a model card calls sensitive, and every item is blurred unless every card says which
 * labels are (so an image model without that list never shows a sharp picture).
 */
async function addFlipDetails(
  out: ReportInputs,
  c: Comparison,
  thumbnails: boolean,
  flipItems: number,
): Promise<void> {
  const file = c.dataset.file;
  const flipped = [...c.flips.newlyWrongItems, ...c.flips.newlyRightItems];
  if (flipped.length === 0) return;
  if (!existsSync(file) || (await sha256File(file)) !== c.dataset.fingerprint) return;
  const ds = await openDataset(file);
  out.itemTexts = await datasetTexts(file, {
    ids: new Set(flipped.map((it) => it.id)),
    idColumn: ds.spec.id,
    textColumn: ds.spec.text[0],
  });
  if (!thumbnails) return;
  // Known only when every model's card listed its sensitive labels (possibly none).
  const lists = out.models.map((m) => m.meta?.model.sensitive);
  const known = lists.length > 0 && lists.every((l) => l !== undefined);
  const sensitive = new Set(lists.flatMap((l) => l ?? []));
  const ids = new Map<string, boolean>();
  // Only the items the page lists (each list cut at flipItems): the rest are never drawn.
  for (const it of [
    ...c.flips.newlyWrongItems.slice(0, flipItems),
    ...c.flips.newlyRightItems.slice(0, flipItems),
  ]) {
    const labels = [it.truth, it.baselinePredicted, it.candidatePredicted];
    ids.set(it.id, !known || labels.some((l) => sensitive.has(l)));
  }
  out.thumbnails = await datasetThumbnails(file, { ids, idColumn: ds.spec.id });
}
