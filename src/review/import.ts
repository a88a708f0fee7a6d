import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { ConflictPolicySchema, type ReviewImportSummary } from '../contracts/review-import.js';
import { type Dataset, openDataset } from '../dataset/open.js';
import type { DatasetSpec, DatasetSpecInput } from '../dataset/spec.js';
import type { Taxonomy } from '../dataset/taxonomy.js';
import { RowStatus } from '../dataset/validate.js';
import { checkOutputFile } from '../io/guard.js';
import { OUTPUT_FILES, siblingPath, writeJsonSibling } from '../io/outputs.js';
import { evaluationTask, taskView } from '../task/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { BadInputError, formatLocation, quotedList, truncate } from '../util/errors.js';
import { sha256File } from '../util/hash.js';
import { checkOption } from '../util/zod.js';
import { type Resolution, resolveVerdicts } from './conflicts.js';
import { PROVENANCE_COLUMNS, rewriteGolden } from './golden-rewrite.js';
import { readVerdicts, type VerdictSource } from './verdict-files.js';
import type { Verdict, VerdictProblem } from './verdicts.js';

/** The options of `importReview` / `modeval review import`, with the defaults both use. */
export const ReviewImportOptionsSchema = z.object({
  dataset: z.string().min(1),
  spec: z.custom<DatasetSpecInput | DatasetSpec | string>().optional(),
  sources: z.array(z.custom<VerdictSource>()),
  /** The new golden version (Arrow IPC file). Must differ from the dataset path. */
  out: z.string().min(1),
  /** Reviewers disagree: keep the golden label (conflict listed), take a strict majority, or fail. */
  onConflict: ConflictPolicySchema.default('keep'),
  /** Reviewer name for CSV/JSONL rows without a `reviewer` cell. */
  defaultReviewer: z.string().default('unknown'),
  /** How many problems a failed import lists. */
  maxProblems: z.number().int().positive().default(50),
});
export type ReviewImportOptions = z.input<typeof ReviewImportOptionsSchema>;

/** Every row problem of a rejected import; the message names the first, `problems` has them all. */
export class VerdictProblemsError extends BadInputError {
  constructor(
    readonly problems: readonly VerdictProblem[],
    readonly total: number,
  ) {
    const first = problems[0]!;
    const more =
      total > 1
        ? ` (and ${total - 1} more problem${total > 2 ? 's' : ''}; nothing was written)`
        : ' (nothing was written)';
    super(`${first.message}${more}`, {
      file: first.file,
      row: first.row,
      ...(first.line !== undefined ? { line: first.line } : {}),
      ...(first.id !== undefined ? { id: first.id } : {}),
      ...(first.field !== undefined ? { field: first.field } : {}),
    });
    this.name = 'VerdictProblemsError';
  }
}

export function formatProblem(p: VerdictProblem): string {
  const where = formatLocation({
    file: p.file,
    ...(p.line !== undefined ? { line: p.line } : {}),
    row: p.row,
    ...(p.id !== undefined ? { id: p.id } : {}),
    ...(p.field !== undefined ? { field: p.field } : {}),
  });
  return `${where}: ${p.message}`;
}

interface GoldenIndex {
  labels: string[];
  /** Golden label per id; on a multi-label set the key of its policies (policySetKey). */
  golden: Map<string, string | null>;
  /** Whether an item's golden value is one label or a set of policies (the task view's). */
  multiLabel: boolean;
  taxonomy: Taxonomy | undefined;
}

async function indexGolden(ds: Dataset): Promise<GoldenIndex> {
  const spec = ds.spec;
  const view = taskView(
    evaluationTask({
      multiLabel: spec.multilabel,
      labels: spec.labels ?? [],
      positive: spec.positive ?? null,
    }),
  );
  const golden = new Map<string, string | null>();
  const observed = new Set<string>();
  const rows: [string, readonly string[]][] = [];
  for await (const b of ds.scan({ onInvalid: 'collect' })) {
    for (let i = 0; i < b.status.length; i++) {
      if (b.status[i] === RowStatus.rejected) continue;
      const id = b.ids.get(i)!;
      const value = b.labels[i] ?? null;
      const labels = value === null ? [] : view.labelsOf(value);
      for (const l of labels) observed.add(l);
      if (view.multiLabel) rows.push([id, labels]);
      else golden.set(id, labels[0] ?? null);
    }
  }
  const taxonomy = ds.spec.taxonomy;
  const labels = ds.spec.labels
    ? [...ds.spec.labels]
    : taxonomy
      ? [...taxonomy.labels]
      : [...observed].sort();
  const index = { labels, golden, multiLabel: view.multiLabel, taxonomy };
  // Stored multi-label values are compared closed, as the reviewers' answers are.
  for (const [id, list] of rows) golden.set(id, policySetKey(index, list));
  return index;
}

