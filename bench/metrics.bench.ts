/**
 * Metric-core benchmark: 10,000,000 synthetic predictions, binary and 7-class.
 *
 *   npx tsx bench/metrics.bench.ts            (writes bench/RESULTS-metrics.md)
 *
 * Scenarios (each in its own child process, so peak RSS is per scenario):
 * - binary-onepass: confusion + classification report + 15-bin calibration + Brier, one pass;
 * - binary-ranking: fill a BinaryScoreStore, then ROC-AUC and average precision;
 * - multiclass-onepass: argmax, confusion + report, top-label calibration, multiclass Brier;
 * - multiclass-paired-bootstrap: 95% interval of the macro-F1 difference between the 7-class
 *   model and a variant that boosts class 0 by 1.3x (1,000 paired replicates).
 * If Python with scikit-learn is available the same metrics are timed there on the same data
 * (written as raw binary files), and the values of both are compared.
 *
 * The data are synthetic (seeded, see `generate`), not real moderation output. Not part of the
 * test suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { pairedBootstrapConfusionMetric } from '../src/metrics/bootstrap.js';
import { argmaxRow, BrierAccumulator, UniformCalibrationBins } from '../src/metrics/calibration.js';
import { classificationReport, macroF1 } from '../src/metrics/classification.js';
import { ConfusionMatrix } from '../src/metrics/confusion.js';
import { averagePrecision, rocAuc } from '../src/metrics/ranking.js';
import { BinaryScoreStore } from '../src/metrics/score-store.js';
import { Xoshiro128 } from '../src/util/prng.js';
import { describeMachine, median, medianLatencyMs } from './machine.js';

const N = 10_000_000;
const K = 7;
const BINS = 15;
const ITERATIONS = 5;
const SCENARIOS = [
  'binary-onepass',
  'binary-ranking',
  'multiclass-onepass',
  'multiclass-paired-bootstrap',
] as const;
/** Scenarios with a scikit-learn counterpart (sklearn has no paired bootstrap). */
const SKLEARN_SCENARIOS: readonly Scenario[] = ['binary-onepass', 'binary-ranking', 'multiclass-onepass'];
type Scenario = (typeof SCENARIOS)[number];

interface Measured {
  scenario: Scenario;
  medianS: number;
  /** Median CPU time (user + system) per run: less sensitive than wall time to a busy machine. */
  medianCpuS: number;
  runs: number;
  baselineRssMiB: number;
  peakRssMiB: number;
  values: Record<string, number | null>;
}

const MiB = 2 ** 20;

/** Synthetic predictions: a noisy logit model, seeded, so every run sees the same data. */
function generate(dir: string): void {
  const rng = new Xoshiro128(20261122);
  const normal = (): number => {
    const u = 1 - rng.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
  };
  const yb = new Uint8Array(N);
  const pb = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const y = rng.nextFloat() < 0.3 ? 1 : 0;
    yb[i] = y;
    pb[i] = 1 / (1 + Math.exp(-((y ? 1.2 : -1.2) + 1.5 * normal())));
  }
  const ym = new Uint8Array(N);
  const pm = new Float32Array(N * K);
  const logits = new Float64Array(K);
  for (let i = 0; i < N; i++) {
    // skewed class frequencies: class 0 (benign) most common
    const y = rng.nextFloat() < 0.5 ? 0 : 1 + rng.nextInt(K - 1);
    ym[i] = y;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      logits[k] = normal() + (k === y ? 1.8 : 0);
      max = Math.max(max, logits[k]!);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      logits[k] = Math.exp(logits[k]! - max);
      sum += logits[k]!;
    }
    for (let k = 0; k < K; k++) pm[i * K + k] = logits[k]! / sum;
  }
  writeFileSync(join(dir, 'binary_y.u8'), yb);
  writeFileSync(join(dir, 'binary_p.f32'), new Uint8Array(pb.buffer));
  writeFileSync(join(dir, 'multi_y.u8'), ym);
  writeFileSync(join(dir, 'multi_p.f32'), new Uint8Array(pm.buffer));
}

/**
 * Peak RSS of this process image in MiB. /proc's VmHWM belongs to the current address space;
 * getrusage's maxRSS would carry over the (larger) parent's peak through fork + exec.
 */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

