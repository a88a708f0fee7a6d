import { DataType, type RecordBatch, type Vector } from 'apache-arrow';
import {
  isNumberType,
  isStringListType,
  isStringType,
  type NumberColumn,
  numberColumn,
  stringColumn,
  stringListColumn,
} from '../dataset/columns.js';
import { DEFAULT_THRESHOLD } from '../model/card.js';
import { BadInputError, type InputLocation, truncate } from '../util/errors.js';
import { ModerationShapeError, readModerationAnswer } from './moderation-json.js';

/**
 * Multi-policy production logs → predictions over the dataset's policies. A log gives per row any
 * of: a score column per policy, a column of flagged policies (Arrow List<Utf8>, a JSON array in
 * text, or delimiter-separated names), one JSON column in the shape hosted moderation APIs return
 * (moderation-json.ts). `categoryMap` maps the log's names (API categories, flagged names) to
 * policies; several names on one policy give it the largest score and flag it when any is
 * flagged. The imported policies are those with a score source; the rest are "not scored" in
 * eval, never zeros. A flagged list alone decides every policy (unlisted = not flagged).
 */

/** What the multi-policy part of the import options holds (import.ts validates the rest). */
export interface PolicyImportOptions {
  input: string;
  labels?: readonly string[] | undefined;
  scoreColumns: Readonly<Record<string, string>>;
  flaggedColumn?: string | undefined;
  flaggedDelimiter: string;
  moderationColumn?: string | undefined;
  categoryMap: Readonly<Record<string, string | null>>;
  thresholds: Readonly<Record<string, number>>;
}

export interface PolicyImportPlan {
  /** The imported policies, in the dataset's policy order. */
  labels: string[];
  /** Decision thresholds on scores, per imported policy (used where the log has no decision). */
  thresholds: Record<string, number>;
  scores: 'probabilities' | 'decisions';
  /** Log name (API category, flagged name) → policy; null = deliberately ignored. */
  names: Map<string, string | null>;
}

const quoted = (xs: readonly string[]) => xs.map((x) => JSON.stringify(truncate(x, 60))).join(', ');

/** Check every policy the options name against the dataset's and decide which policies are imported. */
export function planPolicyImport(o: PolicyImportOptions, policies: readonly string[]): PolicyImportPlan {
  const known = new Set(policies);
  const check = (policy: string, field: string) => {
    if (!known.has(policy)) {
      throw new BadInputError(
        `unknown policy ${JSON.stringify(truncate(policy, 60))}; the dataset's policies: ${quoted(policies)}`,
        { field },
      );
    }
  };
  for (const p of Object.keys(o.scoreColumns)) check(p, `scoreColumns.${p}`);
  for (const p of Object.keys(o.thresholds)) check(p, `thresholds.${p}`);
  for (const p of o.labels ?? []) check(p, 'labels');
  const names = new Map<string, string | null>();
  for (const name of Object.keys(o.categoryMap)) {
    const p = o.categoryMap[name]!;
    if (p !== null) check(p, `categoryMap.${name}`);
    names.set(name, p);
  }
  const scored = new Set<string>(Object.keys(o.scoreColumns));
  if (o.moderationColumn) for (const p of names.values()) if (p !== null) scored.add(p);
  const fromScores = scored.size > 0;
  if (o.moderationColumn && names.size === 0) {
    throw new BadInputError(
      'a moderation API column needs a category map (API category → policy, e.g. --map harassment=offensive/other)',
      { field: 'categoryMap' },
    );
  }
  if (!fromScores && !o.flaggedColumn) {
    throw new BadInputError('give score columns, a flagged-policies column or a moderation column', {
      field: 'scoreColumns',
    });
  }
  const chosen = o.labels ? new Set(o.labels) : fromScores ? scored : known;
  for (const p of scored) {
    if (!chosen.has(p))
      throw new BadInputError(`policy "${p}" has a score source but is not in labels`, { field: 'labels' });
  }
  const labels = policies.filter((p) => chosen.has(p));
  const thresholds: Record<string, number> = {};
  if (fromScores) for (const p of labels) thresholds[p] = o.thresholds[p] ?? DEFAULT_THRESHOLD;
  return { labels, thresholds, scores: fromScores ? 'probabilities' : 'decisions', names };
}

