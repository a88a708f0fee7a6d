import { z } from 'zod';
import { zodPhrase } from '../../../util/zod.js';
import { type ParsedVerdicts, policyAnswer, type VerdictReadOptions } from '../../verdicts.js';
import { LS_REFERENCE_LEAD_TIME, labelStudioUser } from './labelstudio-tasks.js';

/**
 * Verdicts as flat rows, the reader shared by the CSV and JSONL formats and Label Studio's JSON-MIN:
 * the queue files we export with `verdict` (or `label`) filled in, edited in a spreadsheet or an
 * editor. Rows with an empty verdict were not reviewed and are skipped.
 */
// Label Studio's CSV/TSV/JSON-MIN exports flatten a task to its data keys plus the control's name
// (`label`) and `annotator`, so `item_id` and `annotator` are accepted as aliases. JSON-MIN
// (label-studio-sdk `converter/converter.py` convert_to_json_min, `converter/utils.py`
// get_annotator/prettify_result) writes one row per annotation, `annotator` as the integer user id
// (or the e-mail), the choice as a string, or `{ "choices": [...] }` when several were ticked;
// a task without annotations has no `label` key.
const RowSchema = z.object({
  id: z.string().min(1),
  verdict: z.string().nullish(),
  label: z.string().nullish(),
  reviewer: z.string().nullish(),
  reviewed_at: z.string().nullish(),
  queue: z.string().nullish(),
});

/**
 * The `{ "choices": [...] }` cell of several ticked choices, else null: an object in JSON-MIN, its
 * JSON text in Label Studio's CSV (`exports/csv2.py` writes it with `ujson.dumps`, `/` as `\/`).
 */
function choicesOf(cell: unknown): unknown[] | null {
  let value = cell;
  if (typeof cell === 'string' && cell.trimStart().startsWith('{')) {
    try {
      value = JSON.parse(cell);
    } catch {
      return null;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const c = (value as { choices?: unknown }).choices;
  return Array.isArray(c) ? c : null;
}

/**
 * A Label Studio JSON-MIN or CSV row of the golden reference `--golden annotation` sent: those
 * exports drop `import_id` but keep the lead time we gave it (a number in JSON-MIN, its text in CSV).
 */
function isReferenceRow(rec: Record<string, unknown>): boolean {
  const t = rec.lead_time;
  const n = typeof t === 'string' && t.trim() !== '' ? Number(t) : t;
  return 'annotator' in rec && n === LS_REFERENCE_LEAD_TIME;
}

/**
 * A multi-policy verdict cell: a list (JSONL, JSON-MIN's `{ "choices": [...] }` or its JSON text in a
 * Label Studio CSV), a JSON array
 * written in a CSV cell, or policies joined by `;` (what the CSV queue writes); NO_POLICY alone
 * means none. Null or an empty cell: not reviewed.
 */
function policyCell(cell: unknown): { labels: string[] } | { problem: string } | null {
  if (cell === null || cell === undefined) return null;
  if (Array.isArray(cell)) return policyAnswer(cell);
  const choices = choicesOf(cell);
  if (choices !== null) return policyAnswer(choices);
  if (typeof cell !== 'string')
    return { problem: `${JSON.stringify(cell).slice(0, 80)} is not a list of policies` };
  const text = cell.trim();
  if (text === '') return null;
  if (text.startsWith('[')) {
    try {
      const json: unknown = JSON.parse(text);
      if (Array.isArray(json)) return policyAnswer(json);
    } catch {
      // Not JSON: read as a `;` list below.
    }
  }
  return policyAnswer(text.split(';'));
}

export function readFlatRow(
  out: ParsedVerdicts,
  raw: unknown,
  file: string,
  row: number,
  line: number | undefined,
  read: VerdictReadOptions,
): void {
  const rec = raw as Record<string, unknown>;
  if (isReferenceRow(rec)) {
    out.skipped++;
    return;
  }
  const annotator = rec.annotator;
  const answerField = rec.verdict !== undefined && rec.verdict !== null ? 'verdict' : 'label';
  const answer = read.multilabel ? policyCell(rec[answerField]) : undefined;
  if (answer && 'problem' in answer) {
    out.problems.push({
      file,
      row,
      ...(line !== undefined ? { line } : {}),
      ...(typeof rec.item_id === 'string'
        ? { id: rec.item_id }
        : typeof rec.id === 'string'
          ? { id: rec.id }
          : {}),
      field: answerField,
      message: answer.problem,
    });
    return;
  }
  const choices = read.multilabel ? null : choicesOf(rec.label);
  if (choices !== null && choices.length !== 1) {
    out.problems.push({
      file,
      row,
      ...(line !== undefined ? { line } : {}),
      ...(typeof rec.item_id === 'string' ? { id: rec.item_id } : {}),
      field: 'label',
      message: `${choices.length} choices, expected exactly one`,
    });
    return;
  }
  const aliased = {
    ...rec,
    // Label Studio's own numeric task id must not be mistaken for ours.
    id: rec.item_id ?? rec.id,
    // A multi-policy answer is checked above; the schema sees a placeholder string.
    verdict: answer ? answer.labels.join('\n') : rec.verdict,
    label: answer ? undefined : choices ? choices[0] : rec.label,
    reviewer:
      rec.reviewer ??
      (typeof annotator === 'string' || typeof annotator === 'number'
        ? labelStudioUser(annotator)
        : undefined),
    reviewed_at: rec.reviewed_at ?? rec.updated_at,
  };
  const parsed = RowSchema.safeParse(aliased);
  if (!parsed.success) {
    out.problems.push({ file, row, ...(line !== undefined ? { line } : {}), ...zodPhrase(parsed.error) });
    return;
  }
  const r = parsed.data;
  const label = (r.verdict ?? r.label ?? '').trim();
  if (read.multilabel ? answer === null : label === '') {
    out.skipped++;
    return;
  }
  out.verdicts.push({
    id: r.id,
    label,
    ...(answer ? { labels: answer.labels, field: answerField } : {}),
    reviewer: r.reviewer?.trim() || read.defaultReviewer,
    reviewedAt: r.reviewed_at?.trim() || null,
    queue: r.queue?.trim() || null,
    file,
    row,
    ...(line !== undefined ? { line } : {}),
  });
}

/** Label Studio's JSON-MIN export: one flat object per task (`item_id`, `label`, `annotator`…). */
export function parseFlatJsonVerdicts(
  file: string,
  rows: readonly unknown[],
  read: VerdictReadOptions,
): ParsedVerdicts {
  const out: ParsedVerdicts = { verdicts: [], problems: [], skipped: 0 };
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      out.problems.push({ file, row: i, message: 'not a JSON object' });
    } else readFlatRow(out, r, file, i, undefined, read);
  });
  return out;
}
