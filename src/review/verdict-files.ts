import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../util/errors.js';
import { readTextFile } from '../util/files.js';
import { checkOption } from '../util/zod.js';
import {
  choiceList,
  folderReaders,
  sniffVerdictFormat,
  VERDICT_FORMATS,
  type VerdictFormat,
  VerdictFormatSchema,
  verdictReader,
} from './formats/registry.js';
import type { ParsedVerdicts, VerdictReadOptions } from './verdicts.js';

export interface VerdictSource {
  file: string;
  /** Default: the format whose reader claims the file (extension, then content). */
  format?: VerdictFormat;
}

/** Which tool exported this file, as the registry's readers tell it. */
function sniffFormat(file: string, text: string): VerdictFormat {
  const format = sniffVerdictFormat(file, text);
  if (format !== null) return format;
  throw new BadInputError(
    `cannot tell the verdict format; pass --format ${VERDICT_FORMATS.map((f) => f.id).join('|')}`,
    { file },
  );
}

/**
 * A folder is read through the file a folder-reading format names in it (Argilla 2.x's
 * `Dataset.to_disk` folder: its `records.json` holds the records with their responses).
 */
async function resolveSource(source: VerdictSource): Promise<VerdictSource> {
  const isDir = await stat(source.file).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return source;
  const readers = folderReaders();
  const reader = readers.find((r) => source.format === undefined || r.id === source.format);
  if (!reader) {
    const what = choiceList(readers.map((r) => r.what));
    throw new BadInputError(`a folder is read as ${what}, not as ${source.format}`, { file: source.file });
  }
  return { file: join(source.file, reader.file), format: reader.id };
}

/** Read one verdict file (or folder) with the reader of its format (given, or sniffed). */
export async function readVerdicts(given: VerdictSource, read: VerdictReadOptions): Promise<ParsedVerdicts> {
  const source = await resolveSource(given);
  const text = await readTextFile(source.file, 'verdict file');
  const format = source.format
    ? checkOption(VerdictFormatSchema, source.format, 'format')
    : sniffFormat(source.file, text);
  return verdictReader(format).parse(source.file, text, read);
}
