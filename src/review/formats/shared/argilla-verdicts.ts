import { z } from 'zod';
import { BadInputError } from '../../../util/errors.js';
import { zodPhrase } from '../../../util/zod.js';
import { type ParsedVerdicts, policyAnswer, type VerdictReadOptions } from '../../verdicts.js';
import { ARGILLA_QUESTION } from './argilla-records.js';

/**
 * Argilla exports: a JSON array of records, `{ "records": [...] }`, or JSON Lines. Record shapes
 * (argilla-io/argilla, `argilla/src/argilla`, v2.0–2.8, and the v1 feedback SDK):
 * - v2 `Record.to_dict()`, which `Dataset.to_disk` writes to `records.json` and
 *   `records.to_list(flatten=False)` returns (`records/_resource.py`): `metadata.item_id` and
 *   `responses: { label: [{ value, user_id, status? }] }`;
 * - v2 `records.to_list(flatten=True)` (`records/_io/_generic.py`): metadata at the top level and
 *   parallel lists `label.responses`, `label.responses.users`, `label.responses.status`;
 * - v2 API lists `[{ question_name, value, user_id, status }]` and v1 feedback records
 *   `[{ user_id, status, values: { label: { value } } }]`.
 * Only submitted answers count. A user's answers without a status load as `draft` in the SDK
 * (`responses.py` `UserResponse`), so they are skipped like drafts and discarded ones. A label
 * question answers with a string; a multi-label question with a list, accepted when it holds
 * exactly one label (the golden set is single-label).
 */
const Status = z.string().nullish();
const UserId = z.union([z.string(), z.number()]).nullish();
const V2Answer = z.object({ value: z.unknown(), user_id: UserId, status: Status });
const V2Flat = z.object({ question_name: z.string(), value: z.unknown(), user_id: UserId, status: Status });
const V1Response = z.object({
  user_id: UserId,
  status: Status,
  values: z.record(z.string(), z.object({ value: z.unknown() })),
});

const NestedRecord = z.object({
  metadata: z.object({ item_id: z.string().min(1), queue: z.string().nullish() }).passthrough(),
  responses: z
    .union([z.record(z.string(), z.array(V2Answer)), z.array(z.union([V2Flat, V1Response]))])
    .nullish(),
  updated_at: z.string().nullish(),
});

const RESPONSES = `${ARGILLA_QUESTION}.responses`;
const FlatRecord = z.object({
  item_id: z.string().min(1),
  queue: z.string().nullish(),
  [RESPONSES]: z.array(z.unknown()).nullish(),
  [`${RESPONSES}.users`]: z.array(UserId).nullish(),
  [`${RESPONSES}.status`]: z.array(Status).nullish(),
  updated_at: z.string().nullish(),
});

interface Answer {
  value: unknown;
  user: string;
  status: string | null | undefined;
}

interface ArgillaRecord {
  itemId: string;
  queue: string | null;
  updatedAt: string | null;
  answers: Answer[];
}

const userOf = (id: string | number | null | undefined) => (id == null ? 'argilla:unknown' : String(id));

/**
 * The SDK's status of each user's answers in a record (`responses.py`
 * `UserResponse._compute_status_from_responses`, over all of that user's responses to the record's
 * questions): the one status they carry; none, or several that differ, is `draft`.
 */
function userStatuses(pairs: readonly { user: string; status: string | null | undefined }[]) {
  const seen = new Map<string, Set<string>>();
  for (const { user, status } of pairs) {
    const set = seen.get(user) ?? new Set<string>();
    if (status != null) set.add(status);
    seen.set(user, set);
  }
  return new Map([...seen].map(([user, set]) => [user, set.size === 1 ? [...set][0]! : 'draft']));
}

function fromNested(r: z.infer<typeof NestedRecord>): ArgillaRecord {
  const res = r.responses;
  const answers: Answer[] = [];
  const all: { user: string; status: string | null | undefined }[] = [];
  if (res && !Array.isArray(res)) {
    for (const [question, list] of Object.entries(res)) {
      for (const a of list) {
        all.push({ user: userOf(a.user_id), status: a.status });
        if (question === ARGILLA_QUESTION)
          answers.push({ value: a.value, user: userOf(a.user_id), status: a.status });
      }
    }
  } else if (res) {
    for (const a of res) {
      all.push({ user: userOf(a.user_id), status: a.status });
      if ('question_name' in a) {
        if (a.question_name === ARGILLA_QUESTION) {
          answers.push({ value: a.value, user: userOf(a.user_id), status: a.status });
        }
        continue;
      }
      const v = a.values[ARGILLA_QUESTION];
      if (v) answers.push({ value: v.value, user: userOf(a.user_id), status: a.status });
    }
  }
  const status = userStatuses(all);
  for (const a of answers) a.status = status.get(a.user);
  return {
    itemId: r.metadata.item_id,
    queue: r.metadata.queue ?? null,
    updatedAt: r.updated_at ?? null,
    answers,
  };
}