function readU8(file: string): Uint8Array {
  const b = readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function binaryOnePass(y: Uint8Array, p: Float32Array): Record<string, number | null> {
  const cm = new ConfusionMatrix(['negative', 'positive']);
  const cal = new UniformCalibrationBins(BINS, 'positive-class');
  const brier = new BrierAccumulator('binary');
  for (let i = 0; i < y.length; i++) {
    const score = p[i]!;
    const label = y[i]!;
    cm.add(label, score >= 0.5 ? 1 : 0);
    cal.add(score, label);
    brier.addBinary(score, label);
  }
  const report = classificationReport(cm);
  return {
    macroF1: report.macro.f1,
    accuracy: report.accuracy,
    kappa: report.cohenKappa,
    mcc: report.matthews,
    ece: cal.report().ece,
    brier: brier.report().brier,
  };
}

function binaryRanking(y: Uint8Array, p: Float32Array): Record<string, number | null> {
  const store = new BinaryScoreStore({ initialCapacity: y.length });
  store.addAll(p, y);
  return { auc: rocAuc(store).value, ap: averagePrecision(store).value };
}

function multiclassOnePass(y: Uint8Array, probs: Float32Array): Record<string, number | null> {
  const cm = new ConfusionMatrix(K);
  const cal = new UniformCalibrationBins(BINS, 'top-label');
  const brier = new BrierAccumulator('multiclass-sum-of-squares');
  // Rows are read in place from the flat array, as from an Arrow FixedSizeList<Float32> column.
  for (let i = 0; i < y.length; i++) {
    const offset = i * K;
    const best = argmaxRow(probs, offset, K);
    const label = y[i]!;
    cm.add(label, best);
    cal.add(probs[offset + best]!, best === label);
    brier.addMulticlassRow(probs, offset, K, label);
  }
  const report = classificationReport(cm);
  return {
    macroF1: report.macro.f1,
    accuracy: report.accuracy,
    kappa: report.cohenKappa,
    mcc: report.matthews,
    ece: cal.report().ece,
    brier: brier.report().brier,
  };
}

function pairedBootstrap(y: Uint8Array, probs: Float32Array): Record<string, number | null> {
  const predA = new Uint8Array(y.length);
  const predB = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const offset = i * K;
    predA[i] = argmaxRow(probs, offset, K);
    // model B: the same scores with class 0 (benign) boosted, a typical threshold change
    let best = 0;
    let bestScore = probs[offset]! * 1.3;
    for (let k = 1; k < K; k++) {
      if (probs[offset + k]! > bestScore) {
        best = k;
        bestScore = probs[offset + k]!;
      }
    }
    predB[i] = best;
  }
  const labels = Array.from({ length: K }, (_, k) => String(k));
  const ci = pairedBootstrapConfusionMetric(labels, y, predA, predB, (cm) => macroF1(cm), {
    resamples: 1000,
    seed: 1,
  });
  return { delta: ci.estimate, low: ci.low, high: ci.high };
}

