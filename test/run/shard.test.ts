import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadPairedSet } from '../../src/gate/load.js';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { mergePredictions } from '../../src/run/merge.js';
import { runModel } from '../../src/run/run.js';
import { parseShard, shardRows } from '../../src/run/shard.js';
import { BadInputError } from '../../src/util/errors.js';
import { goldenPath, MODEL_V1 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const noLog = { log: () => {} };

function predictionsOf(dir: string): string {
  return join(dir, OUTPUT_FILES.predictions.name);
}

/** metrics.json without the field that names the input files (they differ by construction). */
function comparable(report: unknown): unknown {
  return JSON.parse(JSON.stringify(report), (key, value) => (key === 'predictionsFile' ? undefined : value));
}

describe('shards: --shard i/n and predictions merge', () => {
  it('4 shards merged (given in any order) are byte for byte the single run; eval, compare on the shards equal the single file', async () => {
    const dir = tmp();
    const golden = await goldenPath();
    const common = { model: MODEL_V1, dataset: golden, batchSize: 64, workers: 1, quiet: true };
    const single = join(dir, 'single');
    await runModel({ ...common, out: single }, noLog);
    const shardDirs: string[] = [];
    let scored = 0;
    for (let i = 0; i < 4; i++) {
      const out = join(dir, `shard-${i}`);
      const s = await runModel({ ...common, out, shard: { index: i, count: 4 } }, noLog);
      expect(s.status).toBe('completed');
      expect(s.shard).toEqual(shardRows({ index: i, count: 4 }, 1183, golden));
      scored += s.predicted + s.invalid;
      shardDirs.push(out);
    }
    // Each row is scored by exactly one shard.
    expect(scored).toBe(1183);

    const merged = join(dir, 'merged.arrows');
    const summary = await mergePredictions({ shards: [...shardDirs].reverse(), out: merged });
    expect(summary.shards).toBe(4);
    expect(readFileSync(merged).equals(readFileSync(predictionsOf(single)))).toBe(true);

    const evalOpts = { dataset: golden, resamples: 50, seed: 7 };
    const one = await evaluate({ ...evalOpts, predictions: [predictionsOf(single)] });
    const several = await evaluate({ ...evalOpts, predictions: [shardDirs.map(predictionsOf).join(',')] });
    expect(comparable(several.report)).toEqual(comparable(one.report));

    const paired = await loadPairedSet({
      baseline: predictionsOf(single),
      candidate: shardDirs.map(predictionsOf).join(','),
      dataset: golden,
    });
    expect(paired.ids.length).toBe(one.report.dataset.evaluated);
    expect(paired.candidate.predicted).toEqual(paired.baseline.predicted);
    expect(paired.candidate.scores).toEqual(paired.baseline.scores);
  });

  it('more shards than chunks: empty shards merge away; a missing or repeated shard is refused', async () => {
    const dir = tmp();
    const golden = await goldenPath();
    const common = { model: MODEL_V1, dataset: golden, batchSize: 512, workers: 1, quiet: true };
    const single = join(dir, 'single');
    await runModel({ ...common, out: single }, noLog);
    const shardDirs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const out = join(dir, `s${i}`);
      await runModel({ ...common, out, shard: { index: i, count: 5 } }, noLog);
      shardDirs.push(out);
    }
    const merged = join(dir, 'merged.arrows');
    await mergePredictions({ shards: shardDirs, out: merged });
    expect(readFileSync(merged).equals(readFileSync(predictionsOf(single)))).toBe(true);

    await expect(
      mergePredictions({ shards: shardDirs.slice(1), out: join(dir, 'x.arrows') }),
    ).rejects.toThrow(/missing shard\(s\) 0\/5/);
    await expect(
      mergePredictions({ shards: [...shardDirs, shardDirs[2]!], out: join(dir, 'x.arrows') }),
    ).rejects.toThrow(/shard 2\/5 is given twice/);
    await expect(mergePredictions({ shards: [single], out: join(dir, 'x.arrows') })).rejects.toBeInstanceOf(
      BadInputError,
    );
  });

  it('parses i/n and refuses what is not a share', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3/4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1', '-1/4', '1/0', 'a/b', '1/4/2']) {
      expect(() => parseShard(bad)).toThrow(BadInputError);
    }
    // Contiguous, covering, as equal as integers allow.
    const rows = [0, 1, 2, 3].map((i) => shardRows({ index: i, count: 4 }, 10, 'f'));
    expect(rows.map((r) => [r.firstRow, r.endRow])).toEqual([
      [0, 2],
      [2, 5],
      [5, 7],
      [7, 10],
    ]);
  });
});
