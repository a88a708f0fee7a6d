import type { LabelersView } from '../contracts/labelers-report.js';
import type { Interval } from '../contracts/metric-results.js';
import { formatNumber } from '../render/numbers.js';

/**
 * The gate metrics of a labelling delivery, read from labelers.json (`modeval labelers`), one
 * declaration each: what the rule's class names, whether it has an interval and slices, and what
 * it measures in one view. A rule is decided on the worst of what it measures: the lowest value of
 * a `>=`-style metric (every annotator, every policy must meet the bound), or the total of a count.
 * The gate engine knows these only through this table (`labeler-rules.ts` decides them).
 */

/** One measured value: an annotator's accuracy, a view's alpha, a view's flagged count. */
export interface LabelerMeasure {
  /** Who or what it is, for the rule's message (`annotator "ann-3"`, `policy offensive`). */
  readonly subject: string;
  readonly value: number | null;
  readonly interval: Interval | null;
  /** What the value rests on (judgements, pairable items, tested annotators). */
  readonly n: number;
  /** A note on what was left out or listed (names of the flagged). */
  readonly note?: string;
}

export interface LabelerMetricDeclaration {
  readonly name: LabelerMetricName;
  /** Place in the gate's metric table (among the registry's rule orders). */
  readonly order: number;
  readonly description: string;
  readonly higherIsBetter: boolean;
  /** `min`: the rule holds for the lowest (or, decided on the interval, least certain) measure; `sum`: for the total. */
  readonly combine: 'min' | 'sum';
  /** Whether the rule may be decided on an interval (a count has none). */
  readonly interval: boolean;
  /** Whether `per column` / `where column = value` apply (the view's per-slice entries). */
  readonly slices: boolean;
  /** Whether `[x]` may name a label of a single-label set (multi-policy sets: `[x]` is always a policy). */
  readonly labelClass: boolean;
  /**
   * What the metric measures in one view; `label` is the label a single-label rule names, `slice`
   * the slice value (the view's per-slice entry), `minItems` the report's setting.
   */
  measure(
    view: LabelersView,
    at: { label: string | null; slice: SliceScope | null; minItems: number },
  ): LabelerMeasure[];
}

export interface SliceScope {
  readonly column: string;
  readonly value: string;
}

/** The per-slice entry name labelers.json writes (src/labelers/agreement.ts). */
export const sliceScope = (s: SliceScope): string => `${s.column} = ${s.value}`;

const where = (view: LabelersView) => (view.policy === null ? '' : ` (policy ${view.policy})`);

export const LABELER_METRICS = [
  {
    name: 'labeler_accuracy_min',
    order: 300,
    description:
      'lowest accuracy against golden among the annotators with at least minItems golden-labelled judgements (labelers.json; on the interval: the lowest Wilson lower end)',
    higherIsBetter: true,
    combine: 'min',
    interval: true,
    slices: false,
    labelClass: false,
    measure(view, { minItems }) {
      return view.annotators
        .filter((a) => a.accuracy.n >= minItems)
        .map((a) => ({
          subject: `annotator ${JSON.stringify(a.annotator)}${where(view)}`,
          value: a.accuracy.value,
          interval: a.accuracy.interval,
          n: a.accuracy.n,
          note: `${a.accuracy.x}/${a.accuracy.n}`,
        }));
    },
  },
  {
    name: 'labeler_flagged',
    order: 310,
    description:
      'annotators flagged below the team or the target by the stated test with Benjamini–Hochberg control (labelers.json; a count, no interval)',
    higherIsBetter: false,
    combine: 'sum',
    interval: false,
    slices: false,
    labelClass: false,
    measure(view) {
      const tested = view.annotators.filter((a) => a.flag.status !== 'not enough data');
      const below = view.annotators.filter((a) => a.flag.status === 'below');
      const names = below
        .slice(0, 5)
        .map((a) => `${JSON.stringify(a.annotator)} (adjusted p ${formatNumber(a.flag.adjusted)})`)
        .join(', ');
      return [
        {
          subject: `${tested.length} tested annotators${where(view)}`,
          value: below.length,
          interval: null,
          n: tested.length,
          ...(below.length > 0 ? { note: `${names}${below.length > 5 ? ', …' : ''}` } : {}),
        },
      ];
    },
  },
  {
    name: 'agreement_alpha',
    order: 320,
    description:
      "Krippendorff's alpha (nominal) between annotators over the items judged twice or more, with its bootstrap interval (labelers.json; [policy] on a multi-policy set, [label] = that label against the rest)",
    higherIsBetter: true,
    combine: 'min',
    interval: true,
    slices: true,
    labelClass: true,
    measure(view, { label, slice }) {
      let gap = view.agreement.overall;
      if (slice !== null) {
        const scope = sliceScope(slice);
        const found = view.agreement.perSlice.find((g) => g.scope === scope);
        if (!found) return [];
        gap = found;
      } else if (label !== null) {
        // A yes/no view lists no per-label entry: its label-vs-rest alpha is the overall one.
        gap = view.agreement.perLabel.find((g) => g.scope === label) ?? gap;
      }
      return [
        {
          subject: `${gap.scope === 'all' ? 'all items' : gap.scope}${where(view)}, ${gap.units} judged twice or more`,
          value: gap.alpha.estimate,
          interval: gap.alpha,
          n: gap.units,
        },
      ];
    },
  },
] as const satisfies readonly LabelerMetricDeclaration[];

export type LabelerMetricName = 'labeler_accuracy_min' | 'labeler_flagged' | 'agreement_alpha';

export function labelerMetric(name: string): LabelerMetricDeclaration | undefined {
  return (LABELER_METRICS as readonly LabelerMetricDeclaration[]).find((d) => d.name === name);
}

/**
 * What a policy file alone can refuse in a labelling rule: a baseline (a delivery is gated on its
 * own numbers), an interval on a count, a slice on a metric without per-slice entries.
 */
export function labelerRuleProblem(
  name: string,
  rule: { bound: { kind: string }; decideOn?: string | undefined; slice: unknown },
): { key: 'baseline' | 'decideOn' | 'slice'; message: string } | null {
  const d = labelerMetric(name);
  if (!d) return null;
  if (rule.bound.kind === 'baseline')
    return {
      key: 'baseline',
      message: `metric "${name}" reads labelers.json, which has no baseline; give an absolute bound`,
    };
  if (!d.interval && rule.decideOn === 'interval')
    return { key: 'decideOn', message: `metric "${name}" is a count; it has no interval` };
  if (!d.slices && rule.slice)
    return { key: 'slice', message: `metric "${name}" is not reported per slice (agreement_alpha is)` };
  return null;
}
