import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, Utf8 } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ImageInputSchema } from '../../src/model/card.js';
import { decodePixels } from '../../src/model/image.js';
import { openPredictions } from '../../src/run/predictions.js';
import { runModel } from '../../src/run/run.js';
import { writeArrow } from '../helpers/arrow.js';
import { hostileImages } from '../helpers/hostile-images.js';
import { NSFWJS_MODELS, someGoldenImages } from '../helpers/images.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';
import { channelMeanModel, writeModelDir } from '../model/fixtures.js';

const tmp = useTmpDir();
let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Two real images around the hostile corpus, as an Arrow file with a Binary `image` column. */
async function hostileDataset(dir: string): Promise<{ file: string; ids: string[] }> {
  const { images } = await someGoldenImages(1);
  const png = images.find((b) => b[0] === 0x89)!;
  const jpeg = images.find((b) => b[0] === 0xff)!;
  const hostile = hostileImages(png, jpeg);
  const ids = ['real-png', ...hostile.keys(), 'real-jpeg'];
  const file = join(dir, 'hostile.arrow');
  writeArrow(file, {
    id: { values: ids, type: new Utf8() },
    image: { values: [png, ...hostile.values(), jpeg], type: new Binary() },
    label: { values: ids.map(() => 'Drawing'), type: new Utf8() },
  });
  return { file, ids };
}

describe('modeval run on hostile images (nsfwjs MobileNetV2, TF.js backend)', () => {
  it('with --on-invalid skip: exit 0, the real images scored, every hostile one an invalid row with its reason', async () => {
    const dir = tmp();
    const { file, ids } = await hostileDataset(dir);
    const out = join(dir, 'out');
    const args = [
      'run',
      '--model',
      NSFWJS_MODELS.MobileNetV2,
      '--dataset',
      file,
      '--out',
      out,
      '--workers',
      '1',
    ];
    expect(await main([...args, '--on-invalid', 'skip', '--quiet'])).toBe(0);
    const invalid = readFileSync(join(out, 'invalid-rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; row: number; reason: string });
    expect(invalid.map((r) => r.id).sort()).toEqual(ids.filter((id) => !id.startsWith('real')).sort());
    for (const r of invalid) expect(r.reason).toMatch(/^image: /);
    expect(invalid.find((r) => r.id === 'bomb-png')!.reason).toMatch(/over the limit/);
    const predictions = await openPredictions(join(out, 'predictions.arrows'));
    const scored: string[] = [];
    for await (const batch of predictions.batches())
      for (let i = 0; i < batch.length; i++) scored.push(batch.ids.get(i)!);
    expect(scored).toEqual(['real-png', 'real-jpeg']);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.invalid).toBe(ids.length - 2);
    expect(run.meta.runtime['tfjs-backend']).toMatch(/^(tensorflow|wasm|cpu)$/);
  });

  it('without it: exit 2 naming the first bad row and its id, and no output written', async () => {
    const dir = tmp();
    const { file } = await hostileDataset(dir);
    const out = join(dir, 'out');
    mkdirSync(out);
    const args = [
      'run',
      '--model',
      NSFWJS_MODELS.MobileNetV2,
      '--dataset',
      file,
      '--out',
      out,
      '--workers',
      '1',
    ];
    expect(await main([...args, '--quiet'])).toBe(2);
    expect(stderr).toMatch(/row 1, id "zero-bytes".*empty image \(0 bytes\).*--on-invalid skip/);
    // Nothing but the (empty) checkpoint folder every failed run leaves.
    expect(listFiles(out).filter((f) => f !== '.checkpoint')).toEqual([]);
  });
});

describe('image paths and an ONNX image model', () => {
  it('reads paths relative to the dataset, refuses ones leaving its folder, and feeds NCHW pixels', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    mkdirSync(join(data, 'img'), { recursive: true });
    const { ids, images } = await someGoldenImages(60);
    const names = images.map((_, i) => `img/${i}.${images[i]![0] === 0xff ? 'jpg' : 'png'}`);
    for (const [i, b] of images.entries()) writeFileSync(join(data, names[i]!), b);
    cpSync(join(data, names[0]!), join(dir, 'outside.png'));
    const paths = [...names, '../outside.png', '/etc/passwd', 'img/missing.png'];
    const file = join(data, 'paths.arrow');
    writeArrow(file, {
      id: { values: paths.map((_, i) => `r${i}`), type: new Utf8() },
      path: { values: paths, type: new Utf8() },
      label: { values: paths.map(() => null), type: new Utf8() },
    });
    const card = {
      name: 'channel-mean',
      version: '1',
      task: 'multiclass' as const,
      labels: ['red', 'green', 'blue'],
      inputs: [
        {
          kind: 'image' as const,
          column: 'path',
          tensor: 'pixels',
          size: [8, 8] as [number, number],
          layout: 'nchw' as const,
          background: '#ffffff',
        },
      ],
      output: { tensor: 'logits', type: 'logits' as const, activation: 'softmax' as const },
    };
    const model = writeModelDir(join(dir, 'model'), { card, onnx: channelMeanModel(8, 8) });
    const out = join(dir, 'out');
    const summary = await runModel(
      { model, dataset: file, out, workers: 1, batchSize: 2, onInvalid: 'skip', quiet: true },
      { log: () => {} },
    );
    expect(summary.predicted).toBe(names.length);
    const invalid = readFileSync(join(out, 'invalid-rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(invalid.map((r: { reason: string }) => r.reason)).toEqual([
      expect.stringMatching(/outside the dataset folder/),
      expect.stringMatching(/relative to the dataset folder/),
      expect.stringMatching(/ENOENT/),
    ]);
    // Scores = softmax of each channel's mean of the decoded, 1/255-scaled pixels.
    const input = ImageInputSchema.parse(card.inputs[0]);
    const predictions = await openPredictions(join(out, 'predictions.arrows'));
    let row = 0;
    for await (const batch of predictions.batches()) {
      for (let i = 0; i < batch.length; i++, row++) {
        const pixels = (await decodePixels(images[row]!, input)) as Uint8Array;
        const means = [0, 1, 2].map(
          (c) => pixels.filter((_, j) => j % 3 === c).reduce((a, b) => a + b, 0) / 64 / 255,
        );
        const z = means.map(Math.exp);
        const total = z.reduce((a, b) => a + b, 0);
        for (let c = 0; c < 3; c++) expect(batch.scores[i * 3 + c]).toBeCloseTo(z[c]! / total, 5);
      }
    }
    expect(row).toBe(ids.length);
  });
});