type RequireColumn = (name: string, ok: (t: DataType) => boolean, expected: string) => void;

/** Check the log's columns for the multi-policy sources before any row is read. */
export function checkPolicyColumns(o: PolicyImportOptions, requireColumn: RequireColumn): void {
  for (const col of Object.values(o.scoreColumns)) requireColumn(col, isNumberType, 'a number');
  if (o.flaggedColumn) {
    requireColumn(
      o.flaggedColumn,
      (t) => isStringType(t) || isStringListType(t),
      'List<Utf8>, or Utf8 holding a JSON array or delimited names',
    );
  }
  if (o.moderationColumn) {
    requireColumn(
      o.moderationColumn,
      (t) => isStringType(t) || DataType.isStruct(t),
      'Utf8 (JSON) or a struct',
    );
  }
}

/** Names seen in the log that the category map does not cover, with the rows they occur in. */
export type Unmapped = Map<string, number>;

interface RowContext {
  at: (field: string) => InputLocation;
  k: number;
  index: Map<string, number>;
}

/** Flagged names of one row: a List<Utf8>, or text holding a JSON array or delimited names. */
function flaggedNames(
  col: { list?: ReturnType<typeof stringListColumn>; text?: ReturnType<typeof stringColumn> },
  i: number,
  delimiter: string,
  field: string,
  ctx: RowContext,
): string[] {
  if (col.list) return col.list.get(i) ?? [];
  const text = col.text!.get(i)?.trim() ?? '';
  if (text === '') return [];
  if (!text.startsWith('['))
    return text
      .split(delimiter)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`flagged policies are not valid JSON (${(err as Error).message})`, ctx.at(field));
  }
  if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== 'string')) {
    throw new BadInputError('flagged policies must be a JSON array of strings', ctx.at(field));
  }
  return parsed as string[];
}

/** The policy a log name stands for: the category map's, else the name itself when it is a policy. */
function policyOf(
  name: string,
  plan: PolicyImportPlan,
  known: ReadonlySet<string>,
): string | null | undefined {
  if (plan.names.has(name)) return plan.names.get(name)!;
  return known.has(name) ? name : undefined;
}

function moderationCell(vector: Vector, isText: boolean, i: number, field: string, ctx: RowContext): unknown {
  const v: unknown = vector.get(i);
  if (v === null || v === undefined) throw new BadInputError('no moderation answer (null)', ctx.at(field));
  if (!isText) return (v as { toJSON(): unknown }).toJSON();
  try {
    return JSON.parse(v as string);
  } catch (err) {
    throw new BadInputError(`moderation answer is not valid JSON (${(err as Error).message})`, ctx.at(field));
  }
}

/** Mapped API scores and flags of one row into the row's slots (max score, any flag). */
function applyModeration(
  value: unknown,
  field: string,
  plan: PolicyImportPlan,
  ctx: RowContext,
  row: { scores: Float32Array; base: number; flags: Uint8Array; decided: Uint8Array },
  unmapped: Unmapped,
): void {
  let answer: ReturnType<typeof readModerationAnswer>;
  try {
    answer = readModerationAnswer(value);
  } catch (err) {
    if (!(err instanceof ModerationShapeError)) throw err;
    throw new BadInputError(err.message, ctx.at(err.path ? `${field}.${err.path}` : field));
  }
  const seen = new Set<string>([...(answer.scores?.keys() ?? []), ...(answer.flags?.keys() ?? [])]);
  for (const name of seen) if (!plan.names.has(name)) unmapped.set(name, (unmapped.get(name) ?? 0) + 1);
  for (const [name, policy] of plan.names) {
    if (policy === null) continue;
    const j = ctx.index.get(policy)!;
    const score = answer.scores?.get(name);
    const flag = answer.flags?.get(name);
    if (score === undefined && flag === undefined) {
      throw new BadInputError(
        `the answer has no category ${JSON.stringify(name)} (mapped to ${policy})`,
        ctx.at(`${field}.category_scores.${name}`),
      );
    }
    const s = score ?? (flag ? 1 : 0);
    if (s > row.scores[row.base + j]!) row.scores[row.base + j] = s;
    if (flag !== undefined) {
      row.decided[j] = 1;
      if (flag) row.flags[j] = 1;
    }
  }
}

