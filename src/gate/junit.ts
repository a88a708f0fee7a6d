import type { GateReport } from '../contracts/gate-report.js';
import { xmlAttr, xmlText } from '../render/xml.js';
import { describeOutcome } from './evaluate-rules.js';

/**
 * JUnit XML for CI test reporters: one testsuite, one testcase per rule, a <failure> carrying the
 * observed value, the bound and the interval. Everything interpolated comes (indirectly) from
 * user files and hostile data (ids, labels, slice values, rule names), so every string goes
 * through render/xml.ts. No timestamps or timings, so the file is deterministic.
 */

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

export function gateJUnit(report: GateReport): string {
  const c = report.comparison;
  const suiteName = `modeval gate (${report.policy.file})`;
  const counts = { tests: report.summary.rules, failures: report.summary.failed, errors: 0, skipped: 0 };
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites${attrs({ name: 'modeval gate', ...counts, time: 0 })}>`);
  lines.push(`  <testsuite${attrs({ name: suiteName, ...counts, time: 0 })}>`);
  lines.push('    <properties>');
  const l = report.labelers;
  const props: [string, string][] = [
    ['verdict', report.verdict],
    ...(c
      ? ([
          ['baseline', `${c.baseline.name} ${c.baseline.version} (${c.baseline.file})`],
          ['candidate', `${c.candidate.name} ${c.candidate.version} (${c.candidate.file})`],
          ['dataset', `${c.dataset.file} sha256:${c.dataset.fingerprint}`],
          ['items', String(c.n)],
          [
            'bootstrap',
            `${report.policy.resamples} paired resamples, level ${report.policy.level}, seed ${report.policy.seed}`,
          ],
          // What the join noted (predictions of another dataset file, missing rows): one property each.
          ...c.warnings.map((w): [string, string] => ['warning', w]),
        ] as [string, string][])
      : []),
    ...(l
      ? ([['labelers', `${l.file} (${l.annotators} annotators; ${l.judgements} on ${l.dataset})`]] as [
          string,
          string,
        ][])
      : []),
  ];
  for (const [name, value] of props) lines.push(`      <property${attrs({ name, value })}/>`);
  lines.push('    </properties>');
  for (const r of report.rules) {
    const name = r.rule.name === r.rule.text ? r.rule.text : `${r.rule.name}: ${r.rule.text}`;
    lines.push(`    <testcase${attrs({ classname: 'modeval.gate', name, time: 0 })}>`);
    const detail = r.outcomes
      .map((o) => `${o.status.toUpperCase()} ${describeOutcome(r.rule, o)}`)
      .join('\n');
    if (r.status === 'fail') {
      lines.push(
        `      <failure${attrs({ message: r.message, type: 'GateRuleFailed' })}>${xmlText(detail)}</failure>`,
      );
    } else {
      lines.push(`      <system-out>${xmlText(detail)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
