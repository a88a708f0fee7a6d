/**
 * Benchmark: how long `modeval gate` takes on the largest policy it accepts, and how fast it
 * refuses a larger one. The policy is the CI example's rules (examples/ci/gate.yaml: absolute,
 * per-slice, non-inferiority, cost and flip rules, 2,000 paired resamples) repeated up to the
 * 1,000-rule cap, on the real golden set scored by both reference models; the refused one is a
 * 10 MB policy (over the 1 MiB cap). Whole processes, median of `--repeat` runs, with peak RSS
 * (GNU time's maximum resident set).
 *
 *   npm run build && node dist/bench/policy-bound.js [--repeat 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureSpamAssassin } from '../datasets/spamassassin/index.js';
import { MAX_POLICY_RULES } from '../src/gate/policy.js';
import { OUTPUT_FILES } from '../src/io/outputs.js';
import { runModel } from '../src/run/run.js';
import { packageRoot } from '../src/util/paths.js';
import { describeMachine } from './machine.js';

interface Timed {
  seconds: number;
  rssMiB: number;
  status: number | null;
  stderr: string;
}

function timedGate(policy: string, baseline: string, candidate: string, dataset: string, out: string): Timed {
  const cli = join(packageRoot(), 'bin', 'modeval.js');
  const t0 = performance.now();
  const res = spawnSync(
    '/usr/bin/time',
    [
      ...['-f', 'maxrss_kib=%M', process.execPath, cli, 'gate', '--policy', policy],
      ...['--baseline', baseline, '--candidate', candidate, '--dataset', dataset, '--out', out],
    ],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 1_800_000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  const rssMiB = Number(/maxrss_kib=(\d+)/.exec(res.stderr)?.[1] ?? Number.NaN) / 1024;
  return { seconds, rssMiB, status: res.status, stderr: res.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const at = process.argv.indexOf('--repeat');
  const repeat = at > 0 ? Number(process.argv[at + 1]) : 3;
  const dir = mkdtempSync(join(tmpdir(), 'modeval-policy-bench-'));
  try {
    const { golden } = await ensureSpamAssassin();
    const predictions: string[] = [];
    for (const model of ['spam-v2', 'spam-v1']) {
      const out = join(dir, model);
      await runModel(
        { model: join(packageRoot(), 'models', model), dataset: golden, out, quiet: true },
        { log: () => {} },
      );
      predictions.push(join(out, OUTPUT_FILES.predictions.name));
    }
    const example = parse(readFileSync(join(packageRoot(), 'examples', 'ci', 'gate.yaml'), 'utf8'));
    const rules = Array.from({ length: MAX_POLICY_RULES }, (_, i) => example.rules[i % example.rules.length]);
    const largest = join(dir, 'largest.json');
    writeFileSync(largest, JSON.stringify({ ...example, rules }));
    const huge = join(dir, 'huge.yaml');
    const line = '  - recall[spam] >= 0.5\n';
    writeFileSync(huge, `rules:\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`);

    const rows: string[] = [];
    for (const [name, policy, bytes] of [
      [
        `${MAX_POLICY_RULES} rules (example rules repeated), 2,000 resamples`,
        largest,
        readFileSync(largest).length,
      ],
      ['10 MB policy (over the 1 MiB cap)', huge, readFileSync(huge).length],
    ] as const) {
      const runs: Timed[] = [];
      for (let r = 0; r < repeat; r++) {
        runs.push(timedGate(policy, predictions[0]!, predictions[1]!, golden, join(dir, `out-${r}`)));
      }
      const codes = [...new Set(runs.map((t) => t.status))].join(', ');
      process.stderr.write(`${name}: ${runs.map((t) => t.seconds.toFixed(1)).join(', ')} s; exit ${codes}\n`);
      rows.push(
        `| ${name} | ${(bytes / 1024).toFixed(0)} KiB | ${codes} | ${median(runs.map((t) => t.seconds)).toFixed(1)} | ${runs.map((t) => t.seconds.toFixed(1)).join(', ')} | ${Math.max(...runs.map((t) => t.rssMiB)).toFixed(0)} |`,
      );
    }
    process.stdout.write(
      `${describeMachine()}\n\n| policy | size | exit | median s | runs s | peak RSS MiB |\n|---|---:|---:|---:|---|---:|\n${rows.join('\n')}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
