import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeManyLabelSet } from '../../bench/many-labels.js';
import { MAX_POLICY_RULES } from '../../src/gate/policy.js';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { INPUT_SIZE_LIMITS } from '../../src/util/files.js';
import {
  expectRefusal,
  expectUnchanged,
  modeval,
  scoredGolden,
  snapshot,
  tempFilesUnder,
} from '../helpers/cli.js';
import { MODEL_V1 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * Issue 16 item 7: time and memory are bounded. Inputs read whole are read only if regular and
 * under their size cap (README "Limits"): a 10 MB policy, a card that is a FIFO or a link to
 * /dev/zero, an oversized tokenizer are exit 2 at once; a policy over the rule cap is exit 2; an
 * output under /proc is refused without spinning; and eval over 1,000 labels finishes (its time
 * and memory are measured in bench/many-labels.ts, never asserted here).
 */

const tmp = useTmpDir();
let golden: string;
let v1: string;
let v2: string;

beforeAll(async () => {
  ({ golden, v1, v2 } = await scoredGolden('bounds'));
}, 180_000);

function gate(policy: string, out: string) {
  return modeval(
    ['gate', '--policy', policy, '--baseline', v2, '--candidate', v1, '--dataset', golden, '--out', out],
    { timeoutMs: 60_000 },
  );
}

/** A copy of spam-v1 whose files a test may replace. */
function modelCopy(): string {
  const dir = join(tmp(), 'model');
  mkdirSync(dir, { recursive: true });
  for (const f of ['model.json', 'model.onnx', 'tokenizer.json'])
    copyFileSync(join(MODEL_V1, f), join(dir, f));
  return dir;
}

describe('policies are bounded in size and rules', () => {
  it('a 10 MB policy is refused before it is parsed (size cap), exit 2', () => {
    const policy = join(tmp(), 'huge.yaml');
    const rule = '  - recall[spam] >= 0.5\n';
    writeFileSync(policy, `rules:\n${rule.repeat(Math.ceil((10 * 1024 * 1024) / rule.length))}`);
    const out = join(tmp(), 'g');
    const started = Date.now();
    const res = gate(policy, out);
    expectRefusal(res, 2, policy, /larger than the 1\.0 MiB/);
    expect(INPUT_SIZE_LIMITS.policy).toBe(1024 * 1024);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(tempFilesUnder(tmp())).toEqual([]);
  });

  it(`a policy of more than ${MAX_POLICY_RULES} rules is exit 2; ${MAX_POLICY_RULES} rules are evaluated`, () => {
    const many = join(tmp(), 'many.yaml');
    const rule = '  - recall[spam] >= 0.5\n';
    writeFileSync(many, `resamples: 100\nrules:\n${rule.repeat(MAX_POLICY_RULES + 1)}`);
    expectRefusal(gate(many, join(tmp(), 'g1')), 2, many, new RegExp(`at most ${MAX_POLICY_RULES} rules`));
    const most = join(tmp(), 'most.yaml');
    writeFileSync(most, `resamples: 100\nrules:\n${rule.repeat(MAX_POLICY_RULES)}`);
    const res = gate(most, join(tmp(), 'g2'));
    expect(res.status, res.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp(), 'g2', OUTPUT_FILES.gate.name), 'utf8'));
    expect(report.rules).toHaveLength(MAX_POLICY_RULES);
  }, 120_000);
});

describe('inputs read whole must be regular files under their cap', () => {
  it('a model card that is a FIFO is exit 2 at once (no hang)', () => {
    const model = modelCopy();
    const card = join(model, 'model.json');
    const before = snapshot([join(model, 'model.onnx'), golden]);
    execFileSync('rm', [card]);
    execFileSync('mkfifo', [card]);
    const res = modeval(['run', '--model', model, '--dataset', golden, '--out', join(tmp(), 'o')], {
      timeoutMs: 60_000,
    });
    expectRefusal(res, 2, card, /not a regular file/);
    expectUnchanged(before);
  });

  it('a model card linked to /dev/zero is exit 2, not read forever', () => {
    const model = modelCopy();
    const card = join(model, 'model.json');
    execFileSync('rm', [card]);
    symlinkSync('/dev/zero', card);
    const res = modeval(['run', '--model', model, '--dataset', golden, '--out', join(tmp(), 'o')], {
      timeoutMs: 60_000,
    });
    expectRefusal(res, 2, card, /not a regular file/);
  });

  it('a tokenizer over its cap is exit 2 naming it, before it is read', () => {
    const model = modelCopy();
    const tokenizer = join(model, 'tokenizer.json');
    // Sparse: the size is what is checked, nothing is read.
    truncateSync(tokenizer, INPUT_SIZE_LIMITS.tokenizer + 1);
    const res = modeval(['run', '--model', model, '--dataset', golden, '--out', join(tmp(), 'o')], {
      timeoutMs: 60_000,
    });
    expectRefusal(res, 2, tokenizer, /larger than the 64\.0 MiB/);
  });

  it('an output under /proc is refused at once', () => {
    const res = modeval(['eval', '--predictions', v1, '--dataset', golden, '--out', '/proc/self/x'], {
      timeoutMs: 30_000,
    });
    expectRefusal(res, 2, '/proc/self/x');
  });
});

describe('work that grows with the label count', () => {
  it('eval on 1,000 labels over the 1,183 golden rows finishes with every class reported', async () => {
    const dir = join(tmp(), 'k1000');
    mkdirSync(dir);
    const { golden: g, predictions } = await writeManyLabelSet(dir, 1000);
    const out = join(dir, 'out');
    const res = modeval(['eval', '--predictions', predictions, '--dataset', g, '--out', out], {
      timeoutMs: 240_000,
    });
    expect(res.status, res.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, OUTPUT_FILES.metrics.name), 'utf8'));
    expect(metrics.models[0].overall.support).toHaveLength(1000);
  }, 300_000);
});
