import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/cli/demo/spam-job.js';
import { formatDemo } from '../src/cli/demo.js';
import { MetricsReportSchema } from '../src/contracts/metrics-report.js';
import { wilsonInterval } from '../src/metrics/proportion.js';
import { planFromMetrics } from '../src/plan/plan.js';
import { goldenPath } from './helpers/golden.js';
import { useTmpDir } from './helpers/tmp.js';

const tmp = useTmpDir();

describe('the README main job (modeval demo) on the real golden set', () => {
  it('scores, evaluates, gates, clusters and reports both reference models', async () => {
    const out = join(tmp(), 'demo');
    const result = await runDemo({ golden: await goldenPath(), out, quiet: true, log: () => {} });

    expect(result.models.map((m) => m.model)).toEqual(['spam-v1', 'spam-v2']);
    for (const m of result.models) {
      expect(m.run.rows).toBe(1183);
      expect(m.run.predicted).toBe(1183);
      const metrics = MetricsReportSchema.parse(
        JSON.parse(readFileSync(join(m.outDir, 'metrics.json'), 'utf8')),
      );
      expect(metrics.dataset.evaluated).toBe(1183);
      const accuracy = metrics.models[0]!.overall.accuracy!;
      expect(accuracy.estimate).toBeCloseTo(m.run.accuracy!, 10);
      expect(accuracy.low!).toBeLessThan(accuracy.estimate!);
    }
    // spam-v2 generalises worse than spam-v1 (see examples/ci/README.md): the example gate blocks it.
    expect(result.gate.report.verdict).toBe('fail');
    expect(existsSync(result.gate.files.junit)).toBe(true);
    expect(result.clusters.report.clusters.length).toBeGreaterThan(0);

    const html = readFileSync(result.report.html.path, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(10);
    expect(html).toContain('spam-v2');
    expect(readFileSync(result.report.markdown.path, 'utf8')).toMatch(/\| *accuracy *\|/i);

    // Golden-set sizing for the SpamAssassin golden set: spam-v2 catches 346 of 366 golden spam
    // items; the needs equal statsmodels' (test/vectors/stats.json, written by test/vectors/stats.py).
    const vectors = JSON.parse(readFileSync(new URL('./vectors/stats.json', import.meta.url), 'utf8')) as {
      plan: {
        spamassassin_spam_v2: { tp: number; positives: number; p: number; width_n: number; drop_n: number };
      };
    };
    const v = vectors.plan.spamassassin_spam_v2;
    const plan = planFromMetrics(result.models[1]!.metrics);
    const all = plan.models[0]!.rows.find((r) => r.slice === null)!;
    expect([all.relevant, all.recall]).toEqual([v.positives, v.tp / v.positives]);
    expect(all.planningRecall).toBeCloseTo(v.p, 12);
    // Sized for the Wilson interval eval reports (near the normal approximation at p ≈ 0.92).
    const width = (n: number) => {
      const b = wilsonInterval(Math.round(all.planningRecall! * n), n)!;
      return b.high - b.low;
    };
    expect(width(all.forWidth!.relevant)).toBeLessThanOrEqual(0.04);
    expect(width(all.forWidth!.relevant - 1)).toBeGreaterThan(0.04);
    expect(Math.abs(all.forWidth!.relevant - v.width_n) / v.width_n).toBeLessThan(0.05);
    expect(all.forDrop!.relevant).toBe(Math.ceil(v.drop_n));
    // Clusters: weak structure is said, and golden labels are checked by two models' agreement.
    const clusters = result.clusters.report;
    expect(clusters.labelIssues).toMatchObject({ checked: true, minModels: 2 });
    for (const cell of clusters.cells.filter((c) => c.clustered && c.silhouette! < 0.25))
      expect(cell.warning).toMatch(/weak structure/);
    expect(html).toContain('check the golden label');
    expect(html).toMatch(/to see a 2-point drop/);

    const printed = formatDemo(result);
    expect(printed).toMatch(/spam-v1\s+1,183\s+0/);
    expect(printed).toMatch(/Release gate, spam-v2 \(candidate\) vs spam-v1 \(baseline\): FAIL/);
    // About 50 s alone on 2 cores; it can overlap the multi-policy demo test (test/demo-policies.test.ts).
  }, 600_000);
});
