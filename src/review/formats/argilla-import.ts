import { z } from 'zod';
import { BadInputError } from '../../util/errors.js';
import { collectVerdicts, type ParsedVerdicts } from '../verdicts.js';
import { ARGILLA_QUESTION } from './argilla.js';

/**
 * Argilla exports: a JSON array of records, `{ "records": [...] }`, or JSON Lines. Responses are
 * accepted in the shapes the Argilla SDKs write: v2 `record.to_dict()` (`{ label: [{ value,
 * user_id }] }`), v2 flat lists (`[{ question_name, value, user_id, status }]`) and v1 feedback
 * records (`[{ user_id, status, values: { label: { value } } }]`). Only submitted answers count.
 */
const Status = z.string().optional();
const V2Answer = z.object({ value: z.unknown(), user_id: z.string().optional(), status: Status });
const V2Flat = z.object({
  question_name: z.string(),
  value: z.unknown(),
  user_id: z.string().optional(),
  status: Status,
});
const V1Response = z.object({
  user_id: z.string().optional(),
  status: Status,
  values: z.record(z.string(), z.object({ value: z.unknown() })),
  updated_at: z.string().optional(),
});

const RecordSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  metadata: z.object({ item_id: z.string().min(1), queue: z.string().nullish() }).passthrough(),
  responses: z
    .union([z.record(z.string(), z.array(V2Answer)), z.array(z.union([V2Flat, V1Response]))])
    .nullish(),
  updated_at: z.string().optional(),
});

interface Answer {
  value: unknown;
  user: string;
  status: string | undefined;
}

function answersOf(r: z.infer<typeof RecordSchema>): Answer[] {
  const res = r.responses;
  if (!res) return [];
  if (!Array.isArray(res)) {
    return (res[ARGILLA_QUESTION] ?? []).map((a) => ({
      value: a.value,
      user: a.user_id ?? 'argilla:unknown',
      status: a.status,
    }));
  }
  return res.flatMap((a): Answer[] => {
    if ('question_name' in a) {
      return a.question_name === ARGILLA_QUESTION
        ? [{ value: a.value, user: a.user_id ?? 'argilla:unknown', status: a.status }]
        : [];
    }
    const v = a.values[ARGILLA_QUESTION];
    return v ? [{ value: v.value, user: a.user_id ?? 'argilla:unknown', status: a.status }] : [];
  });
}

function recordsOf(file: string, text: string): { records: unknown[]; lines: boolean } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n{'))) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new BadInputError(`not an Argilla export: not JSON (${(err as Error).message})`, { file });
    }
    if (Array.isArray(json)) return { records: json, lines: false };
    if (json && typeof json === 'object' && Array.isArray((json as { records?: unknown }).records)) {
      return { records: (json as { records: unknown[] }).records, lines: false };
    }
    throw new BadInputError('not an Argilla export: expected an array of records or { "records": [...] }', {
      file,
    });
  }
  const records: unknown[] = [];
  text.split('\n').forEach((l, i) => {
    if (l.trim() === '') return;
    try {
      records.push(JSON.parse(l));
    } catch {
      throw new BadInputError('not an Argilla export: neither a JSON document nor JSON Lines', {
        file,
        line: i + 1,
      });
    }
  });
  return { records, lines: true };
}

export function parseArgillaExport(file: string, text: string): ParsedVerdicts {
  const { records } = recordsOf(file, text);
  return collectVerdicts(
    file,
    records,
    RecordSchema,
    'not an Argilla record from a modeval queue',
    (r, row, out) => readRecord(file, r, row, out),
  );
}

/** The verdicts of one record: one per submitted answer that is a single label. */
function readRecord(file: string, r: z.infer<typeof RecordSchema>, row: number, out: ParsedVerdicts): void {
  const answers = answersOf(r);
  if (answers.length === 0) out.skipped++;
  for (const a of answers) {
    if (a.status !== undefined && a.status !== 'submitted') {
      out.skipped++;
      continue;
    }
    if (typeof a.value !== 'string') {
      out.problems.push({
        file,
        row,
        id: r.metadata.item_id,
        field: `responses.${ARGILLA_QUESTION}`,
        message: `answer by ${a.user} is ${JSON.stringify(a.value)}, expected one label`,
      });
      continue;
    }
    out.verdicts.push({
      id: r.metadata.item_id,
      label: a.value,
      reviewer: a.user,
      reviewedAt: r.updated_at ?? null,
      queue: r.metadata.queue ?? null,
      file,
      row,
    });
  }
}
