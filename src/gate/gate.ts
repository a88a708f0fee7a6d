import { appendFile } from 'node:fs/promises';
import { type GateReport, GateReportSchema } from '../contracts/gate-report.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import { withOutputFolder } from '../io/guard.js';
import { jsonText, OUTPUT_FILES, writeOutputSet } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { outputFailure } from '../util/fs-errors.js';
import { assertOutputsSpareInputs } from '../util/identity.js';
import { checkOption } from '../util/zod.js';
import { type ComparedSets, pairedSetSpace, perPolicySpace } from './compared-sets.js';
import { evaluatePolicy } from './evaluate-rules.js';
import { gateJUnit } from './junit.js';
import { loadComparedSets } from './load.js';
import { gateMarkdown } from './markdown.js';
import { type GateOptions, GateOptionsSchema } from './options.js';
import { type GatePolicy, includeNullValues, loadPolicy } from './policy.js';
import type { PolicyView } from './policy-views.js';

export interface GateOutputs {
  report: GateReport;
  files: { json: string; junit: string; markdown: string };
}

/**
 * Decide a loaded policy on compared sets (pure, deterministic given the policy's seed): the rules
 * bound as decision units (compared-sets.ts), each decided on its paired set, in one loop; then the
 * comparison; one report.
 */
export function decideComparedSets(
  policy: GatePolicy,
  sets: ComparedSets,
  listLimit: number = GateOptionsSchema.shape.listLimit.parse(undefined),
): GateReport {
  const { units, costs } = sets.bind(policy);
  const rules = units.flatMap((u) => evaluatePolicy(u.set, policy, [u.bound]));
  const comparison = sets.compare({
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

/** Decide a loaded policy on a single-label paired set. */
export function decideGate(policy: GatePolicy, set: PairedSet, listLimit?: number): GateReport {
  return decideComparedSets(policy, pairedSetSpace(set), listLimit);
}

/** Decide a loaded policy on the per-policy views of a multilabel set. */
export function decideMultilabelGate(
  policy: GatePolicy,
  views: readonly PolicyView[],
  taxonomy: Taxonomy | undefined,
  listLimit?: number,
): GateReport {
  return decideComparedSets(policy, perPolicySpace(views, taxonomy), listLimit);
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
  const golden = goldenRowsBeside(options, options.outDir, 'gate');
  const outputs = [OUTPUT_FILES.gate, OUTPUT_FILES.gateJUnit, OUTPUT_FILES.gateMarkdown, ...golden.outputs];
  if (options.stepSummary) {
    assertOutputsSpareInputs([{ path: options.stepSummary, what: 'step summary' }], inputs);
  }
  const loaded = await loadPolicy(options.policy);
  const policy = options.includeNull ? includeNullValues(loaded) : loaded;
  return withOutputFolder(options.outDir, 'modeval gate', { outputs, inputs }, async () => {
    const sets = await loadComparedSets({ ...options, ...golden.rule });
    const report = decideComparedSets(policy, sets, options.listLimit);
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

export { policyContext } from './compared-sets.js';
