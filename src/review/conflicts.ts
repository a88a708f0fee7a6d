import type { Conflict, ConflictPolicy } from '../contracts/review-import.js';
import { BadInputError } from '../util/errors.js';
import type { Verdict } from './verdicts.js';

/** What the review decided for one item. */
export interface Resolution {
  previous: string | null;
  final: string | null;
  verdicts: Verdict[];
  /** The label the reviewers settled on; null when they did not (the golden label stays). */
  agreed: string | null;
}

function resolveItem(
  verdicts: readonly Verdict[],
  previous: string | null,
  policy: ConflictPolicy,
): { final: string | null; agreed: string | null; conflict: boolean } {
  const counts = new Map<string, number>();
  for (const v of verdicts) counts.set(v.label, (counts.get(v.label) ?? 0) + 1);
  if (counts.size === 1) {
    const only = verdicts[0]!.label;
    return { final: only, agreed: only, conflict: false };
  }
  if (policy === 'majority') {
    const ranked = [...counts].sort((a, b) => b[1] - a[1]);
    if (ranked[0]![1] > ranked[1]![1]) return { final: ranked[0]![0], agreed: ranked[0]![0], conflict: true };
  }
  return { final: previous, agreed: null, conflict: true };
}

/**
 * Group valid verdicts per item (in id order) and resolve each under the policy; every item the
 * reviewers disagreed on is listed as a conflict. Policy `fail` refuses the import on the first.
 */
export function resolveVerdicts(
  valid: readonly Verdict[],
  golden: ReadonlyMap<string, string | null>,
  policy: ConflictPolicy,
): { resolutions: Map<string, Resolution>; conflicts: Conflict[] } {
  const byId = new Map<string, Verdict[]>();
  for (const v of valid) {
    let list = byId.get(v.id);
    if (!list) {
      list = [];
      byId.set(v.id, list);
    }
    list.push(v);
  }
  const resolutions = new Map<string, Resolution>();
  const conflicts: Conflict[] = [];
  for (const [id, vs] of [...byId].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const previous = golden.get(id) ?? null;
    const r = resolveItem(vs, previous, policy);
    if (r.conflict) {
      conflicts.push({
        id,
        golden: previous ?? '(unlabelled)',
        answers: vs.map((v) => ({ reviewer: v.reviewer, label: v.label, file: v.file, row: v.row })),
        resolution: r.final ?? '(unlabelled)',
        policy,
      });
    }
    resolutions.set(id, { previous, final: r.final, verdicts: vs, agreed: r.agreed });
  }
  if (policy === 'fail' && conflicts.length > 0) {
    const c = conflicts[0]!;
    throw new BadInputError(
      `reviewers disagree on ${conflicts.length} item(s), e.g. ${c.answers.map((a) => `${a.reviewer}: ${a.label}`).join(' vs ')} (--on-conflict fail; nothing was written)`,
      { id: c.id },
    );
  }
  return { resolutions, conflicts };
}
