import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { AdjustSchema, ComparatorSchema, DecideOnSchema, type GateRule } from '../contracts/gate-rule.js';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import { BadInputError, type InputLocation } from '../util/errors.js';
import { INPUT_SIZE_LIMITS, readTextFile } from '../util/files.js';
import { firstIssue, issuePath } from '../util/zod.js';
import { labelerRuleProblem } from './labeler-metrics.js';
import { closest, isMetricName, METRIC_NAMES, type MetricName, metricDef } from './metrics.js';
import { PolicyError, parseRuleExpression, type RuleCore, ruleText } from './rule-expression.js';

/**
 * The gate policy: a YAML (or JSON, which is YAML) file of rules a candidate model must meet.
 * Parsing happens in two steps: `parsePolicy` checks everything the file alone decides (syntax,
 * metric names, operators, numbers), `bindPolicy` checks the names that only the data can confirm
 * (classes, slice columns and values). Every error names the path inside the file, e.g.
 * `gate.yaml, line 7: rules[2].metric: unknown metric "recal" (did you mean "recall"?)`.
 */

// Keyed by class names from the data: `__proto__` and `constructor` are classes like any other.
const CostsSchema = keyedRecordSchema(keyedRecordSchema(z.number().nonnegative().finite()));

const SliceSchema = z.union([
  z.string().min(1),
  z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .refine((r) => Object.keys(r).length === 1, 'name exactly one column: { <column>: <value> }'),
]);

const ruleOptions = {
  name: z.string().min(1).optional(),
  slice: SliceSchema.optional(),
  minSupport: z.number().int().nonnegative().optional(),
  /** Every-value rules: check the items with no value in the column as one more value. */
  includeNull: z.boolean().optional(),
  decideOn: DecideOnSchema.optional(),
  costs: CostsSchema.optional(),
  /** `slice_regressions`: the multiplicity adjustment (default holm) and its alpha (default 1 − level). */
  adjust: AdjustSchema.optional(),
  alpha: z.number().gt(0).lt(1).optional(),
};

const ExpressionRuleSchema = z.object({ rule: z.string().min(1), ...ruleOptions }).strict();

const StructuredRuleSchema = z
  .object({
    metric: z.string().min(1),
    class: z.string().min(1).optional(),
    op: ComparatorSchema,
    /** Absolute bound. */
    value: z.number().finite().optional(),
    /** Relative bound: the baseline's value plus this offset (e.g. -0.01). */
    baseline: z.number().finite().optional(),
    ...ruleOptions,
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.value === undefined) === (r.baseline === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of "value" or "baseline"' });
    }
  });

/** Limits on a policy (README "Limits"): its size is capped when read (util/files INPUT_SIZE_LIMITS.policy). */
export const MAX_POLICY_RULES = 1000;
export const MAX_POLICY_ALIASES = 100;

export const PolicyFileSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Interval coverage for every rule. */
    level: z.number().gt(0).lt(1).default(0.95),
    /** Bootstrap replicates. */
    resamples: z.number().int().min(100).max(100_000).default(2000),
    seed: z.number().int().nonnegative().default(0),
    /** Default cost matrix for rules on metric `cost`. */
    costs: CostsSchema.optional(),
    rules: z
      .array(z.unknown())
      .min(1)
      .max(MAX_POLICY_RULES, `a policy has at most ${MAX_POLICY_RULES} rules`),
  })
  .strict();

export interface GatePolicy {
  readonly file: string;
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
  /** The top-level cost matrix, shared by rules on `cost` that have none of their own. */
  readonly costs: Record<string, Record<string, number>> | undefined;
  readonly rules: readonly GateRule[];
  /** The file position of a path in the document (for errors found after parsing). */
  locate(path: readonly (string | number)[]): InputLocation;
}

function zodIssue(error: z.ZodError, base: readonly (string | number)[]): PolicyError {
  const issue = firstIssue(error, base);
  // Point at the offending key itself, so the line number is the key's.
  if (issue.unknownKey !== undefined)
    return new PolicyError([...issue.path, issue.unknownKey], 'unknown key');
  return new PolicyError(issue.path, issue.message);
}

