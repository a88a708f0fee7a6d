import { z } from 'zod';
import { format as argilla } from './argilla.js';
import { format as arrow } from './arrow.js';
import { format as csv } from './csv.js';
import type { ReviewFormat, SniffClaim, VerdictReader } from './format.js';
import { format as jsonl } from './jsonl.js';
import { format as labelstudio } from './labelstudio.js';
import { format as parquet } from './parquet.js';
import { firstRecordShape } from './shared/sniff-shape.js';

/**
 * Every review format, in the order a batch writes them by default. The export and import enums,
 * their dispatch, verdict-file sniffing and the CLI's choices and messages all come from this list:
 * a new format is a module in this folder and its line here.
 */
export const REVIEW_FORMATS = [arrow, parquet, jsonl, csv, labelstudio, argilla] as const;

export type ExportFormat = (typeof REVIEW_FORMATS)[number]['id'];

type WithReader = ReviewFormat & { read: VerdictReader };

/** The formats reviewers' answers come back in, in registry order. */
export const VERDICT_FORMATS: readonly WithReader[] = (REVIEW_FORMATS as readonly ReviewFormat[]).filter(
  (f): f is WithReader => f.read !== undefined,
);

const ids = <T extends string>(list: readonly { id: string }[]) => list.map((f) => f.id) as [T, ...T[]];

export const ExportFormatSchema = z.enum(ids<ExportFormat>(REVIEW_FORMATS));
export const ALL_FORMATS: readonly ExportFormat[] = ExportFormatSchema.options;

export const VerdictFormatSchema = z.enum(ids<ExportFormat>(VERDICT_FORMATS));
export type VerdictFormat = z.infer<typeof VerdictFormatSchema>;

export function reviewFormat(id: ExportFormat): ReviewFormat {
  return REVIEW_FORMATS.find((f) => f.id === id)!;
}

export function verdictReader(id: VerdictFormat): VerdictReader {
  return VERDICT_FORMATS.find((f) => f.id === id)!.read;
}

/** `a, b or c`, for messages listing choices. */
export function choiceList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

const STRENGTH: readonly SniffClaim[] = ['hint', 'shape', 'extension'];

/**
 * The verdict format of a file: the reader with the strongest claim (registry order breaks a tie),
 * or null when none claims it. Readers judge the structure of the first record, however long.
 */
export function sniffVerdictFormat(file: string, text: string): VerdictFormat | null {
  const shape = firstRecordShape(text);
  let best: { id: VerdictFormat; strength: number } | null = null;
  for (const f of VERDICT_FORMATS) {
    const claim = f.read.sniff(file, shape);
    const strength = claim === null ? -1 : STRENGTH.indexOf(claim);
    if (strength >= 0 && (best === null || strength > best.strength)) {
      best = { id: f.id as VerdictFormat, strength };
    }
  }
  return best?.id ?? null;
}

/** Readers that take a folder, with the file they read in it. */
export function folderReaders(): { id: VerdictFormat; file: string; what: string }[] {
  return VERDICT_FORMATS.flatMap((f) =>
    f.read.folder ? [{ id: f.id as VerdictFormat, ...f.read.folder }] : [],
  );
}
