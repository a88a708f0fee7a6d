import type { CommandModule } from 'yargs';
import { runDemo } from '../demo.js';
import { renderTable } from './table.js';

interface DemoArgs {
  out: string;
  quiet: boolean;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Build the SpamAssassin golden set if needed and evaluate both reference models on it',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'out/demo', describe: 'output folder' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' }),
  handler: async (args) => {
    const result = await runDemo({ out: args.out, quiet: args.quiet });
    const rows = result.runs.map(({ model, summary: s }) => [
      model,
      s.predicted,
      s.rejected + s.invalid,
      s.accuracy === null ? null : `${(100 * s.accuracy).toFixed(2)}%`,
      Math.round(s.rowsPerSecond),
      s.predictions,
    ]);
    process.stdout.write(
      `${renderTable(['model', 'rows', 'not scored', 'accuracy', 'rows/s', 'predictions'], rows, {
        title: `Reference models on the SpamAssassin golden set (${result.golden})`,
      })}\n`,
    );
  },
};