async function child(scenario: Scenario, dir: string): Promise<void> {
  const multi = scenario.startsWith('multiclass');
  const y = readU8(join(dir, multi ? 'multi_y.u8' : 'binary_y.u8'));
  const p = readF32(join(dir, multi ? 'multi_p.f32' : 'binary_p.f32'));
  const baselineRssMiB = process.memoryUsage().rss / MiB;
  const run =
    scenario === 'binary-onepass'
      ? () => binaryOnePass(y, p)
      : scenario === 'binary-ranking'
        ? () => binaryRanking(y, p)
        : scenario === 'multiclass-onepass'
          ? () => multiclassOnePass(y, p)
          : () => pairedBootstrap(y, p);
  let values: Record<string, number | null> = {};
  const cpu: number[] = [];
  const bench = new Bench({ iterations: ITERATIONS, time: 0, warmupIterations: 1, warmupTime: 0 });
  bench.add(scenario, () => {
    const before = process.cpuUsage();
    values = run();
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1e6);
  });
  await bench.run();
  const task = bench.tasks[0]!;
  const result: Measured = {
    scenario,
    medianS: medianLatencyMs(task) / 1000,
    medianCpuS: median(cpu.slice(-ITERATIONS)), // the first entry is the warm-up
    runs: ITERATIONS,
    baselineRssMiB,
    peakRssMiB: peakRssMiB(),
    values,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The same metrics with scikit-learn/numpy, one scenario per process (for its peak RSS). */
const PYTHON = `
import json, sys, time
import numpy as np
from sklearn import metrics as M
scenario, d, reps, bins = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
K = 7
def hwm():
    # VmHWM: peak RSS of this process image (ru_maxrss would include the parent's peak)
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
def ece(conf, outcome):
    # equal width, first bin [0, 1/M], later (lo, hi] -- the binning of src/metrics/calibration.ts
    idx = np.clip(np.ceil(conf.astype(np.float64) * bins).astype(np.int64) - 1, 0, bins - 1)
    n = np.bincount(idx, minlength=bins)
    sc = np.bincount(idx, weights=conf, minlength=bins)
    so = np.bincount(idx, weights=outcome, minlength=bins)
    ok = n > 0
    return float(np.sum(np.abs(so[ok] - sc[ok])) / conf.size)
def onepass(y, pred, conf, outcome, brier):
    M.confusion_matrix(y, pred)
    M.precision_recall_fscore_support(y, pred, average=None, zero_division=0)
    _, _, f1, _ = M.precision_recall_fscore_support(y, pred, average='macro', zero_division=0)
    M.precision_recall_fscore_support(y, pred, average='micro', zero_division=0)
    M.precision_recall_fscore_support(y, pred, average='weighted', zero_division=0)
    acc = M.accuracy_score(y, pred)
    M.balanced_accuracy_score(y, pred)
    kappa = M.cohen_kappa_score(y, pred)
    mcc = M.matthews_corrcoef(y, pred)
    return {'macroF1': f1, 'accuracy': acc, 'kappa': kappa, 'mcc': mcc, 'ece': ece(conf, outcome), 'brier': brier()}
multi = scenario == 'multiclass-onepass'
y = np.fromfile(d + ('/multi_y.u8' if multi else '/binary_y.u8'), dtype=np.uint8)
p = np.fromfile(d + ('/multi_p.f32' if multi else '/binary_p.f32'), dtype=np.float32)
if multi: p = p.reshape(-1, K)
baseline = hwm()
def run():
    if scenario == 'binary-onepass':
        pred = (p >= 0.5).astype(np.uint8)
        return onepass(y, pred, p, y.astype(np.float64), lambda: M.brier_score_loss(y, p))
    if scenario == 'binary-ranking':
        return {'auc': M.roc_auc_score(y, p), 'ap': M.average_precision_score(y, p)}
    pred = p.argmax(axis=1)
    conf = p.max(axis=1)
    onehot = np.zeros(p.shape); onehot[np.arange(y.size), y] = 1
    return onepass(y, pred, conf, (pred == y).astype(np.float64), lambda: float(np.mean(np.sum((p.astype(np.float64) - onehot) ** 2, axis=1))))
times, cpu = [], []
for _ in range(reps):
    t, c = time.perf_counter(), time.process_time()
    values = run()
    times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
peak = hwm()
print(json.dumps({'scenario': scenario, 'medianS': float(np.median(times)), 'medianCpuS': float(np.median(cpu)), 'runs': reps, 'baselineRssMiB': baseline, 'peakRssMiB': peak, 'values': {k: float(v) for k, v in values.items()}}))
`;

function findPython(): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(exe, ['-c', 'import sklearn, numpy; print(sklearn.__version__)'], {
      encoding: 'utf8',
    });
    if (r.status === 0) return exe;
  }
  return null;
}

function runChild(cmd: string, args: string[]): Measured {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * MiB });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Measured;
}

