import type { CommandModule } from 'yargs';
import type { RunSummary } from '../contracts/predictions.js';
import { type Cell, renderKeyValues } from '../render/terminal.js';
import { type RunOptionsInput, RunOptionsSchema } from '../run/options.js';
import { destroyPool, warmPool } from '../run/pool.js';
import { parseShard } from '../run/shard.js';
import { INTERRUPTED_EXIT_CODE, stopGracefullyOnSignal } from '../util/cleanup.js';
import { BadInputError } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import { logLine } from './log.js';
import { checkFlags, schemaChoices, schemaDefault } from './options.js';

interface RunArgs {
  model: string;
  dataset: string;
  out: string;
  spec?: string;
  workers?: number;
  threads?: number;
  'batch-size': number;
  device: 'cpu' | 'cuda' | 'auto';
  'on-invalid': 'error' | 'skip';
  resume: boolean;
  quiet: boolean;
  'progress-every': number;
  'checkpoint-seconds': number;
  'checkpoint-rows': number;
  shard?: string;
  json: boolean;
  threshold?: string[];
}

/** Exit code of a run stopped by SIGINT/SIGTERM (a checkpoint is left; 128 + SIGINT by convention). */
export { INTERRUPTED_EXIT_CODE };

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Score a dataset with an ONNX model on a worker pool; write predictions in dataset order',
  builder: (y) =>
    y
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'model folder (model.json + model.onnx)',
      })
      .option('dataset', { type: 'string', demandOption: true, describe: 'Arrow IPC file or stream' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('spec', { type: 'string', describe: 'dataset spec JSON' })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('threads', {
        type: 'number',
        describe: 'ONNX Runtime intra-op threads per worker (default: cores / workers)',
      })
      .option('batch-size', {
        type: 'number',
        default: schemaDefault(RunOptionsSchema, 'batchSize'),
        describe: 'rows per inference call',
      })
      .option('device', {
        choices: schemaChoices(RunOptionsSchema, 'device'),
        default: schemaDefault(RunOptionsSchema, 'device'),
        describe:
          "ONNX execution provider: cuda needs ONNX Runtime's CUDA provider libraries (no fallback); auto tries the card's providers, then cpu",
      })
      .option('on-invalid', {
        choices: schemaChoices(RunOptionsSchema, 'onInvalid'),
        default: schemaDefault(RunOptionsSchema, 'onInvalid'),
        describe:
          'bad dataset rows, undecodable images and NaN model outputs: stop (exit 2), or set aside in <out>/rejected.jsonl and <out>/invalid-rows.jsonl',
      })
      .option('threshold', {
        type: 'string',
        array: true,
        describe: 'decision threshold override, label=value',
      })
      .option('resume', {
        type: 'boolean',
        default: schemaDefault(RunOptionsSchema, 'resume'),
        describe: "continue an interrupted run from <out>'s checkpoint",
      })
      .option('quiet', {
        type: 'boolean',
        default: schemaDefault(RunOptionsSchema, 'quiet'),
        describe: 'no progress output',
      })
      .option('progress-every', {
        type: 'number',
        default: schemaDefault(RunOptionsSchema, 'progressEvery'),
        describe: 'seconds between progress lines when stderr is not a terminal',
      })
      .option('checkpoint-seconds', {
        type: 'number',
        default: schemaDefault(RunOptionsSchema, 'checkpointSeconds'),
        describe: 'make progress durable at least this often (a killed run redoes at most this much)',
      })
      .option('checkpoint-rows', {
        type: 'number',
        default: schemaDefault(RunOptionsSchema, 'checkpointRows'),
        describe: 'also make progress durable after this many rows (0: by time only)',
      })
      .option('shard', {
        type: 'string',
        describe:
          'i/n: score only contiguous share i (0-based) of n; join the shards with `modeval predictions merge`',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the run summary as JSON' })
      .example(
        '$0 run --model models/spam-v1 --dataset datasets/spamassassin/build/golden.arrow --out out/v1',
        'score the golden set',
      ),
  handler: async (args) => {
    const options: RunOptionsInput = {
      model: args.model,
      dataset: args.dataset,
      out: args.out,
      ...(args.spec ? { spec: args.spec } : {}),
      ...(args.workers ? { workers: args.workers } : {}),
      ...(args.threads ? { threads: args.threads } : {}),
      batchSize: args['batch-size'],
      device: args.device,
      onInvalid: args['on-invalid'],
      resume: args.resume,
      quiet: args.quiet,
      progressEvery: args['progress-every'],
      checkpointSeconds: args['checkpoint-seconds'],
      checkpointRows: args['checkpoint-rows'],
      ...(args.shard !== undefined ? { shard: parseShard(args.shard) } : {}),
      thresholds: parseThresholds(args.threshold ?? []),
    };
    checkFlags(RunOptionsSchema, options);
    const controller = new AbortController();
    // First SIGINT/SIGTERM: finish in-flight batches and leave a checkpoint; a second one exits
    // at once through the CLI's interrupt handler (cli/main.ts), removing temporary files.
    const giveBack = stopGracefullyOnSignal(() => {
      process.stderr.write(
        '\nmodeval: interrupting; finishing in-flight batches (press again to abort now)\n',
      );
      controller.abort();
    });
    // Workers start loading the model now; the engine loads meanwhile (run/pool.ts).
    const pool = warmPool(options);
    try {
      const { runModel } = await import('../run/run.js');
      const summary = await runModel(options, {
        signal: controller.signal,
        log: logLine,
        ...(pool ? { pool } : {}),
      });
      process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatRunSummary(summary));
      if (summary.status === 'interrupted') process.exitCode = INTERRUPTED_EXIT_CODE;
    } finally {
      await destroyPool(pool);
      giveBack();
    }
  },
};

function parseThresholds(items: string[]): Record<string, number> {
  const out = keyedRecord<number>();
  for (const item of items) {
    const m = /^(.+)=([0-9.eE+-]+)$/.exec(item);
    const value = m ? Number(m[2]) : Number.NaN;
    if (!m || !(value >= 0 && value <= 1)) {
      throw new BadInputError(
        `--threshold ${JSON.stringify(item)}: expected label=value with value in [0, 1]`,
      );
    }
    out[m[1]!] = value;
  }
  return out;
}

/**
 * The run in `label  value` lines (no value wider than it needs; long paths wrap at `width`, the
 * terminal's columns when stdout is one), so it fits a narrow terminal.
 */
export function formatRunSummary(s: RunSummary, width: number | undefined = process.stdout.columns): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const rows: [string, Cell][] = [
    ['model', `${s.model.name}@${s.model.version}`],
    ['model sha256', s.model.sha256.slice(0, 12)],
    ['dataset', s.dataset.file],
    ['dataset sha256', s.dataset.fingerprint.slice(0, 12)],
    ['status', s.status],
    ...(s.shard
      ? [
          [
            'shard',
            `${s.shard.index}/${s.shard.count} (dataset rows ${s.shard.firstRow}-${s.shard.endRow - 1})`,
          ] as [string, Cell],
        ]
      : []),
    ['rows', count(s.rows)],
    ['predicted', count(s.predicted)],
    ['rejected', `${count(s.rejected)} (dataset rows)`],
    ['invalid', `${count(s.invalid)} (model outputs)`],
    [
      'accuracy',
      s.accuracy === null ? null : `${(100 * s.accuracy).toFixed(2)}% of ${count(s.labelled)} labelled`,
    ],
    ['throughput', `${count(Math.round(s.rowsPerSecond))} rows/s in ${s.seconds.toFixed(1)} s`],
    [
      'pool',
      `${s.workers} workers × ${s.threads} threads on ${s.provider}${s.retries ? `, ${s.retries} retries` : ''}`,
    ],
    ['predictions', s.predictions],
  ];
  return renderKeyValues(rows, width);
}
