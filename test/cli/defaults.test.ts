/**
 * Every CLI default equals the default of the library schema behind the command, so `modeval x`
 * and the library call `x()` do the same thing when nothing is given. The expected values come from
 * parsing a minimal valid input with each schema (not from the helper the CLI uses), and every flag
 * with a default must be accounted for: mapped to a schema field, or listed as presentation only.
 */

import { describe, expect, it } from 'vitest';
import yargs, { type Argv, type CommandModule } from 'yargs';
import { ClusterOptionsSchema } from '../../src/analysis/clusters.js';
import { clustersCommand } from '../../src/cli/clusters.js';
import { compareCommand } from '../../src/cli/compare.js';
import { convertCommand } from '../../src/cli/convert.js';
import { dataBuildCommand } from '../../src/cli/data.js';
import { DemoOptionsSchema } from '../../src/cli/demo/spam-job.js';
import { demoCommand } from '../../src/cli/demo.js';
import { evalCommand } from '../../src/cli/eval.js';
import { gateCommand } from '../../src/cli/gate.js';
import { inspectCommand } from '../../src/cli/inspect.js';
import { labelersCommand } from '../../src/cli/labelers.js';
import { predictionsImportCommand } from '../../src/cli/predictions.js';
import { reportCommand } from '../../src/cli/report.js';
import { reviewExportCommand, reviewImportCommand } from '../../src/cli/review.js';
import { runCommand } from '../../src/cli/run.js';
import { DataBuildOptionsSchema } from '../../src/dataset/builtin.js';
import { ConvertOptionsSchema } from '../../src/dataset/convert.js';
import { EvalSetOptionsSchema } from '../../src/evaluate/eval-set.js';
import { EvaluateOptionsSchema } from '../../src/evaluate/options.js';
import { CompareModelsOptionsSchema, GateOptionsSchema } from '../../src/gate/options.js';
import { LabelersOptionsSchema } from '../../src/labelers/options.js';
import { ReportOptionsSchema } from '../../src/report/options.js';
import { ReviewExportOptionsSchema } from '../../src/review/export-options.js';
import { ReviewImportOptionsSchema } from '../../src/review/import.js';
import { parseSelectRule } from '../../src/review/select-options.js';
import { ImportOptionsSchema } from '../../src/run/import.js';
import { RunOptionsSchema } from '../../src/run/run.js';

/** The defaults a command's builder declares, by flag. */
function flagDefaults(command: CommandModule): Record<string, unknown> {
  const builder = command.builder as (y: Argv) => Argv;
  const built = builder(yargs([])) as Argv & { getOptions(): { default: Record<string, unknown> } };
  // `default: undefined` is how a variadic positional drops yargs' `[]`: not a default.
  return Object.fromEntries(Object.entries(built.getOptions().default).filter(([, v]) => v !== undefined));
}

interface Case {
  name: string;
  command: CommandModule;
  /** The library's options with only the required fields given: every default filled in. */
  library: Record<string, unknown>;
  /** flag -> the library value it must equal (already in the flag's text form where they differ). */
  flags: Record<string, (lib: Record<string, unknown>) => unknown>;
  /** Flags that only shape what the CLI prints; the library has no such option. */
  presentation?: string[];
}

const field = (key: string) => (lib: Record<string, unknown>) => lib[key];
const noDatasets = new Map();

