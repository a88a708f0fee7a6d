import type { CommandModule } from 'yargs';
import { ConflictPolicySchema, type ReviewImportSummary } from '../contracts/review-import.js';
import { goldenRowsBeside } from '../evaluate/golden-rows.js';
import { count, plural } from '../render/numbers.js';
import { formatCell, renderTable, terminalText } from '../render/terminal.js';
import { exportReview, type ReviewExportSummary } from '../review/export.js';
import { ReviewExportOptionsSchema } from '../review/export-options.js';
import { GoldenModeSchema } from '../review/formats/format.js';
import {
  ALL_FORMATS,
  choiceList,
  ExportFormatSchema,
  REVIEW_FORMATS,
  VERDICT_FORMATS,
  VerdictFormatSchema,
} from '../review/formats/registry.js';
import {
  formatProblem,
  importReview,
  ReviewImportOptionsSchema,
  VerdictProblemsError,
} from '../review/import.js';
import {
  formatSelectRule,
  PriorityKeySchema,
  parseSelectRule,
  SelectOptionsSchema,
} from '../review/select-options.js';
import { BadInputError } from '../util/errors.js';
import { keyedRecord } from '../util/keyed.js';
import { onInvalidOption, requireInteger, schemaDefault } from './options.js';
import { logRejectedGolden } from './rejected.js';

interface ExportArgs {
  dataset: string;
  spec?: string;
  predictions: string[];
  out: string;
  queue: string;
  store?: string;
  select: string[];
  priority: string[];
  cost: string[];
  'priority-slice': string[];
  cap?: number;
  'stratify-by'?: string;
  clusters?: string;
  format: string[];
  golden: string;
  'max-text-chars': number;
  json: boolean;
  'on-invalid': 'error' | 'skip';
}

