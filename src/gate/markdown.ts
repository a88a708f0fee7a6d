import { cleanText } from '../report/escape.js';
import { describeOutcome, formatNumber } from './evaluate-rules.js';
import type { Comparison, GateReport, MetricComparison } from './schema.js';

/**
 * Markdown summaries for pull requests and `$GITHUB_STEP_SUMMARY`. GitHub renders inline HTML in
 * Markdown, and ids, labels and slice values come from hostile data, so every interpolated string
 * goes through `mdText` (HTML-escaped, inline Markdown punctuation backslash-escaped, one line) or
 * `mdCode`. Block syntax (`#`, `-`, `1.`) only acts at the start of a line, and no interpolated
 * text ever starts one. Both first clean the text as the HTML report does (`cleanText`: one line,
 * invisible controls and bidi overrides shown as `[U+XXXX]`, capped in code points), so the two
 * reports show the same evidence.
 */

/** Safe inline text for a Markdown table cell or paragraph. */
export function mdText(s: string, max = 120): string {
  return cleanText(s, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/**
 * Inline code for a table cell: HTML is not interpreted inside a code span, but a backtick would end
 * it and a pipe would end the cell (GFM splits cells before parsing spans), so both are neutralised.
 */
export function mdCode(s: string, max = 120): string {
  return `\`${cleanText(s, max).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(100 * x).toFixed(2)}%`;
}

function num(x: number | null): string {
  return x === null ? '—' : formatNumber(x);
}

function signedNum(x: number | null): string {
  if (x === null) return '—';
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${formatNumber(Math.abs(x))}`;
}

function ci(m: { interval: { low: number | null; high: number | null } }): string {
  const { low, high } = m.interval;
  return low === null || high === null ? '—' : `[${signedNum(low)}, ${signedNum(high)}]`;
}

/** How a metric's verdict reads in Markdown (the gate, compare and report summaries). */
export const MD_VERDICT: Record<MetricComparison['verdict'], string> = {
  better: '▲ better',
  worse: '▼ worse',
  'no-significant-change': 'no sig. change',
  undefined: '—',
};

/** A GitHub-flavoured Markdown table; cells must already be escaped (`mdText`, `mdCode`). */
export function mdTable(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function metricName(m: { metric: string; class: string | null }): string {
  return m.class === null ? mdText(m.metric) : `${mdText(m.metric)}\\[${mdText(m.class)}\\]`;
}

/** The comparison sections (shared by `compare` and `gate`). */
export function comparisonMarkdown(
  c: Comparison,
  options: { flipRows?: number; sliceRows?: number } = {},
): string {
  const flipRows = options.flipRows ?? 10;
  const sliceRows = options.sliceRows ?? 10;
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
  const f = c.flips;
  out.push('', '### Flips against the golden label', '');
  out.push(
    `${f.newlyWrong} newly wrong, ${f.newlyRight} newly right; predictions changed on ${f.predictionFlips} items ` +
      `(flip rate ${pct(f.predictionFlipRate)}).`,
  );
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
  out.push('', '### Slice regressions', '');
  if (c.sliceRegressions.length === 0) out.push('No slice value is less accurate with the candidate.');
  else {
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
        ],
        shown.map((r) => [
          `${mdText(r.column)} = ${mdText(r.value)}`,
          String(r.n),
          pct(r.baselineAccuracy),
          pct(r.candidateAccuracy),
          signedNum(r.delta),
          ci(r),
          `${r.newlyWrong}/${r.newlyRight}`,
          formatNumber(r.mcnemar.pValue),
        ]),
      ),
    );
    if (c.sliceRegressions.length > shown.length) {
      out.push('', `${c.sliceRegressions.length - shown.length} more in the JSON.`);
    }
  }
  return `${out.join('\n')}\n`;
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
        const name = r.rule.name === r.rule.text ? '' : `${mdText(r.rule.name)}: `;
        return [
          r.status === 'pass' ? '✅' : '❌',
          `${name}${mdCode(r.rule.text, 300)}`,
          `${mdText(r.message, 400)}${extra}`,
        ];
      }),
    ),
  );
  out.push('', comparisonMarkdown(report.comparison));
  return out.join('\n');
}
