import { multilabelMetric } from './declaration.js';

/** Metrics of multi-label tasks: exact matches, Hamming loss, samples averages, label cardinality. */

export const subsetAccuracy = multilabelMetric({
  key: 'subsetAccuracy',
  scope: 'overall',
  rule: null,
  label: 'subset accuracy',
  description: 'fraction of items whose whole label set is right',
  range: [0, 1],
  direction: 'higher',
  places: { terminal: 30, report: 30 },
  interval: { method: 'proportion', counts: (r) => [r.confusion.exactMatches, r.confusion.samples] },
  value: (r) => r.subsetAccuracy,
});

export const hammingLoss = multilabelMetric({
  key: 'hammingLoss',
  scope: 'overall',
  rule: null,
  label: 'hamming loss',
  description: 'fraction of (item, label) decisions that are wrong',
  range: [0, 1],
  direction: 'lower',
  places: { terminal: 40 },
  interval: { method: 'bootstrap', restsOn: (r) => r.n },
  value: (r) => r.hammingLoss,
});

const samplesText = ({ zeroDivision }: { zeroDivision: 0 | 1 | 'nan' }) =>
  `multilabel: per item |T∩P|/|P|, |T∩P|/|T| and 2|T∩P|/(|T|+|P|), averaged over items (scikit-learn average='samples'); an item whose ratio is 0/0 (no predicted label for precision, no golden label for recall, neither for F1) ${
    zeroDivision === 'nan'
      ? 'is left out of the mean'
      : `counts ${zeroDivision}, as scikit-learn's zero_division=${zeroDivision}`
  }`;

/** Per-item ratios averaged over items: widened on all items. */
const samples = (field: 'precision' | 'recall' | 'f1', label: string, terminal?: number, report?: number) =>
  multilabelMetric({
    key: `samples.${field}` as const,
    scope: 'overall',
    rule: null,
    label,
    description: samplesText,
    range: [0, 1],
    direction: 'higher',
    places: { ...(terminal === undefined ? {} : { terminal }), ...(report === undefined ? {} : { report }) },
    interval: { method: 'bootstrap', restsOn: (r) => r.n },
    value: (r) => r.samples[field],
  });

export const samplesPrecision = samples('precision', 'samples precision');
export const samplesRecall = samples('recall', 'samples recall');
export const samplesF1 = samples('f1', 'samples F1', 50, 50);

const cardinalityText =
  'multilabel: mean number of labels per item, golden and predicted, after the taxonomy closure';

/** Mean labels per item: in [0, K], widened on all items. */
const cardinality = (side: 'golden' | 'predicted', terminal: number) =>
  multilabelMetric({
    key: `labelCardinality.${side}` as const,
    scope: 'overall',
    rule: null,
    label: `label cardinality (${side})`,
    description: cardinalityText,
    range: 'labels',
    direction: 'neither',
    places: { terminal },
    interval: { method: 'bootstrap', restsOn: (r) => r.n },
    value: (r) => r.labelCardinality[side],
  });

export const cardinalityGolden = cardinality('golden', 60);
export const cardinalityPredicted = cardinality('predicted', 70);
