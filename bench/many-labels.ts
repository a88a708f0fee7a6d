/**
 * Benchmark: `modeval eval` as a whole process on the real golden set's 1,183 rows relabelled
 * into K classes (K = 2, 100, 1,000 by default). The real data has two labels; the K-class
 * labels and the scores are synthetic (seeded), because no human-curated set with a thousand
 * moderation classes is at hand: the point is how work grows with K, not the numbers. Reports
 * wall seconds and peak RSS (GNU time's maximum resident set) per K; issue 16 asks for
 * K = 1,000 under 30 s and 1 GiB.
 *
 *   npm run build && node dist/bench/many-labels.js [K ...] [--repeat N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, tableFromIPC, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { mulberry32 } from '../models/recipe/prng.js';
import type { PredictionsMeta } from '../src/contracts/predictions.js';
import { openArrowWriter } from '../src/dataset/arrow-writer.js';
import { makePredictionBatch, predictionsSchema } from '../src/run/predictions.js';
import { sha256File } from '../src/util/hash.js';
import { packageRoot } from '../src/util/paths.js';
import { describeMachine } from './machine.js';

/** Write golden.arrow (+ spec.json) and predictions.arrows with K classes into `dir`. */
export async function writeManyLabelSet(
  dir: string,
  k: number,
): Promise<{ golden: string; predictions: string }> {
  const real = tableFromIPC(
    readFileSync(join(packageRoot(), 'datasets', 'spamassassin', 'build', 'golden.arrow')),
  );
  const n = real.numRows;
  const labels = Array.from({ length: k }, (_, i) => `class-${String(i).padStart(4, '0')}`);
  const rand = mulberry32(k);
  const ids = real.getChild('id')!.toArray() as string[];
  const gold = ids.map(() => labels[Math.floor(rand() * k)]!);
  const columns: Record<string, Vector<Utf8>> = {
    id: vectorFromArray(ids, new Utf8()),
    text: vectorFromArray(real.getChild('text')!.toArray() as string[], new Utf8()),
    label: vectorFromArray(gold, new Utf8()),
  };
  for (const slice of ['corpus_group', 'sender_tld', 'charset']) {
    columns[slice] = vectorFromArray(
      Array.from({ length: n }, (_, i) => String(real.getChild(slice)!.get(i) ?? '')),
      new Utf8(),
    );
  }
  const golden = join(dir, 'golden.arrow');
  writeFileSync(golden, tableToIPC(new Table(columns), 'file'));
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      id: 'id',
      text: ['text'],
      label: 'label',
      labels,
      slices: ['corpus_group', 'sender_tld', 'charset'],
    }),
  );
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'import',
    model: {
      name: 'many',
      version: String(k),
      sha256: null,
      task: 'multiclass',
      labels,
      positive: null,
      thresholds: {},
    },
    dataset: { file: 'golden.arrow', fingerprint: await sha256File(golden), rows: n },
    harness: { name: 'modeval', version: 'bench' },
    runtime: {},
    options: {},
  };
  const schema = predictionsSchema(meta);
  const predictions = join(dir, 'predictions.arrows');
  const writer = await openArrowWriter(predictions, { format: 'stream', schema });
  const scores = new Float32Array(n * k);
  const predicted: string[] = [];
  for (let r = 0; r < n; r++) {
    // Right 60% of the time: the gold class gets most of the mass, the rest spread at random.
    const top = rand() < 0.6 ? labels.indexOf(gold[r]!) : Math.floor(rand() * k);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += scores[r * k + j] = rand() * 0.1;
    scores[r * k + top] += 1;
    sum += 1;
    for (let j = 0; j < k; j++) scores[r * k + j]! /= sum;
    predicted.push(labels[top]!);
  }
  await writer.write(makePredictionBatch(writer.schema, ids, scores, predicted));
  await writer.commit();
  return { golden, predictions };
}

/** One whole `modeval eval` process under GNU time: wall seconds and peak RSS in MiB. */
function timedEval(golden: string, predictions: string, out: string): { seconds: number; rss: number } {
  const cli = join(packageRoot(), 'bin', 'modeval.js');
  const t0 = performance.now();
  const res = spawnSync(
    '/usr/bin/time',
    [
      ...['-f', 'maxrss_kib=%M', process.execPath, cli, 'eval', '--predictions', predictions],
      ...['--dataset', golden, '--out', out, '--json'],
    ],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 },
  );
  if (res.status !== 0)
    throw new Error(`eval failed (${res.status ?? res.signal}): ${res.stderr.slice(-2000)}`);
  const seconds = (performance.now() - t0) / 1000;
  const rss = Number(/maxrss_kib=(\d+)/.exec(res.stderr)?.[1] ?? Number.NaN) / 1024;
  return { seconds, rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--repeat');
  const repeat = at >= 0 ? Number(args[at + 1]) : 1;
  const ks = args.filter((_, i) => i !== at && i !== at + 1).map(Number);
  const sizes = ks.length > 0 ? ks : [2, 100, 1000];
  const rows: string[] = [];
  for (const k of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `modeval-k${k}-`));
    try {
      const { golden, predictions } = await writeManyLabelSet(dir, k);
      const runs = Array.from({ length: repeat }, () => timedEval(golden, predictions, join(dir, 'out')));
      const bytes = readFileSync(join(dir, 'out', 'metrics.json')).length;
      const secs = runs.map((r) => r.seconds);
      rows.push(
        `| ${k} | ${median(secs).toFixed(1)} | ${secs.map((x) => x.toFixed(1)).join(', ')} | ${Math.max(...runs.map((r) => r.rss)).toFixed(0)} | ${(bytes / 2 ** 20).toFixed(1)} |`,
      );
      process.stderr.write(`K=${k}: ${secs.map((x) => x.toFixed(1)).join(', ')} s\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `${describeMachine()}\n\n| labels | median s | runs s | peak RSS MiB | metrics.json MiB |\n|---:|---:|---|---:|---:|\n${rows.join('\n')}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
