import { readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { z } from 'zod';
import { ClustersReportSchema } from '../contracts/clusters-report.js';
import { ComparisonSchema, GateReportSchema } from '../contracts/gate-report.js';
import { GoldenChangeSchema } from '../contracts/golden-change.js';
import { LabelersReportSchema } from '../contracts/labelers-report.js';
import { MetricsReportSchema } from '../contracts/metrics-report.js';
import { PlanReportSchema } from '../contracts/plan-report.js';
import { RunFileSchema } from '../contracts/predictions.js';
import { ReviewImportSummarySchema } from '../contracts/review-import.js';
import { makeFolder, tempFileOwner, tempPathFor, writeFileAtomic, writeFileSet } from '../util/atomic.js';
import { readJsonFile } from '../util/files.js';
import { codeOf, outputFailure } from '../util/fs-errors.js';
import { parseInput } from '../util/zod.js';

/** A file a command leaves in its output folder: its fixed name and what it holds (for messages). */
export interface OutputFile {
  readonly name: string;
  readonly what: string;
}

/** An output file holding JSON, with the schema its readers validate it against. */
export interface JsonOutputFile<S extends z.ZodType = z.ZodType> extends OutputFile {
  readonly schema: S;
}

/**
 * A JSON file written beside another one and named after it: `<dir>/<stem><suffix>` for the file
 * `<dir>/<stem>.<ext>` it describes.
 */
export interface JsonSiblingFile<S extends z.ZodType = z.ZodType> {
  readonly suffix: string;
  readonly what: string;
  readonly schema: S;
}

/**
 * Every file name the commands write and `modeval report` reads: the data contracts between the
 * stages. Names live here only, so a writer and its readers cannot drift apart.
 */
export const OUTPUT_FILES = {
  /** `run` / `predictions import`: scores and decisions in dataset order (Arrow IPC stream). */
  predictions: { name: 'predictions.arrows', what: 'predictions' },
  /** `run`: the run summary and the predictions' provenance. */
  run: { name: 'run.json', what: 'run summary', schema: RunFileSchema },
  /** `run --on-invalid skip`: rows the dataset validation rejected (JSON lines). */
  rejected: { name: 'rejected.jsonl', what: 'rejected rows' },
  /**
   * `--on-invalid skip` of a command reading golden rows (eval, compare, gate, clusters, review
   * export, report): the bad golden rows left out, each with its reason (JSON lines), beside the
   * command's output; a name of its own, so it never replaces run's file in a shared folder.
   */
  rejectedGolden: { name: 'rejected-golden.jsonl', what: 'rejected golden rows' },
  /** `labelers --on-invalid skip`: judgements left out, each with its row, field and reason (JSON lines). */
  rejectedJudgements: { name: 'rejected-judgements.jsonl', what: 'rejected judgements' },
  /** `run`: rows the model could not score (JSON lines). */
  invalidRows: { name: 'invalid-rows.jsonl', what: 'invalid rows' },
  /** `eval`: metrics with intervals. */
  metrics: { name: 'metrics.json', what: 'metrics report', schema: MetricsReportSchema },
  /** `eval --compare-golden`: one model's metrics on the previous and current golden version, and the changed items. */
  goldenChange: { name: 'golden-change.json', what: 'golden change', schema: GoldenChangeSchema },
  goldenChanges: { name: 'golden-changes.jsonl', what: 'changed golden items' },
  /** `clusters`: error clusters of one model. */
  clusters: { name: 'clusters.json', what: 'clusters file', schema: ClustersReportSchema },
  /** `compare --out`: the paired comparison and its Markdown summary. */
  compare: { name: 'compare.json', what: 'comparison', schema: ComparisonSchema },
  compareMarkdown: { name: 'compare.md', what: 'comparison summary' },
  /** `gate`: the verdict with its rules; written last, so its presence says the other two are complete. */
  gate: { name: 'gate.json', what: 'gate report', schema: GateReportSchema },
  gateJUnit: { name: 'junit.xml', what: 'gate JUnit report' },
  gateMarkdown: { name: 'summary.md', what: 'gate summary' },
  /** `review import`: what the import did, beside the new golden version (`<stem>.review.json`). */
  reviewSummary: { suffix: '.review.json', what: 'review summary', schema: ReviewImportSummarySchema },
  /** `plan --out`: golden-set sizing per policy and slice. */
  plan: { name: 'plan.json', what: 'golden-set plan', schema: PlanReportSchema },
  /** `labelers`: the annotators measured, the consensus and the guideline gaps, with its Markdown summary. */
  labelers: { name: 'labelers.json', what: 'labelling QA report', schema: LabelersReportSchema },
  labelersMarkdown: { name: 'labelers.md', what: 'labelling QA summary' },
} as const satisfies Record<string, OutputFile | JsonOutputFile | JsonSiblingFile>;

/** `<dir>/<name>` of an output file. */
export function outputPath(dir: string, file: OutputFile): string {
  return join(dir, file.name);
}

/** `<dir>/<stem><suffix>` of a sibling file of `of` (`<dir>/<stem>.<ext>`). */
export function siblingPath(file: JsonSiblingFile, of: string): string {
  return join(dirname(of), `${basename(of, extname(of))}${file.suffix}`);
}

/**
 * Read and validate an output file given as input to a later stage; any problem is a
 * BadInputError naming the file and, for a schema mismatch, the field.
 */
export async function readOutput<S extends z.ZodType>(
  file: JsonOutputFile<S> | JsonSiblingFile<S>,
  path: string,
): Promise<z.output<S>> {
  const json = await readJsonFile(path, file.what);
  // A sibling file has no fixed name: messages call it by what it holds.
  const kind = 'name' in file ? file.name : file.what;
  return parseInput(file.schema, json, { file: path, say: (m) => `not a modeval ${kind}: ${m}` });
}

/** Write a JSON output atomically as the commands always have: two-space indent, final newline. */
export async function writeJsonOutput<S extends z.ZodType>(
  file: JsonOutputFile<S>,
  dir: string,
  value: z.output<S>,
): Promise<string> {
  const path = outputPath(dir, file);
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, file.what);
  return path;
}

