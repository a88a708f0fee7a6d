import { appendFile } from 'node:fs/promises';
import { type GateReport, GateReportSchema } from '../contracts/gate-report.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import { withOutputFolder } from '../io/guard.js';
import { jsonText, OUTPUT_FILES, writeOutputSet } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { BadInputError } from '../util/errors.js';
import { outputFailure } from '../util/fs-errors.js';
import { assertOutputsSpareInputs } from '../util/identity.js';
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

/**
 * Write a gate report's three files into `outDir` as one set: the folder holds either the previous
 * gate's three files or this one's, never a new FAIL junit.xml beside an old PASS gate.json.
 */
export async function writeGateOutputs(report: GateReport, outDir: string): Promise<GateOutputs['files']> {
  // gate.json last: its presence says the other two are complete.
  const [junit, markdown, json] = await writeOutputSet(outDir, [
    { file: OUTPUT_FILES.gateJUnit, data: gateJUnit(report) },
    { file: OUTPUT_FILES.gateMarkdown, data: gateMarkdown(report) },
    { file: OUTPUT_FILES.gate, data: jsonText(report) },
  ]);
  return { json: json!, junit: junit!, markdown: markdown! };
}

/**
 * Run the release gate: policy first (so a bad policy fails before any data is read), then the
 * paired set, then the rules. Writes the outputs whatever the verdict; the caller maps the
 * verdict to an exit code.
 */
export async function runGate(gateOptions: GateOptions): Promise<GateOutputs> {
  const options = checkOption(GateOptionsSchema, gateOptions, 'gate options');
  const inputs = [
    { path: options.policy, what: 'gate policy' },
    ...predictionFiles(options.baseline).map((path) => ({ path, what: 'baseline predictions' })),
    ...predictionFiles(options.candidate).map((path) => ({ path, what: 'candidate predictions' })),
    { path: options.dataset, what: 'dataset' },
    ...(typeof options.spec === 'string' ? [{ path: options.spec, what: 'dataset spec' }] : []),
  ];
  const outputs = [OUTPUT_FILES.gate, OUTPUT_FILES.gateJUnit, OUTPUT_FILES.gateMarkdown];
  if (options.stepSummary) {
    assertOutputsSpareInputs([{ path: options.stepSummary, what: 'step summary' }], inputs);
  }
  const policy = await loadPolicy(options.policy);
  return withOutputFolder(options.outDir, 'modeval gate', { outputs, inputs }, async () => {
    const sets = await loadComparedSets({ ...options, strictDataset: true });
    const report =
      sets.task === 'multilabel'
        ? decideMultilabelGate(policy, sets.views, sets.taxonomy, options.listLimit)
        : decideGate(policy, sets.set, options.listLimit);
    const files = await writeGateOutputs(report, options.outDir);
    if (options.stepSummary) {
      // GitHub collects the step summary by appending; other steps may have written to it already.
      try {
        await appendFile(options.stepSummary, `${gateMarkdown(report)}\n`);
      } catch (err) {
        throw outputFailure(err, options.stepSummary, 'append to the step summary');
      }
    }
    return { report, files };
  });
}
