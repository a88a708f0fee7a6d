import { basename } from 'node:path';
import type { Comparison, MetricComparison } from '../contracts/gate-report.js';
import { nullSkippedLines, ruleCell } from '../render/gate-rules.js';
import { intervalCaption } from '../render/interval-caption.js';
import { MD_VERDICT, mdCode, mdTable, mdText } from '../render/markdown.js';
import { interval, pct, pValue, signed, signedInterval } from '../render/numbers.js';
import { deltaCells } from './deltas.js';
import { HEADLINES } from './headlines.js';
import { modelName } from './html/parts.js';
import type { ReportInputs } from './load.js';
import { reportWarnings } from './warnings.js';

/** Warnings the PR summary lists; the HTML report has them all. */
const MAX_WARNINGS = 8;

/**
 * The PR-comment summary: headline numbers, the gate and the comparison's headline deltas as
 * Markdown tables, a few dozen lines at most. Every interpolated string goes through `mdText` or
 * `mdCode` (HTML-escaped, `|` and backticks neutralised, one line, capped).
 */

/** Deltas shown in the summary: the headline metrics, plus any metric that got significantly worse. */
const HEADLINE_DELTAS = new Set(['accuracy', 'f1_macro', 'roc_auc', 'average_precision', 'mcc']);

function deltaName(m: MetricComparison): string {
  return m.class === null ? mdText(m.metric) : `${mdText(m.metric)} \\[${mdText(m.class, 40)}\\]`;
}

function comparisonLines(c: Comparison, maxSlices: number): string[] {
  const level = `${Math.round(c.level * 100)}%`;
  const positive = c.labels.length === 2 ? c.labels[1]! : null;
  const shown = c.metrics.filter(
    (m) =>
      (m.class === null && HEADLINE_DELTAS.has(m.metric)) ||
      (m.class !== null && m.class === positive && ['precision', 'recall'].includes(m.metric)) ||
      m.verdict === 'worse',
  );
  const out = [
    '',
    `**Candidate ${mdText(c.candidate.name, 60)} ${mdText(c.candidate.version, 30)} vs baseline ${mdText(c.baseline.name, 60)} ${mdText(c.baseline.version, 30)}** · ${c.n.toLocaleString('en-US')} paired items · ${level} paired bootstrap`,
    '',
    ...mdTable(
      ['metric', 'baseline', 'candidate', 'Δ', `${level} CI of Δ`, ''],
      shown.map((m) => [deltaName(m), ...deltaCells(m), MD_VERDICT[m.verdict]]),
    ),
    '',
    `McNemar: ${c.mcnemar.overall.b} newly wrong, ${c.mcnemar.overall.c} newly right, p = ${pValue(c.mcnemar.overall.pValue)} · predictions changed on ${pct(c.flips.predictionFlipRate, 2)} of items.`,
  ];
  if (c.policies !== undefined) {
    // Multilabel: one row per policy (the headline rows above are the roll-up's).
    const rows = c.policies.map(({ policy, comparison: p }) => {
      const m = (metric: string) => p.metrics.find((x) => x.metric === metric && x.class === policy);
      const cells = (x: MetricComparison | undefined) =>
        x === undefined ? ['—', '—'] : [signed(x.delta), signedInterval(x.interval)];
      return [
        mdCode(policy, 60),
        ...cells(m('recall')),
        ...cells(m('precision')),
        String(p.mcnemar.perClass.find((g) => g.class === policy)?.b ?? 0),
        String(p.mcnemar.perClass.find((g) => g.class !== policy)?.b ?? 0),
      ];
    });
    out.push(
      '',
      ...mdTable(
        [
          'policy',
          'Δ recall',
          `${level} CI`,
          'Δ precision',
          `${level} CI`,
          'newly missed',
          'newly over-enforced',
        ],
        rows,
      ),
    );
  }
  const regressions = c.sliceRegressions
    .filter((s) => s.interval.high !== null && s.interval.high < 0)
    .slice(0, maxSlices);
  if (regressions.length > 0) {
    out.push(
      '',
      ...mdTable(
        ['slice less accurate (interval below 0)', 'n', 'Δ accuracy', `${level} CI`, 'Holm p'],
        regressions.map((s) => [
          `${mdText(s.column, 40)} = ${mdText(s.value, 60)}`,
          String(s.n),
          signed(s.delta),
          signedInterval(s.interval),
          pValue(s.adjusted.holm),
        ]),
      ),
    );
  }
  return out;
}

