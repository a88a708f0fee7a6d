import type { CommandModule } from 'yargs';
import type { BuiltinDataset, BuiltinDatasets } from '../dataset/builtin.js';
import { DataBuildOptionsSchema } from '../dataset/builtin.js';
import { BadInputError } from '../util/errors.js';
import { logLine } from './log.js';
import { schemaDefault } from './options.js';

interface DataBuildArgs {
  name: string;
  force: boolean;
  outDir?: string;
}

/** The registered dataset called `name`, or a bad-input error listing the known ones. */
export function builtinDataset(datasets: BuiltinDatasets, name: string): BuiltinDataset {
  const dataset = datasets.get(name);
  if (dataset !== undefined) return dataset;
  const known = datasets.size === 0 ? 'none registered' : `known: ${[...datasets.keys()].join(', ')}`;
  throw new BadInputError(`unknown dataset "${name}"; ${known}`, { field: 'name' });
}

export function dataBuildCommand(datasets: BuiltinDatasets): CommandModule<object, DataBuildArgs> {
  return {
    command: 'build <name>',
    describe: 'Build a built-in dataset (skipped when its outputs are current)',
    builder: (y) =>
      y
        .positional('name', {
          type: 'string',
          demandOption: true,
          describe: `dataset name: ${[...datasets.keys()].join(', ')}`,
        })
        .option('force', {
          type: 'boolean',
          default: schemaDefault(DataBuildOptionsSchema, 'force'),
          describe: 'rebuild even when outputs are current',
        })
        .option('out-dir', { type: 'string', describe: 'output folder (default: datasets/<name>/build)' })
        .example('$0 data build spamassassin', 'build the SpamAssassin train/golden Arrow files'),
    handler: async (args) => {
      const dataset = builtinDataset(datasets, args.name);
      const built = await dataset.build({
        force: args.force,
        ...(args.outDir ? { outDir: args.outDir } : {}),
        log: logLine,
      });
      process.stdout.write(built.summary);
    },
  };
}

/** `modeval data ...`; the datasets come from the caller (bin/modeval.js registers datasets/index.ts). */
export function dataCommand(datasets: BuiltinDatasets): CommandModule {
  return {
    command: 'data <command>',
    describe: 'Built-in datasets: build the real golden set',
    builder: (y) =>
      y
        .command(dataBuildCommand(datasets))
        .demandCommand(1, 'Name a data command, e.g. `data build spamassassin`.'),
    handler: () => {},
  };
}
