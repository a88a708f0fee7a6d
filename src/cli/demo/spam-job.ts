import { join } from 'node:path';
import { z } from 'zod';
import { clustersFor } from '../../analysis/clusters.js';
import type { ClustersReport } from '../../contracts/clusters-report.js';
import type { MetricsReport } from '../../contracts/metrics-report.js';
import type { RunSummary } from '../../contracts/predictions.js';
import { evaluate } from '../../evaluate/evaluate.js';
import { type GateOutputs, runGate } from '../../gate/gate.js';
import { OUTPUT_FILES, writeJsonOutput } from '../../io/outputs.js';
import { type ReportResult, writeReport } from '../../report/report.js';
import { runModel } from '../../run/run.js';
import { checkOption } from '../../util/zod.js';
import { bundledExample, bundledModel } from '../bundled.js';

/** The reference models the demo compares (see models/README.md). */
export const REFERENCE_MODELS = ['spam-v1', 'spam-v2'] as const;

export const DemoOptionsSchema = z.object({
  /**
   * The built SpamAssassin golden split. The library does not build it (the builder's packages are
   * not library dependencies): `modeval demo` builds it through the registry in datasets/index.ts.
   */
  golden: z.string().min(1),
  out: z.string().min(1).default('out/demo'),
  quiet: z.boolean().default(false),
  workers: z.number().int().positive().optional(),
});
export type DemoOptions = z.input<typeof DemoOptionsSchema> & { log?: (line: string) => void };

export interface DemoModelResult {
  model: string;
  outDir: string;
  run: RunSummary;
  metrics: MetricsReport;
}

export interface DemoResult {
  golden: string;
  models: DemoModelResult[];
  /** spam-v2 (candidate) against spam-v1 (baseline) under examples/ci/gate.yaml. */
  gate: GateOutputs;
  clusters: { model: string; file: string; report: ClustersReport };
  report: { html: ReportResult; markdown: ReportResult };
}

/** What both demos do first: score the golden set with each reference model, then evaluate it. */
export async function scoreAndEvaluate(
  modelNames: readonly string[],
  options: {
    golden: string;
    out: string;
    quiet: boolean;
    workers?: number | undefined;
    log: (line: string) => void;
  },
  tag: string,
): Promise<DemoModelResult[]> {
  const { golden, out, quiet, workers, log } = options;
  const models: DemoModelResult[] = [];
  for (const model of modelNames) {
    const outDir = join(out, model);
    log(`${tag}: scoring the golden set with ${model}`);
    const run = await runModel(
      {
        model: bundledModel(model),
        dataset: golden,
        out: outDir,
        quiet,
        ...(workers ? { workers } : {}),
      },
      { log },
    );
    if (run.predictions === null) throw new Error(`demo run of ${model} did not complete`);
    const { report: metrics } = await evaluate({
      dataset: golden,
      predictions: [run.predictions],
      out: outDir,
    });
    models.push({ model, outDir, run, metrics });
  }
  return models;
}

/**
 * The README's main job, as a user would do it by hand: score the real golden set with both
 * reference models, evaluate each, gate the newer against the older, cluster the candidate's
 * errors, and write the HTML and Markdown reports. Every step is a public library call.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { golden, out, quiet, workers } = checkOption(DemoOptionsSchema, options, 'demo options');

  const models = await scoreAndEvaluate(
    REFERENCE_MODELS,
    { golden, out, quiet, workers, log },
    'modeval demo',
  );
  const [baseline, candidate] = models as [DemoModelResult, DemoModelResult];

  log('modeval demo: gating spam-v2 (candidate) against spam-v1 (baseline)');
  const compareDir = join(out, 'compare');
  const gate = await runGate({
    policy: bundledExample('ci', 'gate.yaml'),
    baseline: baseline.run.predictions!,
    candidate: candidate.run.predictions!,
    dataset: golden,
    outDir: compareDir,
  });

  log(`modeval demo: clustering the errors of ${candidate.model}`);
  // The baseline's predictions are the second opinion that golden-label suspects need.
  const clustersReport = await clustersFor({
    dataset: golden,
    predictions: [candidate.run.predictions!, baseline.run.predictions!],
  });
  const clustersFile = await writeJsonOutput(OUTPUT_FILES.clusters, candidate.outDir, clustersReport);

  log('modeval demo: writing the reports');
  const dirs = [baseline.outDir, candidate.outDir, compareDir];
  const html = await writeReport({ dirs, out: join(out, 'report.html'), format: 'html' });
  const markdown = await writeReport({ dirs, out: join(out, 'report.md'), format: 'md' });
  return {
    golden,
    models,
    gate,
    clusters: { model: candidate.model, file: clustersFile, report: clustersReport },
    report: { html, markdown },
  };
}
