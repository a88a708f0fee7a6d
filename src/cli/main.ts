import yargs, { type Argv, type CommandModule } from 'yargs';
import type { BuiltinDatasets } from '../dataset/builtin.js';
import { formatCell, terminalText } from '../render/terminal.js';
import { handleInterrupts } from '../util/cleanup.js';
import { BadInputError, ExitCode, exitCodeOf, GateFailedError, RunFailedError } from '../util/errors.js';
import { codeOf, isEnvironmentError, OutputError } from '../util/fs-errors.js';
import { useStreamingGcPolicy } from '../util/gc-policy.js';
import { harnessVersion } from '../util/version.js';

type CommandLoader = (datasets: BuiltinDatasets) => Promise<CommandModule>;
// Each module types its own arguments; yargs only needs them as generic command modules.
const loaded = (c: unknown) => c as CommandModule;

/**
 * Every verb lives in its own module under src/cli and is registered here. A verb's module (and
 * the engine behind it) is loaded only when that verb runs: start-up is part of every run's wall
 * time, and loading all of them costs about half a second that `run` or `eval` would not use.
 */
const COMMANDS = new Map<string, CommandLoader>([
  ['demo', async (d) => loaded((await import('./demo.js')).demoCommand(d))],
  ['demo-policies', async (d) => loaded((await import('./demo-policies.js')).demoPoliciesCommand(d))],
  ['data', async (d) => loaded((await import('./data.js')).dataCommand(d))],
  ['inspect', async () => loaded((await import('./inspect.js')).inspectCommand)],
  ['convert', async () => loaded((await import('./convert.js')).convertCommand)],
  ['run', async () => loaded((await import('./run.js')).runCommand)],
  ['predictions', async () => loaded((await import('./predictions.js')).predictionsCommand)],
  ['eval', async () => loaded((await import('./eval.js')).evalCommand)],
  ['compare', async () => loaded((await import('./compare.js')).compareCommand)],
  ['gate', async () => loaded((await import('./gate.js')).gateCommand)],
  ['clusters', async () => loaded((await import('./clusters.js')).clustersCommand)],
  ['plan', async () => loaded((await import('./plan.js')).planCommand)],
  ['labelers', async () => loaded((await import('./labelers.js')).labelersCommand)],
  ['review', async () => loaded((await import('./review.js')).reviewCommand)],
  ['report', async () => loaded((await import('./report.js')).reportCommand)],
]);

/** The verb named first, alone; every verb for anything else (`--help`, a typo to recommend for). */
function commandsFor(argv: readonly string[], datasets: BuiltinDatasets): Promise<CommandModule[]> {
  const one = argv[0] === undefined ? undefined : COMMANDS.get(argv[0]);
  if (one) return Promise.all([one(datasets)]);
  return Promise.all([...COMMANDS.values()].map((load) => load(datasets)));
}

export interface MainOptions {
  /**
   * The datasets `data build` and `demo` can build. Their builders are not part of the library
   * (src/ never imports datasets/); bin/modeval.js passes the registry from datasets/index.ts.
   */
  datasets?: BuiltinDatasets;
}

/**
 * Parse argv, run one command, and map the outcome to modeval's documented exit codes.
 * Never calls process.exit: the caller owns the process (tests call main directly).
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  useStreamingGcPolicy();
  let parser: Argv = yargs(argv)
    .scriptName('modeval')
    .usage(
      '$0 <command> [options]\n\nMeasure how far AI moderation models are from human judgement, and why.',
    )
    .version(harnessVersion())
    .strict()
    .demandCommand(1, 'Name a command; `modeval --help` lists them.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 ok, 1 gate failed, 2 bad input or usage, 3 internal error, 130 interrupted.')
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const command of await commandsFor(argv, options.datasets ?? new Map()))
    parser = parser.command(command);
  // SIGINT/SIGTERM: temporary files and locks are removed and the process exits 130 at once
  // (run first stops gracefully, see cli/run.ts).
  const stopHandling = handleInterrupts();
  try {
    await parser.parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    return reportError(err);
  } finally {
    stopHandling();
  }
}

class UsageError extends Error {}

/**
 * A file operation the environment refused (full disk, read-only mount, permissions) that escaped
 * the write layer: still the user's place to fix, so exit 2 naming the path, never a stack trace.
 */
function environmentRefusal(err: unknown): string | undefined {
  const path = (err as NodeJS.ErrnoException | undefined)?.path;
  if (!isEnvironmentError(err) || typeof path !== 'string') return undefined;
  const syscall = (err as NodeJS.ErrnoException).syscall ?? 'access';
  return new OutputError(path, `${syscall} it`, codeOf(err)!).message;
}

function reportError(err: unknown): number {
  // Messages quote ids, labels, column names and argument values: cleaned like any terminal output,
  // and kept to one line.
  if (err instanceof UsageError) {
    process.stderr.write(`modeval: ${formatCell(err.message)}\n`);
    return ExitCode.badInput;
  }
  if (err instanceof BadInputError || err instanceof GateFailedError || err instanceof RunFailedError) {
    process.stderr.write(`modeval: ${formatCell(err.message)}\n`);
    return exitCodeOf(err);
  }
  const refused = environmentRefusal(err);
  if (refused) {
    process.stderr.write(`modeval: ${formatCell(refused)}\n`);
    return ExitCode.badInput;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`modeval: internal error (please report): ${terminalText(detail)}\n`);
  return ExitCode.internal;
}
