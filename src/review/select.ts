import { annotatorDisagreement } from '../analysis/label-issues.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { BadInputError } from '../util/errors.js';
import { type Candidate, type ClusterMembership, candidateAt } from './candidate.js';
import { type RowDecisions, rowDecisions } from './decisions.js';
import type { Reason } from './item.js';

/**
 * Which items go to review (rules are OR-ed; an item keeps every reason it matched), in what
 * order (priority keys, lexicographic), and how many per stratum. Pure functions over an EvalSet.
 */

import {
  type PriorityKey,
  type SelectOptions,
  SelectOptionsSchema,
  type SelectRule,
} from './select-options.js';

function checkModel(set: EvalSet, m: number, rule: string): void {
  if (m >= set.models.length) {
    throw new BadInputError(
      `rule ${rule} names model ${m}, but ${set.models.length} predictions file(s) were given`,
      {
        field: 'select',
      },
    );
  }
}

/** Row → annotator-disagreement entropy, for the rows whose annotators disagree. */
function annotatorEntropy(set: EvalSet): Map<number, number> {
  const entropy = new Map<number, number>();
  const ann = set.annotations;
  if (!ann) return entropy;
  const a = ann.annotators.length;
  const ratings = Array.from({ length: set.n }, (_, r) =>
    Array.from(ann.ratings.subarray(r * a, (r + 1) * a), (v) => (v < 0 ? null : v)),
  );
  for (const d of annotatorDisagreement({
    annotators: [...ann.annotators],
    categories: [...ann.categories],
    ratings,
  }))
    entropy.set(d.index, d.entropy);
  return entropy;
}

/** What a rule reads about one row. */
interface RowFacts {
  r: number;
  d: RowDecisions;
  margin: number;
  entropy: ReadonlyMap<number, number>;
  membership: ClusterMembership | undefined;
}

type RuleOf<K extends SelectRule['kind']> = Extract<SelectRule, { kind: K }>;

/** Each rule's test of a row, by kind (the reason it gives is its kind). */
const RULES: { [K in SelectRule['kind']]: (rule: RuleOf<K>, row: RowFacts) => boolean } = {
  model_vs_golden: (rule, { d, r }) => d.wrong(rule.model, r),
  model_vs_model: (rule, { d, r }) => d.disagree(rule.a, rule.b, r),
  low_margin: (rule, { margin }) => margin < rule.below,
  label_issue: (_rule, { d, r }) => d.labelIssues().has(r),
  annotator_disagreement: (_rule, { entropy, r }) => entropy.has(r),
  cluster: (rule, { membership }) => membership?.cluster === rule.cluster,
};

function matches(rule: SelectRule, row: RowFacts): boolean {
  return (RULES[rule.kind] as (rule: SelectRule, row: RowFacts) => boolean)(rule, row);
}

/**
 * Applies the rules to every row (on a multi-policy set each reads per policy: decisions.ts);
 * candidates come in row order.
 */
export function selectCandidates(
  set: EvalSet,
  options: SelectOptions,
  clusters: ReadonlyMap<string, ClusterMembership> = new Map(),
  d: RowDecisions = rowDecisions(set),
): Candidate[] {
  const opts = SelectOptionsSchema.parse(options);
  if (set.models.length === 0) throw new BadInputError('no predictions given', { field: 'predictions' });
  for (const rule of opts.rules) {
    if (rule.kind === 'model_vs_golden') checkModel(set, rule.model, 'model-vs-golden');
    if (rule.kind === 'model_vs_model') checkModel(set, Math.max(rule.a, rule.b), 'model-vs-model');
  }
  const entropy = annotatorEntropy(set);
  const flagged = d.labelIssues();
  // Without a questioning decision no error is called either relabel or model error.
  const weighed = d.labelEvidence().some((e) => e.decidedBy === 'agreement');
  const out: Candidate[] = [];
  for (let r = 0; r < set.n; r++) {
    const row: RowFacts = { r, d, margin: d.margin(r), entropy, membership: clusters.get(set.ids[r]!) };
    const reasons = new Set<Reason>();
    for (const rule of opts.rules) if (matches(rule, row)) reasons.add(rule.kind);
    if (reasons.size === 0) continue;
    out.push(
      candidateAt(set, r, {
        reasons,
        margin: row.margin,
        issue: weighed && d.wrong(0, r) ? flagged.has(r) : null,
        labelQuality: d.labelQuality(r),
        entropy,
        membership: row.membership,
        cost: d.cost(r, opts.costs),
      }),
    );
  }
  return out;
}

