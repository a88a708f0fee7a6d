import { join } from 'node:path';
import { z } from 'zod';
import { type DemoModelResult, scoreAndEvaluate } from './demo.js';
import { type GateOutputs, runGate } from './gate/gate.js';
import { type ReportResult, writeReport } from './report/report.js';
import { packageRoot } from './util/paths.js';
import { checkOption } from './util/zod.js';

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
  report: { html: ReportResult; markdown: ReportResult };
}

/**
 * The multi-policy path end to end on real data: score the es/it fortunes golden set with both
 * multi-policy reference models, evaluate each (per policy and per parent, with intervals), gate
 * the newer against the older with per-policy, wildcard, roll-up and per-language rules, and
 * write the reports. Every step is a public library call.
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
    policy: join(packageRoot(), 'examples', 'ci', 'policies-gate.yaml'),
    baseline: baseline.run.predictions!,
    candidate: candidate.run.predictions!,
    dataset: golden,
    outDir: compareDir,
  });
  log('modeval demo-policies: writing the reports');
  const dirs = [baseline.outDir, candidate.outDir, compareDir];
  const html = await writeReport({ dirs, out: join(out, 'report.html'), format: 'html' });
  const markdown = await writeReport({ dirs, out: join(out, 'report.md'), format: 'md' });
  return { golden, models, gate, report: { html, markdown } };
}