/** Decode one batch of a multi-policy log: row-major n × K scores and each row's flagged policies. */
export function decodePolicyBatch(
  batch: RecordBatch,
  o: PolicyImportOptions,
  plan: PolicyImportPlan,
  policies: ReadonlySet<string>,
  at: (i: number, field: string) => InputLocation,
  unmapped: Unmapped,
): { scores: Float32Array; predicted: string[][] } {
  const n = batch.numRows;
  const k = plan.labels.length;
  const index = new Map(plan.labels.map((l, j) => [l, j] as const));
  const scoreCols: [number, NumberColumn, string][] = Object.entries(o.scoreColumns).map(([p, col]) => [
    index.get(p)!,
    numberColumn(batch.getChild(col)!.data[0]!),
    col,
  ]);
  const flaggedData = o.flaggedColumn ? batch.getChild(o.flaggedColumn)!.data[0]! : undefined;
  const flagged = flaggedData
    ? isStringListType(flaggedData.type)
      ? { list: stringListColumn(flaggedData) }
      : { text: stringColumn(flaggedData) }
    : undefined;
  const moderation = o.moderationColumn ? batch.getChild(o.moderationColumn)! : undefined;
  const moderationIsText = moderation ? isStringType(moderation.type) : false;
  const scores = new Float32Array(n * k);
  const predicted: string[][] = new Array(n);
  const flags = new Uint8Array(k);
  const decided = new Uint8Array(k);
  for (let i = 0; i < n; i++) {
    const ctx: RowContext = { at: (field) => at(i, field), k, index };
    flags.fill(0);
    decided.fill(0);
    for (const [j, col, name] of scoreCols) {
      const v = col.get(i);
      if (v === null || !Number.isFinite(v) || v < 0 || v > 1) {
        throw new BadInputError(`score ${v} is not a probability in [0, 1]`, ctx.at(name));
      }
      scores[i * k + j] = Math.max(scores[i * k + j]!, v);
    }
    if (moderation) {
      const value = moderationCell(moderation, moderationIsText, i, o.moderationColumn!, ctx);
      applyModeration(
        value,
        o.moderationColumn!,
        plan,
        ctx,
        { scores, base: i * k, flags, decided },
        unmapped,
      );
    }
    if (flagged) {
      // The log's decisions: every imported policy is decided, flagged or not.
      decided.fill(1);
      flags.fill(0);
      for (const name of flaggedNames(flagged, i, o.flaggedDelimiter, o.flaggedColumn!, ctx)) {
        const policy = policyOf(name, plan, policies);
        if (policy === null) continue;
        if (policy === undefined) {
          throw new BadInputError(
            `flagged ${JSON.stringify(truncate(name, 60))} is not a policy of the dataset and not in the category map`,
            ctx.at(o.flaggedColumn!),
          );
        }
        const j = index.get(policy);
        if (j === undefined) {
          throw new BadInputError(
            `flagged policy ${JSON.stringify(policy)} is not among the imported policies ${quoted(plan.labels)}`,
            ctx.at(o.flaggedColumn!),
          );
        }
        flags[j] = 1;
      }
      if (plan.scores === 'decisions') for (let j = 0; j < k; j++) scores[i * k + j] = flags[j]!;
    }
    const out: string[] = [];
    for (let j = 0; j < k; j++) {
      const label = plan.labels[j]!;
      const on = decided[j] ? flags[j] === 1 : scores[i * k + j]! >= plan.thresholds[label]!;
      if (on) out.push(label);
    }
    predicted[i] = out;
  }
  return { scores, predicted };
}
