// Public API of the metric core (pure, mergeable accumulators and functions).

export * from '../contracts/agreement-report.js';
export * from '../contracts/bias-report.js';
export * from '../contracts/metric-results.js';
export * from '../contracts/proportion-method.js';
export * from '../util/prng.js';
export * from './agreement.js';
export * from './bias.js';
export * from './bootstrap.js';
export * from './calibration.js';
export * from './calibration-intervals.js';
export * from './classification.js';
export * from './cohen.js';
export * from './confusion.js';
export * from './distributions.js';
export * from './edge-intervals.js';
export * from './multilabel.js';
export * from './multiplicity.js';
export * from './proportion.js';
export * from './ranking.js';
export {
  addItemCounts,
  addItemRatings,
  coincidenceMatrix,
  createRatingTally,
  fleissKappa,
  fleissKappaFromCounts,
  gwetAc1,
  krippendorffAlphaNominal,
  mergeRatingTallies,
} from './rating-tally.js';
export * from './sample-size.js';
export * from './sampling.js';
export * from './score-store.js';
export * from './significance.js';
export * from './sort-float32.js';
