import type { Comparison, GateReport } from '../contracts/gate-report.js';
import { ruleCell } from '../render/gate-rules.js';
import { MD_VERDICT, mdCode, mdTable, mdText } from '../render/markdown.js';
import { DASH, fixed4, formatNumber, pct, signed, signedInterval } from '../render/numbers.js';
import { describeOutcome } from './evaluate-rules.js';

/** The gate's and compare's Markdown summaries; escaping and number formats are render/'s. */

// Metric values and their intervals at four decimals; p-values keep formatNumber's exponent form.
const num = (x: number | null): string => (x === null ? DASH : fixed4(x));
const signedNum = (x: number | null): string => signed(x, fixed4);
const ci = (m: { interval: { low: number | null; high: number | null } }): string =>
  signedInterval(m.interval, fixed4);
const pct2 = (x: number | null): string => pct(x, 2);

function metricName(m: { metric: string; class: string | null }): string {
  return m.class === null ? mdText(m.metric) : `${mdText(m.metric)}\\[${mdText(m.class)}\\]`;
}

/** The comparison sections (shared by `compare` and `gate`). */
export function comparisonMarkdown(
  c: Comparison,
  options: { flipRows?: number; sliceRows?: number } = {},
): string {
  const level = `${Math.round(c.level * 100)}%`;
  const out: string[] = [];
  out.push(
    `Candidate **${mdText(c.candidate.name)} ${mdText(c.candidate.version)}** vs baseline **${mdText(c.baseline.name)} ${mdText(c.baseline.version)}** ` +
      `on ${c.n.toLocaleString('en-US')} golden items (dataset sha256 \`${c.dataset.fingerprint.slice(0, 12)}\`). ` +
      `Intervals: ${level} paired bootstrap of candidate − baseline, ${c.resamples} resamples, seed ${c.seed}.`,
  );
  for (const w of c.warnings) out.push('', `> ⚠️ ${mdText(w, 300)}`);
  out.push('', '### Metrics', '');
  out.push(
    ...mdTable(
      ['metric', 'baseline', 'candidate', 'Δ', `${level} CI of Δ`, ''],
      c.metrics.map((m) => [
        metricName(m),
        num(m.baseline),
        num(m.candidate),
        signedNum(m.delta),
        ci(m),
        MD_VERDICT[m.verdict],
      ]),
    ),
  );
  out.push('', "### McNemar's test on per-item correctness", '');
  out.push(
    ...mdTable(
      ['items', 'n', 'newly wrong (b)', 'newly right (c)', 'p-value', 'method'],
      [c.mcnemar.overall, ...c.mcnemar.perClass].map((g) => [
        g.class === null ? 'all' : `golden ${mdText(g.class)}`,
        String(g.n),
        String(g.b),
        String(g.c),
        formatNumber(g.pValue),
        g.method,
      ]),
    ),
  );
  out.push(...flipsMarkdown(c, options.flipRows ?? 10));
  out.push(...sliceRegressionsMarkdown(c, options.sliceRows ?? 10, level));
  return `${out.join('\n')}\n`;
}

function flipsMarkdown(c: Comparison, flipRows: number): string[] {
  const f = c.flips;
  const out = [
    '',
    '### Flips against the golden label',
    '',
    `${f.newlyWrong} newly wrong, ${f.newlyRight} newly right; predictions changed on ${f.predictionFlips} items ` +
      `(flip rate ${pct2(f.predictionFlipRate)}).`,
  ];
  const items = (title: string, list: Comparison['flips']['newlyWrongItems'], total: number) => {
    if (list.length === 0) return;
    const shown = list.slice(0, flipRows);
    out.push(
      '',
      `**${title}** (${shown.length} of ${total}${total > shown.length ? '; all counts in the JSON' : ''})`,
      '',
    );
    const score = (s: number[], label: string) => num(s[c.labels.indexOf(label)] ?? null);
    out.push(
      ...mdTable(
        ['id', 'golden', 'baseline', 'candidate'],
        shown.map((x) => [
          mdCode(x.id, 80),
          mdText(x.truth),
          `${mdText(x.baselinePredicted)} (${score(x.baselineScores, x.baselinePredicted)})`,
          `${mdText(x.candidatePredicted)} (${score(x.candidateScores, x.candidatePredicted)})`,
        ]),
      ),
    );
  };
  items('Newly wrong', f.newlyWrongItems, f.newlyWrong);
  items('Newly right', f.newlyRightItems, f.newlyRight);
  return out;
}

function sliceRegressionsMarkdown(c: Comparison, sliceRows: number, level: string): string[] {
  const out = ['', '### Slice regressions', ''];
  if (c.sliceRegressions.length === 0) {
    out.push('No slice value is less accurate with the candidate.');
    return out;
  }
  const shown = c.sliceRegressions.slice(0, sliceRows);
  out.push(
    ...mdTable(
      [
        'slice',
        'n',
        'baseline acc.',
        'candidate acc.',
        'Δ',
        `${level} CI of Δ`,
        'wrong/right',
        'McNemar p',
        `Holm p (${shown[0]!.adjusted.family} slices)`,
      ],
      shown.map((r) => [
        `${mdText(r.column)} = ${mdText(r.value)}`,
        String(r.n),
        pct2(r.baselineAccuracy),
        pct2(r.candidateAccuracy),
        signedNum(r.delta),
        ci(r),
        `${r.newlyWrong}/${r.newlyRight}`,
        formatNumber(r.mcnemar.pValue),
        formatNumber(r.adjusted.holm),
      ]),
    ),
  );
  if (c.sliceRegressions.length > shown.length) {
    out.push('', `${c.sliceRegressions.length - shown.length} more in the JSON.`);
  }
  return out;
}

export function compareMarkdown(c: Comparison): string {
  return `## modeval compare\n\n${comparisonMarkdown(c)}`;
}

export function gateMarkdown(report: GateReport): string {
  const pass = report.verdict === 'pass';
  const out: string[] = [];
  out.push(`## modeval gate: ${pass ? '✅ PASS' : '❌ FAIL'}`, '');
  out.push(
    `${report.summary.passed} of ${report.summary.rules} rules pass (policy ${mdCode(report.policy.file)}).`,
    '',
  );
  out.push(
    ...mdTable(
      ['', 'rule', 'result'],
      report.rules.map((r) => {
        const failing = r.outcomes.filter((o) => o.status === 'fail');
        const extra =
          failing.length > 1
            ? `<br>${failing
                .slice(1, 6)
                .map((o) => mdText(describeOutcome(r.rule, o), 300))
                .join('<br>')}${failing.length > 6 ? `<br>… ${failing.length - 6} more` : ''}`
            : '';
        return [
          r.status === 'pass' ? '✅' : '❌',
          ruleCell(r.rule, 300),
          `${mdText(r.message, 400)}${extra}`,
        ];
      }),
    ),
  );
  if (report.labelers) {
    const l = report.labelers;
    out.push(
      '',
      `Labelling rules read ${mdCode(l.file)}: ${l.annotators} annotators, judgements from ${mdText(l.judgements)} on ${mdCode(l.dataset)}.`,
    );
  }
  if (report.comparison) out.push('', comparisonMarkdown(report.comparison));
  return out.join('\n');
}
