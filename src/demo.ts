import { join } from 'node:path';
import { ensureSpamAssassin } from './dataset/builtin.js';
import { type RunSummary, runModel } from './run/run.js';
import { packageRoot } from './util/paths.js';

/** The reference models the demo compares (see models/README.md). */
export const REFERENCE_MODELS = ['spam-v1', 'spam-v2'] as const;

export interface DemoOptions {
  out?: string;
  quiet?: boolean;
  workers?: number;
  log?: (line: string) => void;
}

export interface DemoResult {
  golden: string;
  runs: { model: string; outDir: string; summary: RunSummary }[];
}

/**
 * The README's main job: build the real golden set if needed, then score it with both reference
 * models. Every step is the same library call a user would make.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const out = options.out ?? join(process.cwd(), 'out', 'demo');
  const { golden } = await ensureSpamAssassin();
  const runs: DemoResult['runs'] = [];
  for (const model of REFERENCE_MODELS) {
    const outDir = join(out, model);
    const summary = await runModel(
      {
        model: join(packageRoot(), 'models', model),
        dataset: golden,
        out: outDir,
        quiet: options.quiet ?? false,
        ...(options.workers ? { workers: options.workers } : {}),
      },
      { log },
    );
    runs.push({ model, outDir, summary });
  }
  return { golden, runs };
}