/**
 * A multi-policy answer as one comparable value: its policies closed upward through the taxonomy
 * (a child positive makes its parent positive), in label order, as a JSON array. Two reviewers
 * agree when their closed sets are equal.
 */
function policySetKey(index: Pick<GoldenIndex, 'labels' | 'taxonomy'>, labels: readonly string[]): string {
  const closed = new Set(index.taxonomy ? index.taxonomy.close(labels) : labels);
  const order = index.labels.filter((l) => closed.has(l));
  return JSON.stringify([...order, ...[...closed].filter((l) => !index.labels.includes(l)).sort()]);
}

/** A label outside the label set, as a problem message. */
function unknownLabel(label: string, labels: readonly string[], what: string): string {
  return `${what} ${JSON.stringify(truncate(label, 60))} is not in the label set [${quotedList(labels)}]`;
}

/**
 * Keep the verdicts on a known id with known labels (policies), once per reviewer; list the rest
 * as problems. A multi-policy verdict's label becomes the key of its closed policy set.
 */
function checkVerdicts(
  verdicts: readonly Verdict[],
  index: GoldenIndex,
  problems: VerdictProblem[],
): Verdict[] {
  const { labels, golden } = index;
  const labelSet = new Set(labels);
  const seen = new Map<string, Verdict>();
  const valid: Verdict[] = [];
  for (const given of verdicts) {
    let v = given;
    const at = { file: v.file, row: v.row, ...(v.line !== undefined ? { line: v.line } : {}), id: v.id };
    if (!golden.has(v.id)) {
      problems.push({ ...at, field: 'id', message: 'id is not in the golden set' });
      continue;
    }
    if (index.multiLabel) {
      const unknown = (v.labels ?? []).find((l) => !labelSet.has(l));
      if (unknown !== undefined) {
        problems.push({ ...at, field: v.field ?? 'label', message: unknownLabel(unknown, labels, 'policy') });
        continue;
      }
      v = { ...v, label: policySetKey(index, v.labels ?? []) };
    } else if (!labelSet.has(v.label)) {
      problems.push({ ...at, field: 'label', message: unknownLabel(v.label, labels, 'label') });
      continue;
    }
    const key = JSON.stringify([v.id, v.reviewer]);
    const before = seen.get(key);
    if (before) {
      problems.push({
        ...at,
        field: 'id',
        message: `duplicate verdict by ${JSON.stringify(v.reviewer)} for this id (first at ${formatLocation({ file: before.file, row: before.row, ...(before.line !== undefined ? { line: before.line } : {}) })})`,
      });
      continue;
    }
    seen.set(key, v);
    valid.push(v);
  }
  return valid;
}

/** Item counts per (previous → final) label, most frequent first. */
function labelTransitions(resolutions: ReadonlyMap<string, Resolution>): ReviewImportSummary['transitions'] {
  const transitions = new Map<string, number>();
  for (const r of resolutions.values()) {
    const from = r.previous ?? '(unlabelled)';
    const to = r.final ?? '(unlabelled)';
    transitions.set(`${from}\u0000${to}`, (transitions.get(`${from}\u0000${to}`) ?? 0) + 1);
  }
  return [...transitions]
    .map(([k, count]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, count };
    })
    .sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1));
}

/**
 * The spec travels beside the new version with the slice list pinned, so the provenance columns
 * are never mistaken for slices.
 */
function reviewedSpec(ds: Dataset, labels: readonly string[]) {
  return {
    id: ds.spec.id,
    text: [...ds.spec.text],
    label: ds.spec.label,
    labels,
    ...(ds.spec.positive !== undefined ? { positive: ds.spec.positive } : {}),
    ...(ds.spec.annotations !== undefined ? { annotations: ds.spec.annotations } : {}),
    slices: ds.spec.slices.filter((s) => !(PROVENANCE_COLUMNS as readonly string[]).includes(s)),
    crossings: ds.spec.crossings.map((c) => [...c]),
    identity: [...ds.spec.identity],
    ...(ds.spec.taxonomy !== undefined ? { taxonomy: ds.spec.taxonomy.spec } : {}),
  };
}