function parseCosts(items: readonly string[]): Record<string, number> {
  const out = keyedRecord<number>();
  for (const c of items) {
    const m = /^(.+>.+)=([0-9.]+)$/.exec(c);
    if (!m)
      throw new BadInputError(`cost ${JSON.stringify(c)} must look like golden>predicted=5`, {
        field: 'cost',
      });
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

function list(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).filter((v) => v !== '');
}

export const reviewExportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe: `Select disagreements and write a review queue (${REVIEW_FORMATS.map((f) => f.title).join(', ')})`,
  builder: (y) =>
    y
      .option('dataset', { type: 'string', demandOption: true, describe: 'golden dataset (Arrow)' })
      .option('spec', { type: 'string', describe: 'dataset spec JSON (default: beside the dataset)' })
      .option('predictions', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'predictions file(s); the first is the model label issues are computed for',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'output folder (<out>/<queue>/batch-NNNN/)',
      })
      .option('queue', {
        type: 'string',
        default: schemaDefault(ReviewExportOptionsSchema, 'queue'),
        describe: 'queue name (letters, digits, . _ -)',
      })
      .option('store', {
        type: 'string',
        describe: 'DuckDB store of what was sent (default <out>/review-store.duckdb)',
      })
      .option('select', {
        type: 'string',
        array: true,
        default: schemaDefault(SelectOptionsSchema, 'rules').map(formatSelectRule),
        describe:
          'rules (OR): model-vs-golden[:m], model-vs-model[:a,b], low-margin[:t], label-issue, annotator-disagreement, cluster:<id>',
      })
      .option('priority', {
        type: 'string',
        array: true,
        default: schemaDefault(SelectOptionsSchema, 'priority').map((key) => key.replace(/_/g, '-')),
        describe: `priority keys in order: ${PriorityKeySchema.options.join(', ')}`,
      })
      .option('cost', {
        type: 'string',
        array: true,
        default: Object.entries(schemaDefault(SelectOptionsSchema, 'costs')).map(
          ([error, cost]) => `${error}=${cost}`,
        ),
        describe: 'error costs, e.g. spam>ham=5',
      })
      .option('priority-slice', {
        type: 'string',
        array: true,
        default: schemaDefault(SelectOptionsSchema, 'prioritySlices'),
        describe: 'column=value reviewed first',
      })
      .option('cap', { type: 'number', describe: 'most items in this batch' })
      .option('stratify-by', {
        type: 'string',
        describe: 'share the cap across: label, reason or a slice column',
      })
      .option('clusters', { type: 'string', describe: 'clusters.json from `modeval clusters`' })
      .option('format', {
        type: 'string',
        array: true,
        default: schemaDefault(ReviewExportOptionsSchema, 'formats'),
        describe: `formats: ${ALL_FORMATS.join(', ')}`,
      })
      .option('golden', {
        type: 'string',
        default: schemaDefault(ReviewExportOptionsSchema, 'golden'),
        describe:
          'golden label in Label Studio: annotation, prediction, or hidden (blind review, all formats)',
      })
      .option('max-text-chars', {
        type: 'number',
        default: schemaDefault(ReviewExportOptionsSchema, 'maxTextChars'),
        describe: 'cut longer texts',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .options(onInvalidOption)
      .example(
        '$0 review export --dataset golden.arrow --predictions out/demo/spam-v1/predictions.arrows --out review --queue qa --cap 200 --stratify-by label',
        'the 200 most costly disagreements, both labels represented',
      ),
  handler: async (args) => {
    requireInteger('max-text-chars', args['max-text-chars'], 1);
    const summary = await exportReview({
      dataset: args.dataset,
      ...(args.spec ? { spec: args.spec } : {}),
      predictions: args.predictions,
      out: args.out,
      queue: args.queue,
      ...(args.store ? { store: args.store } : {}),
      ...(args.clusters ? { clusters: args.clusters } : {}),
      select: {
        // Not comma-split: `model-vs-model:a,b` carries a comma.
        rules: args.select.map(parseSelectRule),
        priority: list(args.priority).map((p) => {
          const parsed = PriorityKeySchema.safeParse(p.replace(/-/g, '_'));
          if (!parsed.success)
            throw new BadInputError(`unknown priority key ${JSON.stringify(p)}`, { field: 'priority' });
          return parsed.data;
        }),
        costs: parseCosts(args.cost),
        prioritySlices: args['priority-slice'],
        ...(args.cap !== undefined ? { cap: args.cap } : {}),
        ...(args['stratify-by'] ? { stratifyBy: args['stratify-by'] } : {}),
      },
      formats: list(args.format).map((f) => {
        const parsed = ExportFormatSchema.safeParse(f);
        if (!parsed.success)
          throw new BadInputError(`unknown format ${JSON.stringify(f)}`, { field: 'format' });
        return parsed.data;
      }),
      golden: (() => {
        const parsed = GoldenModeSchema.safeParse(args.golden);
        if (!parsed.success) {
          throw new BadInputError(`--golden must be ${choiceList(GoldenModeSchema.options)}`, {
            field: 'golden',
          });
        }
        return parsed.data;
      })(),
      maxTextChars: args['max-text-chars'],
      onInvalid: args['on-invalid'],
    });
    logRejectedGolden(goldenRowsBeside({ onInvalid: args['on-invalid'] }, args.out, 'review export').rule);
    process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatExport(summary));
  },
};

export function formatExport(s: ReviewExportSummary): string {
  const out = [
    `queue ${s.queue}: ${s.matched} matched, ${s.alreadyExported} already sent, ${s.exported} exported${s.batch ? ` as ${s.batch}` : ''}`,
  ];
  if (s.exported > 0) {
    out.push(
      renderTable(
        ['reason', 'items'],
        Object.entries(s.byReason).map(([k, v]) => [k, v]),
      ),
    );
    const li = Object.entries(s.byLabelIssue);
    if (li.length > 0)
      out.push(
        renderTable(
          ['model vs golden', 'items'],
          li.map(([k, v]) => [`${k} candidate`, v]),
        ),
      );
    for (const e of s.labelEvidence) out.push(`Golden-label check: ${formatCell(e.rule)}.`);
    out.push(`written to ${formatCell(s.dir)}:`, ...s.files.map((f) => `  ${formatCell(f)}`));
  }
  return terminalText(`${out.join('\n')}\n`);
}

interface ImportArgs {
  dataset: string;
  spec?: string;
  verdicts: string[];
  format?: string;
  out: string;
  'on-conflict': string;
  reviewer: string;
  json: boolean;
}

