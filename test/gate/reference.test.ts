import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { GateReportSchema } from '../../src/contracts/gate-report.js';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { runModel } from '../../src/run/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { goldenPath, MODEL_V1, MODEL_V2 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * End to end on real data: the two reference models score the real SpamAssassin golden set, and
 * the example policy (examples/ci/gate.yaml) passes spam-v1 over spam-v2 and fails the reverse.
 */
const tmp = useTmpDir();
const POLICY = join(packageRoot(), 'examples', 'ci', 'gate.yaml');
let stdout = '';

beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function testcases(xml: string): { name: string; failed: boolean }[] {
  const parser = new SaxesParser();
  const out: { name: string; failed: boolean }[] = [];
  parser.on('opentag', (t) => {
    if (t.name === 'testcase') out.push({ name: String(t.attributes.name), failed: false });
    if (t.name === 'failure') out[out.length - 1]!.failed = true;
  });
  parser.write(xml).close();
  return out;
}

describe('the example gate on the reference models', () => {
  it('passes spam-v1 over spam-v2 and fails spam-v2 over spam-v1', { timeout: 120_000 }, async () => {
    const golden = await goldenPath();
    const dir = tmp();
    const pred: Record<string, string> = {};
    for (const [name, model] of [
      ['v1', MODEL_V1],
      ['v2', MODEL_V2],
    ] as const) {
      await runModel(
        { model, dataset: golden, out: join(dir, name), workers: 1, quiet: true },
        { log: () => {} },
      );
      pred[name] = join(dir, name, OUTPUT_FILES.predictions.name);
    }
    const gate = (baseline: string, candidate: string, out: string) =>
      main([
        'gate',
        '--policy',
        POLICY,
        '--baseline',
        baseline,
        '--candidate',
        candidate,
        '--dataset',
        golden,
        '--out',
        out,
      ]);

    expect(await gate(pred.v2!, pred.v1!, join(dir, 'v1-over-v2'))).toBe(0);
    expect(stdout).toMatch(/gate PASS: 9\/9 rules pass/);
    expect(await gate(pred.v1!, pred.v2!, join(dir, 'v2-over-v1'))).toBe(1);

    const report = GateReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'v2-over-v1', 'gate.json'), 'utf8')),
    );
    const c = report.comparison!;
    expect(c.n).toBe(1183);
    expect([c.baseline.name, c.candidate.name]).toEqual(['spam-v1', 'spam-v2']);
    // Real differences with intervals: spam-v2 is significantly less accurate (paired CI below 0).
    const accuracy = c.metrics.find((m) => m.metric === 'accuracy')!;
    expect(accuracy.delta!).toBeLessThan(0);
    expect(accuracy.interval.high!).toBeLessThan(0);
    expect(c.mcnemar.overall.b).toBeGreaterThan(c.mcnemar.overall.c);
    expect(c.mcnemar.overall.pValue).toBeLessThan(0.05);
    expect(c.flips.newlyWrongItems.length).toBe(Math.min(50, c.flips.newlyWrong));
    expect(c.flips.newlyWrongItems[0]!.id).toMatch(/^(spam|easy-ham|hard-ham)-\d\//);
    const failed = report.rules.filter((r) => r.status === 'fail').map((r) => r.rule.text);
    expect(failed).toEqual([
      'recall[spam] >= 0.95',
      'f1_macro >= baseline - 0.01',
      'roc_auc >= baseline - 0.002',
      'cost <= baseline + 0.02',
      'newly_wrong[spam] <= 10',
    ]);
    // The non-inferiority failures are decided on the interval's lower end.
    const f1 = report.rules.find((r) => r.rule.metric === 'f1_macro')!.outcomes[0]!;
    expect(f1.decidedOn).toBe('interval-low');
    expect(f1.decisive).toBe(f1.interval!.low);

    const cases = testcases(readFileSync(join(dir, 'v2-over-v1', 'junit.xml'), 'utf8'));
    expect(cases).toHaveLength(9);
    expect(cases.filter((t) => t.failed)).toHaveLength(5);
    expect(readFileSync(join(dir, 'v2-over-v1', 'summary.md'), 'utf8')).toMatch(
      /^## modeval gate: ❌ FAIL\n\n4 of 9 rules pass/,
    );
  });
});
