import { z } from 'zod';
import type {
  LabelEvidence,
  LabelEvidenceModel,
  LabelEvidenceSettings,
} from '../contracts/label-evidence.js';
import type { EvalSet } from '../evaluate/eval-set.js';
import { errorCorrelation } from '../metrics/diversity.js';
import { f3, percent } from '../render/numbers.js';
import { modelAuc } from './model-quality.js';

/**
 * When the golden label of a model's error is in doubt. Confident learning flags, per model, the
 * items it is confidently wrong about; whether those flags are evidence about golden depends on
 * who raises them. The rule, in order (docs/metrics.md, "Golden-label suspects"):
 *
 * 1. a model is an opinion only when its quality on the golden set is stated and high: the lower
 *    bound of its ROC-AUC interval (the metric's declared bootstrap) at least `minModelAuc`;
 * 2. opinions count by independent evidence, not by number: qualified models whose right/wrong
 *    outcomes correlate at `maxErrorCorrelation` or more (Kuncheva & Whitaker's ρ) are one opinion;
 * 3. an error is proposed when models of at least `minOpinions` opinions flag it;
 * 4. annotators outweigh models: a proposed error whose annotators (the `annotations` column, single
 *    label) agree with golden at `humanAgreement` or more, from at least two ratings, is kept;
 * 5. a share cap: when more than `maxShare` of the judged model's errors would be flagged, the
 *    evidence is called weak and no golden label is questioned.
 */

export const LabelEvidenceOptionsSchema = z.object({
  minOpinions: z.number().int().min(2).default(2),
  /** 0.9: a model that orders one random positive above one random negative less often makes too many confident mistakes of its own. */
  minModelAuc: z.number().min(0.5).max(1).default(0.9),
  maxErrorCorrelation: z.number().gt(0).max(1).default(0.8),
  humanAgreement: z.number().gt(0.5).max(1).default(0.8),
  maxShare: z.number().gt(0).max(1).default(0.5),
});
export type LabelEvidenceOptions = z.input<typeof LabelEvidenceOptionsSchema>;

/** What one target's decision hands the clusters and the review. */
export interface EvidenceDecision {
  summary: LabelEvidence;
  /** Errors of the judged model whose golden label is in doubt. */
  relabel: Set<number>;
  /** Indices of the models that are opinions (qualified), in set order. */
  qualified: number[];
}

/** 1 where model m is wrong on the target (a label, or policy j's flag), per row. */
function outcomes(set: EvalSet, m: number, policy: number | null): Uint8Array {
  const k = set.labels.length;
  const model = set.models[m]!;
  const wrong = new Uint8Array(set.n);
  for (let r = 0; r < set.n; r++) {
    wrong[r] =
      policy === null
        ? Number(model.predicted[r] !== set.truth[r])
        : Number(model.predictedFlags[r * k + policy] !== set.truthFlags[r * k + policy]);
  }
  return wrong;
}

/** Groups of qualified models: a model joins the first group whose first model errs like it. */
function opinionGroups(
  wrong: readonly Uint8Array[],
  qualified: readonly number[],
  rho: number,
): Map<number, number> {
  const group = new Map<number, number>();
  const heads: number[] = [];
  for (const m of qualified) {
    const g = heads.findIndex((h) => (errorCorrelation(wrong[h]!, wrong[m]!) ?? 0) >= rho);
    if (g >= 0) group.set(m, g);
    else {
      group.set(m, heads.length);
      heads.push(m);
    }
  }
  return group;
}

/** Whether row r's annotators (two ratings or more) agree with golden at `share` or more. */
function annotatorsAgree(set: EvalSet, r: number, share: number): boolean {
  const a = set.annotations;
  if (!a) return false;
  const width = a.annotators.length;
  let rated = 0;
  let agree = 0;
  for (let i = 0; i < width; i++) {
    const v = a.ratings[r * width + i]!;
    if (v < 0) continue;
    rated++;
    if (v === set.truth[r]) agree++;
  }
  return rated >= 2 && agree / rated >= share;
}

const modelName = (set: EvalSet, m: number) =>
  `${set.models[m]!.meta.model.name}@${set.models[m]!.meta.model.version}`;

/**
 * Decides one target. `flags(m)` is model m's confident-learning flag set (asked only of
 * qualified models); `judged` is the model whose errors are judged.
 */