function checkMetric(core: RuleCore, path: readonly (string | number)[], hasCosts: boolean): void {
  if (!isMetricName(core.metric)) {
    const hint = closest(core.metric, METRIC_NAMES);
    throw new PolicyError(
      [...path, 'metric'],
      `unknown metric ${JSON.stringify(core.metric)}${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${METRIC_NAMES.join(', ')}`,
    );
  }
  const def = metricDef(core.metric);
  if (def.perClass === 'required' && core.class === undefined) {
    throw new PolicyError(
      [...path, 'class'],
      `metric "${core.metric}" needs a class, e.g. ${core.metric}[spam]`,
    );
  }
  if (def.perClass === 'forbidden' && core.class !== undefined) {
    throw new PolicyError(
      [...path, 'class'],
      `metric "${core.metric}" is not per class; drop [${core.class}]`,
    );
  }
  if (def.kind === 'flips' && core.bound.kind === 'baseline') {
    throw new PolicyError(
      [...path, 'baseline'],
      `metric "${core.metric}" already compares the two models; give an absolute bound`,
    );
  }
  if (core.metric === 'cost' && !hasCosts) {
    throw new PolicyError(
      [...path, 'costs'],
      'metric "cost" needs a cost matrix: a top-level "costs:" or the rule\'s own "costs:"',
    );
  }
}

/** The options a rule may carry besides its expression. */
interface RuleOptions {
  name?: string;
  slice?: z.infer<typeof SliceSchema>;
  minSupport?: number;
  includeNull?: boolean;
  decideOn?: 'estimate' | 'interval';
  costs?: Record<string, Record<string, number>>;
  adjust?: 'holm' | 'benjamini-hochberg';
  alpha?: number;
}

/** Options that do not fit the rule's metric are refused at their own path. */
function checkRuleOptions(core: RuleCore, options: RuleOptions, path: readonly (string | number)[]): void {
  const kind = metricDef(core.metric as MetricName).kind;
  if (options.costs !== undefined && core.metric !== 'cost') {
    throw new PolicyError(
      [...path, 'costs'],
      `a cost matrix only applies to metric "cost", not "${core.metric}"`,
    );
  }
  if (kind === 'flips' && options.decideOn === 'interval') {
    throw new PolicyError(
      [...path, 'decideOn'],
      `metric "${core.metric}" is a count on the golden set; it has no interval`,
    );
  }
  if (core.metric !== 'slice_regressions' && (options.adjust !== undefined || options.alpha !== undefined)) {
    throw new PolicyError(
      [...path, options.adjust !== undefined ? 'adjust' : 'alpha'],
      `adjust and alpha only apply to metric "slice_regressions", not "${core.metric}"`,
    );
  }
  const labeler = labelerRuleProblem(core.metric, { ...core, decideOn: options.decideOn });
  if (labeler) throw new PolicyError([...path, labeler.key], labeler.message);
  if (core.metric === 'slice_regressions' && core.slice?.value != null) {
    throw new PolicyError(
      [...path, 'slice'],
      'slice_regressions counts the values of a column: name the column only',
    );
  }
  if (options.includeNull === true && (core.slice?.value !== null || core.metric === 'slice_regressions')) {
    throw new PolicyError(
      [...path, 'includeNull'],
      'includeNull only applies to a rule over every value of a slice column ("per <column>"), not to slice_regressions',
    );
  }
}

