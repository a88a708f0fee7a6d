import type { CommandModule } from 'yargs';
import { type BuildResult, buildSpamAssassin } from '../dataset/builtin.js';
import { BadInputError } from '../util/errors.js';
import { logLine, renderTable, terminalText } from './table.js';

interface DataBuildArgs {
  name: string;
  force: boolean;
  outDir?: string;
}

/** Built-in datasets `modeval data build` knows, each with its builder. */
const BUILDERS: Record<string, (args: DataBuildArgs) => Promise<BuildResult>> = {
  spamassassin: (args) =>
    buildSpamAssassin({
      force: args.force,
      ...(args.outDir ? { outDir: args.outDir } : {}),
      log: logLine,
    }),
};

const buildCommand: CommandModule<object, DataBuildArgs> = {
  command: 'build <name>',
  describe: 'Build a built-in dataset (skipped when its outputs are current)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'dataset name: spamassassin' })
      .option('force', { type: 'boolean', default: false, describe: 'rebuild even when outputs are current' })
      .option('out-dir', { type: 'string', describe: 'output folder (default: datasets/<name>/build)' })
      .example('$0 data build spamassassin', 'build the SpamAssassin train/golden Arrow files'),
  handler: async (args) => {
    const build = BUILDERS[args.name];
    if (build === undefined) {
      throw new BadInputError(`unknown dataset "${args.name}"; known: ${Object.keys(BUILDERS).join(', ')}`, {
        field: 'name',
      });
    }
    process.stdout.write(formatBuildResult(await build(args)));
  },
};

export const dataCommand: CommandModule = {
  command: 'data <command>',
  describe: 'Built-in datasets: build the real golden set',
  builder: (y) =>
    y.command(buildCommand).demandCommand(1, 'Name a data command, e.g. `data build spamassassin`.'),
  handler: () => {},
};

/** The counts table: files per corpus group, kept per split and label, rejected per reason. */
export function formatBuildResult(r: BuildResult): string {
  const c = r.manifest.counts;
  const out: string[] = [];
  out.push(
    `${r.skipped ? 'Up to date' : 'Built'}: ${r.outDir}  (builder ${r.manifest.builderVersion}, ` +
      `${r.manifest.input.package}@${r.manifest.input.version}, build ${(r.manifest.buildMs / 1000).toFixed(1)} s)`,
  );
  out.push('');
  const groups = Object.keys(c.filesByGroup);
  out.push(
    renderTable(
      ['group', 'files', 'kept', 'rejected'],
      groups.map((g) => {
        const files = c.filesByGroup[g] ?? 0;
        const kept = c.keptByGroup[g] ?? 0;
        return [g, files, kept, files - kept];
      }),
      { title: 'Corpus groups' },
    ),
  );
  out.push('');
  const splitRows = Object.entries(c.keptBySplitLabel).map(([split, byLabel]) => [
    split,
    byLabel.ham ?? 0,
    byLabel.spam ?? 0,
    c.keptBySplit[split] ?? 0,
  ]);
  splitRows.push(['total', c.keptByLabel.ham ?? 0, c.keptByLabel.spam ?? 0, c.kept]);
  out.push(renderTable(['split', 'ham', 'spam', 'rows'], splitRows, { title: 'Kept rows' }));
  out.push('');
  out.push(
    renderTable(
      ['reason', 'messages'],
      Object.entries(c.rejectedByReason).map(([k, n]) => [k, n]),
      { title: `Rejected (${c.rejected}, listed in ${r.rejected})` },
    ),
  );
  out.push('');
  out.push(`${c.totalFiles} listed files = ${c.kept} kept + ${c.rejected} rejected`);
  out.push(`train:  ${r.train}`);
  out.push(`golden: ${r.golden}`);
  return terminalText(`${out.join('\n')}\n`);
}
