import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFortunes } from '../datasets/fortunes/index.js';
import { runPoliciesDemo } from '../src/cli/demo/policies-job.js';
import { formatPoliciesDemo } from '../src/cli/demo-policies.js';
import { main } from '../src/cli/main.js';
import { GateReportSchema } from '../src/contracts/gate-report.js';
import { packageRoot } from '../src/util/paths.js';
import { useTmpDir } from './helpers/tmp.js';

/**
 * The multi-policy path on real data: the fortunes golden set (Debian fortunes-es/-it curation)
 * and the two multi-policy reference models trained by models/recipe/train-policies.ts.
 */
const tmp = useTmpDir();

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('modeval demo-policies on the real fortunes golden set', () => {
  it('scores, evaluates per policy, gates both directions (exit 1 one way, 0 the other) and reports', async () => {
    const { golden } = await buildFortunes();
    const out = join(tmp(), 'demo');
    const result = await runPoliciesDemo({ golden, out, quiet: true, log: () => {} });
    expect(result.models.map((m) => m.model)).toEqual(['policies-v1', 'policies-v2']);
    for (const m of result.models) {
      expect(m.run.predicted).toBe(m.run.rows);
      const overall = m.metrics.models[0]!.overall;
      expect(m.metrics.models[0]!.perClass.map((c) => c.label)).toContain('offensive/sexism/misogyny');
      expect(overall.subsetAccuracy?.estimate).toBeGreaterThan(0.5);
    }
    const forward = result.gate.report;
    const texts = forward.rules.map((r) => r.rule.text);
    // A wildcard expanded per child, a per-language rule and a per-policy rule are among them.
    expect(texts).toEqual(expect.arrayContaining(['recall[offensive/sexism] >= baseline - 0.05']));
    expect(texts.some((t) => t.endsWith('per lang'))).toBe(true);
    expect(forward.comparison!.policies?.length).toBe(6);

    // The other direction through the CLI: the exit code CI sees. The example policy with fewer
    // bootstrap resamples (the rules are the same), to keep the test affordable on a loaded machine.
    const policy = join(out, 'policies-gate.yaml');
    writeFileSync(
      policy,
      readFileSync(join(packageRoot(), 'examples', 'ci', 'policies-gate.yaml'), 'utf8').replace(
        /^resamples: \d+$/m,
        'resamples: 500',
      ),
    );
    const [v1, v2] = result.models.map((m) => m.run.predictions!) as [string, string];
    const backwardCode = await main([
      'gate',
      '--policy',
      policy,
      '--baseline',
      v2,
      '--candidate',
      v1,
      '--dataset',
      golden,
      '--out',
      join(out, 'bw'),
    ]);
    // v2 over v1 fails (the demo's gate), v1 over v2 passes.
    expect(forward.verdict).toBe('fail');
    expect(backwardCode).toBe(0);
    const backward = GateReportSchema.parse(JSON.parse(readFileSync(join(out, 'bw', 'gate.json'), 'utf8')));
    expect(backward.verdict).not.toBe(forward.verdict);

    // policies-v2's errors clustered per policy error cell; its disagreements sent to review.
    const clusters = result.clusters.report;
    expect(clusters.cells.map((c) => c.cell)).toEqual(
      expect.arrayContaining(['missed offensive/sexism/misogyny', 'over-enforced offensive/other']),
    );
    expect(clusters.clusters.length).toBeGreaterThan(0);
    for (const c of clusters.clusters)
      expect(c.cell).toBe(`${c.error === 'missed' ? 'missed' : 'over-enforced'} ${c.policy}`);
    expect(result.review.exported).toBe(50);
    expect(readFileSync(join(result.review.dir!, 'labelstudio-config.xml'), 'utf8')).toContain(
      'choice="multiple"',
    );

    const html = readFileSync(result.report.html.path, 'utf8');
    expect(html).toContain('Per policy');
    expect(html).toContain('offensive/sexism/misandry');
    const top = clusters.clusters[0]!;
    expect(html).toContain(
      `${top.id} <span class="badge">${top.error === 'missed' ? 'missed' : 'over-enforced'}</span> ${top.policy}</h4>`,
    );
    expect(readFileSync(result.report.markdown.path, 'utf8')).toMatch(/newly over-enforced/);
    const printed = formatPoliciesDemo(result);
    expect(printed).toMatch(/Release gate, policies-v2 \(candidate\) vs policies-v1 \(baseline\): FAIL/);
    expect(printed).toMatch(/Largest error clusters of policies-v2/);
    expect(printed).toMatch(/Review queue "policies": 50 of \d+ items/);
  }, 900_000);
});
