/**
 * Moderation-volume benchmarks (RESULTS-volume.md): whole processes, timed from outside.
 *
 *   node dist/bench/volume.js run <dataset.arrow> [reps]
 *     `modeval run` (defaults) against the bare loop (bench/bare-loop.ts), alternating
 *     bare, modeval, bare, modeval, ... so both see the same machine load; medians.
 *   node dist/bench/volume.js eval <dataset> <predictions> [reps]
 *     `modeval eval` with default options.
 *
 * Each measurement is one fresh process under /usr/bin/time (wall seconds, peak RSS of the whole
 * process, worker threads included) with the 1-minute load average seen before it starts. Data:
 * `node dist/bench/synthetic.js --rows N --out DIR [--predictions]` (comment-length texts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import { describeMachine, median } from './machine.js';

interface Measure {
  seconds: number;
  /** User + system CPU seconds of the whole process (all threads): less sensitive to load. */
  cpuSeconds: number;
  peakRssMiB: number;
  load: number;
}

/** One process under GNU time: wall from here (spawn to exit), peak RSS from time's %M (KiB). */
function measure(args: string[]): Measure {
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M cpu=%U+%S', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rss = /maxrss=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return {
    seconds,
    cpuSeconds: rss ? Number(rss[2]) + Number(rss[3]) : Number.NaN,
    peakRssMiB: rss ? Number(rss[1]) / 1024 : Number.NaN,
    load,
  };
}

const root = packageRoot();
const cli = join(root, 'bin', 'modeval.js');
const model = join(root, 'models', 'spam-v1');

function modevalRun(dataset: string): Measure {
  const out = mkdtempSync(join(tmpdir(), 'modeval-volume-'));
  try {
    return measure([cli, 'run', '--model', model, '--dataset', dataset, '--out', out, '--quiet']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const bare = (dataset: string) => measure([join(root, 'dist', 'bench', 'bare-loop.js'), dataset, model, '2']);

function modevalEval(dataset: string, predictions: string): Measure {
  const out = mkdtempSync(join(tmpdir(), 'modeval-volume-'));
  try {
    return measure([cli, 'eval', '--dataset', dataset, '--predictions', predictions, '--out', out, '--json']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const fmt = (m: Measure) =>
  `${m.seconds.toFixed(2)} s, ${m.peakRssMiB.toFixed(0)} MiB, load ${m.load.toFixed(2)}`;

function summary(name: string, ms: Measure[]): string {
  return `${name}: median ${median(ms.map((m) => m.seconds)).toFixed(2)} s, CPU median ${median(ms.map((m) => m.cpuSeconds)).toFixed(2)} s, peak RSS median ${median(ms.map((m) => m.peakRssMiB)).toFixed(0)} MiB, load ${ms.map((m) => m.load.toFixed(2)).join('/')}`;
}

function main(): void {
  const [what, dataset, third, fourth] = process.argv.slice(2);
  console.log(`machine: ${describeMachine()}; ${new Date().toISOString()}`);
  if (what === 'run' && dataset) {
    const reps = Number(third ?? '3');
    const bares: Measure[] = [];
    const runs: Measure[] = [];
    for (let i = 0; i < reps; i++) {
      bares.push(bare(dataset));
      console.log(`bare    ${fmt(bares[i]!)}`);
      runs.push(modevalRun(dataset));
      console.log(`modeval ${fmt(runs[i]!)}`);
    }
    console.log(summary('bare', bares));
    console.log(summary('modeval run', runs));
    const ratio = median(runs.map((m) => m.seconds)) / median(bares.map((m) => m.seconds));
    console.log(`ratio (medians) ${ratio.toFixed(3)}`);
  } else if (what === 'eval' && dataset && third) {
    const reps = Number(fourth ?? '3');
    const ms: Measure[] = [];
    for (let i = 0; i < reps; i++) {
      ms.push(modevalEval(dataset, third));
      console.log(`eval ${fmt(ms[i]!)}`);
    }
    console.log(summary('modeval eval', ms));
  } else {
    throw new Error('usage: volume.js run <dataset.arrow> [reps] | eval <dataset> <predictions> [reps]');
  }
}

main();
