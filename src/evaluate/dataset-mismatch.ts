import type { PredictionsMeta } from '../contracts/predictions.js';

/**
 * What eval, compare and gate say about predictions made on another dataset file (after a relabel,
 * the previous golden version): one text, so the three commands agree, naming the command that
 * scores the given file itself for whoever wrote the predictions (`run` or `predictions import`).
 */

/** The sentence naming the command that makes predictions of `dataset` itself. */
export function rescoreHint(meta: PredictionsMeta, dataset: string): string {
  if (meta.source === 'import') {
    const input = meta.options.input;
    const log = typeof input === 'string' && input !== '' ? input : '<log>';
    return `To score this file itself, import the log again: modeval predictions import ${log} --dataset ${dataset} --out <file> (with the same column options)`;
  }
  return `To score this file itself: modeval run --model <${meta.model.name}'s model folder> --dataset ${dataset} --out <folder>`;
}

/** How every join warning names a predictions file: its model, version and path. */
export function predictionsLabel(meta: PredictionsMeta, file: string): string {
  return `${meta.model.name} ${meta.model.version} (${file})`;
}

/** The warning for a file whose recorded fingerprint is not the dataset's; rows join by id. */
export function otherDatasetWarning(
  file: string,
  meta: PredictionsMeta,
  dataset: string,
  fingerprint: string,
): string {
  return (
    `${predictionsLabel(meta, file)} was made on ${meta.dataset.file} (sha256 ${meta.dataset.fingerprint.slice(0, 12)}…), ` +
    `not this dataset file (${fingerprint.slice(0, 12)}…); rows are joined by id. ${rescoreHint(meta, dataset)}`
  );
}
