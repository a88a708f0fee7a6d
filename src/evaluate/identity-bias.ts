import type { ModelMetrics } from '../contracts/metrics-report.js';
import { addBiasItem, biasReport, createBiasAccumulator } from '../metrics/bias.js';
import { taskViewOf } from '../task/index.js';
import type { EncodedColumn, EvalSet, ModelColumns } from './eval-set.js';

/** Bias AUCs of one model's positive-label scores over the identity subgroups of the set. */

export function identityBias(set: EvalSet, m: ModelColumns): ModelMetrics['bias'] {
  if (set.identity.length === 0) return null;
  if (!taskViewOf(set).metrics.identityBias || set.positiveIndex < 0) {
    return { value: null, reason: 'bias AUCs need a positive label (binary task or a declared positive)' };
  }
  // A Bool identity column is one subgroup (true = mentions it); other columns give one subgroup per value.
  const groupsOf: { name: string; column: EncodedColumn; code: number }[] = [];
  for (const col of set.identity) {
    const isBool = col.values.every((v) => v === 'true' || v === 'false');
    if (isBool) groupsOf.push({ name: col.name, column: col, code: col.values.indexOf('true') });
    else
      col.values.forEach((v, code) => {
        groupsOf.push({ name: `${col.name}=${v}`, column: col, code });
      });
  }
  const acc = createBiasAccumulator(groupsOf.map((g) => g.name));
  const k = set.labels.length;
  const p = set.positiveIndex;
  const membership = new Array<boolean>(groupsOf.length);
  for (let i = 0; i < set.n; i++) {
    groupsOf.forEach((g, s) => {
      membership[s] = g.code >= 0 && g.column.codes[i] === g.code;
    });
    addBiasItem(acc, m.scores[i * k + p]!, set.truth[i] === p, membership, i);
  }
  return biasReport(acc);
}
