import { basename } from 'node:path';
import {
  LABELERS_SCHEMA_VERSION,
  type LabelersReport,
  type LabelersView,
} from '../contracts/labelers-report.js';
import { BadInputError } from '../util/errors.js';
import { parseInput } from '../util/zod.js';
import { agreementOf } from './agreement.js';
import { annotatorStats, teamAccuracy } from './annotators.js';
import { consensusOf } from './consensus.js';
import { driftOf } from './drift.js';
import { flagAnnotators, flagTest } from './flags.js';
import type { JudgementTable } from './judgements.js';
import { type LabelersOptions, LabelersOptionsSchema, type ResolvedLabelersOptions } from './options.js';
import { readDatasetJudgements } from './read-dataset.js';
import { readExport, sniffExport } from './read-export.js';
import { type LogJudgements, readLog } from './read-log.js';
import { type RejectedJudgement, Rejects } from './rejects.js';
import { annotatorSummaries } from './summary.js';
import { buildTable } from './table.js';
import { type NominalView, nominalViews } from './views.js';

/**
 * `modeval labelers`: measure the annotators. Reads the golden dataset and the judgements (its
 * `annotations` column, or a long log), and returns labelers.json: per annotator and view,
 * accuracy with intervals, per-label recall and precision, kappa against golden and consensus,
 * self-consistency and flags; the consensus; the guideline gaps. See docs/labelers.md.
 */
export async function labelers(options: LabelersOptions): Promise<LabelersReport> {
  return (await labelersRun(options)).report;
}

/** labelers.json and, with `onInvalid: 'skip'`, every judgement left out (for rejected-judgements.jsonl). */
export async function labelersRun(
  options: LabelersOptions,
): Promise<{ report: LabelersReport; rejected: readonly RejectedJudgement[] }> {
  const opts = parseInput(LabelersOptionsSchema, options, { say: (m) => `labelers options: ${m}` });
  const ds = await readDatasetJudgements(opts.dataset, opts.spec);
  let raw = ds.judgements;
  let source = `annotations column "${ds.column ?? 'annotations'}"`;
  let log: LogJudgements & { skipped?: number } = { judgements: [], outside: 0, outsideExamples: [] };
  const rejects = new Rejects(opts.onInvalid, opts.log ?? opts.dataset);
  if (opts.log !== undefined) {
    const format = opts.logFormat === 'auto' ? await sniffExport(opts.log) : opts.logFormat;
    log =
      format === 'table' || format === null
        ? await readLog(opts, opts.log, ds.items, rejects)
        : await readExport(format, opts.log, ds.items, rejects);
    raw = log.judgements;
    source = basename(opts.log);
  } else if (ds.column === undefined) {
    throw new BadInputError('the dataset has no annotations column: give a labelling log (--log)', {
      file: opts.dataset,
    });
  }
  if (raw.length === 0) {
    throw new BadInputError('no judgement of any dataset item was found', { file: opts.log ?? opts.dataset });
  }
  if (opts.by === 'batch' && !raw.some((j) => j.batch !== null)) {
    throw new BadInputError(
      `drift by batch needs a batch column in the log (--batch-column, default "batch"); none of its judgements has one`,
      { file: opts.log ?? opts.dataset },
    );
  }
  const table = buildTable(ds.items, raw, opts.log ?? opts.dataset);
  const judged = new Set(table.item).size;
  const report: LabelersReport = {
    schemaVersion: LABELERS_SCHEMA_VERSION,
    kind: 'modeval.labelers',
    task: ds.items.task,
    labels: [...table.labels],
    inputs: { dataset: ds.file, judgements: source },
    settings: settingsOf(opts),
    counts: {
      items: table.items.ids.length,
      itemsWithGolden: table.hasGolden.reduce((x, y) => x + y, 0),
      judgedItems: judged,
      judgements: table.item.length,
      annotators: table.annotators.length,
      outsideDataset: log.outside,
      outsideDatasetExamples: log.outsideExamples,
      skippedAnswers: log.skipped ?? 0,
      rejected: rejects.rows.length,
      rejectedExamples: rejects.rows.slice(0, 10),
    },
    annotators: annotatorSummaries(table),
    views: nominalViews(table).map((v) => viewReport(table, v, opts)),
  };
  return { report, rejected: rejects.rows };
}

function settingsOf(o: ResolvedLabelersOptions): LabelersReport['settings'] {
  return {
    level: o.level,
    minItems: o.minItems,
    target: o.target ?? null,
    fdr: o.fdr,
    suspectConfidence: o.suspectConfidence,
    resamples: o.resamples,
    seed: o.seed,
    tolerance: o.tolerance,
    maxIterations: o.maxIterations,
    smoothing: o.smoothing,
    by: o.by,
  };
}

function viewReport(table: JudgementTable, view: NominalView, o: ResolvedLabelersOptions): LabelersView {
  const consensus = consensusOf(table, view, o);
  const stats = annotatorStats(table, view, consensus.label, o.level);
  const flagSettings = { minItems: o.minItems, target: o.target, fdr: o.fdr };
  const flags = flagAnnotators(stats, flagSettings);
  // Tested annotators by rank (lowest accuracy first), then the rest by name.
  const rows = stats
    .map((s, i) => ({ ...s, flag: flags[i]! }))
    .sort((a, b) => byRank(a.flag.rank, b.flag.rank));
  return {
    policy: view.policy,
    labels: [...view.labels],
    team: teamAccuracy(stats, o.level),
    annotators: rows,
    flagTest: flagTest(flagSettings),
    consensus: consensus.report,
    agreement: agreementOf(table, view, {
      level: o.level,
      resamples: o.resamples,
      seed: o.seed,
      minUnits: o.minItems,
    }),
    drift: driftOf(table, view, o),
  };
}

/** Ranked first, by rank; unranked after, in their order (names; the sort is stable). */
function byRank(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  return a - b;
}
