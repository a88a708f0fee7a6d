import type { GateReport } from '../contracts/gate-report.js';
import { mdCode, mdText } from './markdown.js';

/** Gate rules in Markdown, shared by the gate's summary.md and the report's report.md. */

/**
 * A rule as the Markdown outputs show it (summary.md, report.md): its name, then its text, as
 * JUnit and the terminal do; the text alone when the rule has no name of its own.
 */
export function ruleCell(rule: GateReport['rules'][number]['rule'], maxChars = 300): string {
  const name = rule.name === rule.text ? '' : `${mdText(rule.name)}: `;
  return `${name}${mdCode(rule.text, maxChars)}`;
}

/**
 * One line per rule whose items with no slice value were skipped (not checked): the rule, the
 * column and the count, so a PR comment says what the gate did not look at.
 */
export function nullSkippedLines(report: GateReport, maxRules = 10): string[] {
  const lines: string[] = [];
  for (const r of report.rules) {
    const o = r.outcomes.find((x) => x.slice !== null && x.slice.value === null && x.status === 'skipped');
    if (o === undefined) continue;
    lines.push(
      `- ${ruleCell(r.rule, 120)}: ${o.n.toLocaleString('en-US')} items with no ${mdCode(o.slice!.column, 60)} value not checked`,
    );
  }
  if (lines.length <= maxRules) return lines;
  return [...lines.slice(0, maxRules), `- … ${lines.length - maxRules} more rules in gate.json`];
}
