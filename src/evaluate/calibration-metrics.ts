import {
  argmaxRow,
  BrierAccumulator,
  equalMassCalibration,
  UniformCalibrationBins,
} from '../metrics/calibration.js';
import type { CalibrationReport, CalibrationVariant } from '../metrics/schema.js';
import { BinaryScoreStore } from '../metrics/score-store.js';
import type { EvalSet, ModelColumns } from './eval-set.js';
import type { ResolvedMetricOptions } from './options.js';
import type { Calibration } from './schema.js';

/** Calibration of one model: reliability bins (positive-class and top-label) and Brier scores. */

function calibrate(
  confidence: Float32Array,
  outcome: Uint8Array,
  variant: CalibrationVariant,
  r: ResolvedMetricOptions,
): CalibrationReport {
  if (r.binning === 'uniform') {
    const bins = new UniformCalibrationBins(r.bins, variant);
    for (let i = 0; i < confidence.length; i++) bins.add(confidence[i]!, outcome[i]!);
    return bins.report();
  }
  const store = new BinaryScoreStore({ initialCapacity: confidence.length });
  for (let i = 0; i < confidence.length; i++) store.add(confidence[i]!, outcome[i]!);
  return equalMassCalibration(store, r.bins, variant);
}

export function positiveClassCalibration(
  set: EvalSet,
  m: ModelColumns,
  j: number,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
) {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const conf = new Float32Array(n);
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    conf[t] = m.scores[i * k + j]!;
    out[t] = (set.task === 'multilabel' ? set.truthFlags[i * k + j] === 1 : set.truth[i] === j) ? 1 : 0;
  }
  return calibrate(conf, out, 'positive-class', r);
}

export function topLabelCalibration(
  set: EvalSet,
  m: ModelColumns,
  rows: Uint32Array | null,
  r: ResolvedMetricOptions,
) {
  const k = set.labels.length;
  const n = rows ? rows.length : set.n;
  const conf = new Float32Array(n);
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    const best = argmaxRow(m.scores, i * k, k);
    conf[t] = m.scores[i * k + best]!;
    out[t] = best === set.truth[i] ? 1 : 0;
  }
  return calibrate(conf, out, 'top-label', r);
}

export function calibration(set: EvalSet, m: ModelColumns, r: ResolvedMetricOptions): Calibration {
  const k = set.labels.length;
  if (set.task === 'multilabel') {
    return {
      positiveClass: set.labels.map((label, j) => ({
        label,
        report: positiveClassCalibration(set, m, j, null, r),
      })),
      topLabel: null,
      brier: set.labels.map((label, j) => {
        const acc = new BrierAccumulator('binary');
        for (let i = 0; i < set.n; i++) acc.addBinary(m.scores[i * k + j]!, set.truthFlags[i * k + j]!);
        return { label, report: acc.report() };
      }),
    };
  }
  const p = set.positiveIndex;
  const positiveClass =
    p >= 0 ? [{ label: set.labels[p]!, report: positiveClassCalibration(set, m, p, null, r) }] : [];
  let brier: Calibration['brier'];
  if (set.task === 'binary') {
    const acc = new BrierAccumulator('binary');
    for (let i = 0; i < set.n; i++) acc.addBinary(m.scores[i * k + p]!, set.truth[i] === p);
    brier = [{ label: set.labels[p]!, report: acc.report() }];
  } else {
    const acc = new BrierAccumulator('multiclass-sum-of-squares');
    for (let i = 0; i < set.n; i++) acc.addMulticlassRow(m.scores, i * k, k, set.truth[i]!);
    brier = [{ label: null, report: acc.report() }];
  }
  return { positiveClass, topLabel: topLabelCalibration(set, m, null, r), brier };
}
