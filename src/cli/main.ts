import yargs, { type Argv, type CommandModule } from 'yargs';
import type { BuiltinDatasets } from '../dataset/builtin.js';
import { formatCell, terminalText } from '../render/terminal.js';
import { handleInterrupts } from '../util/cleanup.js';
import { BadInputError, ExitCode, exitCodeOf, GateFailedError, RunFailedError } from '../util/errors.js';
import { codeOf, isEnvironmentError, OutputError } from '../util/fs-errors.js';
import { harnessVersion } from '../util/version.js';
import { clustersCommand } from './clusters.js';
import { compareCommand } from './compare.js';
import { convertCommand } from './convert.js';
import { dataCommand } from './data.js';
import { demoCommand } from './demo.js';
import { demoPoliciesCommand } from './demo-policies.js';
import { evalCommand } from './eval.js';
import { gateCommand } from './gate.js';
import { inspectCommand } from './inspect.js';
import { planCommand } from './plan.js';
import { predictionsCommand } from './predictions.js';
import { reportCommand } from './report.js';
import { reviewCommand } from './review.js';
import { runCommand } from './run.js';

/** Every verb lives in its own module under src/cli and is registered here. */
// Each module types its own arguments; yargs only needs them as generic command modules.
const commands = (datasets: BuiltinDatasets) =>
  [
    demoCommand(datasets),
    demoPoliciesCommand(datasets),
    dataCommand(datasets),
    inspectCommand,
    convertCommand,
    runCommand,
    predictionsCommand,
    evalCommand,
    compareCommand,
    gateCommand,
    clustersCommand,
    planCommand,
    reviewCommand,
    reportCommand,
  ] as unknown as CommandModule[];

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
  for (const command of commands(options.datasets ?? new Map())) parser = parser.command(command);
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
