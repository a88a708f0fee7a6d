import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { BadInputError } from '../util/errors.js';
import { readTextFile } from '../util/files.js';
import { checkOption } from '../util/zod.js';
import { parseArgillaExport } from './formats/argilla-import.js';
import { parseLabelStudioExport } from './formats/labelstudio-import.js';
import { parseCsvVerdicts, parseJsonlVerdicts } from './formats/tabular-import.js';
import {
  type ParsedVerdicts,
  type VerdictFormat,
  VerdictFormatSchema,
  type VerdictReadOptions,
} from './verdicts.js';

export interface VerdictSource {
  file: string;
  /** Default: from the extension (.csv, .jsonl) or, for .json, from the content. */
  format?: VerdictFormat;
}

/** Which tool exported this file: the extension first, then the shape of the JSON. */
function sniffFormat(file: string, text: string): VerdictFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const head = text.trimStart();
  if (head.startsWith('[')) {
    // Label Studio tasks carry `data` + `annotations`; Argilla records carry `fields`/`responses`.
    const probe = head.slice(0, 20_000);
    if (/"annotations"\s*:/.test(probe) && /"data"\s*:/.test(probe)) return 'labelstudio';
    // Argilla's `to_dict` records nest `fields`/`responses`; `to_list(flatten=True)` writes
    // `<question>.responses` keys.
    if (/"responses"\s*:|"fields"\s*:|"[^"\\]+\.responses"\s*:/.test(probe)) return 'argilla';
    if (/"item_id"\s*:/.test(probe) && /"label"\s*:/.test(probe)) return 'labelstudio'; // JSON-MIN
  }
  if (head.startsWith('{"records"') || /^\{\s*"records"\s*:/.test(head)) return 'argilla';
  if (head.startsWith('{')) return 'jsonl';
  throw new BadInputError('cannot tell the verdict format; pass --format labelstudio|argilla|jsonl|csv', {
    file,
  });
}

/**
 * A folder is read as the one `Dataset.to_disk` writes (Argilla 2.x): its `records.json` holds
 * the records with their responses.
 */
async function resolveSource(source: VerdictSource): Promise<VerdictSource> {
  const isDir = await stat(source.file).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return source;
  if (source.format !== undefined && source.format !== 'argilla') {
    throw new BadInputError(`a folder is read as an Argilla dataset folder, not as ${source.format}`, {
      file: source.file,
    });
  }
  return { file: join(source.file, 'records.json'), format: 'argilla' };
}

/** Read one verdict file (or Argilla folder) with the parser of its format (given, or sniffed). */
export async function readVerdicts(given: VerdictSource, read: VerdictReadOptions): Promise<ParsedVerdicts> {
  const source = await resolveSource(given);
  const text = await readTextFile(source.file, 'verdict file');
  const format = source.format
    ? checkOption(VerdictFormatSchema, source.format, 'format')
    : sniffFormat(source.file, text);
  switch (format) {
    case 'labelstudio':
      return parseLabelStudioExport(source.file, text, read);
    case 'argilla':
      return parseArgillaExport(source.file, text, read.multilabel);
    case 'jsonl':
      return parseJsonlVerdicts(source.file, text, read);
    case 'csv':
      return parseCsvVerdicts(source.file, text, read);
  }
}