/** Write a JSON sibling file of `of` atomically, formatted like every JSON output; returns its path. */
export async function writeJsonSibling<S extends z.ZodType>(
  file: JsonSiblingFile<S>,
  of: string,
  value: z.output<S>,
): Promise<string> {
  const path = siblingPath(file, of);
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** Write a text or binary output atomically; returns its path. */
export async function writeOutput(file: OutputFile, dir: string, data: string | Uint8Array): Promise<string> {
  const path = outputPath(dir, file);
  await writeFileAtomic(path, data, file.what);
  return path;
}

/** One file of an output set: which output and its content. */
export interface OutputContent {
  readonly file: OutputFile;
  readonly data: string | Uint8Array;
}

/** JSON as every output is written: two-space indent, final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Write several outputs of one folder together (gate.json + junit.xml + summary.md): the folder
 * ends with either the old complete set or the new complete set, never a mix (util/atomic
 * writeFileSet). Returns the paths in the order given.
 */
export async function writeOutputSet(dir: string, outputs: readonly OutputContent[]): Promise<string[]> {
  const files = outputs.map((o) => ({ path: outputPath(dir, o.file), data: o.data, what: o.file.what }));
  await writeFileSet(files);
  return files.map((f) => f.path);
}

/**
 * Make sure an output folder can take files before any heavy work starts: create it, then create
 * and remove a probe file (the honest test: permission bits say nothing on a read-only mount or to
 * root). Temporary files a killed modeval left behind (their pid no longer running) are removed.
 * A refusal is an OutputError (exit 2) naming the folder and the cause.
 */
export async function prepareOutputDir(dir: string): Promise<void> {
  await makeFolder(dir);
  const probe = tempPathFor(join(dir, 'write-check'));
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
  } catch (err) {
    throw outputFailure(err, dir, 'write in the output folder');
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
  removeOrphanedTempFiles(dir);
}

/** Remove `.<name>.<pid>.<hex>.tmp` files in `dir` whose writing process is gone. */
export function removeOrphanedTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = tempFileOwner(name);
    if (pid === undefined || pid === process.pid) continue;
    let running = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      running = codeOf(err) === 'EPERM';
    }
    if (running) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // Someone else's file we may not remove: leave it.
    }
  }
}
