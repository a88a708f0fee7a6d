import type { GateRule } from '../contracts/gate-rule.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import { BadInputError } from '../util/errors.js';
import { issuePath } from '../util/zod.js';
import { closest } from './metrics.js';
import type { GatePolicy } from './policy.js';
import { expandPolicyPattern, notPolicy, type PolicyView, rollupOf } from './policy-views.js';
import { ruleText } from './rule-expression.js';

/**
 * The rules of a policy on a multi-policy set, each to the policy view it is decided on:
 *
 * - `recall[offensive/sexism] >= 0.8`: that policy (a leaf or a parent, whose labels and
 *   predictions are closed upward through the taxonomy);
 * - `recall[offensive/*] >= 0.8`: one rule per child of `offensive` (`/**`: every descendant),
 *   each reported and decided on its own;
 * - a rule without a policy (`f1_macro >= baseline - 0.01`, `newly_wrong <= 10`): the roll-up,
 *   the taxonomy's "any violation" label;
 * - `per lang` / `where lang = es`: slices, as on any binary set.
 */

export interface Target {
  view: PolicyView;
  rule: GateRule;
}

const notScoredByBoth = (name: string) =>
  `policy ${JSON.stringify(name)} is not scored by both models (a model scores a policy through a score column that maps to it, or to each of its children); a rule can only compare policies both score`;

/** Expand each rule to the policies it names; a name that matches no policy is bad input at its path. */
export function expandRules(
  policy: GatePolicy,
  views: readonly PolicyView[],
  taxonomy: Taxonomy | undefined,
): Target[] {
  const labels = views.map((v) => v.policy);
  const byPolicy = new Map(views.map((v) => [v.policy, v]));
  const rollup = rollupOf(views, taxonomy);
  return policy.rules.flatMap((rule) => {
    const fail = (sub: string, message: string): never => {
      const path = ['rules', rule.index, sub];
      throw new BadInputError(`${issuePath(path)}: ${message}`, policy.locate(path));
    };
    if (rule.class === null) {
      if (rollup === undefined) {
        fail(
          'metric',
          `on a multilabel set a rule names a policy, e.g. ${rule.metric}[${labels[0]}], or the dataset spec's taxonomy declares a rollup`,
        );
      }
      if (!byPolicy.has(rollup!)) fail('metric', notScoredByBoth(rollup!));
      return [{ view: byPolicy.get(rollup!)!, rule: { ...rule, rollup: rollup! } }];
    }
    // `newly_wrong[not offensive]` (newly over-enforced) names the negative side of a policy.
    const negative = rule.class.startsWith('not ') ? rule.class.slice(4) : undefined;
    const policies = expandPolicyPattern(negative ?? rule.class, labels, taxonomy);
    if (
      (policies === undefined || policies.length === 0) &&
      taxonomy?.expand(negative ?? rule.class)?.length
    ) {
      fail('class', notScoredByBoth(negative ?? rule.class));
    }
    if (policies === undefined || policies.length === 0) {
      const hint = closest(negative ?? rule.class, labels);
      fail(
        'class',
        `unknown policy ${JSON.stringify(rule.class)}${hint ? ` (did you mean "${hint}"?)` : ''}; policies: ${labels.map((l) => JSON.stringify(l)).join(', ')}`,
      );
    }
    const expanded = policies!.length > 1 || policies![0] !== (negative ?? rule.class);
    return policies!.map((p) => {
      const cls = negative === undefined ? p : notPolicy(p);
      const copy: GateRule = { ...rule, class: cls };
      copy.text = ruleText(copy);
      copy.name = expanded ? `${rule.name} → ${p}` : rule.name;
      return { view: byPolicy.get(p)!, rule: copy };
    });
  });
}
