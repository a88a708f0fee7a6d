import { dirname, resolve } from 'node:path';
import { Piscina } from 'piscina';
import type { Device } from '../model/runner.js';
import { workerPath } from '../util/paths.js';
import { checkOption } from '../util/zod.js';
import { defaultParallelism, type RunOptions, type RunOptionsInput, RunOptionsSchema } from './options.js';
import type { InferTask, WorkerSetup } from './protocol.js';

/**
 * One worker per thread slot, each loading the model once (see TECH-NOTES on piscina). Each holds
 * up to two tasks, so the next chunk is already in the worker when one ends and a worker never
 * idles while the main thread validates, packs or writes.
 */
export function startPool(opts: RunOptions, device: Device, workers: number, threads: number): Piscina {
  return new Piscina({
    filename: workerPath('infer'),
    workerData: {
      modelDir: resolve(opts.model),
      threads,
      device,
      thresholds: opts.thresholds,
      datasetDir: dirname(resolve(opts.dataset)),
    } satisfies WorkerSetup,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 2,
  });
}

/**
 * A CPU run's pool, started before the engine is even loaded: the workers load ONNX Runtime and
 * the model while the main thread loads, checks the model and hashes the dataset, as they would
 * have to anyway. Pass it to `runModel` (hooks.pool), which takes it over. A model the workers
 * cannot load only makes them answer each task with that error (workers/infer.ts), and
 * `runModel`'s own checks report it first. CUDA and auto runs start their pool after the check,
 * which settles the provider.
 */
export function warmPool(input: RunOptionsInput): Piscina | undefined {
  const opts = checkOption(RunOptionsSchema, input, 'run options');
  if (opts.device !== 'cpu') return undefined;
  const { workers, threads } = defaultParallelism(opts.workers, opts.threads);
  return startPool(opts, 'cpu', workers, threads);
}

const destroyed = new WeakSet<Piscina>();

/**
 * Destroy a pool (once; later calls return at once). With `loading`, first wait until each worker
 * has finished loading (or failed to load) the model: a worker terminated while it loads ONNX
 * Runtime's native addon aborts the whole process (SIGABRT), which a pool started early
 * (warmPool) and a run refused at once would otherwise risk. A ping is answered only after the
 * load; piscina hands each idle worker one, least busy first. A pool that has scored needs none.
 */
export async function destroyPool(pool: Piscina | undefined, loading = true): Promise<void> {
  if (pool === undefined || destroyed.has(pool)) return;
  destroyed.add(pool);
  if (loading) {
    const ping: InferTask = { seq: -1, rows: 0, inputs: {}, ping: true };
    const pings = Array.from({ length: pool.maxThreads }, () => Promise.resolve().then(() => pool.run(ping)));
    await Promise.allSettled(pings);
  }
  await pool.destroy();
}
