/**
 * End-to-end throughput of `modeval run` against a bare inference loop.
 *
 * The bare loop is the ceiling the harness is measured against: the same tokenizer and model code
 * (`createPredictor`), the same total ONNX Runtime threads, texts already in memory as strings, one
 * thread, no pool, no Arrow, no validation, no output. The harness ratio = run rows/s ÷ bare rows/s.
 *
 *   npm run build && node dist/bench/throughput.js [--rows 1000000]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { ensureSpamAssassin } from '../datasets/spamassassin/index.js';
import { createPredictor } from '../src/model/predictor.js';
import { runModel } from '../src/run/run.js';
import { packageRoot } from '../src/util/paths.js';
import { describeMachine, median } from './machine.js';
import { writeSyntheticDataset } from './synthetic.js';

const MODEL = join(packageRoot(), 'models', 'spam-v1');
const BATCH = 256;

interface Measure {
  rows: number;
  seconds: number;
  peakRssMiB: number;
}

/** Peak RSS sampled in this process (ru_maxrss would include the parent's peak after fork). */
function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
  };
}

async function measureRun(dataset: string, workers: number, threads: number): Promise<Measure> {
  const out = mkdtempSync(join(tmpdir(), 'modeval-bench-'));
  const stop = rssSampler();
  try {
    const s = await runModel(
      { model: MODEL, dataset, out, workers, threads, batchSize: BATCH, quiet: true },
      { log: () => {} },
    );
    return { rows: s.predicted + s.invalid, seconds: s.seconds, peakRssMiB: stop() };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function measureBare(dataset: string, threads: number): Promise<Measure> {
  const table = tableFromIPC(readFileSync(dataset));
  const texts = table.getChild('text')!.toArray() as string[];
  const predictor = await createPredictor(MODEL, { threads, device: 'cpu' });
  const stop = rssSampler();
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += BATCH) await predictor.predict({ texts: texts.slice(i, i + BATCH) });
  const seconds = (performance.now() - t0) / 1000;
  await predictor.release();
  return { rows: texts.length, seconds, peakRssMiB: stop() };
}

/** Each measurement in a fresh process, so pools, heaps and peak RSS do not leak between them. */
function inChild(kind: 'run' | 'bare', dataset: string, workers: number, threads: number): Measure {
  const args = [fileURLToPath(import.meta.url), '--child', kind, dataset, String(workers), String(threads)];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

async function main(): Promise<void> {
  const argRows = process.argv.indexOf('--rows');
  const bigRows = argRows > 0 ? Number(process.argv[argRows + 1]) : 1_000_000;
  const cores = availableParallelism();
  const dir = join(packageRoot(), 'bench', '.data');
  mkdirSync(dir, { recursive: true });
  const golden = (await ensureSpamAssassin()).golden;
  const small = join(dir, 'throughput-100000.arrows');
  const big = join(dir, `throughput-${bigRows}.arrows`);
  if (!existsSync(small)) await writeSyntheticDataset(small, 100_000);
  if (!existsSync(big)) await writeSyntheticDataset(big, bigRows);
  // The golden set is small: 3 repetitions. The large set takes minutes per run: one.
  const datasets = [
    { name: 'SpamAssassin golden (1,183 e-mails)', path: golden, reps: 3 },
    { name: `synthetic short texts, ${bigRows.toLocaleString('en-US')} rows`, path: big, reps: 1 },
  ];

  const lines: string[] = [];
  lines.push('# Inference throughput: `modeval run` vs a bare loop');
  lines.push('');
  lines.push(`Machine: ${describeMachine()}. Model: models/spam-v1, batch ${BATCH}, CPU execution provider.`);
  lines.push(
    `Run: \`npm run build && node dist/bench/throughput.js\`, ${new Date().toISOString().slice(0, 10)}.`,
  );
  lines.push('');
  lines.push(
    'Bare loop: same tokenizer and model code, same total intra-op threads, texts in memory, one thread,',
  );
  lines.push(
    'no pool, no Arrow, no validation, no output. Median of 3 runs on the golden set, 1 run on the large set;',
  );
  lines.push('each measurement in a fresh process.');
  lines.push('');
  lines.push('| dataset | workers × threads | run rows/s | bare rows/s (threads) | ratio |');
  lines.push('| --- | --- | ---: | ---: | ---: |');
  for (const ds of datasets) {
    for (let workers = 1; workers <= cores; workers++) {
      const threads = Math.max(1, Math.floor(cores / workers));
      const total = workers * threads;
      const reps = Array.from({ length: ds.reps }, (_, i) => i);
      const runs = reps.map(() => inChild('run', ds.path, workers, threads));
      const bares = reps.map(() => inChild('bare', ds.path, 1, total));
      const runRate = median(runs.map((m) => m.rows / m.seconds));
      const bareRate = median(bares.map((m) => m.rows / m.seconds));
      lines.push(
        `| ${ds.name} | ${workers} × ${threads} | ${Math.round(runRate).toLocaleString('en-US')} | ${Math.round(bareRate).toLocaleString('en-US')} (${total}) | ${(runRate / bareRate).toFixed(2)} |`,
      );
      process.stderr.write(`${lines[lines.length - 1]}\n`);
    }
  }
  // Memory: peak RSS of the whole run must not grow with the dataset.
  const rssSmall = inChild('run', small, cores, 1);
  const rssBig = inChild('run', big, cores, 1); // also the large set's run at workers = cores
  lines.push('');
  lines.push(`Peak RSS of \`modeval run\` (${cores} workers × 1 thread, batch ${BATCH}):`);
  lines.push('');
  lines.push('| rows | rows/s | peak RSS (MiB) |');
  lines.push('| ---: | ---: | ---: |');
  for (const m of [rssSmall, rssBig]) {
    lines.push(
      `| ${m.rows.toLocaleString('en-US')} | ${Math.round(m.rows / m.seconds).toLocaleString('en-US')} | ${m.peakRssMiB.toFixed(0)} |`,
    );
  }
  lines.push('');
  lines.push(
    `Ratio ${rssBig.rows.toLocaleString('en-US')} / ${rssSmall.rows.toLocaleString('en-US')} rows: ${(rssBig.peakRssMiB / rssSmall.peakRssMiB).toFixed(2)}. ` +
      'Worker memory is not in this process’s RSS figure only when workers are processes; piscina workers are threads, so it is included.',
  );
  lines.push('');
  lines.push(
    'Reading the table: run rows/s is end to end (dataset fingerprint, card/graph check, starting the pool with one ' +
      'model load per worker, validation, Arrow output); the bare loop starts its clock after its model is loaded. ' +
      'On the 1,183-row golden set that fixed start-up is about as long as the inference itself, so the ratio is ' +
      'about 0.5; on a large set it is amortised and the default layout (one worker per core, 1 thread each) beats ' +
      'the bare loop, because tokenization runs in parallel in the workers while the bare loop tokenizes on one thread. ' +
      'With one worker and 2 intra-op threads, the main thread (validation, packing, writing) competes with ' +
      'ONNX Runtime for the two cores. The RSS growth from 100k to 1M rows is mostly the duplicate-id ' +
      'fingerprint table (24-48 bytes per row, see RESULTS-dataset.md); in-flight data is bounded by ' +
      'batch size × 2 chunks per worker.',
  );
  const md = `${lines.join('\n')}\n`;
  writeFileSync(join(packageRoot(), 'bench', 'RESULTS-throughput.md'), md);
  process.stdout.write(md);
}

if (process.argv[2] === '--child') {
  const [, , , kind, dataset, workers, threads] = process.argv;
  const m =
    kind === 'run'
      ? await measureRun(dataset!, Number(workers), Number(threads))
      : await measureBare(dataset!, Number(threads));
  process.stdout.write(JSON.stringify(m));
} else {
  await main();
}