function fmt(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined ? '–' : x.toFixed(digits);
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'modeval-metrics-bench-'));
  try {
    const loadBefore = loadavg()[0]!;
    const t0 = performance.now();
    generate(dir);
    console.error(
      `generated ${N.toLocaleString('en')} binary and ${K}-class predictions in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const self = fileURLToPath(import.meta.url);
    const ours = SCENARIOS.map((s) => {
      const m = runChild(process.execPath, [...process.execArgv, self, `--scenario=${s}`, `--data=${dir}`]);
      console.error(
        `modeval ${s}: ${m.medianS.toFixed(3)} s (CPU ${m.medianCpuS.toFixed(3)} s), peak RSS ${m.peakRssMiB.toFixed(0)} MiB`,
      );
      return m;
    });
    const python = findPython();
    let sklearnVersion = '';
    const theirs: (Measured | null)[] = SCENARIOS.map(() => null);
    if (python) {
      sklearnVersion = spawnSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], {
        encoding: 'utf8',
      }).stdout.trim();
      const script = join(dir, 'bench.py');
      writeFileSync(script, PYTHON);
      SCENARIOS.forEach((s, i) => {
        if (!SKLEARN_SCENARIOS.includes(s)) return;
        // sklearn's one-pass scenarios take tens of seconds each: one run keeps the benchmark short
        const reps = s === 'binary-ranking' ? 3 : 1;
        theirs[i] = runChild(python, [script, s, dir, String(reps), String(BINS)]);
        console.error(
          `sklearn ${s}: ${theirs[i]!.medianS.toFixed(3)} s, peak RSS ${theirs[i]!.peakRssMiB.toFixed(0)} MiB`,
        );
      });
    } else {
      console.error('scikit-learn not importable: skipping the comparison');
    }
    writeResults(ours, theirs, sklearnVersion, [loadBefore, loadavg()[0]!]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeResults(
  ours: Measured[],
  theirs: (Measured | null)[],
  sklearnVersion: string,
  load: [number, number],
): void {
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const lines = [
    '# Metric core benchmark',
    '',
    `Generated by \`npx tsx bench/metrics.bench.ts\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Machine: ${describeMachine()}; \`nproc\` = ${nproc}. The machine was shared with other work while this ran:`,
    `1-minute load average ${load[0].toFixed(1)} at the start and ${load[1].toFixed(1)} at the end, so absolute times are`,
    'inflated and noisy, and the CPU-time ratio is the fairer comparison (both implementations are single-threaded here).',
    '',
    `Data: ${N.toLocaleString('en')} synthetic predictions (seeded noisy-logit model; binary at 30% prevalence, and ${K}-class with`,
    'float32 probabilities), the same bytes for both implementations. Times are medians of the runs listed (modeval',
    'after one warm-up run); each scenario ran in its own process, and its peak RSS (VmHWM) includes the runtime and',
    `the input arrays ("baseline" is the peak right after loading them). Calibration uses ${BINS} equal-width bins.`,
    '',
    '| scenario | modeval wall / CPU median (s) | runs | modeval baseline / peak RSS (MiB) | sklearn wall / CPU median (s) | runs | sklearn baseline / peak RSS (MiB) | sklearn / modeval (wall, CPU) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  ours.forEach((m, i) => {
    const t = theirs[i];
    lines.push(
      `| ${m.scenario} | ${fmt(m.medianS, 3)} / ${fmt(m.medianCpuS, 3)} | ${m.runs} | ${fmt(m.baselineRssMiB, 0)} / ${fmt(m.peakRssMiB, 0)} | ${t ? `${fmt(t.medianS, 3)} / ${fmt(t.medianCpuS, 3)}` : '–'} | ${t?.runs ?? '–'} | ${t ? `${fmt(t.baselineRssMiB, 0)} / ${fmt(t.peakRssMiB, 0)}` : '–'} | ${t ? `${(t.medianS / m.medianS).toFixed(1)}x, ${(t.medianCpuS / m.medianCpuS).toFixed(1)}x` : '–'} |`,
    );
  });
  lines.push(
    '',
    ...ours
      .filter((m) => m.scenario === 'multiclass-paired-bootstrap')
      .map(
        (m) =>
          `Paired bootstrap result: macro-F1 difference ${fmt(m.values.delta, 4)}, 95% interval [${fmt(m.values.low, 4)}, ${fmt(m.values.high, 4)}].`,
      ),
    '',
    "The paired-bootstrap row includes building both models' predictions and cells from the 10M rows; each replicate",
    'is one multinomial draw over the non-empty (cell A, cell B) pairs, not 10M index draws.',
    '',
    'Memory: the one-pass accumulators hold O(K² + bins) numbers, so their peak is the input arrays plus the runtime.',
    'ROC-AUC/AP must keep every score: the store holds 4 bytes per score (here preallocated for n on each class side),',
    'plus a transient radix-sort buffer of 4 bytes per score of the side being sorted.',
    '',
  );
  if (sklearnVersion) {
    lines.push(
      `Reference: scikit-learn ${sklearnVersion} (Debian python3-sklearn) with numpy. The sklearn one-pass scenarios call`,
      '`confusion_matrix`, `precision_recall_fscore_support` (per class, macro, micro, weighted), `accuracy_score`,',
      '`balanced_accuracy_score`, `cohen_kappa_score`, `matthews_corrcoef`, `brier_score_loss` (binary; numpy for the',
      'multiclass sum-of-squares Brier), and a numpy ECE with the same binning: each call makes its own pass, which is how',
      'these metrics are usually computed with sklearn. Ranking calls `roc_auc_score` and `average_precision_score`.',
      '',
      'Absolute difference between the values both computed, metric by metric:',
      '',
      '| scenario | metric | modeval | sklearn | abs diff |',
      '| --- | --- | ---: | ---: | ---: |',
    );
    ours.forEach((m, i) => {
      const t = theirs[i];
      if (!t) return;
      for (const [key, value] of Object.entries(m.values)) {
        const other = t.values[key];
        const diff = value === null || other === undefined || other === null ? null : Math.abs(value - other);
        lines.push(
          `| ${m.scenario} | ${key} | ${fmt(value, 12)} | ${fmt(other, 12)} | ${diff === null ? '–' : diff.toExponential(1)} |`,
        );
      }
    });
  } else {
    lines.push('scikit-learn was not importable on this machine, so there is no comparison.');
  }
  const out = fileURLToPath(new URL('./RESULTS-metrics.md', import.meta.url));
  writeFileSync(out, `${lines.join('\n')}\n`);
  console.error(`wrote ${out}`);
}

const scenarioArg = process.argv.find((a) => a.startsWith('--scenario='));
const dataArg = process.argv.find((a) => a.startsWith('--data='));
if (scenarioArg && dataArg) {
  const s = scenarioArg.slice('--scenario='.length) as Scenario;
  if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
  await child(s, dataArg.slice('--data='.length));
} else {
  await parent();
}
