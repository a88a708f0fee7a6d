import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDemo } from '../src/cli/demo.js';
import { runDemo } from '../src/demo.js';
import { MetricsReportSchema } from '../src/evaluate/schema.js';
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

    const printed = formatDemo(result);
    expect(printed).toMatch(/spam-v1\s+1,183\s+0/);
    expect(printed).toMatch(/Release gate, spam-v2 \(candidate\) vs spam-v1 \(baseline\): FAIL/);
  });
});