const cases: Case[] = [
  {
    name: 'run',
    command: runCommand as unknown as CommandModule,
    library: RunOptionsSchema.parse({ model: 'm', dataset: 'd', out: 'o' }),
    flags: {
      'batch-size': field('batchSize'),
      device: field('device'),
      'on-invalid': field('onInvalid'),
      resume: field('resume'),
      quiet: field('quiet'),
      'progress-every': field('progressEvery'),
      'checkpoint-seconds': field('checkpointSeconds'),
      'checkpoint-rows': field('checkpointRows'),
    },
    presentation: ['json'],
  },
  {
    name: 'convert',
    command: convertCommand as unknown as CommandModule,
    library: ConvertOptionsSchema.parse({ input: 'i.csv', output: 'o.arrows' }),
    flags: { 'all-varchar': field('allVarchar'), 'batch-rows': field('batchRows'), force: field('force') },
    presentation: ['json'],
  },
  {
    name: 'labelers',
    command: labelersCommand as unknown as CommandModule,
    library: LabelersOptionsSchema.parse({ dataset: 'd.arrow' }),
    flags: {
      'item-column': field('itemColumn'),
      'annotator-column': field('annotatorColumn'),
      'label-column': field('labelColumn'),
      'label-delimiter': field('labelDelimiter'),
      'log-format': field('logFormat'),
      'on-invalid': field('onInvalid'),
      by: field('by'),
      'min-items': field('minItems'),
      fdr: field('fdr'),
      level: field('level'),
      'suspect-confidence': field('suspectConfidence'),
      resamples: field('resamples'),
      seed: field('seed'),
    },
    presentation: ['json'],
  },
  {
    name: 'predictions import',
    command: predictionsImportCommand as unknown as CommandModule,
    library: ImportOptionsSchema.parse({
      input: 'p.csv',
      out: 'p.arrows',
      dataset: 'd.arrow',
      labels: ['ham', 'spam'],
      decisionColumn: 'action',
      modelName: 'prod',
    }),
    flags: {
      id: field('idColumn'),
      task: field('task'),
      'model-version': field('modelVersion'),
      'flagged-delimiter': field('flaggedDelimiter'),
    },
  },
  {
    name: 'review export',
    command: reviewExportCommand as unknown as CommandModule,
    library: ReviewExportOptionsSchema.parse({ dataset: 'd', predictions: ['p'], out: 'o', select: {} }),
    flags: {
      'on-invalid': field('onInvalid'),
      queue: field('queue'),
      format: field('formats'),
      golden: field('golden'),
      'max-text-chars': field('maxTextChars'),
      // The select flags are text; the library holds parsed values.
      select: (lib) => (lib.select as { rules: unknown[] }).rules,
      priority: (lib) => (lib.select as { priority: string[] }).priority,
      cost: (lib) => (lib.select as { costs: Record<string, number> }).costs,
      'priority-slice': (lib) => (lib.select as { prioritySlices: string[] }).prioritySlices,
    },
    presentation: ['json'],
  },
  {
    name: 'review import',
    command: reviewImportCommand as unknown as CommandModule,
    library: ReviewImportOptionsSchema.parse({ dataset: 'd', sources: [], out: 'o' }),
    flags: { 'on-conflict': field('onConflict'), reviewer: field('defaultReviewer') },
    presentation: ['json'],
  },
  {
    name: 'data build',
    command: dataBuildCommand(noDatasets) as unknown as CommandModule,
    library: DataBuildOptionsSchema.parse({}),
    flags: { force: field('force') },
  },
  {
    name: 'demo',
    command: demoCommand(noDatasets) as unknown as CommandModule,
    library: DemoOptionsSchema.parse({ golden: 'g.arrow' }),
    flags: { out: field('out'), quiet: field('quiet') },
  },
  {
    name: 'eval',
    command: evalCommand as unknown as CommandModule,
    library: EvaluateOptionsSchema.parse({ dataset: 'd', predictions: ['p'] }),
    flags: {
      'on-invalid': field('onInvalid'),
      resamples: field('resamples'),
      seed: field('seed'),
      level: field('level'),
      bins: field('bins'),
      binning: field('binning'),
      'min-bin-items': field('minBinItems'),
      intervals: field('intervals'),
      'min-slice-support': field('minSliceSupport'),
      'min-class-support': field('minClassSupport'),
      'max-interval-width': field('maxIntervalWidth'),
      'max-slice-values': field('maxSliceValues'),
    },
    presentation: ['max-slice-rows', 'json'],
  },
  {
    name: 'compare',
    command: compareCommand as unknown as CommandModule,
    library: CompareModelsOptionsSchema.parse({ baseline: 'b', candidate: 'c', dataset: 'd' }),
    flags: {
      'on-invalid': field('onInvalid'),
      resamples: field('resamples'),
      seed: field('seed'),
      level: field('level'),
      'list-limit': field('listLimit'),
    },
    presentation: ['json'],
  },
  {
    name: 'gate',
    command: gateCommand as unknown as CommandModule,
    library: GateOptionsSchema.parse({
      policy: 'gate.yaml',
      baseline: 'b',
      candidate: 'c',
      dataset: 'd',
      outDir: 'o',
    }),
    flags: {
      'on-invalid': field('onInvalid'),
      'list-limit': field('listLimit'),
      'include-null': field('includeNull'),
    },
  },
  {
    name: 'clusters',
    command: clustersCommand as unknown as CommandModule,
    library: ClusterOptionsSchema.parse({}),
    flags: {
      'on-invalid': () => EvalSetOptionsSchema.shape.onInvalid.parse(undefined),
      seed: field('seed'),
      model: field('model'),
      'min-cell-size': field('minCellSize'),
      'max-k': field('maxK'),
      'min-slice-support': field('minSliceSupport'),
    },
    presentation: ['examples', 'json'],
  },
  {
    name: 'report',
    command: reportCommand as unknown as CommandModule,
    library: ReportOptionsSchema.parse({ dirs: ['m'], out: 'report.html' }),
    // --format has no flag default on purpose: unset, it follows the --out extension.
    flags: {
      'on-invalid': field('onInvalid'),
      compare: field('autoCompare'),
      resamples: field('resamples'),
      seed: field('seed'),
      thumbnails: field('thumbnails'),
    },
  },
  {
    name: 'inspect',
    command: inspectCommand as unknown as CommandModule,
    library: {},
    flags: {},
    presentation: ['json'],
  },
];

/** The CLI spelling of review export's text flags, read back the way the handler reads them. */
function asLibraryValue(name: string, flag: string, value: unknown): unknown {
  if (name !== 'review export') return value;
  const list = value as string[];
  if (flag === 'select') return list.map(parseSelectRule);
  if (flag === 'priority') return list.map((p) => p.replace(/-/g, '_'));
  if (flag === 'cost')
    return Object.fromEntries(list.map((c) => c.split('=')).map(([k, v]) => [k, Number(v)]));
  return value;
}

describe('CLI defaults are the library schemas’ defaults', () => {
  for (const c of cases) {
    it(`${c.name}: every flag default equals its schema default, and no default is unaccounted for`, () => {
      const defaults = flagDefaults(c.command);
      const unaccounted = Object.keys(defaults).filter(
        (flag) => !(flag in c.flags) && !(c.presentation ?? []).includes(flag),
      );
      expect(unaccounted).toEqual([]);
      for (const [flag, expected] of Object.entries(c.flags)) {
        expect(defaults, `--${flag} has a default`).toHaveProperty([flag]);
        expect(asLibraryValue(c.name, flag, defaults[flag]), `--${flag}`).toEqual(expected(c.library));
      }
    });
  }
});
