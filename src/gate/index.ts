// Public API of compare and gate (what `modeval compare` and `modeval gate` do, callable from code).

export * from '../contracts/gate-report.js';
export { type GateRule, GateRuleSchema } from '../contracts/gate-rule.js';
export type { EncodedColumn } from '../evaluate/eval-set.js';
export { type ModelSide, type PairedSet, pairedFromEvalSet } from '../evaluate/paired-set.js';
export { comparePaired, comparePolicies } from './compare.js';
export {
  type BoundPolicy,
  type ComparedSets,
  type DecisionUnit,
  pairedSetSpace,
  perPolicySpace,
  policyContext,
} from './compared-sets.js';
export { evaluatePolicy, evaluateRules } from './evaluate-rules.js';
export {
  decideComparedSets,
  decideGate,
  decideGateInputs,
  decideMultilabelGate,
  type GateInputs,
  type GateOutputs,
  runGate,
  writeGateOutputs,
} from './gate.js';
export { gateJUnit } from './junit.js';
export { LABELER_METRICS, type LabelerMetricDeclaration } from './labeler-metrics.js';
export { evaluateLabelerRules } from './labeler-rules.js';
export {
  comparedSetsOf,
  compareModels,
  type LoadPairedOptions,
  loadComparedSets,
  loadPairedSet,
} from './load.js';
export { compareMarkdown, gateMarkdown } from './markdown.js';
export { type CostMatrix, METRIC_NAMES, type MetricName } from './metrics.js';
export {
  type CompareModelsOptions,
  CompareModelsOptionsSchema,
  type CompareOptions,
  CompareOptionsSchema,
  type GateOptions,
  GateOptionsSchema,
} from './options.js';
export { type GatePolicy, loadPolicy, PolicyFileSchema, parsePolicy } from './policy.js';
export { bindPolicy } from './policy-binding.js';
export { expandRules } from './policy-rules.js';
export {
  closedPredictions,
  expandPolicyPattern,
  notPolicy,
  type PolicyView,
  policyViews,
  rollupOf,
} from './policy-views.js';
