import { join } from 'node:path';
import { z } from 'zod';
import { clustersFor } from '../../analysis/clusters.js';
import type { ClustersReport } from '../../contracts/clusters-report.js';
import { type GateOutputs, runGate } from '../../gate/gate.js';
import { OUTPUT_FILES, writeJsonOutput } from '../../io/outputs.js';
import { type ReportResult, writeReport } from '../../report/report.js';
import { exportReview, type ReviewExportSummary } from '../../review/export.js';
import { checkOption } from '../../util/zod.js';
import { bundledExample } from '../bundled.js';
import { type DemoModelResult, scoreAndEvaluate } from './spam-job.js';

/** The reference multi-policy models the second demo compares (see models/README.md). */
export const POLICY_MODELS = ['policies-v1', 'policies-v2'] as const;

export const PoliciesDemoOptionsSchema = z.object({
  /** The built fortunes golden split (`modeval data build fortunes`), with its spec beside it. */
  golden: z.string().min(1),
  out: z.string().min(1).default('out/demo-policies'),
  quiet: z.boolean().default(false),
  workers: z.number().int().positive().optional(),
});
export type PoliciesDemoOptions = z.input<typeof PoliciesDemoOptionsSchema> & {
  log?: (line: string) => void;
};

export interface PoliciesDemoResult {
  golden: string;
  models: DemoModelResult[];
  /** policies-v2 (candidate) against policies-v1 (baseline) under examples/ci/policies-gate.yaml. */
  gate: GateOutputs;
  /** policies-v2's errors clustered per policy (missed X, over-enforced X), policies-v1 the second opinion. */
  clusters: { model: string; file: string; report: ClustersReport };
  /** The costliest policy disagreements of policies-v2 (with policies-v1's answers beside) as a review queue. */
  review: ReviewExportSummary;
  report: { html: ReportResult; markdown: ReportResult };
}

/** Items the demo's review batch holds. */
export const POLICIES_DEMO_REVIEW_CAP = 50;

/**
 * The multi-policy path end to end on real data: score the es/it fortunes golden set with both
 * multi-policy reference models, evaluate each (per policy and per parent, with intervals), gate
 * the newer against the older with per-policy, wildcard, roll-up and per-language rules, cluster
 * the newer one's errors per policy, send its costliest disagreements to a review queue (Label
 * Studio, Argilla, Arrow, Parquet, JSONL, CSV), and write the reports. Every step is a public
 * library call.
 */
export async function runPoliciesDemo(options: PoliciesDemoOptions): Promise<PoliciesDemoResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { golden, out, quiet, workers } = checkOption(PoliciesDemoOptionsSchema, options, 'demo options');
  const models = await scoreAndEvaluate(
    POLICY_MODELS,
    { golden, out, quiet, workers, log },
    'modeval demo-policies',
  );
  const [baseline, candidate] = models as [DemoModelResult, DemoModelResult];
  log(`modeval demo-policies: gating ${candidate.model} (candidate) against ${baseline.model} (baseline)`);
  const compareDir = join(out, 'compare');
  const gate = await runGate({
    policy: bundledExample('ci', 'policies-gate.yaml'),
    baseline: baseline.run.predictions!,
    candidate: candidate.run.predictions!,
    dataset: golden,
    outDir: compareDir,
  });
  log(`modeval demo-policies: clustering the errors of ${candidate.model} per policy`);
  const predictions = [candidate.run.predictions!, baseline.run.predictions!];
  const clustersReport = await clustersFor({ dataset: golden, predictions });
  const clustersFile = await writeJsonOutput(OUTPUT_FILES.clusters, candidate.outDir, clustersReport);
  log(`modeval demo-policies: exporting ${candidate.model}'s policy disagreements for review`);
  // Missed policies cost more than over-enforced ones; a second run sends the next batch.
  const review = await exportReview({
    dataset: golden,
    predictions,
    out: join(out, 'review'),
    queue: 'policies',
    clusters: clustersFile,
    select: { cap: POLICIES_DEMO_REVIEW_CAP, costs: missedCosts(clustersReport.labels) },
  });
  log('modeval demo-policies: writing the reports');
  const dirs = [baseline.outDir, candidate.outDir, compareDir];
  const html = await writeReport({ dirs, out: join(out, 'report.html'), format: 'html' });
  const markdown = await writeReport({ dirs, out: join(out, 'report.md'), format: 'md' });
  return {
    golden,
    models,
    gate,
    clusters: { model: candidate.model, file: clustersFile, report: clustersReport },
    review,
    report: { html, markdown },
  };
}

/** Review costs: a missed policy (`X>none`) costs 3, an over-enforced one the default 1. */
function missedCosts(policies: readonly string[]): Record<string, number> {
  return Object.fromEntries(policies.map((p) => [`${p}>none`, 3]));
}
