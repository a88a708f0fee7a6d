import { appendFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type GateReport, GateReportSchema } from '../contracts/gate-report.js';
import type { LabelersReport } from '../contracts/labelers-report.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import { withOutputFolder } from '../io/guard.js';
import { jsonText, OUTPUT_FILES, outputPath, readOutput, writeOutputSet } from '../io/outputs.js';
import { predictionFiles } from '../io/prediction-files.js';
import { BadInputError } from '../util/errors.js';
import { outputFailure } from '../util/fs-errors.js';
import { assertOutputsSpareInputs } from '../util/identity.js';
import { checkOption, issuePath } from '../util/zod.js';
import { type ComparedSets, pairedSetSpace, perPolicySpace } from './compared-sets.js';
import { evaluatePolicy } from './evaluate-rules.js';
import { gateJUnit } from './junit.js';
import { evaluateLabelerRules, isLabelerRule } from './labeler-rules.js';
import { loadComparedSets } from './load.js';
import { gateMarkdown } from './markdown.js';
import { type GateOptions, GateOptionsSchema } from './options.js';
import { type GatePolicy, includeNullValues, loadPolicy } from './policy.js';
import type { PolicyView } from './policy-views.js';
import { ruleText } from './rule-expression.js';

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
  return decideGateInputs(policy, { sets, labelers: null }, listLimit);
}

/** What a gate decides on: two models' compared sets, a labelling delivery's labelers.json, or both. */
export interface GateInputs {
  readonly sets: ComparedSets | null;
  readonly labelers: { readonly file: string; readonly report: LabelersReport } | null;
}

/**
 * Decide a policy on its inputs: model rules on the compared sets, labelling rules
 * (labeler-metrics.ts) on labelers.json, the results in the policy's order.
 */
export function decideGateInputs(
  policy: GatePolicy,
  inputs: GateInputs,
  listLimit: number = GateOptionsSchema.shape.listLimit.parse(undefined),
): GateReport {
  requireInputs(policy, { pair: inputs.sets !== null, labelers: inputs.labelers !== null });
  const modelRules = policy.rules.filter((r) => !isLabelerRule(r));
  const labelerRules = policy.rules.filter(isLabelerRule);
  const { sets, labelers } = inputs;
  const bound = sets?.bind({ ...policy, rules: modelRules });
  const modelResults = bound?.units.flatMap((u) => evaluatePolicy(u.set, policy, [u.bound])) ?? [];
  const labelerResults = labelers ? evaluateLabelerRules(policy, labelers.report, labelerRules) : [];
  const rules = [...modelResults, ...labelerResults].sort((a, b) => a.rule.index - b.rule.index);
  const costs = bound?.costs;
  const comparison = sets?.compare({
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
    ...(comparison ? { comparison } : {}),
    ...(labelers
      ? {
          labelers: {
            file: labelers.file,
            dataset: labelers.report.inputs.dataset,
            judgements: labelers.report.inputs.judgements,
            annotators: labelers.report.counts.annotators,
          },
        }
      : {}),
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

/** A model rule needs the two models, a labelling rule a labelers.json: BadInputError at the first rule lacking its input. */
function requireInputs(policy: GatePolicy, has: { pair: boolean; labelers: boolean }): void {
  const lacking = policy.rules.find((r) => (isLabelerRule(r) ? !has.labelers : !has.pair));
  if (lacking === undefined) return;
  const path = ['rules', lacking.index];
  const what = isLabelerRule(lacking)
    ? 'reads a labelling report: give its labelers.json (--labelers)'
    : 'compares two models: give the baseline, the candidate and the dataset';
  throw new BadInputError(`${issuePath(path)}: ${ruleText(lacking)} ${what}`, policy.locate(path));
}

/**
 * Run the release gate: policy first (so a bad policy fails before any data is read), then the
 * paired set and/or the labelling report, then the rules. Writes the outputs whatever the verdict;
 * the caller maps the verdict to an exit code.
 */
export async function runGate(gateOptions: GateOptions): Promise<GateOutputs> {
  const options = checkOption(GateOptionsSchema, gateOptions, 'gate options');
  const pair = pairOf(options);
  const labelersFile = options.labelers === undefined ? undefined : labelersPath(options.labelers);
  const inputs = [
    { path: options.policy, what: 'gate policy' },
    ...(pair
      ? [
          ...predictionFiles(pair.baseline).map((path) => ({ path, what: 'baseline predictions' })),
          ...predictionFiles(pair.candidate).map((path) => ({ path, what: 'candidate predictions' })),
          { path: pair.dataset, what: 'dataset' },
        ]
      : []),
    ...(typeof options.spec === 'string' ? [{ path: options.spec, what: 'dataset spec' }] : []),
    ...(labelersFile ? [{ path: labelersFile, what: 'labelling report' }] : []),
  ];
  const golden = goldenRowsBeside(options, options.outDir, 'gate');
  const outputs = [OUTPUT_FILES.gate, OUTPUT_FILES.gateJUnit, OUTPUT_FILES.gateMarkdown, ...golden.outputs];
  if (options.stepSummary) {
    assertOutputsSpareInputs([{ path: options.stepSummary, what: 'step summary' }], inputs);
  }
  const loaded = await loadPolicy(options.policy);
  const policy = options.includeNull ? includeNullValues(loaded) : loaded;
  requireInputs(policy, { pair: pair !== null, labelers: labelersFile !== undefined });
  return withOutputFolder(options.outDir, 'modeval gate', { outputs, inputs }, async () => {
    const labelers = labelersFile
      ? { file: labelersFile, report: await readOutput(OUTPUT_FILES.labelers, labelersFile) }
      : null;
    const sets = pair ? await loadComparedSets({ ...options, ...pair, ...golden.rule }) : null;
    const report = decideGateInputs(policy, { sets, labelers }, options.listLimit);
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

/** The two models and their golden set, all three or none. */
function pairOf(o: {
  baseline?: string | undefined;
  candidate?: string | undefined;
  dataset?: string | undefined;
}): { baseline: string; candidate: string; dataset: string } | null {
  const given = [o.baseline, o.candidate, o.dataset].filter((x) => x !== undefined).length;
  if (given === 0) return null;
  if (given < 3) {
    throw new BadInputError(
      'model rules need all three of the baseline, the candidate and the dataset; one is missing',
    );
  }
  return { baseline: o.baseline!, candidate: o.candidate!, dataset: o.dataset! };
}

/** A labelers.json, or the folder `modeval labelers --out` wrote it into. */
function labelersPath(given: string): string {
  return extname(given) === '.json' ? given : outputPath(given, OUTPUT_FILES.labelers);
}

export { policyContext } from './compared-sets.js';
