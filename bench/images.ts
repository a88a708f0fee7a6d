/**
 * Images/s of `modeval run` with the nsfwjs models against a bare loop with the same TF.js backend,
 * batch size and decoding.
 *
 * Bare loop: one thread, no pool, no Arrow validation, no output; it reads the golden file, then
 * decodes each batch with modeval's decoder (sharp, same card settings) and runs the same TF.js
 * model on the same backend (`createPredictor`). Both are timed as whole processes (start to exit:
 * module loading, model load, decoding, inference), median of `--repeat` fresh processes.
 *
 *   npm run build && node dist/bench/images.js [--repeat 3] [--models nsfwjs-mobilenet-v2,...]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { buildImagesDataset } from '../datasets/images/build.js';
import { createPredictor } from '../src/model/predictor.js';
import { runModel } from '../src/run/run.js';
import { packageRoot } from '../src/util/paths.js';
import { describeMachine, median } from './machine.js';

const BATCH = 16;

interface ChildResult {
  images: number;
  backend: string;
}

async function childRun(model: string, dataset: string, workers: number): Promise<ChildResult> {
  const out = mkdtempSync(join(tmpdir(), 'modeval-bench-'));
  try {
    const s = await runModel(
      { model, dataset, out, workers, threads: 1, batchSize: BATCH, quiet: true },
      { log: () => {} },
    );
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    return { images: s.predicted + s.invalid, backend: run.meta.runtime['tfjs-backend'] };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function childBare(model: string, dataset: string): Promise<ChildResult> {
  const table = tableFromIPC(readFileSync(dataset));
  const images = table.getChild('image')!.toArray() as Uint8Array[];
  const predictor = await createPredictor(model, { threads: 1, device: 'cpu' });
  for (let i = 0; i < images.length; i += BATCH) {
    const values = images.slice(i, i + BATCH);
    await predictor.predict({ rows: values.length, columns: { image: { kind: 'bytes', values } } });
  }
  await predictor.release();
  return { images: images.length, backend: predictor.runtime['tfjs-backend'] ?? 'unknown' };
}

/** One measurement in a fresh process: whole-process seconds. */
function measure(
  kind: string,
  model: string,
  dataset: string,
  workers: number,
): ChildResult & { seconds: number } {
  const args = [fileURLToPath(import.meta.url), '--child', kind, model, dataset, String(workers)];
  const t0 = performance.now();
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  return { ...(JSON.parse(out) as ChildResult), seconds };
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const repeat = Number(arg('--repeat') ?? 3);
  const models = (arg('--models') ?? 'nsfwjs-mobilenet-v2,nsfwjs-mobilenet-v2-mid,nsfwjs-inception-v3').split(
    ',',
  );
  const dataset = (await buildImagesDataset()).golden;
  const rows: string[] = [];
  for (const name of models) {
    const model = join(packageRoot(), 'models', name);
    const cases: [string, string, number][] = [
      ['bare loop, 1 thread', 'bare', 1],
      ['modeval run, 1 worker', 'run', 1],
      ['modeval run, 2 workers', 'run', 2],
    ];
    const results = new Map<string, { ips: number; backend: string }>();
    for (const [label, kind, workers] of cases) {
      const ms = Array.from({ length: repeat }, () => measure(kind, model, dataset, workers));
      const ips = median(ms.map((m) => m.images / m.seconds));
      results.set(label, { ips, backend: ms[0]!.backend });
      process.stderr.write(
        `${name} ${label}: ${ips.toFixed(2)} images/s (${ms.map((m) => m.seconds.toFixed(1)).join(', ')} s)\n`,
      );
    }
    const bare = results.get('bare loop, 1 thread')!.ips;
    for (const [label, r] of results) {
      rows.push(`| ${name} | ${label} | ${r.backend} | ${r.ips.toFixed(2)} | ${(r.ips / bare).toFixed(2)} |`);
    }
  }
  const text = [
    `Machine: ${describeMachine()}. Dataset: the image golden set (196 images), batch ${BATCH}, median of ${repeat} fresh processes.`,
    '',
    '| model | how | TF.js backend | images/s (whole process) | vs bare loop |',
    '| --- | --- | --- | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(text);
  const outFile = arg('--write');
  if (outFile) writeFileSync(outFile, text);
}

if (process.argv[2] === '--child') {
  const [kind, model, dataset, workers] = process.argv.slice(3) as [string, string, string, string];
  const result =
    kind === 'run' ? await childRun(model, dataset, Number(workers)) : await childBare(model, dataset);
  process.stdout.write(JSON.stringify(result));
} else {
  await main();
}
