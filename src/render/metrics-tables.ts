import type { Interval } from '../contracts/metric-results.js';
import type { ClassIntervals, Headline, MetricsReport, ModelMetrics } from '../contracts/metrics-report.js';
import { classInterval, headlineInterval, placed } from '../metrics/registry/index.js';
import { taskView } from '../task/index.js';
import { f3, interval } from './numbers.js';
import { type Cell, formatCell, renderTable, terminalText } from './terminal.js';

/**
 * `modeval eval`'s terminal view of metrics.json: the overall and per-class tables (the metric
 * registry's terminal places), calibration, operating points, slices, bias and agreement.
 */

/** "0.912 [0.893, 0.930]"; an undefined estimate prints as "—" (the reports' formatting). */
export const formatInterval = (iv: Interval | undefined): string => interval(iv);

function maybe(m: { value: number | null; reason?: string } | undefined): string {
  return m === undefined || m.value === null ? '—' : f3(m.value);
}

function scoreMetric(m: Headline['rocAuc']): string {
  return m.interval ? formatInterval(m.interval) : maybe(m);
}

/** The registry's terminal places: every overall metric the headline has, in order. */
function overallRows(h: Headline, positive: string | null): Cell[][] {
  return placed('terminal', 'overall').flatMap((d) => {
    const iv = headlineInterval(h, d);
    if (iv === undefined) return [];
    const name = d.source === 'scores' && d.qualifiedLabel ? d.qualifiedLabel(positive) : d.label;
    return [[name, formatInterval(iv ?? undefined)]];
  });
}

const CLASS_COLUMNS = placed('terminal', 'class');

function classRows(m: ModelMetrics): Cell[][] {
  const auc = new Map(m.ranking.map((r) => [r.label, r.ranking] as const));
  return m.perClass.map((c: ClassIntervals) => [
    c.label,
    c.support,
    c.predicted ?? 'not scored',
    ...CLASS_COLUMNS.map((d) => formatInterval(classInterval(c, d))),
    auc.has(c.label) ? f3(auc.get(c.label)!.rocAuc) : '',
    auc.has(c.label) ? f3(auc.get(c.label)!.averagePrecision) : '',
  ]);
}

/** The class the task reports on its own (binary: the positive class), with its index; else null. */
function reportedPositive(report: MetricsReport): { label: string; index: number } | null {
  const index = taskView(report.task).positiveClass(report.labels, report.positive);
  return index === undefined ? null : { label: report.labels[index]!, index };
}

/** The slice table's main score: the positive class's F1 (binary), else macro F1. */
function sliceScoreName(report: MetricsReport): string {
  const positive = reportedPositive(report);
  return positive ? `F1(${positive.label})` : 'macro F1';
}

function sliceTables(report: MetricsReport, m: ModelMetrics, maxRows: number, level: string): string[] {
  const positive = reportedPositive(report);
  const binary = positive !== null;
  const positiveIdx = positive?.index ?? -1;
  const out: string[] = [];
  for (const s of m.slices) {
    const ordered = [...s.values].sort((a, b) => b.metrics.n - a.metrics.n);
    const shown = ordered.slice(0, maxRows);
    const rows: Cell[][] = shown.map((v) => {
      const h = v.metrics;
      return [
        v.values.map((x) => (x === null ? '(null)' : x)).join(' × '),
        h.n,
        binary ? h.support[positiveIdx]! : h.support.filter((x) => x > 0).length,
        formatInterval(h.accuracy ?? h.subsetAccuracy),
        formatInterval(binary ? h.positive?.f1 : h.macro.f1),
        binary ? formatInterval(h.positive?.recall) : formatInterval(h.macro.recall),
        binary ? formatInterval(h.positive?.fpr) : '',
        scoreMetric(h.rocAuc),
        [
          v.small ? `small (${v.smallReasons.join('; ')})` : '',
          h.support.filter((x) => x > 0).length < 2 ? 'one class' : '',
        ]
          .filter(Boolean)
          .join(', '),
      ];
    });
    const more = ordered.length - shown.length;
    const head = [
      s.columns.join(' × '),
      'n',
      binary ? `${report.positive}` : 'classes',
      `accuracy ${level}`,
      sliceScoreName(report),
      binary ? 'recall' : 'macro recall',
      binary ? 'FPR' : '',
      'AUC',
      'flag',
    ];
    out.push(
      renderTable(head, rows, {
        title:
          `Slice ${s.columns.join(' × ')}${more > 0 ? ` (largest ${shown.length} of ${ordered.length})` : ''}` +
          (s.omitted.values > 0
            ? `; ${s.omitted.values} smaller values (${s.omitted.rows} rows) not measured`
            : ''),
      }),
    );
  }
  return out;
}

/** One row per operating point of every ranked label. */
function operatingPointRows(m: MetricsReport['models'][number]): string[][] {
  return m.ranking.flatMap((r) =>
    r.operatingPoints.map((o) => [
      r.label,
      o.constraint.kind === 'max-recall-at-precision'
        ? `recall at precision ≥ ${o.constraint.value}`
        : o.constraint.kind === 'max-tpr-at-fpr'
          ? `TPR at FPR ≤ ${o.constraint.value}`
          : `FPR at TPR ≥ ${o.constraint.value}`,
      o.point ? f3(o.point.recall) : '—',
      o.point ? f3(o.point.precision) : '—',
      o.point ? f3(o.point.fpr) : '—',
      o.point ? f3(o.point.threshold) : (o.reason ?? '—'),
    ]),
  );
}