export interface MarkdownOptions {
  /** Slice regressions listed. Default 5. */
  maxSlices?: number;
}

/** A short Markdown summary for a pull request comment or `$GITHUB_STEP_SUMMARY`. */
export function renderMarkdownReport(inputs: ReportInputs, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  const names = inputs.models.map((m) => mdText(modelName(m), 60));
  out.push(`### modeval report${names.length > 0 ? `: ${names.join(' vs ')}` : ''}`);
  const first = inputs.models[0];
  if (first) {
    const d = first.report.dataset;
    const positive = first.report.positive;
    const shown = HEADLINES.filter(
      (r) => r.name !== 'positive FPR' && inputs.models.some((m) => r.get(m.model.overall) != null),
    );
    const nameOf = (r: (typeof shown)[number]) =>
      r.name.startsWith('positive') && positive
        ? `${mdText(positive, 30)}${r.name.slice('positive'.length)}`
        : r.name;
    // The caption is read off the intervals in the table, so it names the method each one used.
    const caption = intervalCaption(
      shown.flatMap((r) => inputs.models.map((m) => ({ name: nameOf(r), interval: r.get(m.model.overall) }))),
    );
    out.push(
      '',
      `${mdCode(basename(d.file), 60)} (sha256 ${mdCode(d.fingerprint.slice(0, 12))}) · ${d.evaluated.toLocaleString('en-US')} items evaluated · ${caption}`,
    );
    const rows = shown.map((r) => [nameOf(r), ...inputs.models.map((m) => interval(r.get(m.model.overall)))]);
    out.push('', ...mdTable(['metric', ...names], rows));
  }
  const g = inputs.comparison?.gate;
  if (g) {
    out.push(
      '',
      `**Gate: ${g.verdict === 'pass' ? '✅ PASS' : '❌ FAIL'}** · ${g.summary.passed} of ${g.summary.rules} rules pass`,
    );
    const failing = g.rules.filter((r) => r.status === 'fail');
    if (failing.length > 0) {
      out.push(
        '',
        ...mdTable(
          ['failed rule', 'result'],
          failing.slice(0, 10).map((r) => [ruleCell(r.rule, 120), mdText(r.message, 200)]),
        ),
      );
    }
    const skipped = nullSkippedLines(g);
    if (skipped.length > 0) {
      out.push('', 'Skipped by per-slice rules (`--include-null` checks them):', '', ...skipped);
    }
  }
  if (inputs.comparison) out.push(...comparisonLines(inputs.comparison.comparison, options.maxSlices ?? 5));
  for (const r of inputs.reviews.slice(0, 3)) {
    const s = r.summary;
    out.push(
      '',
      `Human review ${mdCode(basename(s.output), 60)}: ${s.verdicts} verdicts, ${s.relabelled} golden labels changed, ${s.conflicts.length} reviewer conflicts.`,
    );
  }
  const warnings = reportWarnings(inputs);
  for (const w of warnings.slice(0, MAX_WARNINGS)) out.push('', `> ⚠️ ${mdText(w, 300)}`);
  if (warnings.length > MAX_WARNINGS)
    out.push(
      '',
      `> ⚠️ ${warnings.length - MAX_WARNINGS} more warnings: see the HTML report or the metrics.json files.`,
    );
  return `${out.join('\n')}\n`;
}
