import type {
  AbsentClassPolicy,
  Interval,
  MulticlassReport,
  MultilabelReport,
  ZeroDivision,
} from '../schema.js';

/**
 * The shape of one metric's declaration in the registry (see index.ts). Everything a stage needs
 * to know about a metric is here, once: its field in metrics.json, its gate rule name, how it is
 * labelled and described, its range and direction, the tasks it applies to, the interval eval
 * gives it (and the gate must use), and how it is read from a classification report.
 */

export type Task = 'binary' | 'multiclass' | 'multilabel';

/** A single-label report without its K×K matrix (what a bootstrap replicate computes). */
export type SingleLabelReport = Omit<MulticlassReport, 'confusion'>;
export type MultiLabelReport = MultilabelReport;
/** What every report has: per-class counts and the micro, macro and weighted averages. */
export type AnyReport = SingleLabelReport | MultiLabelReport;

/** Which reports a confusion metric reads: single-label, multi-label, or either. */
export type ReportKind = 'single-label' | 'multilabel' | 'any';
type ReportOf<K extends ReportKind> = K extends 'single-label'
  ? SingleLabelReport
  : K extends 'multilabel'
    ? MultiLabelReport
    : AnyReport;

/** `overall`: one value per set or slice; `class`: one value per class (`c<j>.<key>` intervals). */
export type MetricScope = 'overall' | 'class';

/** The choices recorded in `definitions` that a description may depend on. */
export interface DescriptionChoices {
  zeroDivision: ZeroDivision;
  absentClasses: AbsentClassPolicy;
}

/** Facts about the set or slice that interval rules read, computed once per report. */
export interface SupportFacts {
  /** Golden items of the smallest class that has any (0 when none has). */
  smallestPresent: number;
  /** Classes with golden items. */
  present: number;
}

/**
 * The interval of a confusion metric.
 * - `proportion`: the proportion interval (Wilson by default, `--intervals`) of its counts
 *   `[successes, trials]`, never a bootstrap that cannot leave 0 or 1;
 * - `bootstrap`: the percentile bootstrap, widened where it collapsed on the items it rests on
 *   (`restsOn`), over the metric's `range`; `undefinedWhen` names the cases where the statistic is
 *   not a measurement (its reason), checked before widening.
 */
export type ConfusionInterval<R> =
  | { readonly method: 'proportion'; counts(r: R, j: number): readonly [successes: number, trials: number] }
  | {
      readonly method: 'bootstrap';
      restsOn(r: R, j: number, s: SupportFacts): number;
      undefinedWhen?(r: R, j: number, iv: Interval, s: SupportFacts): string | null;
    };

/** The items a score metric's collapsed bootstrap is widened on (see evaluate/ranking-metrics.ts). */
export type ScoreWidening = 'smaller-class' | 'positives' | 'all-items';

/** A metric's place in each output that lists it (ascending; gaps leave room for new metrics). */
export interface MetricPlaces {
  /** `modeval eval`'s Overall table (overall metrics) or Per class table (class metrics). */
  readonly terminal?: number;
  /** The report's summary table; a class metric shows there for the positive class. */
  readonly report?: number;
  /** `compare`'s headline list (compare.json order). */
  readonly compare?: number;
}

export interface GateRule {
  /** The name a gate rule uses (`balanced_accuracy >= 0.8`). */
  readonly name: string;
  /** Its place in the gate's metric table (the order "known: ..." lists). */
  readonly order: number;
}

interface Common<K extends string> {
  /** The metrics.json field: a path in the headline (`balancedAccuracy`, `macro.f1`) or a class field. */
  readonly key: K;
  readonly scope: MetricScope;
  /** Its gate rule, or null when rules cannot name it. */
  readonly rule: GateRule | null;
  /** Display label (tables, report). */
  readonly label: string;
  /** The text metrics.json's `definitions` carry for it (identical bytes). */
  readonly description: string | ((c: DescriptionChoices) => string);
  /** Possible values; `labels` = [0, K] with K the number of labels. */
  readonly range: readonly [number, number] | 'labels';
  /** Which way is better; `neither` for a descriptive statistic (label cardinality). */
  readonly direction: 'higher' | 'lower' | 'neither';
  readonly tasks: readonly Task[];
  readonly places: MetricPlaces;
}

/** A function of the confusion counts: bootstrap replicates (eval's and the gate's) recompute it. */
export interface ConfusionMetric<K extends string = string, R extends ReportKind = ReportKind>
  extends Common<K> {
  readonly source: 'confusion';
  readonly report: R;
  readonly interval: ConfusionInterval<ReportOf<R>>;
  /** The extractor: the value in a report (`j` is the class for class metrics, else -1). */
  value(r: ReportOf<R>, j: number): number | null;
}

/** A function of the scores (ranking, calibration): computed in its own section, reported with its bootstrap. */
export interface ScoreMetric<K extends string = string> extends Common<K> {
  readonly source: 'scores';
  readonly interval: { readonly method: 'bootstrap'; readonly widenOn: ScoreWidening };
  /** Text for definitions that describes its average over labels, when it has one. */
  readonly macroDescription?: string;
  /** A label naming what it is computed on (the positive class, or the top label). */
  qualifiedLabel?(positive: string | null): string;
}

export type MetricDeclaration =
  | ConfusionMetric<string, 'single-label'>
  | ConfusionMetric<string, 'multilabel'>
  | ConfusionMetric<string, 'any'>
  | ScoreMetric;

const SINGLE: readonly Task[] = ['binary', 'multiclass'];
const ALL: readonly Task[] = ['binary', 'multiclass', 'multilabel'];

type Decl<K extends string, R extends ReportKind> = Omit<
  ConfusionMetric<K, R>,
  'source' | 'report' | 'tasks'
> & {
  tasks?: readonly Task[];
};

/** A confusion metric of single-label tasks (binary, multiclass). */
export function singleLabelMetric<K extends string>(
  d: Decl<K, 'single-label'>,
): ConfusionMetric<K, 'single-label'> {
  return { ...d, source: 'confusion', report: 'single-label', tasks: d.tasks ?? SINGLE };
}

/** A confusion metric of multi-label tasks. */
export function multilabelMetric<K extends string>(
  d: Decl<K, 'multilabel'>,
): ConfusionMetric<K, 'multilabel'> {
  return { ...d, source: 'confusion', report: 'multilabel', tasks: d.tasks ?? ['multilabel'] };
}

/** A confusion metric every task has. */
export function anyTaskMetric<K extends string>(d: Decl<K, 'any'>): ConfusionMetric<K, 'any'> {
  return { ...d, source: 'confusion', report: 'any', tasks: d.tasks ?? ALL };
}

/** A score metric. */
export function scoreMetric<K extends string>(
  d: Omit<ScoreMetric<K>, 'source' | 'tasks'> & { tasks?: readonly Task[] },
): ScoreMetric<K> {
  return { ...d, source: 'scores', tasks: d.tasks ?? ALL };
}

/** The text of a declaration's description under the recorded choices. */
export function describe(d: Pick<MetricDeclaration, 'description'>, c: DescriptionChoices): string {
  return typeof d.description === 'string' ? d.description : d.description(c);
}

/** A declaration's range for a report over `labels` labels. */
export function rangeOf(d: Pick<MetricDeclaration, 'range'>, labels: number): readonly [number, number] {
  return d.range === 'labels' ? [0, labels] : d.range;
}
