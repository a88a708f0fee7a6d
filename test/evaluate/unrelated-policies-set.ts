import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { packageRoot } from '../../src/util/paths.js';
import { writeArrow } from '../helpers/arrow.js';
import { writePredictions } from './fixtures.js';

/**
 * SYNTHETIC items with two unrelated fortunes policies at once (the real golden set files each
 * text under one theme), as unrelated-policies.test.ts and macro-ranking.test.ts read them: leaf
 * golden labels, leaf scores, the real fortunes taxonomy. Their scikit-learn vectors
 * (test/vectors/unrelated-policies.py, macro-ranking.py) hold the same values.
 */

export const LABELS = [
  'offensive',
  'offensive/sexism',
  'offensive/sexism/misogyny',
  'offensive/sexism/misandry',
  'offensive/sexual',
  'offensive/other',
];
const MIS = 'offensive/sexism/misogyny';
const MAN = 'offensive/sexism/misandry';
const SEX = 'offensive/sexual';
const OTH = 'offensive/other';
export const GOLD = [[SEX, MIS], [SEX, OTH], [MAN, OTH], [], [MIS], [SEX], [], [OTH], [SEX, MAN], []];
/** Leaf scores per item: misogyny, misandry, sexual, other. */
export const LEAF = [
  [0.9, 0.1, 0.4, 0.2],
  [0.1, 0.1, 0.8, 0.7],
  [0.2, 0.6, 0.1, 0.3],
  [0.1, 0.2, 0.1, 0.6],
  [0.7, 0.1, 0.1, 0.1],
  [0.3, 0.1, 0.95, 0.2],
  [0.05, 0.05, 0.05, 0.05],
  [0.1, 0.1, 0.2, 0.55],
  [0.1, 0.3, 0.85, 0.1],
  [0.45, 0.1, 0.1, 0.1],
];

/**
 * The golden set (with an optional slice column, one value per item) and one model's predictions,
 * written under `dir`. Parents are scored low and never flagged by the model itself: only the
 * taxonomy closure lifts them.
 */
export function writeUnrelatedPolicies(
  dir: string,
  slice?: { column: string; values: readonly string[] },
): { golden: string; predictions: string } {
  const ids = GOLD.map((_, i) => `u${i}`);
  const golden = join(dir, 'golden.arrow');
  writeArrow(golden, {
    id: { values: ids, type: new Utf8() },
    text: { values: ids, type: new Utf8() },
    labels: { values: GOLD, type: new List(new Field('item', new Utf8(), true)) },
    ...(slice ? { [slice.column]: { values: [...slice.values], type: new Utf8() } } : {}),
  });
  const spec = JSON.parse(readFileSync(join(packageRoot(), 'datasets', 'fortunes', 'spec.json'), 'utf8'));
  writeFileSync(
    join(dir, 'golden.spec.json'),
    JSON.stringify({ taxonomy: spec.taxonomy, ...(slice ? { slices: [slice.column] } : {}) }),
  );
  const predictions = join(dir, 'p.arrows');
  writePredictions(predictions, {
    labels: LABELS,
    task: 'multilabel',
    ids,
    scores: LEAF.map(([mis, man, sex, oth]) => [0.01, 0.01, mis!, man!, sex!, oth!]),
  });
  return { golden, predictions };
}
