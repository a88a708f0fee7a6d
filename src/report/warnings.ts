import type { ModelEntry, ReportInputs } from './inputs.js';

/**
 * The warnings a report shows: its own (load, recompute), then each metrics.json's once, each
 * named with its model: two models' warnings often read alike ("… has 5 ids that are not in the
 * dataset"), so they are never merged across files. eval names each predictions file with its model
 * (`spam-v1 1.0.0 (out/v1/predictions.arrows)`); any other warning (metrics.json files written
 * before that call it `predictions.arrows`) is prefixed with the models and files of its metrics.json.
 */

const who = (m: ModelEntry) => `${m.model.model.name} ${m.model.model.version}`;

function named(warning: string, models: readonly ModelEntry[]): string {
  // eval names a file with its model (`spam-v1 1.0.0 (out/v1/predictions.arrows) has …`).
  if (models.some((m) => warning.includes(`${who(m)} (${m.model.model.predictionsFile})`))) return warning;
  return `${models.map((m) => `${who(m)} (${m.model.model.predictionsFile})`).join(', ')}: ${warning}`;
}

export function reportWarnings(inputs: ReportInputs): string[] {
  const byFile = new Map<string, ModelEntry[]>();
  for (const m of inputs.models) {
    const list = byFile.get(m.metricsFile);
    if (list) list.push(m);
    else byFile.set(m.metricsFile, [m]);
  }
  const out = [...inputs.warnings];
  for (const models of byFile.values()) {
    for (const w of models[0]!.report.warnings) out.push(named(w, models));
  }
  return out;
}
