import type { CommandModule } from 'yargs';
import { ImportOptionsSchema, importPredictions } from '../run/import.js';
import { mergePredictions } from '../run/merge.js';
import type { Task } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import { namingFlags, schemaChoices, schemaDefault } from './options.js';

interface ImportArgs {
  input: string;
  out: string;
  dataset: string;
  spec?: string;
  id: string;
  labels?: string;
  task: Task;
  positive?: string;
  score?: string[];
  decision?: string;
  flagged?: string;
  'flagged-delimiter': string;
  moderation?: string;
  map?: string[];
  ignore?: string[];
  'map-file'?: string;
  threshold?: string[];
  'model-name': string;
  'model-version': string;
}

/** The flag of each import option, so errors about an option name the flag a user typed. */
const IMPORT_FLAGS = new Map([
  ['idColumn', '--id'],
  ['labels', '--labels'],
  ['task', '--task'],
  ['positive', '--positive'],
  ['scoreColumns', '--score'],
  ['decisionColumn', '--decision'],
  ['flaggedColumn', '--flagged'],
  ['flaggedDelimiter', '--flagged-delimiter'],
  ['moderationColumn', '--moderation'],
  ['categoryMap', '--map'],
  ['categoryMapFile', '--map-file'],
  ['thresholds', '--threshold'],
  ['modelName', '--model-name'],
  ['modelVersion', '--model-version'],
]);

/** `label=value` pairs from repeated options, e.g. --score spam=p_spam. */
function pairs(items: readonly string[], option: string): Record<string, string> {
  const out = keyedRecord<string>();
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) {
      throw new BadInputError(`--${option} ${JSON.stringify(item)}: expected label=value`, { field: option });
    }
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