/**
 * Validates every verdict, resolves them per item and writes the new golden version: all original
 * columns (the label column holding the reviewed label) plus provenance columns. Any problem in
 * any row rejects the whole import before a byte is written.
 */
export async function importReview(options: ReviewImportOptions): Promise<ReviewImportSummary> {
  // Field by field, so an error names the option as the CLI spells it.
  const field = ReviewImportOptionsSchema.shape;
  const policy = checkOption(field.onConflict, options.onConflict, 'onConflict');
  const maxProblems = checkOption(field.maxProblems, options.maxProblems, 'maxProblems');
  const defaultReviewer = checkOption(field.defaultReviewer, options.defaultReviewer, 'defaultReviewer');
  if (options.sources.length === 0) throw new BadInputError('no verdict file given', { field: 'verdicts' });
  const ds = await openDataset(options.dataset, options.spec === undefined ? {} : { spec: options.spec });
  // By identity, not by name: `--out` reached through a link to the golden set, or naming one of
  // the verdict files, is refused before anything is read in full.
  const inputs = [
    { path: options.dataset, what: 'dataset' },
    ...(typeof options.spec === 'string' ? [{ path: options.spec, what: 'dataset spec' }] : []),
    ...(ds.specOrigin !== 'given' && ds.specOrigin !== 'defaults'
      ? [{ path: ds.specOrigin, what: 'dataset spec' }]
      : []),
    ...options.sources.map((src) => ({ path: src.file, what: 'verdict file' })),
  ];
  const { specPath, reportPath } = sidecarPaths(options.out);
  for (const [path, what] of [
    [specPath, 'spec of the new golden version'],
    [reportPath, 'review report'],
    [options.out, 'new golden version'],
  ] as const) {
    await checkOutputFile(path, what, inputs);
  }
  const index = await indexGolden(ds);

  const problems: VerdictProblem[] = [];
  const verdicts: Verdict[] = [];
  let skipped = 0;
  const unsubmitted = { draft: 0, discarded: 0 };
  for (const s of options.sources) {
    const parsed = await readVerdicts(s, { defaultReviewer, multilabel: index.multiLabel });
    problems.push(...parsed.problems);
    skipped += parsed.skipped;
    unsubmitted.draft += parsed.unsubmitted?.draft ?? 0;
    unsubmitted.discarded += parsed.unsubmitted?.discarded ?? 0;
    verdicts.push(...parsed.verdicts);
  }
  const valid = checkVerdicts(verdicts, index, problems);
  if (problems.length > 0) throw new VerdictProblemsError(problems.slice(0, maxProblems), problems.length);
  const { resolutions, conflicts } = resolveVerdicts(valid, index.golden, policy);

  const fingerprint = await sha256File(options.dataset);
  const reviewMeta = {
    previous: { file: basename(options.dataset), fingerprint },
    sources: options.sources.map((s) => basename(s.file)),
    policy,
    verdicts: valid.length,
  };
  let relabelled = 0;
  for (const r of resolutions.values()) if (r.final !== r.previous) relabelled++;
  const summary: ReviewImportSummary = {
    output: options.out,
    report: reportPath,
    spec: specPath,
    previous: reviewMeta.previous,
    rows: index.golden.size,
    verdicts: valid.length,
    skipped,
    ...(unsubmitted.draft + unsubmitted.discarded > 0 ? { unsubmitted } : {}),
    reviewed: resolutions.size,
    relabelled,
    transitions: labelTransitions(resolutions),
    conflicts,
  };
  await rewriteGolden(ds, resolutions, reviewMeta, options.out, index.multiLabel);
  await writeFileAtomic(specPath, `${JSON.stringify(reviewedSpec(ds, index.labels), null, 2)}\n`);
  await writeJsonSibling(OUTPUT_FILES.reviewSummary, options.out, summary);
  return summary;
}

/** The spec and review summary written beside a new golden version `<stem>.arrow`. */
function sidecarPaths(out: string): { specPath: string; reportPath: string } {
  const stem = basename(out, extname(out));
  return {
    specPath: join(dirname(out), `${stem}.spec.json`),
    reportPath: siblingPath(OUTPUT_FILES.reviewSummary, out),
  };
}
