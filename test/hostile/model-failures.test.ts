import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float32, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { addConstantModel, logFeaturesModel, writeModelDir } from '../model/fixtures.js';

/**
 * Models that fail, through the built CLI (ONNX Runtime's own logger writes to the process's
 * stderr, which only a child process shows). SYNTHETIC graphs and data: see the fixtures.
 */
const tmp = useTmpDir();
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'modeval.js');

function cli(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** A dataset of `rows` feature vectors of width `dim`; `value(row, k)` gives each feature. */
function featureDataset(
  dir: string,
  rows: number,
  dim: number,
  value: (row: number, k: number) => number,
): string {
  const file = join(dir, 'features.arrow');
  const ids = Array.from({ length: rows }, (_, i) => `item-${i}`);
  writeArrow(file, {
    id: { values: ids, type: new Utf8() },
    v: {
      values: ids.map((_, r) => Array.from({ length: dim }, (_, k) => value(r, k))),
      type: new List(new Field('item', new Float32(), true)),
    },
    label: { values: ids.map((_, r) => (r % 2 ? 'b' : 'a')), type: new Utf8() },
  });
  return file;
}

function card(dim: number) {
  return {
    name: 'synthetic',
    version: '1',
    task: 'multiclass' as const,
    labels: ['a', 'b'],
    inputs: [{ kind: 'features' as const, column: 'v', tensor: 'x', dim }],
  };
}

/** One error line naming the file, no stack, no retries, nothing from ONNX Runtime's logger. */
function expectCleanFailure(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/retrying|\n\s+at |internal error/);
  // ORT's logger prefixes `[E:onnxruntime:…]` / `[W:onnxruntime:…]` and colours it.
  expect(stderr).not.toMatch(/\[[EWIV]:onnxruntime:/);
  expect(stderr).not.toContain('\u001b[');
}

describe('a model whose output is unusable', () => {
  it('every output NaN: exit 2 naming the model file, the output and the first row id; nothing written', () => {
    const dir = tmp();
    const model = writeModelDir(join(dir, 'model'), { card: card(2), onnx: logFeaturesModel() });
    // log(-1) = NaN on every row.
    const data = featureDataset(dir, 40, 2, () => -1);
    const out = join(dir, 'out');
    const r = cli(['run', '--model', model, '--dataset', data, '--out', out, '--quiet', '--workers', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(join(model, 'model.onnx'));
    expect(r.stderr).toMatch(/output "logits" is unusable for row 0 \(id "item-0"\): model output 0 is NaN/);
    expect(r.stderr).toMatch(/--on-invalid skip/);
    expectCleanFailure(r.stderr);
    expect(existsSync(join(out, 'predictions.arrows'))).toBe(false);
    expect(existsSync(join(out, 'run.json'))).toBe(false);

    // Set aside, the NaN rows still leave nothing scored: exit 2, not "completed" with 0 predictions.
    const skip = cli([
      'run',
      ...['--model', model, '--dataset', data, '--out', out, '--quiet', '--workers', '1'],
      ...['--on-invalid', 'skip'],
    ]);
    expect(skip.status).toBe(2);
    expect(skip.stderr).toMatch(/scored none of the 40 rows .*row 0 \(id "item-0"\): model output 0 is NaN/);
    expectCleanFailure(skip.stderr);
    expect(existsSync(join(out, 'run.json'))).toBe(false);
  });

  it('some outputs NaN with --on-invalid skip: the other rows scored, the NaN rows listed with their ids', () => {
    const dir = tmp();
    const model = writeModelDir(join(dir, 'model'), { card: card(2), onnx: logFeaturesModel() });
    const data = featureDataset(dir, 40, 2, (r) => (r % 10 === 3 ? -1 : 1 + r));
    const out = join(dir, 'out');
    const args = ['run', '--model', model, '--dataset', data, '--out', out, '--quiet', '--workers', '1'];
    expect(cli(args).status).toBe(2);
    const r = cli([...args, '--on-invalid', 'skip']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
      predicted: number;
      invalid: number;
    };
    expect([summary.predicted, summary.invalid]).toEqual([36, 4]);
    const invalid = readFileSync(join(out, 'invalid-rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; reason: string });
    expect(invalid.map((x) => x.id)).toEqual(['item-3', 'item-13', 'item-23', 'item-33']);
    expect(invalid[0]!.reason).toBe('model output 0 is NaN');
  });
});

/** `run` a features model (graph `onnx`, card width `dim`) on 20 rows with two workers. */
function runFeatures(
  onnx: Uint8Array,
  dim: number,
): { model: string; status: number | null; stderr: string } {
  const dir = tmp();
  const model = writeModelDir(join(dir, 'model'), { card: card(dim), onnx });
  const data = featureDataset(dir, 20, dim, (r, k) => 1 + r + k);
  const args = ['--model', model, '--dataset', data, '--out', join(dir, 'out'), '--quiet', '--workers', '2'];
  return { model, ...cli(['run', ...args]) };
}

describe('a model that fails deterministically is not retried', () => {
  it('ONNX Runtime refusing the input shape at run time: one attempt, exit 2 naming the model, no ORT log lines', () => {
    const r = runFeatures(addConstantModel(), 3);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(r.model, 'model.onnx')}: ONNX Runtime cannot run the model`);
    expectCleanFailure(r.stderr);
  });

  it('an output of the wrong width (declared symbolically): one attempt, exit 2', () => {
    const r = runFeatures(logFeaturesModel(3, true), 3);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /model\.onnx: output "logits" came back as float32\[\d+, 3\], expected float32\[\d+, 2\]/,
    );
    expectCleanFailure(r.stderr);
  });
});
