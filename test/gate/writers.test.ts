import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { GateReportSchema } from '../../src/contracts/gate-report.js';
import { decideGate } from '../../src/gate/gate.js';
import { gateJUnit } from '../../src/gate/junit.js';
import { gateMarkdown } from '../../src/gate/markdown.js';
import { parsePolicy } from '../../src/gate/policy.js';
import { mdCode, mdText } from '../../src/render/markdown.js';
import { xmlAttr, xmlText } from '../../src/render/xml.js';
import { fromPatterns, pairedSet, repeat } from './fixtures.js';

/** Parse with a strict, conforming XML parser (saxes): throws on anything not well-formed. */
function parseXml(xml: string) {
  const parser = new SaxesParser();
  const testcases: { name: string; failure?: string; failureText: string }[] = [];
  const properties: Record<string, string> = {};
  let current: (typeof testcases)[number] | undefined;
  let inFailure = false;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => {
    const attr = (k: string) => String(t.attributes[k] ?? '');
    if (t.name === 'testcase') {
      current = { name: attr('name'), failureText: '' };
      testcases.push(current);
    } else if (t.name === 'failure') {
      current!.failure = attr('message');
      inFailure = true;
    } else if (t.name === 'property') properties[attr('name')] = attr('value');
  });
  parser.on('closetag', (t) => {
    if (t.name === 'failure') inFailure = false;
  });
  parser.on('text', (text) => {
    if (inFailure) current!.failureText += text;
  });
  parser.write(xml).close();
  return { testcases, properties };
}

// SYNTHETIC hostile data: ids and labels an attacker controls.
const HOSTILE_IDS = [
  '<script>alert(1)</script>',
  ']]><injected/>',
  `"quoted" 'single' & <tag attr="x">`,
  'ctrl\u0001char\u001b[31m',
  'lone\ud800surrogate',
  'pipe | and `tick` and [link](javascript:alert(1))',
];
const HOSTILE_LABELS = ['ok', '<b>bad</b>"&\''];

function hostileReport() {
  const [ok, bad] = HOSTILE_LABELS as [string, string];
  const rows = fromPatterns(HOSTILE_LABELS, [
    ...repeat(20, ok, ok, ok),
    ...repeat(20, bad, bad, bad),
    ...repeat(3, bad, bad, ok),
    ...repeat(3, ok, ok, bad),
  ]);
  const ids = rows.truth.map((_, i) => (i >= 40 ? HOSTILE_IDS[i - 40]! : `id-${i}`));
  const set = pairedSet({ ...rows, ids, slices: { 'col<x>': rows.truth.map((t) => `${t}]]>`) } });
  const policy = parsePolicy(
    [
      'resamples: 200',
      'rules:',
      `  - { metric: recall, class: ${JSON.stringify(bad)}, op: ">=", value: 0.99, name: "</testcase><x a=\\"1\\">" }`,
      `  - { metric: newly_wrong, class: ${JSON.stringify(bad)}, op: "<=", value: 10 }`,
      '  - { rule: "accuracy >= baseline - 0.5", slice: "col<x>" }',
    ].join('\n'),
    'gate "<hostile>".yaml',
  );
  return decideGate(policy, set);
}

describe('JUnit XML', () => {
  it('escapes text and attributes and drops characters XML cannot carry', () => {
    expect(xmlText('a<b>&]]>')).toBe('a&lt;b&gt;&amp;]]&gt;');
    expect(xmlAttr(`"'\n\t`)).toBe('&quot;&apos;&#10;&#9;');
    expect(xmlText('x\u0000y\ud800z\ud83d\ude00')).toBe('x\ufffdy\ufffdz\ud83d\ude00');
  });

  it('is well-formed with hostile ids, labels, slice values and rule names, one testcase per rule', () => {
    const report = hostileReport();
    expect(GateReportSchema.parse(report)).toEqual(report);
    const xml = gateJUnit(report);
    const { testcases, properties } = parseXml(xml);
    expect(testcases).toHaveLength(3);
    expect(properties.verdict).toBe('fail');
    // Round trip: what a CI reporter shows is the original text, not markup.
    expect(testcases[0]!.name).toBe('</testcase><x a="1">: recall[<b>bad</b>"&\'] >= 0.99');
    expect(testcases[0]!.failure).toMatch(
      /^recall\[<b>bad<\/b>"&'\] 0\.8696; 95% CI \[\d\.\d{4}, \d\.\d{4}\]; required >= 0\.9900$/,
    );
    expect(testcases[1]!.failure).toBeUndefined();
    expect(testcases[2]!.failure).toBeUndefined();
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]><');
    expect(xml).not.toContain('\u0001');
  });

  it('puts every slice outcome in the failure body', () => {
    const report = hostileReport();
    const failing = { ...report, rules: report.rules.map((r) => ({ ...r, status: 'fail' as const })) };
    const { testcases } = parseXml(gateJUnit(failing));
    expect(testcases[2]!.failureText.split('\n')).toHaveLength(2);
    expect(testcases[2]!.failureText).toContain('col<x>="<b>bad</b>\\"&\']]>" (n=23)');
  });
});

describe('Markdown summary', () => {
  it('escapes inline HTML and Markdown in hostile text', () => {
    expect(mdText('<script>x</script> | *a* [l](u)')).toBe(
      '&lt;script&gt;x&lt;/script&gt; \\| \\*a\\* \\[l\\](u)',
    );
    expect(mdCode('a`b|c')).toBe("`a'b\\|c`");
    const md = gateMarkdown(hostileReport());
    expect(md).toMatch(/^## modeval gate: ❌ FAIL/);
    // Outside code spans (where HTML is not interpreted) no '<' survives.
    expect(md.replace(/`[^`\n]*`/g, '')).not.toContain('<');
    expect(md).not.toContain('\u0001');
    expect(md).toContain('`<script>alert(1)</script>`');
    // Every table row keeps its header's column count: no hostile pipe splits a cell.
    const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    const lines = md.split('\n');
    let width = 0;
    let rowsChecked = 0;
    lines.forEach((line, i) => {
      if (!line.startsWith('| ')) {
        width = 0;
        return;
      }
      if (width === 0) width = cells(line);
      else if (!lines[i]!.startsWith('| ---')) {
        expect(cells(line), line).toBe(width);
        rowsChecked++;
      }
    });
    expect(rowsChecked).toBeGreaterThan(10);
  });
});
