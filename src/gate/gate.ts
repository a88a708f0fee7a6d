import { appendFile } from 'node:fs/promises';
import type { PairedSet } from '../evaluate/paired-set.js';
import { OUTPUT_FILES, writeJsonOutput, writeOutput } from '../io/outputs.js';
import { BadInputError } from '../util/errors.js';
import { checkOption, issuePath } from '../util/zod.js';
import { comparePaired } from './compare.js';
import { evaluatePolicy } from './evaluate-rules.js';
import { gateJUnit } from './junit.js';
import { loadComparedSets } from './load.js';
import { gateMarkdown } from './markdown.js';
import type { CostMatrix } from './metrics.js';
import { decideMultilabelGate } from './multilabel-gate.js';
import { type GateOptions, GateOptionsSchema } from './options.js';
import { type GatePolicy, loadPolicy } from './policy.js';
import { bindPolicy, costMatrixOf, type PolicyContext } from './policy-binding.js';
import { type GateReport, GateReportSchema } from './schema.js';

export interface GateOutputs {
  report: GateReport;
  files: { json: string; junit: string; markdown: string };
}

/** The names a policy may refer to in a paired set. */
export function policyContext(set: PairedSet): PolicyContext {
  return {
    labels: set.labels,
    positive: set.positiveIndex >= 0 ? set.labels[set.positiveIndex]! : null,
    slices: new Map(set.slices.map((s) => [s.name, s.values])),
  };
}

/** Decide a loaded policy on a paired set (pure, deterministic given the policy's seed). */
export function decideGate(
  policy: GatePolicy,
  set: PairedSet,
  listLimit: number = GateOptionsSchema.shape.listLimit.parse(undefined),
): GateReport {
  const bound = bindPolicy(policy, policyContext(set));
  let costs: CostMatrix | undefined;
  if (policy.costs) {
    // bindPolicy checked it if a rule uses it; check it here too for the comparison's cost row.
    costs = costMatrixOf(policy.costs, set.labels, (path, message) => {
      throw new BadInputError(
        `${issuePath(['costs', ...path])}: ${message}`,
        policy.locate(['costs', ...path]),
      );
    });
  }
  const rules = evaluatePolicy(set, policy, bound);
  const comparison = comparePaired(set, {
    resamples: policy.resamples,
    seed: policy.seed,
    level: policy.level,
    listLimit,
    ...(costs ? { costs } : {}),
  });
  const failed = rules.filter((r) => r.status === 'fail').length;
  // Validate before writing: a report that does not match its schema is a bug, not an output.
  return GateReportSchema.parse({
    schemaVersion: 1,
    verdict: failed === 0 ? 'pass' : 'fail',
    policy: { file: policy.file, level: policy.level, resamples: policy.resamples, seed: policy.seed },
    summary: { rules: rules.length, passed: rules.length - failed, failed },
    rules,
    comparison,
  });
}

/** Write a gate report's three files atomically into `outDir`. */
export async function writeGateOutputs(report: GateReport, outDir: string): Promise<GateOutputs['files']> {
  const junit = await writeOutput(OUTPUT_FILES.gateJUnit, outDir, gateJUnit(report));
  const markdown = await writeOutput(OUTPUT_FILES.gateMarkdown, outDir, gateMarkdown(report));
  // gate.json last: its presence says the other two are complete.
  const json = await writeJsonOutput(OUTPUT_FILES.gate, outDir, report);
  return { json, junit, markdown };
}

/**
 * Run the release gate: policy first (so a bad policy fails before any data is read), then the
 * paired set, then the rules. Writes the outputs whatever the verdict; the caller maps the
 * verdict to an exit code.
 */
export async function runGate(gateOptions: GateOptions): Promise<GateOutputs> {
  const options = checkOption(GateOptionsSchema, gateOptions, 'gate options');
  const policy = await loadPolicy(options.policy);
  const sets = await loadComparedSets({ ...options, strictDataset: true });
  const report =
    sets.task === 'multilabel'
      ? decideMultilabelGate(policy, sets.views, sets.taxonomy, options.listLimit)
      : decideGate(policy, sets.set, options.listLimit);
  const files = await writeGateOutputs(report, options.outDir);
  if (options.stepSummary) {
    // GitHub collects the step summary by appending; other steps may have written to it already.
    await appendFile(options.stepSummary, `${gateMarkdown(report)}\n`);
  }
  return { report, files };
}