function normaliseRule(
  entry: unknown,
  index: number,
  defaultCosts: Record<string, Record<string, number>> | undefined,
  level: number,
): GateRule {
  const path = ['rules', index] as const;
  let core: RuleCore;
  let options: RuleOptions;
  if (typeof entry === 'string') {
    core = parseRuleExpression(entry, path);
    options = {};
  } else if (entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'rule' in entry) {
    const parsed = ExpressionRuleSchema.safeParse(entry);
    if (!parsed.success) throw zodIssue(parsed.error, path);
    core = parseRuleExpression(parsed.data.rule, [...path, 'rule']);
    options = parsed.data;
  } else if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const parsed = StructuredRuleSchema.safeParse(entry);
    if (!parsed.success) throw zodIssue(parsed.error, path);
    const r = parsed.data;
    core = {
      metric: r.metric,
      class: r.class,
      op: r.op,
      bound:
        r.value !== undefined
          ? { kind: 'absolute', value: r.value }
          : { kind: 'baseline', offset: r.baseline! },
      slice: null,
    };
    options = r;
  } else {
    throw new PolicyError(path, 'a rule is a string like "recall[spam] >= 0.95" or a mapping');
  }
  if (options.slice !== undefined) {
    if (core.slice) throw new PolicyError([...path, 'slice'], 'the rule text already names a slice');
    if (typeof options.slice === 'string') core.slice = { column: options.slice, value: null };
    else {
      const [column, value] = Object.entries(options.slice)[0]!;
      core.slice = { column, value: String(value) };
    }
  }
  const costs = options.costs ?? defaultCosts;
  checkMetric(core, path, costs !== undefined);
  checkRuleOptions(core, options, path);
  const relative = core.bound.kind === 'baseline';
  const rule: GateRule = {
    index,
    name: '',
    text: '',
    metric: core.metric,
    class: core.class ?? null,
    op: core.op,
    bound: core.bound,
    slice: core.slice,
    minSupport: options.minSupport ?? 1,
    ...(options.includeNull === true ? { includeNull: true as const } : {}),
    // Relative rules are non-inferiority tests: the interval decides, never the point estimate.
    decideOn: options.decideOn ?? (relative ? 'interval' : 'estimate'),
    costs: core.metric === 'cost' ? (costs ?? null) : null,
    ...(core.metric === 'slice_regressions'
      ? {
          adjust: {
            method: options.adjust ?? 'holm',
            alpha: options.alpha ?? Number((1 - level).toPrecision(12)),
          },
        }
      : {}),
  };
  if (relative && rule.decideOn === 'estimate') {
    throw new PolicyError(
      [...path, 'decideOn'],
      'a rule relative to the baseline is decided on the paired interval; remove decideOn',
    );
  }
  rule.text = ruleText(rule);
  rule.name = options.name ?? rule.text;
  return rule;
}

function locator(
  file: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): (path: readonly (string | number)[]) => InputLocation {
  return (path) => {
    // Walk up until the document has the node: a missing key points at its parent mapping.
    for (let depth = path.length; depth >= 0; depth--) {
      const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if ((isMap(node) || isSeq(node) || isScalar(node)) && node.range) {
        return { file, line: lineCounter.linePos(node.range[0]).line };
      }
    }
    return { file };
  };
}

export function policyFailure(
  locate: (path: readonly (string | number)[]) => InputLocation,
  path: readonly (string | number)[],
  message: string,
): BadInputError {
  return new BadInputError(`${issuePath(path)}: ${message}`, locate(path));
}

/** Parse and validate a policy's text; `file` names it in errors. */
export function parsePolicy(source: string, file: string): GatePolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new BadInputError(`not valid YAML: ${message}`, { file, line });
  }
  const locate = locator(file, doc, lineCounter);
  let raw: unknown;
  try {
    // The yaml library refuses alias expansion past this count ("billion laughs"): bad input.
    raw = doc.toJS({ maxAliasCount: MAX_POLICY_ALIASES });
  } catch (err) {
    throw new BadInputError(
      `not a usable YAML policy: ${(err as Error).message.split('\n')[0]} (at most ${MAX_POLICY_ALIASES} alias expansions)`,
      { file },
    );
  }
  const parsed = PolicyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const err = zodIssue(parsed.error, []);
    throw policyFailure(locate, err.path, err.message);
  }
  const p = parsed.data;
  let rules: GateRule[];
  try {
    rules = p.rules.map((entry, i) => normaliseRule(entry, i, p.costs, p.level));
  } catch (err) {
    if (err instanceof PolicyError) throw policyFailure(locate, err.path, err.message);
    throw err;
  }
  return { file, level: p.level, resamples: p.resamples, seed: p.seed, costs: p.costs, rules, locate };
}

/** `--include-null`: every rule over every value of a slice column also checks the null items. */
export function includeNullValues(policy: GatePolicy): GatePolicy {
  const rules = policy.rules.map((r) =>
    r.slice?.value === null && r.metric !== 'slice_regressions' ? { ...r, includeNull: true as const } : r,
  );
  return { ...policy, rules };
}

export async function loadPolicy(file: string): Promise<GatePolicy> {
  return parsePolicy(await readTextFile(file, 'gate policy', { maxBytes: INPUT_SIZE_LIMITS.policy }), file);
}
