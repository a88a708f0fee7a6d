import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFortunes } from '../../datasets/fortunes/index.js';
import { main } from '../../src/cli/main.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { compareModels } from '../../src/gate/load.js';
import { loadReportInputs } from '../../src/report/load.js';
import { runModel } from '../../src/run/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * `modeval report` on two multi-policy model folders (no compare or gate folder): the report pairs
 * them through the same compare as `modeval compare`, per policy. Real data: the fortunes golden
 * set and the two multi-policy reference models.
 */
const tmp = useTmpDir();

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('report on two multi-policy model folders', () => {
  it('shows the paired comparison, the one `modeval compare` makes', async () => {
    const { golden } = await buildFortunes();
    const dirs: string[] = [];
    for (const model of ['policies-v1', 'policies-v2']) {
      const out = join(tmp(), model);
      const run = await runModel(
        { model: join(packageRoot(), 'models', model), dataset: golden, out, quiet: true },
        { log: () => {} },
      );
      await evaluate({ dataset: golden, predictions: [run.predictions!], out, resamples: 50 });
      dirs.push(out);
    }
    const settings = { resamples: 100, seed: 4 };
    const inputs = await loadReportInputs(dirs, { ...settings, thumbnails: false });
    expect(inputs.warnings.join('\n')).not.toMatch(/no paired comparison/);
    expect(inputs.comparison?.source).toBe('computed');
    const [v1, v2] = dirs.map((d) => join(d, 'predictions.arrows')) as [string, string];
    const direct = await compareModels({ baseline: v1, candidate: v2, dataset: golden, ...settings });
    expect(inputs.comparison!.comparison).toEqual(direct);
    expect(direct.policies?.map((p) => p.policy)).toContain('offensive/sexism');

    // Through the CLI, as a user runs it.
    const md = join(tmp(), 'report.md');
    const code = await main(['report', ...dirs, '--out', md, '--resamples', '100', '--seed', '4']);
    expect(code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('**Candidate policies-v2 2.0.0 vs baseline policies-v1 1.0.0**');
    expect(text).toMatch(/\| `offensive\/sexism` \| [−+]?\d/);
    expect(text).not.toContain('no paired comparison');
  }, 240_000);
});