export const predictionsImportCommand: CommandModule<object, ImportArgs> = {
  command: 'import <input>',
  describe: 'Normalise predictions made elsewhere (production logs) into modeval predictions',
  builder: (y) =>
    y
      .positional('input', {
        type: 'string',
        demandOption: true,
        describe: 'Arrow, CSV, TSV, JSONL or Parquet file',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'output predictions file (.arrows)' })
      .option('dataset', {
        type: 'string',
        demandOption: true,
        describe: 'the golden dataset the predictions are for',
      })
      .option('id', {
        type: 'string',
        default: schemaDefault(ImportOptionsSchema, 'idColumn'),
        describe: 'id column',
      })
      .option('spec', { type: 'string', describe: "the dataset's spec (default: found beside the dataset)" })
      .option('labels', {
        type: 'string',
        describe:
          "ordered labels, comma-separated (default: the dataset spec's labels; multilabel: the imported policies, default those with a score source, or all for --flagged alone)",
      })
      .option('task', {
        choices: schemaChoices(ImportOptionsSchema, 'task'),
        default: schemaDefault(ImportOptionsSchema, 'task'),
      })
      .option('positive', {
        type: 'string',
        describe: "positive label (binary; default: the spec's positive, else the second label)",
      })
      .option('score', {
        type: 'string',
        array: true,
        describe: 'label=column holding P(label) (multilabel: policy=column); repeat per label',
      })
      .option('decision', {
        type: 'string',
        describe: 'column holding the decision (single-label): a label, or a value --map maps to one',
      })
      .option('flagged', {
        type: 'string',
        describe: 'multilabel: column of flagged policies (list, JSON array or delimited text)',
      })
      .option('flagged-delimiter', {
        type: 'string',
        default: schemaDefault(ImportOptionsSchema, 'flaggedDelimiter'),
        describe: 'separator of the flagged names in text that is not a JSON array',
      })
      .option('moderation', {
        type: 'string',
        describe:
          'multilabel: column holding a moderation API answer (JSON: categories + category_scores, or results[0] of them)',
      })
      .option('map', {
        type: 'string',
        array: true,
        describe:
          'value=label: a log value mapped to a dataset label (single-label: a --decision value, e.g. remove=spam; multilabel: an API category or flagged name → policy); repeat',
      })
      .option('ignore', {
        type: 'string',
        array: true,
        describe: 'multilabel: an API category or flagged name to ignore (not reported as unmapped); repeat',
      })
      .option('map-file', {
        type: 'string',
        describe:
          'JSON file of the same map, {"value": "label"} (multilabel: "policy" or null to ignore); --map and --ignore override it',
      })
      .option('threshold', {
        type: 'string',
        array: true,
        describe: 'label=threshold used to decide from scores',
      })
      .option('model-name', { type: 'string', demandOption: true })
      .option('model-version', {
        type: 'string',
        default: schemaDefault(ImportOptionsSchema, 'modelVersion'),
      })
      .example(
        '$0 predictions import prod-log.csv --out prod.arrows --dataset golden.arrow --labels ham,spam --score spam=p_spam --decision action --model-name prod',
        'a production log with P(spam) and the action taken',
      )
      .example(
        '$0 predictions import actions.csv --out prod.arrows --dataset golden.arrow --decision action --map remove=spam --map allow=ham --model-name prod',
        "a log of the actions taken, mapped to the dataset's labels (labels and positive from its spec)",
      )
      .example(
        '$0 predictions import api-log.jsonl --task multilabel --out api.arrows --dataset datasets/fortunes/golden.arrow --moderation response --map sexual=offensive/sexual --map harassment=offensive/other --map-file more.json --model-name openai-moderation',
        'a hosted moderation API log mapped to the dataset taxonomy',
      ),
  handler: async (args) => {
    const thresholds = Object.fromEntries(
      Object.entries(pairs(args.threshold ?? [], 'threshold')).map(([k, v]) => [k, Number(v)]),
    );
    const summary = await namingFlags(IMPORT_FLAGS, () =>
      importPredictions({
        input: args.input,
        out: args.out,
        dataset: args.dataset,
        idColumn: args.id,
        ...(args.spec ? { spec: args.spec } : {}),
        ...(args.labels ? { labels: args.labels.split(',').map((s) => s.trim()) } : {}),
        task: args.task,
        ...(args.positive ? { positive: args.positive } : {}),
        scoreColumns: pairs(args.score ?? [], 'score'),
        ...(args.decision ? { decisionColumn: args.decision } : {}),
        ...(args.flagged ? { flaggedColumn: args.flagged } : {}),
        flaggedDelimiter: args['flagged-delimiter'],
        ...(args.moderation ? { moderationColumn: args.moderation } : {}),
        categoryMap: keyedRecord<string | null>([
          ...Object.entries(pairs(args.map ?? [], 'map')),
          ...(args.ignore ?? []).map((name) => [name, null] as const),
        ]),
        ...(args['map-file'] ? { categoryMapFile: args['map-file'] } : {}),
        thresholds,
        modelName: args['model-name'],
        modelVersion: args['model-version'],
      }),
    );
    process.stdout.write(
      `imported ${summary.rows} predictions of ${summary.labels.join(', ')} (scores from ${summary.scores}) → ${summary.out}\n`,
    );
    if (summary.unmappedCategories.length > 0) {
      const list = summary.unmappedCategories.map((c) => `${c.name} (${c.rows} rows)`).join(', ');
      process.stdout.write(`unmapped categories (not imported; map them with --map or --ignore): ${list}\n`);
    }
  },
};

interface MergeArgs {
  shards: string[];
  out: string;
}

export const predictionsMergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <shards..>',
  describe: 'Join the shards of `modeval run --shard i/n` into the file a single run writes (byte for byte)',
  builder: (y) =>
    y
      .positional('shards', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'output folders of the shards (or their predictions.arrows), any order',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'merged predictions file (.arrows)' })
      .example('$0 predictions merge shards/0 shards/1 shards/2 shards/3 --out all/predictions.arrows', ''),
  handler: async (args) => {
    const summary = await mergePredictions({ shards: args.shards, out: args.out });
    process.stdout.write(`merged ${summary.shards} shards, ${summary.rows} predictions → ${summary.out}\n`);
  },
};

export const predictionsCommand: CommandModule = {
  command: 'predictions <command>',
  describe: 'Predictions files: import a production log; merge the shards of a sharded run',
  builder: (y) =>
    y
      .command(predictionsImportCommand as unknown as CommandModule)
      .command(predictionsMergeCommand as unknown as CommandModule)
      .demandCommand(1),
  handler: () => {},
};