/** Value of a stratification key for a candidate. */
export function stratumOf(set: EvalSet, c: Candidate, by: string, d = rowDecisions(set)): string {
  if (by === 'label') return d.labelStratum(c.row);
  if (by === 'reason') return c.reasons[0]!;
  const col = set.slices.find((s) => s.name === by);
  if (!col) {
    throw new BadInputError(
      `cannot stratify by ${JSON.stringify(by)}: use label, reason or a slice column (${set.slices.map((s) => s.name).join(', ')})`,
      { field: 'stratify-by' },
    );
  }
  const code = col.codes[c.row]!;
  return code < 0 ? '(null)' : col.values[code]!;
}

/**
 * Orders candidates by the priority keys (each ascending in "review this first" order), then by
 * `tieBreak` (the external id), so the order is total and reproducible.
 */
export function prioritise(
  set: EvalSet,
  candidates: readonly Candidate[],
  options: SelectOptions,
  tieBreak: (c: Candidate) => string,
): Candidate[] {
  const opts = SelectOptionsSchema.parse(options);
  const wanted = opts.prioritySlices.map((s) => {
    const eq = s.indexOf('=');
    const col = set.slices.find((c) => c.name === s.slice(0, eq));
    if (eq < 1 || !col) {
      throw new BadInputError(
        `priority slice ${JSON.stringify(s)} must be column=value with a slice column`,
        {
          field: 'priority-slice',
        },
      );
    }
    const code = col.values.indexOf(s.slice(eq + 1));
    // A value absent from the set matches nothing (not even null slices, whose code is -1).
    return { col, code: code < 0 ? -2 : code };
  });
  const sliceHit = (c: Candidate) => (wanted.some((w) => w.col.codes[c.row] === w.code) ? 0 : 1);
  const key = (c: Candidate, k: PriorityKey): number => {
    switch (k) {
      case 'cost':
        return -c.cost;
      case 'cluster':
        return c.clusterRank ?? Number.MAX_SAFE_INTEGER;
      case 'margin':
        return c.margin;
      case 'label_quality':
        return c.labelQuality;
      case 'slice':
        return sliceHit(c);
    }
  };
  const tie = new Map(candidates.map((c) => [c, tieBreak(c)]));
  return [...candidates].sort((a, b) => {
    for (const k of opts.priority) {
      const d = key(a, k) - key(b, k);
      if (d !== 0) return d;
    }
    const ta = tie.get(a)!;
    const tb = tie.get(b)!;
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  });
}

/**
 * Takes the first `cap` of an ordered list; with `stratifyBy`, the cap is shared across strata in
 * proportion to their sizes (largest remainder, at least one each while the cap allows), each
 * stratum giving its highest-priority items. The result keeps the priority order.
 */
export function capAndStratify(
  set: EvalSet,
  ordered: readonly Candidate[],
  cap: number | undefined,
  stratifyBy: string | undefined,
): Candidate[] {
  if (cap === undefined || ordered.length <= cap) return [...ordered];
  if (stratifyBy === undefined) return ordered.slice(0, cap);
  const groups = new Map<string, Candidate[]>();
  const d = rowDecisions(set);
  for (const c of ordered) {
    const s = stratumOf(set, c, stratifyBy, d);
    let g = groups.get(s);
    if (!g) {
      g = [];
      groups.set(s, g);
    }
    g.push(c);
  }
  const names = [...groups.keys()].sort();
  const total = ordered.length;
  const quota = new Map<string, number>();
  let given = 0;
  const rests: { name: string; rest: number }[] = [];
  for (const name of names) {
    const exact = (groups.get(name)!.length / total) * cap;
    const base = Math.min(Math.floor(exact), groups.get(name)!.length);
    quota.set(name, base);
    given += base;
    rests.push({ name, rest: exact - base });
  }
  // Every stratum gets one item before any gets a second remainder unit.
  rests.sort(
    (a, b) => quota.get(a.name)! - quota.get(b.name)! || b.rest - a.rest || (a.name < b.name ? -1 : 1),
  );
  for (let i = 0; given < cap; i = (i + 1) % rests.length) {
    const name = rests[i]!.name;
    if (quota.get(name)! < groups.get(name)!.length) {
      quota.set(name, quota.get(name)! + 1);
      given++;
    }
  }
  const keep = new Set<Candidate>();
  for (const name of names) for (const c of groups.get(name)!.slice(0, quota.get(name)!)) keep.add(c);
  return ordered.filter((c) => keep.has(c));
}
