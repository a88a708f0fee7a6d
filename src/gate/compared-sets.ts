import type { Comparison } from '../contracts/gate-report.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import type { PairedSet } from '../evaluate/paired-set.js';
import { BadInputError } from '../util/errors.js';
import { issuePath } from '../util/zod.js';
import { comparePaired, comparePolicies } from './compare.js';
import type { CostMatrix } from './metrics.js';
import type { CompareOptions } from './options.js';
import type { GatePolicy } from './policy.js';
import { type BoundRule, bindPolicy, costMatrixOf, type PolicyContext } from './policy-binding.js';
import { expandRules } from './policy-rules.js';
import type { PolicyView } from './policy-views.js';

/**
 * What compare and gate work on, whatever the task: the paired sets two models are compared on,
 * and the two things that differ between a single-label set and a multi-policy one, asked of this
 * object rather than of the task:
 * - how a policy's rules become **decision units** (a bound rule and the paired set it is decided
 *   on): on a single-label set every rule is one unit on the set itself; on a multi-policy set a
 *   rule is decided on one policy's binary view (closed through the taxonomy), a `parent/*` rule
 *   expands to one unit per child, and a rule without a policy goes to the roll-up;
 * - how the paired comparison is assembled (one comparison, or one per policy under the roll-up's).
 * The gate then decides every unit in one loop (gate.ts).
 */

export interface DecisionUnit {
  /** The paired set the rule is decided on. */
  readonly set: PairedSet;
  readonly bound: BoundRule;
}

export interface BoundPolicy {
  /** In policy order; a pattern rule's units are adjacent. */
  readonly units: DecisionUnit[];
  /** The cost matrix the comparison adds a `cost` row for, when the policy has one that applies. */
  readonly costs: CostMatrix | undefined;
}

export interface ComparedSets {
  /** The paired sets: the set itself (policy null), or one binary view per policy both models score. */
  readonly views: readonly { readonly policy: string | null; readonly set: PairedSet }[];
  /** Bind a policy's names to the data (BadInputError at the rule's path) as decision units. */
  bind(policy: GatePolicy): BoundPolicy;
  /** The paired comparison (compare.json, and the gate report's `comparison`). */
  compare(options: CompareOptions): Comparison;
}

/** The names a policy may refer to in a paired set. */
export function policyContext(set: PairedSet): PolicyContext {
  return {
    labels: set.labels,
    positive: set.positiveIndex >= 0 ? set.labels[set.positiveIndex]! : null,
    slices: new Map(set.slices.map((s) => [s.name, s.values])),
  };
}

/** A single-label set: every rule on the set itself; one comparison. */
export function pairedSetSpace(set: PairedSet): ComparedSets {
  return {
    views: [{ policy: null, set }],
    bind(policy) {
      const units = bindPolicy(policy, policyContext(set)).map((bound) => ({ set, bound }));
      if (!policy.costs) return { units, costs: undefined };
      // bindPolicy checked it if a rule uses it; check it here too for the comparison's cost row.
      const costs = costMatrixOf(policy.costs, set.labels, (path, message) => {
        throw new BadInputError(
          `${issuePath(['costs', ...path])}: ${message}`,
          policy.locate(['costs', ...path]),
        );
      });
      return { units, costs };
    },
    compare: (options) => comparePaired(set, options),
  };
}

/** A multi-policy set: every rule on the binary view of the policy it names (see policy-rules.ts). */
export function perPolicySpace(views: readonly PolicyView[], taxonomy: Taxonomy | undefined): ComparedSets {
  if (views.length === 0) throw new Error('a multilabel comparison needs at least one policy');
  return {
    views,
    bind(policy) {
      const units = expandRules(policy, views, taxonomy).map(({ view, rule }) => {
        if (rule.metric === 'cost') {
          const path = ['rules', rule.index, 'metric'];
          throw new BadInputError(
            `${issuePath(path)}: metric "cost" is not available on a multilabel set`,
            policy.locate(path),
          );
        }
        const [bound] = bindPolicy({ ...policy, rules: [rule] }, policyContext(view.set));
        return { set: view.set, bound: bound! };
      });
      return { units, costs: undefined };
    },
    compare: (options) => comparePolicies(views, taxonomy, options),
  };
}