export function decideLabelEvidence(
  set: EvalSet,
  policy: number | null,
  judged: number,
  flags: (m: number) => ReadonlySet<number>,
  options: LabelEvidenceOptions = {},
): EvidenceDecision {
  const o = LabelEvidenceOptionsSchema.parse(options);
  const aucs = set.models.map((m) => modelAuc(set, m, policy));
  const qualified = aucs.flatMap((iv, m) =>
    iv !== null && iv.low !== null && iv.low >= o.minModelAuc ? [m] : [],
  );
  const wrong = set.models.map((_, m) => outcomes(set, m, policy));
  const group = opinionGroups(wrong, qualified, o.maxErrorCorrelation);
  const opinions = new Set(group.values()).size;
  const errors = wrong[judged]!.reduce((s, v) => s + v, 0);
  const proposed: number[] = [];
  if (opinions >= o.minOpinions) {
    const sets = qualified.map((m) => ({ g: group.get(m)!, f: flags(m) }));
    for (let r = 0; r < set.n; r++) {
      if (!wrong[judged]![r]) continue;
      const voices = new Set(sets.filter((s) => s.f.has(r)).map((s) => s.g));
      if (voices.size >= o.minOpinions) proposed.push(r);
    }
  }
  // Annotators are read on the labels of a single-label set; a policy's flags are not ratings.
  const kept = policy === null ? proposed.filter((r) => annotatorsAgree(set, r, o.humanAgreement)) : [];
  const keptSet = new Set(kept);
  const standing = proposed.filter((r) => !keptSet.has(r));
  const capped = errors > 0 && standing.length / errors > o.maxShare;
  const decidedBy = opinions < o.minOpinions ? 'too-few-opinions' : capped ? 'share-cap' : 'agreement';
  const relabel = new Set(decidedBy === 'agreement' ? standing : []);
  const models: LabelEvidenceModel[] = set.models.map((_, m) => ({
    model: modelName(set, m),
    rocAuc: aucs[m] ?? null,
    qualified: group.has(m),
    opinion: group.get(m) ?? null,
  }));
  const base = {
    target: policy === null ? null : set.labels[policy]!,
    decidedBy,
    models,
    opinions,
    errors,
    proposed: proposed.length,
    keptByAnnotators: kept.length,
    flagged: relabel.size,
    share: errors === 0 ? null : relabel.size / errors,
  } as const;
  return { summary: { ...base, rule: ruleSentence(base, o, standing.length) }, relabel, qualified };
}

/** The rule itself, once: what makes a model an opinion and how opinions count. */
export function evidenceRuleText(o: LabelEvidenceSettings): string {
  return `golden labels are questioned where the confident learning (Northcutt et al. 2021) of models of at least ${o.minOpinions} independent opinions flags an error; a model is an opinion when the lower bound of its ROC-AUC 95% bootstrap interval on the golden set is at least ${o.minModelAuc}, models whose errors correlate at ρ ≥ ${o.maxErrorCorrelation} count once, annotators agreeing with golden at ${percent(o.humanAgreement, 1)} or more outweigh the models, and above ${percent(o.maxShare, 1)} of the errors the evidence is called weak and nothing is questioned`;
}

/** One sentence: the rule that decided, the share flagged and the models' stated quality. */
function ruleSentence(e: Omit<LabelEvidence, 'rule'>, o: LabelEvidenceSettings, standing: number): string {
  const where = e.target === null ? '' : `${e.target}: `;
  const quality = e.models
    .map((m) => {
      const iv = m.rocAuc;
      const text =
        iv === null ? 'ROC-AUC undefined' : `ROC-AUC ${f3(iv.estimate)} [${f3(iv.low)}, ${f3(iv.high)}]`;
      return `${m.model} ${text}${m.qualified ? `, opinion ${m.opinion! + 1}` : `, under ${o.minModelAuc}`}`;
    })
    .join('; ');
  const kept =
    e.keptByAnnotators > 0
      ? `; ${e.keptByAnnotators} more left alone: their annotators agree with golden`
      : '';
  if (e.decidedBy === 'too-few-opinions') {
    return `${where}0 of ${e.errors} errors questioned (too few opinions: ${e.opinions} of the ${o.minOpinions} needed; ${quality})`;
  }
  if (e.decidedBy === 'share-cap') {
    return `${where}0 of ${e.errors} errors questioned (share cap: the models would flag ${standing}, ${percent(standing, e.errors)}, more than ${percent(o.maxShare, 1)}, so their evidence is weak; ${quality})${kept}`;
  }
  return `${where}"check the golden label" on ${e.flagged} of ${e.errors} errors (${percent(e.flagged, e.errors)}; agreement of ${e.opinions} independent opinions; ${quality})${kept}`;
}
