import type { Comparator, GateRule } from '../contracts/gate-rule.js';

/**
 * The gate's rule language: the compact form of a rule, `metric[class] op bound [per col | where col
 * = value]`, parsed into its parts and printed back in one canonical text. Knows nothing of YAML or
 * of the data; `policy.ts` places its errors in the file.
 */

/** A problem at `path` inside the policy file; the policy reader adds the file and line. */
export class PolicyError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

const RULE_RE =
  /^\s*([A-Za-z_]\w*)\s*(?:\[\s*([^\]]*?)\s*\])?\s*(>=|<=)\s*(.+?)(?:\s+(per|where)\s+(.+?))?\s*$/;
const RHS_RE = /^baseline(?:\s*([+-])\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+))?$/;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHERE_RE = /^([^=\s]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S.*))$/;

export interface RuleCore {
  metric: string;
  class: string | undefined;
  op: Comparator;
  bound: GateRule['bound'];
  slice: GateRule['slice'];
}

/** Parse the compact form `metric[class] op (number | baseline [+|- number]) [per col | where col = value]`. */
export function parseRuleExpression(text: string, path: readonly (string | number)[]): RuleCore {
  const m = RULE_RE.exec(text);
  if (!m) {
    throw new PolicyError(
      path,
      `cannot parse rule ${JSON.stringify(text)}; expected e.g. "recall[spam] >= 0.95" or "f1_macro >= baseline - 0.01"`,
    );
  }
  const [, metric, cls, op, rhsRaw, sliceKind, sliceText] = m;
  const rhs = rhsRaw!.trim();
  let bound: GateRule['bound'];
  const rel = RHS_RE.exec(rhs);
  if (rel) {
    const magnitude = rel[2] === undefined ? 0 : Number(rel[2]);
    bound = { kind: 'baseline', offset: rel[1] === '-' ? -magnitude : magnitude };
  } else if (NUMBER_RE.test(rhs)) {
    bound = { kind: 'absolute', value: Number(rhs) };
  } else {
    throw new PolicyError(path, `bound ${JSON.stringify(rhs)} is neither a number nor "baseline ± number"`);
  }
  let slice: GateRule['slice'] = null;
  if (sliceKind === 'per') {
    slice = { column: sliceText!, value: null };
  } else if (sliceKind === 'where') {
    const w = WHERE_RE.exec(sliceText!);
    if (!w)
      throw new PolicyError(path, `expected "where <column> = <value>", got ${JSON.stringify(sliceText)}`);
    slice = { column: w[1]!, value: w[2] ?? w[3] ?? w[4]!.trim() };
  }
  return {
    metric: metric!,
    class: cls === undefined || cls === '' ? undefined : cls,
    op: op as Comparator,
    bound,
    slice,
  };
}

function numberText(x: number): string {
  return String(x);
}

/** The canonical compact text of a rule (what reports and JUnit show). */
export function ruleText(r: Pick<GateRule, 'metric' | 'class' | 'op' | 'bound' | 'slice'>): string {
  const lhs = r.class === null ? r.metric : `${r.metric}[${r.class}]`;
  let rhs: string;
  if (r.bound.kind === 'absolute') rhs = numberText(r.bound.value);
  else if (r.bound.offset === 0) rhs = 'baseline';
  else rhs = `baseline ${r.bound.offset < 0 ? '-' : '+'} ${numberText(Math.abs(r.bound.offset))}`;
  let where = '';
  if (r.slice && r.slice.value === null) where = ` per ${r.slice.column}`;
  else if (r.slice) where = ` where ${r.slice.column} = ${JSON.stringify(r.slice.value)}`;
  return `${lhs} ${r.op} ${rhs}${where}`;
}