/** The annotator-agreement lines (or why there are none). */
function agreementLines(ag: MetricsReport['agreement']): string[] {
  const out: string[] = [];
  if (ag && 'annotators' in ag) {
    out.push('');
    out.push(
      `Annotator agreement on ${ag.pairableItems} items with 2+ labels: Fleiss κ ${f3(ag.fleiss.kappa)} · ` +
        `Krippendorff α ${f3(ag.krippendorffNominal.alpha)} · Gwet AC1 ${f3(ag.gwetAc1.ac1)}`,
    );
    if (ag.vsGold) {
      out.push(
        renderTable(
          ['annotator', 'n', 'accuracy vs golden', 'κ vs golden'],
          ag.vsGold.map((a) => [a.annotator, a.n, f3(a.accuracy), f3(a.kappa)]),
        ),
      );
    }
    if (ag.pairwiseCohen.length > 0) {
      out.push(
        renderTable(
          ['pair', 'n', "Cohen's κ"],
          ag.pairwiseCohen.map((p) => [`${p.a} × ${p.b}`, p.n, f3(p.kappa)]),
        ),
      );
    }
  } else if (ag) {
    out.push('', `Annotator agreement: ${ag.reason}`);
  }
  return out;
}

/** Human-readable tables of a metrics report (the terminal view of metrics.json). */
export function formatMetrics(report: MetricsReport, options: { maxSliceRows?: number } = {}): string {
  const maxRows = options.maxSliceRows ?? 15;
  const d = report.dataset;
  const b = report.definitions.bootstrap;
  const level = `${Math.round(b.level * 100)}% CI`;
  const out: string[] = [];
  out.push(
    `${d.file} (sha256 ${d.fingerprint.slice(0, 12)}): ${d.evaluated.toLocaleString('en-US')} evaluated of ` +
      `${d.rows.toLocaleString('en-US')} rows · ${d.rejected} rejected · ${d.unlabelled} unlabelled · ` +
      `${d.droppedMissingPrediction} without prediction · task ${report.task}` +
      (report.positive ? ` (positive: ${report.positive})` : ''),
  );
  out.push(
    `intervals: ${level}; proportions ${report.definitions.intervals.proportions}, others percentile bootstrap (${b.resamples} resamples, seed ${b.seed}), widened where it collapsed · zero division → ` +
      `${report.definitions.zeroDivision === 'nan' ? 'undefined (—)' : report.definitions.zeroDivision}`,
  );
  for (const m of report.models) {
    out.push('');
    out.push(`== ${m.model.name}@${m.model.version} (${m.model.predictionsFile})`);
    if (m.join.missing.count + m.join.unknown.count > 0) {
      out.push(
        `   ids: ${m.join.missing.count} labelled rows without prediction` +
          (m.join.missing.examples.length
            ? ` (e.g. ${m.join.missing.examples.slice(0, 3).map(formatCell).join(', ')})`
            : '') +
          `, ${m.join.unknown.count} predictions for unknown ids` +
          (m.join.unknown.examples.length
            ? ` (e.g. ${m.join.unknown.examples.slice(0, 3).map(formatCell).join(', ')})`
            : ''),
      );
    }
    out.push('');
    out.push(
      renderTable(
        ['metric', `value ${level}`],
        overallRows(m.overall, reportedPositive(report)?.label ?? null),
        { title: 'Overall' },
      ),
    );
    out.push('');
    out.push(
      renderTable(
        ['label', 'support', 'predicted', ...CLASS_COLUMNS.map((d) => d.label), 'AUC', 'AP'],
        classRows(m),
        { title: `Per class (${level})` },
      ),
    );
    const cal = m.calibration;
    const calParts = [
      ...cal.positiveClass.map((c) => `ECE(${c.label}) ${f3(c.report.ece)}`),
      ...(cal.topLabel ? [`top-label ECE ${f3(cal.topLabel.ece)}`] : []),
      ...cal.brier.map((x) => `Brier${x.label ? `(${x.label})` : ''} ${f3(x.report.brier)}`),
    ];
    out.push('');
    out.push(
      `Calibration (${report.definitions.calibration.bins} ${report.definitions.calibration.binning} bins): ${calParts.join(' · ')}`,
    );
    const ops = operatingPointRows(m);
    if (ops.length > 0) {
      out.push('');
      out.push(
        renderTable(['label', 'operating point', 'recall', 'precision', 'FPR', 'threshold'], ops, {
          title: 'Operating points',
        }),
      );
    }
    out.push('');
    out.push(
      `Slices (small: n < ${report.definitions.slices.minSupport}, a class with 1–${report.definitions.slices.minClassSupport - 1} golden items, or accuracy interval wider than ${report.definitions.slices.maxIntervalWidth}; AUC — when a slice has one class)`,
    );
    for (const t of sliceTables(report, m, maxRows, level)) {
      out.push('');
      out.push(t);
    }
    if (m.bias && 'subgroups' in m.bias) {
      out.push('');
      out.push(
        renderTable(
          ['subgroup', 'n', 'subgroup AUC', 'BPSN AUC', 'BNSP AUC'],
          m.bias.subgroups.map((g) => [
            g.subgroup,
            g.size,
            maybe(g.subgroupAuc),
            maybe(g.bpsnAuc),
            maybe(g.bnspAuc),
          ]),
          { title: `Bias (final score ${maybe(m.bias.finalScore)}, power ${m.bias.power})` },
        ),
      );
    } else if (m.bias) {
      out.push('', `Bias: ${m.bias.reason}`);
    }
  }
  out.push(...agreementLines(report.agreement));
  return terminalText(`${out.join('\n')}\n`);
}
