import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/dataset/open.js';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { openPredictions } from '../../src/run/predictions.js';
import { runModel } from '../../src/run/run.js';
import { BadInputError, RunFailedError } from '../../src/util/errors.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeArrow } from '../helpers/arrow.js';
import { goldenPath, MODEL_V1, repeatedGolden } from '../helpers/golden.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const quiet = { quiet: true } as const;
const noLog = { log: () => {} };

async function predictionsBytes(outDir: string): Promise<Buffer> {
  return readFileSync(join(outDir, OUTPUT_FILES.predictions.name));
}

describe('modeval run on the real golden set', () => {
  it('scores every golden row, in dataset order, with metadata naming model and data; reruns are byte-identical', async () => {
    const golden = await goldenPath();
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    const s1 = await runModel(
      { model: MODEL_V1, dataset: golden, out: a, workers: 2, batchSize: 64, ...quiet },
      noLog,
    );
    const s2 = await runModel(
      { model: MODEL_V1, dataset: golden, out: b, workers: 1, batchSize: 64, ...quiet },
      noLog,
    );
    expect(s1.status).toBe('completed');
    expect(s1.rows).toBe(1183);
    expect(s1.predicted + s1.invalid).toBe(1183);
    expect(s1.accuracy).toBeGreaterThan(0.8);
    expect(s2.accuracy).toBe(s1.accuracy);
    // Same model, data and options: identical bytes, whatever the number of workers.
    expect((await predictionsBytes(a)).equals(await predictionsBytes(b))).toBe(true);

    const preds = await openPredictions(join(a, OUTPUT_FILES.predictions.name));
    expect(preds.meta.model.name).toBe(s1.model.name);
    expect(preds.meta.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(preds.meta.dataset.fingerprint).toBe(s1.dataset.fingerprint);
    expect(preds.meta.model.labels).toEqual(['ham', 'spam']);
    const ids: string[] = [];
    for await (const batch of preds.batches()) {
      for (let i = 0; i < batch.length; i++) {
        ids.push(batch.ids.get(i)!);
        const ham = batch.scores[2 * i]!;
        const spam = batch.scores[2 * i + 1]!;
        expect(ham + spam).toBeCloseTo(1, 5);
        expect(batch.predicted.get(i)).toBe(spam >= 0.5 ? 'spam' : 'ham');
      }
    }
    const datasetIds: string[] = [];
    for await (const vb of (await openDataset(golden)).scan()) {
      for (let i = 0; i < vb.batch.numRows; i++) datasetIds.push(vb.ids.get(i)!);
    }
    expect(ids).toEqual(datasetIds);
  });

  it('replaces a worker killed mid-chunk, retries the chunk and produces identical output', async () => {
    const golden = await goldenPath();
    const clean = join(tmp(), 'clean');
    const crashed = join(tmp(), 'crashed');
    const opts = { model: MODEL_V1, dataset: golden, workers: 2, batchSize: 50, ...quiet };
    await runModel({ ...opts, out: clean }, noLog);
    const summary = await runModel({ ...opts, out: crashed }, { ...noLog, crashAtSeq: { seq: 3 } });
    // The dead worker held the crashing chunk and perhaps the one queued behind it: both are retried.
    expect(summary.retries).toBeGreaterThanOrEqual(1);
    expect(summary.retries).toBeLessThanOrEqual(2);
    expect((await predictionsBytes(crashed)).equals(await predictionsBytes(clean))).toBe(true);
  });

  it('stops with an error naming the rows when a chunk keeps killing its worker, and writes nothing', async () => {
    const golden = await goldenPath();
    const out = join(tmp(), 'failing');
    const run = runModel(
      { model: MODEL_V1, dataset: golden, out, workers: 1, batchSize: 100, maxRetries: 1, ...quiet },
      { ...noLog, crashAtSeq: { seq: 2, always: true } },
    );
    await expect(run).rejects.toBeInstanceOf(RunFailedError);
    await expect(
      runModel(
        { model: MODEL_V1, dataset: golden, out, workers: 1, batchSize: 100, maxRetries: 1, ...quiet },
        { ...noLog, crashAtSeq: { seq: 2, always: true } },
      ),
    ).rejects.toThrow(/chunk 2 \(dataset rows 200-299, ids ".+"…".+"\) failed 2 times/);
    expect(existsSync(join(out, OUTPUT_FILES.predictions.name))).toBe(false);
  });

  it('resumes after a real SIGINT and produces the same bytes as an uninterrupted run', async () => {
    const dir = tmp();
    const dataset = await repeatedGolden(dir, 8);
    const whole = join(dir, 'whole');
    const resumed = join(dir, 'resumed');
    const args = ['--model', MODEL_V1, '--dataset', dataset, '--batch-size', '32', '--workers', '1'];
    await runModel({ model: MODEL_V1, dataset, out: whole, batchSize: 32, workers: 1, ...quiet }, noLog);

    const cli = join(packageRoot(), 'bin', 'modeval.js');
    const child = spawn(
      process.execPath,
      [cli, 'run', ...args, '--out', resumed, '--progress-every', '0.05'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Interrupt once the run has written a few progress lines (real work done, much left).
      if (!signalled && (stderr.match(/rows\/s/g) ?? []).length >= 3) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(signalled).toBe(true);
    expect(code).toBe(130);
    expect(existsSync(join(resumed, OUTPUT_FILES.predictions.name))).toBe(false);
    expect(listFiles(join(resumed, '.checkpoint'))).toEqual([
      'checkpoint.json',
      'predictions.partial.arrows',
    ]);
    const checkpoint = JSON.parse(readFileSync(join(resumed, '.checkpoint', 'checkpoint.json'), 'utf8'));
    expect(checkpoint.nextRow).toBeGreaterThan(0);
    expect(checkpoint.nextRow).toBeLessThan(8 * 1183);

    // Without --resume the checkpoint is not silently overwritten.
    await expect(
      runModel({ model: MODEL_V1, dataset, out: resumed, batchSize: 32, workers: 1, ...quiet }, noLog),
    ).rejects.toThrow(/pass --resume/);
    const summary = await runModel(
      { model: MODEL_V1, dataset, out: resumed, batchSize: 32, workers: 1, resume: true, ...quiet },
      noLog,
    );
    expect(summary.resumedFromRow).toBe(checkpoint.nextRow);
    expect(summary.predicted + summary.invalid).toBe(8 * 1183);
    // rows/s counts the rows this process scored: not zero (the checkpoint's tally is not subtracted
    // from itself), and not inflated by the rows scored before the interrupt.
    const scoredNow = 8 * 1183 - (checkpoint.tally.predicted + checkpoint.tally.invalid);
    expect(summary.rowsPerSecond).toBeGreaterThan(0);
    expect(summary.rowsPerSecond * summary.seconds).toBeCloseTo(scoredNow, 6);
    expect((await predictionsBytes(resumed)).equals(await predictionsBytes(whole))).toBe(true);
    expect(existsSync(join(resumed, '.checkpoint'))).toBe(false);
  });

  it('refuses to resume when the model card or tokenizer changed since the interrupt (same .onnx), keeping the checkpoint', async () => {
    const dir = tmp();
    const golden = await goldenPath();
    const out = join(dir, 'out');
    const opts = { dataset: golden, out, batchSize: 32, workers: 1, ...quiet };
    const stop = new AbortController();
    const first = await runModel(
      { ...opts, model: MODEL_V1 },
      { ...noLog, signal: stop.signal, onChunkWritten: () => stop.abort() },
    );
    expect(first.status).toBe('interrupted');

    // Same graph bytes, so only the card or tokenizer tells the models apart.
    const edited = join(dir, 'model');
    cpSync(MODEL_V1, edited, { recursive: true });
    const cardFile = join(edited, 'model.json');
    const original = readFileSync(cardFile, 'utf8');
    const card = JSON.parse(original);
    card.labels = card.labels.map((l: string) => (l === 'ham' ? 'legit' : l));
    writeFileSync(cardFile, JSON.stringify(card));
    const resume = () => runModel({ ...opts, model: edited, resume: true }, noLog);
    await expect(resume()).rejects.toBeInstanceOf(BadInputError);
    await expect(resume()).rejects.toThrow(
      /checkpoint\.json: cannot resume: the model card or its tokenizer changed since the checkpoint/,
    );
    writeFileSync(cardFile, original);
    const tokenizer = join(edited, 'tokenizer.json');
    writeFileSync(tokenizer, `${readFileSync(tokenizer, 'utf8')}\n`);
    await expect(resume()).rejects.toThrow(/cannot resume: the model card or its tokenizer changed/);
    expect(listFiles(out)).toEqual(['.checkpoint']);
    expect(listFiles(join(out, '.checkpoint'))).toEqual(['checkpoint.json', 'predictions.partial.arrows']);
  });
});

describe('modeval run bad inputs: clear error, exit-code class 2, no predictions file', () => {
  async function expectBadInput(
    model: string,
    dataset: string,
    pattern: RegExp,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const out = join(tmp(), 'out');
    const attempt = runModel({ model, dataset, out, workers: 1, ...quiet, ...extra }, noLog);
    await expect(attempt).rejects.toBeInstanceOf(BadInputError);
    await expect(runModel({ model, dataset, out, workers: 1, ...quiet, ...extra }, noLog)).rejects.toThrow(
      pattern,
    );
    expect(existsSync(join(out, OUTPUT_FILES.predictions.name))).toBe(false);
  }

  function modelCopy(name: string): string {
    const dir = join(tmp(), name);
    cpSync(MODEL_V1, dir, { recursive: true });
    return dir;
  }

  it('a missing .onnx', async () => {
    const model = modelCopy('no-onnx');
    rmSync(join(model, 'model.onnx'));
    await expectBadInput(model, await goldenPath(), /model\.onnx/);
  });

  it('a corrupt .onnx', async () => {
    const model = modelCopy('corrupt');
    writeFileSync(join(model, 'model.onnx'), Buffer.from('this is not a protobuf at all'));
    await expectBadInput(model, await goldenPath(), /model\.onnx/);
  });

  it('a card that fails the schema', async () => {
    const model = modelCopy('bad-card');
    const card = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    card.task = 'regression';
    writeFileSync(join(model, 'model.json'), JSON.stringify(card));
    await expectBadInput(model, await goldenPath(), /model\.json.*task/);
  });

  it('a tokenizer file that does not parse', async () => {
    const model = modelCopy('bad-tokenizer');
    writeFileSync(join(model, 'tokenizer.json'), '{"model": {"type": "WordLevel", "vocab": ');
    await expectBadInput(model, await goldenPath(), /tokenizer\.json/);
  });

  it("a dataset missing the card's input column", async () => {
    const path = join(tmp(), 'nocontent.arrow');
    writeArrow(path, {
      id: { values: ['a'], type: new Utf8() },
      body: { values: ['hello'], type: new Utf8() },
      label: { values: ['ham'], type: new Utf8() },
    });
    await expectBadInput(MODEL_V1, path, /text/);
  });

  it('an empty dataset', async () => {
    const path = join(tmp(), 'empty.arrow');
    writeArrow(path, {
      id: { values: [], type: new Utf8() },
      text: { values: [], type: new Utf8() },
      label: { values: [], type: new Utf8() },
    });
    await expectBadInput(MODEL_V1, path, /no rows/);
  });

  it('a checkpoint that is not JSON', async () => {
    const golden = await goldenPath();
    const out = join(tmp(), 'out');
    mkdirSync(join(out, '.checkpoint'), { recursive: true });
    writeFileSync(join(out, '.checkpoint', 'checkpoint.json'), '{"schemaVersion": 1, "key": ');
    const resume = () =>
      runModel({ model: MODEL_V1, dataset: golden, out, workers: 1, resume: true, ...quiet }, noLog);
    await expect(resume()).rejects.toBeInstanceOf(BadInputError);
    await expect(resume()).rejects.toThrow(
      /checkpoint\.json: checkpoint is unreadable; delete it to start over/,
    );
  });

  it('an invalid option given to the library (not only the CLI) is bad input naming it', async () => {
    const run = runModel(
      { model: MODEL_V1, dataset: await goldenPath(), out: join(tmp(), 'o'), batchSize: 0 },
      noLog,
    );
    await expect(run).rejects.toBeInstanceOf(BadInputError);
    await expect(
      runModel({ model: MODEL_V1, dataset: await goldenPath(), out: join(tmp(), 'o'), batchSize: 0 }, noLog),
    ).rejects.toThrow(/field "run options\.batchSize"/);
  });

  it('--device cuda without the CUDA provider libraries', async () => {
    await expectBadInput(MODEL_V1, await goldenPath(), /CUDA|cuda/, { device: 'cuda' });
  });
});
