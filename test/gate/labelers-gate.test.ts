import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeSyntheticModeration } from '../../datasets/fixtures/synthetic.js';
import { main } from '../../src/cli/main.js';
import { GateReportSchema } from '../../src/contracts/gate-report.js';
import { LabelersReportSchema } from '../../src/contracts/labelers-report.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * Gating a labelling delivery (issue 22): `modeval labelers` writes labelers.json, `modeval gate
 * --labelers` decides the policy's labelling rules on it, with the gate's exit codes, JUnit and
 * Markdown. Hand-made deliveries with known error counts (SYNTHETIC), so every decided number is
 * a count one can check by hand.
 */
const tmp = useTmpDir();
const U = new Utf8();
const EXAMPLE = join(import.meta.dirname, '../../examples/ci/labelers-gate.yaml');
let stdout = '';
let stderr = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const LABELS = ['a', 'b', 'c'];
const N = 120;

/** A golden set of 120 items over a/b/c, with a `queue` slice (q1: items 0-59, q2: 60-119). */
function golden(dir: string): string {
  const ids = Array.from({ length: N }, (_, i) => `item-${i}`);
  const dataset = join(dir, 'golden.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: ids.map((id) => `synthetic text of ${id}`), type: U },
    label: { values: ids.map((_, i) => LABELS[i % 3]!), type: U },
    queue: { values: ids.map((_, i) => (i < N / 2 ? 'q1' : 'q2')), type: U },
  });
  writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ labels: LABELS, slices: ['queue'] }));
  return dataset;
}

/**
 * A delivery: four annotators judge every item; annotator k is wrong on the items i with
 * (i + 7k) % 40 === 0 (3 of 120, on different items), and `weak` (when `weakEvery` is set) on
 * every `weakEvery`-th item.
 */
function delivery(dir: string, name: string, weakEvery: number | null): string {
  const rows: string[] = ['item_id,annotator,label'];
  const annotators = ['ann-1', 'ann-2', '__proto__', 'weak'];
  for (let i = 0; i < N; i++) {
    const truth = LABELS[i % 3]!;
    const wrong = LABELS[(i + 1) % 3]!;
    annotators.forEach((a, k) => {
      const bad = a === 'weak' && weakEvery !== null ? i % weakEvery === 0 : (i + 7 * k) % 40 === 0;
      rows.push(`item-${i},${a},${bad ? wrong : truth}`);
    });
  }
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

async function labelersOut(dataset: string, log: string, out: string): Promise<string> {
  expect(
    await main(['labelers', '--dataset', dataset, '--log', log, '--resamples', '300', '--out', out]),
  ).toBe(0);
  return out;
}

describe('modeval gate --labelers', () => {
  it('passes a good delivery (exit 0) and fails one with a weak annotator (exit 1), with JUnit and Markdown', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const good = await labelersOut(dataset, delivery(dir, 'good', null), join(dir, 'good'));
    const bad = await labelersOut(dataset, delivery(dir, 'bad', 3), join(dir, 'bad'));

    expect(
      await main(['gate', '--policy', EXAMPLE, '--labelers', good, '--out', join(dir, 'gate-good')]),
    ).toBe(0);
    const passed = GateReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'gate-good', 'gate.json'), 'utf8')),
    );
    expect(passed.verdict).toBe('pass');
    expect(passed.comparison).toBeUndefined();
    expect(passed.labelers).toMatchObject({ annotators: 4, judgements: 'good.csv', dataset: 'golden.arrow' });
    // Every annotator is wrong on 3 of 120: the lowest accuracy is 117/120.
    const accuracyMin = passed.rules[0]!.outcomes[0]!;
    expect(accuracyMin.observed).toBeCloseTo(117 / 120, 12);
    expect(accuracyMin.interval!.method).toBe('wilson');
    expect(passed.rules[1]!.outcomes[0]!.observed).toBe(0);
    expect(stdout).toMatch(/gate PASS: 3\/3 rules pass/);

    expect(await main(['gate', '--policy', EXAMPLE, '--labelers', bad, '--out', join(dir, 'gate-bad')])).toBe(
      1,
    );
    const failed = GateReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'gate-bad', 'gate.json'), 'utf8')),
    );
    expect(failed.verdict).toBe('fail');
    const [acc, flagged, alpha] = failed.rules;
    // weak is wrong on every third item: 80/120, named in the message.
    expect(acc!.status).toBe('fail');
    expect(acc!.outcomes[0]!.observed).toBeCloseTo(80 / 120, 12);
    expect(acc!.message).toContain('annotator "weak" 80/120');
    expect(flagged!.status).toBe('fail');
    expect(flagged!.outcomes[0]!.observed).toBe(1);
    expect(flagged!.message).toContain('"weak" (adjusted p');
    // The alpha rule is decided on the interval's lower end.
    expect(alpha!.outcomes[0]!.decidedOn).toBe('interval-low');
    expect(alpha!.outcomes[0]!.decisive).toBe(alpha!.outcomes[0]!.interval!.low);
    const junit = readFileSync(join(dir, 'gate-bad', 'junit.xml'), 'utf8');
    expect(junit).toContain(
      '<testcase classname="modeval.gate" name="every annotator at least 85% right: labeler_accuracy_min &gt;= 0.85"',
    );
    expect(junit).toContain('<failure message="labeler_accuracy_min 0.6667');
    expect(junit).toContain('<property name="labelers"');
    expect(junit).not.toContain('name="baseline"');
    const md = readFileSync(join(dir, 'gate-bad', 'summary.md'), 'utf8');
    expect(md).toContain('## modeval gate: ❌ FAIL');
    expect(md).toContain('1 of 3 rules pass');
    expect(md).toContain('Labelling rules read');
  });

  it('decides labeler_accuracy_min on the lowest Wilson lower end, and alpha per slice', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const good = await labelersOut(dataset, delivery(dir, 'good', null), join(dir, 'good'));
    const report = LabelersReportSchema.parse(JSON.parse(readFileSync(join(good, 'labelers.json'), 'utf8')));
    const lows = report.views[0]!.annotators.map((a) => a.accuracy.interval!.low!);
    const policy = join(dir, 'p.yaml');
    writeFileSync(
      policy,
      [
        'rules:',
        '  - { rule: "labeler_accuracy_min >= 0.9", decideOn: interval }',
        '  - agreement_alpha >= 0.5 per queue',
        '  - agreement_alpha[b] >= 0.5',
      ].join('\n'),
    );
    expect(
      await main([
        'gate',
        '--policy',
        policy,
        '--labelers',
        join(good, 'labelers.json'),
        '--out',
        join(dir, 'g'),
      ]),
    ).toBe(0);
    const r = GateReportSchema.parse(JSON.parse(readFileSync(join(dir, 'g', 'gate.json'), 'utf8')));
    expect(r.rules[0]!.outcomes[0]!.decisive).toBe(Math.min(...lows));
    expect(r.rules[1]!.outcomes.map((o) => o.slice)).toEqual([
      { column: 'queue', value: 'q1' },
      { column: 'queue', value: 'q2' },
    ]);
    const perSlice = new Map(report.views[0]!.agreement.perSlice.map((g) => [g.scope, g.alpha.estimate]));
    expect(r.rules[1]!.outcomes[0]!.observed).toBe(perSlice.get('queue = q1'));
    const perLabel = report.views[0]!.agreement.perLabel.find((g) => g.scope === 'b')!;
    expect(r.rules[2]!.outcomes[0]!.observed).toBe(perLabel.alpha.estimate);
  });

  it('agreement_alpha[policy] on a multi-policy set reads that policy’s view; no policy = the lowest', async () => {
    const dir = tmp();
    const dataset = join(dir, 'ml.arrow');
    await writeSyntheticModeration(dataset, { seed: 3, rows: 300, task: 'multilabel', annotators: 3 });
    const out = join(dir, 'lab');
    expect(await main(['labelers', '--dataset', dataset, '--resamples', '200', '--out', out])).toBe(0);
    const report = LabelersReportSchema.parse(JSON.parse(readFileSync(join(out, 'labelers.json'), 'utf8')));
    const alphas = new Map(report.views.map((v) => [v.policy!, v.agreement.overall.alpha.estimate!]));
    const policy = join(dir, 'p.yaml');
    writeFileSync(policy, 'rules:\n  - agreement_alpha[hate] >= -1\n  - agreement_alpha >= -1\n');
    expect(await main(['gate', '--policy', policy, '--labelers', out, '--out', join(dir, 'g')])).toBe(0);
    const r = GateReportSchema.parse(JSON.parse(readFileSync(join(dir, 'g', 'gate.json'), 'utf8')));
    expect(r.rules[0]!.outcomes[0]!.observed).toBe(alphas.get('hate'));
    expect(r.rules[1]!.outcomes[0]!.observed).toBe(Math.min(...alphas.values()));
    expect(r.rules[1]!.message).toMatch(/lowest: all items \(policy [a-z_]+\)/);
    // An unknown policy is named at the rule's class.
    writeFileSync(policy, 'rules:\n  - agreement_alpha[haet] >= 0.5\n');
    expect(await main(['gate', '--policy', policy, '--labelers', out, '--out', join(dir, 'g2')])).toBe(2);
    expect(stderr).toMatch(
      /p\.yaml, line 2: rules\[0\]\.class: labelers\.json has no policy "haet" \(did you mean "hate"\?\)/,
    );
    expect(existsSync(join(dir, 'g2'))).toBe(false);
  });

  it('exits 2 for a labelling rule without --labelers, a model rule without models, a baseline bound or an interval on a count', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const lab = await labelersOut(dataset, delivery(dir, 'good', null), join(dir, 'lab'));
    const cases: [string, string[], RegExp][] = [
      [
        'rules:\n  - labeler_flagged <= 0\n',
        [],
        /rules\[0\]: labeler_flagged <= 0 reads a labelling report: give its labelers\.json \(--labelers\)/,
      ],
      [
        'rules:\n  - labeler_flagged <= 0\n  - recall[a] >= 0.9\n',
        ['--labelers', lab],
        /line 3: rules\[1\]: recall\[a\] >= 0\.9 compares two models: give the baseline, the candidate and the dataset/,
      ],
      [
        'rules:\n  - labeler_accuracy_min >= baseline\n',
        ['--labelers', lab],
        /rules\[0\]\.baseline: metric "labeler_accuracy_min" reads labelers\.json, which has no baseline/,
      ],
      [
        'rules:\n  - { rule: "labeler_flagged <= 0", decideOn: interval }\n',
        ['--labelers', lab],
        /rules\[0\]\.decideOn: metric "labeler_flagged" is a count; it has no interval/,
      ],
      [
        'rules:\n  - labeler_flagged[a] <= 0\n',
        ['--labelers', lab],
        /rules\[0\]\.class: metric "labeler_flagged" of a single-label set has one view; drop \[a\]/,
      ],
    ];
    for (const [text, extra, message] of cases) {
      const policy = join(dir, 'bad.yaml');
      writeFileSync(policy, text);
      stderr = '';
      expect(await main(['gate', '--policy', policy, ...extra, '--out', join(dir, 'out')]), text).toBe(2);
      expect(stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
