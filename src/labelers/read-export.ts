import { open, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { reviewFormat, verdictReader } from '../review/formats/registry.js';
import { firstRecordShape } from '../review/formats/shared/sniff-shape.js';
import type { Verdict } from '../review/verdicts.js';
import { taskView } from '../task/index.js';
import type { GoldenItems, RawJudgement } from './judgements.js';
import type { LogJudgements } from './read-log.js';
import { labelProblem, type Rejects } from './rejects.js';

/**
 * Judgements from a labelling tool's export with several annotators per task, read by the same
 * readers as `review import` (src/review/formats/shared/): a Label Studio JSON export (tasks with
 * `data.item_id` and `annotations[]`: `completed_by`, `created_at`/`updated_at`, `lead_time`,
 * `was_cancelled`, `result[].value.choices`) or an Argilla v2 record export / `to_disk` folder
 * (`metadata.item_id`, `responses.label[]` with `user_id` and `status`). Every submitted answer is
 * one judgement; cancelled, empty, draft and discarded ones are skipped and counted.
 */
export type ExportFormat = 'label-studio' | 'argilla';

const READER = { 'label-studio': 'labelstudio', argilla: 'argilla' } as const;
/** Where a single-label answer sits in each tool's record, for messages. */
const ANSWER_FIELD = { 'label-studio': 'annotations.result', argilla: 'responses.label' } as const;

/** How much of a file `auto` reads to see its first record. */
const SNIFF_BYTES = 1 << 20;

/** The tool export a `--log-format auto` path is, or null for a table (by a tool's record shape only). */
export async function sniffExport(path: string): Promise<ExportFormat | null> {
  const info = await stat(path);
  if (info.isDirectory()) return 'argilla';
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.jsonl') return null;
  const handle = await open(path, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const shape = firstRecordShape(head);
  // Only a shape the tool writes counts: a JSONL log with item_id/annotator columns is a table,
  // though Label Studio's JSON-MIN reader would take it as a hint.
  for (const format of ['label-studio', 'argilla'] as const) {
    if (reviewFormat(READER[format]).read?.sniff(path, shape) === 'shape') return format;
  }
  return null;
}

export async function readExport(
  format: ExportFormat,
  path: string,
  items: GoldenItems,
  rejects: Rejects,
): Promise<LogJudgements & { skipped: number }> {
  const reader = verdictReader(READER[format]);
  const file = (await stat(path)).isDirectory() && reader.folder ? join(path, reader.folder.file) : path;
  const text = await readFile(file, 'utf8');
  const multilabel = taskView(items.task).multiLabel;
  const parsed = reader.parse(file, text, { defaultReviewer: 'unknown', multilabel });
  for (const p of parsed.problems) rejects.reject(p.row, p.field ?? null, p.id ?? null, p.message);
  const out: LogJudgements & { skipped: number } = {
    judgements: [],
    outside: 0,
    outsideExamples: [],
    skipped: parsed.skipped,
  };
  parsed.verdicts.forEach((v, seq) => {
    const j = judgementOf(v, seq, ANSWER_FIELD[format], items, rejects);
    if (j === 'outside') {
      out.outside++;
      if (out.outsideExamples.length < 10) out.outsideExamples.push(v.id);
    } else if (j !== null) out.judgements.push(j);
  });
  return out;
}

function judgementOf(
  v: Verdict,
  seq: number,
  answerField: string,
  items: GoldenItems,
  rejects: Rejects,
): RawJudgement | 'outside' | null {
  const field = v.field ?? answerField;
  const item = items.byId.get(v.id);
  if (item === undefined) return 'outside';
  const labels = v.labels ?? [v.label];
  const problem = labelProblem(labels, items.declared);
  if (problem !== null) {
    rejects.reject(v.row, field, v.id, problem);
    return null;
  }
  let time: number | null = null;
  if (v.reviewedAt !== null && v.reviewedAt.trim() !== '') {
    time = Date.parse(v.reviewedAt);
    if (Number.isNaN(time)) {
      rejects.reject(v.row, 'updated_at', v.id, `time "${v.reviewedAt}" is not an ISO 8601 date-time`);
      return null;
    }
  }
  return {
    item,
    annotator: v.reviewer,
    labels: [...new Set(labels)],
    time,
    seconds: v.seconds ?? null,
    batch: null,
    seq,
    where: { row: v.row, field },
  };
}