function fromFlat(r: z.infer<typeof FlatRecord>): ArgillaRecord {
  const values = r[RESPONSES] ?? [];
  const users = r[`${RESPONSES}.users`] ?? [];
  const status = r[`${RESPONSES}.status`] ?? [];
  return {
    itemId: r.item_id,
    queue: r.queue ?? null,
    updatedAt: r.updated_at ?? null,
    answers: values.map((value, i) => ({ value, user: userOf(users[i]), status: status[i] })),
  };
}

/** Flattened records keep one question's statuses: the SDK's rule over those. */
function withUserStatus(r: ArgillaRecord): ArgillaRecord {
  const status = userStatuses(r.answers);
  return { ...r, answers: r.answers.map((a) => ({ ...a, status: status.get(a.user) })) };
}

function recordsOf(file: string, text: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n{'))) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new BadInputError(`not an Argilla export: not JSON (${(err as Error).message})`, { file });
    }
    if (Array.isArray(json)) return json;
    if (json && typeof json === 'object' && Array.isArray((json as { records?: unknown }).records)) {
      return (json as { records: unknown[] }).records;
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
  return records;
}

/** Records of either shape, told apart by where the item id sits (top level: flattened). */
export function parseArgillaExport(file: string, text: string, read: VerdictReadOptions): ParsedVerdicts {
  const out: ParsedVerdicts = { verdicts: [], problems: [], skipped: 0 };
  recordsOf(file, text).forEach((raw, row) => {
    const flat = raw !== null && typeof raw === 'object' && 'item_id' in raw;
    const parsed = flat ? FlatRecord.safeParse(raw) : NestedRecord.safeParse(raw);
    if (!parsed.success) {
      const p = zodPhrase(parsed.error);
      out.problems.push({
        file,
        row,
        ...p,
        message: `not an Argilla record from a modeval queue: ${p.message}`,
      });
      return;
    }
    readRecord(
      file,
      flat
        ? withUserStatus(fromFlat(parsed.data as z.infer<typeof FlatRecord>))
        : fromNested(parsed.data as z.infer<typeof NestedRecord>),
      row,
      out,
      read.multilabel,
    );
  });
  return out;
}

/** The one label an answer gives: a string, or a one-element list from a multi-label question. */
const OneLabel = z.union([z.string(), z.tuple([z.string()]).transform(([label]) => label)]);

function oneLabel(value: unknown): string | null {
  const parsed = OneLabel.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * The verdicts of one record: one per submitted answer that is a single label, or on a
 * multi-policy queue a list of policies (a multi-label question; NO_POLICY alone meaning none).
 */
function readRecord(
  file: string,
  r: ArgillaRecord,
  row: number,
  out: ParsedVerdicts,
  multilabel: boolean,
): void {
  if (r.answers.length === 0) out.skipped++;
  const field = `responses.${ARGILLA_QUESTION}`;
  for (const a of r.answers) {
    // Draft and discarded answers are not verdicts (skipped and counted).
    if (a.status !== 'submitted') {
      out.skipped++;
      const kind = a.status === 'discarded' ? 'discarded' : 'draft';
      out.unsubmitted = { draft: 0, discarded: 0, ...out.unsubmitted };
      out.unsubmitted[kind]++;
      continue;
    }
    if (multilabel) {
      const answer = policyAnswer(Array.isArray(a.value) ? a.value : [a.value]);
      if ('problem' in answer) {
        out.problems.push({
          file,
          row,
          id: r.itemId,
          field,
          message: `answer by ${a.user}: ${answer.problem}`,
        });
        continue;
      }
      out.verdicts.push({
        id: r.itemId,
        label: answer.labels.join('\n'),
        labels: answer.labels,
        field,
        reviewer: a.user,
        reviewedAt: r.updatedAt,
        queue: r.queue,
        file,
        row,
      });
      continue;
    }
    const label = oneLabel(a.value);
    if (label === null) {
      out.problems.push({
        file,
        row,
        id: r.itemId,
        field: `responses.${ARGILLA_QUESTION}`,
        message: `answer by ${a.user} is ${JSON.stringify(a.value)?.slice(0, 80)}, expected one label`,
      });
      continue;
    }
    out.verdicts.push({
      id: r.itemId,
      label,
      reviewer: a.user,
      reviewedAt: r.updatedAt,
      queue: r.queue,
      file,
      row,
    });
  }
}