export const reviewImportCommand: CommandModule<object, ImportArgs> = {
  command: 'import <verdicts..>',
  describe: "Apply reviewers' verdicts and write a new golden version with provenance columns",
  builder: (y) =>
    y
      .positional('verdicts', {
        type: 'string',
        array: true,
        demandOption: true,
        // yargs gives a variadic positional a `[]` default and would print `[required] [default: []]`.
        default: undefined,
        describe: choiceList(VERDICT_FORMATS.map((f) => f.read.describe)),
      })
      .option('dataset', {
        type: 'string',
        demandOption: true,
        describe: 'the golden version reviewed (Arrow)',
      })
      .option('spec', { type: 'string', describe: 'dataset spec JSON (default: beside the dataset)' })
      .option('format', {
        type: 'string',
        describe: `force the verdict format: ${VerdictFormatSchema.options.join(', ')}`,
      })
      .option('out', { type: 'string', demandOption: true, describe: 'new golden version (Arrow IPC file)' })
      .option('on-conflict', {
        type: 'string',
        default: schemaDefault(ReviewImportOptionsSchema, 'onConflict'),
        describe: 'reviewers disagree: keep (golden stays, conflict listed), majority, fail',
      })
      .option('reviewer', {
        type: 'string',
        default: schemaDefault(ReviewImportOptionsSchema, 'defaultReviewer'),
        describe: 'reviewer for CSV/JSONL rows without one',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .example(
        '$0 review import ls-export.json --dataset golden.arrow --out golden.v2.arrow',
        'relabel from a Label Studio export',
      ),
  handler: async (args) => {
    const format = args.format === undefined ? undefined : VerdictFormatSchema.safeParse(args.format);
    if (format && !format.success) {
      throw new BadInputError(`--format must be ${choiceList(VerdictFormatSchema.options)}`, {
        field: 'format',
      });
    }
    const policy = ConflictPolicySchema.safeParse(args['on-conflict']);
    if (!policy.success)
      throw new BadInputError('--on-conflict must be keep, majority or fail', { field: 'on-conflict' });
    try {
      const summary = await importReview({
        dataset: args.dataset,
        ...(args.spec ? { spec: args.spec } : {}),
        sources: args.verdicts.map((file) => ({ file, ...(format?.success ? { format: format.data } : {}) })),
        out: args.out,
        onConflict: policy.data,
        defaultReviewer: args.reviewer,
      });
      process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatImport(summary));
    } catch (err) {
      if (err instanceof VerdictProblemsError && err.problems.length > 1) {
        for (const p of err.problems) process.stderr.write(`  ${formatCell(formatProblem(p))}\n`);
      }
      throw err;
    }
  },
};

export function formatImport(s: ReviewImportSummary): string {
  const out = [
    `new golden version ${formatCell(s.output)}: ${plural(s.verdicts, 'verdict')} on ${plural(s.reviewed, 'item')}, ${count(s.relabelled)} relabelled, ${plural(s.conflicts.length, 'conflict')} (skipped without a verdict: ${count(s.skipped)} unanswered, empty, cancelled, draft or reference${s.unsubmitted ? `; of them ${plural(s.unsubmitted.draft, 'draft')} and ${count(s.unsubmitted.discarded)} discarded` : ''})`,
    renderTable(
      ['from', 'to', 'items'],
      s.transitions.map((t) => [t.from, t.to, t.count]),
      { title: 'Label transitions' },
    ),
  ];
  if (s.conflicts.length > 0) {
    out.push(
      renderTable(
        ['id', 'golden', 'answers', 'kept'],
        s.conflicts
          .slice(0, 20)
          .map((c) => [
            c.id,
            c.golden,
            c.answers.map((a) => `${a.reviewer}: ${a.label}`).join('; '),
            c.resolution,
          ]),
        { title: `Conflicts (policy ${s.conflicts[0]!.policy}; all answers in ${s.report})` },
      ),
    );
  }
  out.push(`spec: ${formatCell(s.spec)}  report: ${formatCell(s.report)}`);
  return terminalText(`${out.join('\n')}\n`);
}

export const reviewCommand: CommandModule = {
  command: 'review <command>',
  describe: 'Send disagreements to human review and bring verdicts back as a new golden version',
  builder: (y) =>
    y
      .command(reviewExportCommand as unknown as CommandModule)
      .command(reviewImportCommand as unknown as CommandModule)
      .demandCommand(1, 'Name a review command: export or import.'),
  handler: () => {},
};
