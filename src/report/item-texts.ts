import { openArrow } from '../dataset/arrow-reader.js';
import { idColumn as idColumnOf, stringColumn } from '../dataset/columns.js';

/**
 * The texts of a few items (the flipped ones) read from the golden set, so the report can show
 * what changed and not only ids. Values are raw: the page escapes and cuts them where shown.
 * An empty map when the dataset has no such columns (an image set shows thumbnails instead).
 */
export async function datasetTexts(
  file: string,
  request: { ids: ReadonlySet<string>; idColumn: string; textColumn: string | undefined },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const { ids, idColumn, textColumn } = request;
  if (ids.size === 0 || textColumn === undefined) return out;
  const source = await openArrow(file);
  const names = new Set(source.schema.fields.map((f) => f.name));
  if (!names.has(idColumn) || !names.has(textColumn)) return out;
  for await (const batch of source.batches()) {
    const idCol = idColumnOf(batch.getChild(idColumn)!.data[0]!);
    const textCol = stringColumn(batch.getChild(textColumn)!.data[0]!);
    for (let i = 0; i < batch.numRows; i++) {
      // Malformed UTF-8 (the report does not validate the golden set) leaves that item without text.
      try {
        const id = idCol.get(i);
        if (id === null || !ids.has(id) || out.has(id)) continue;
        const value = textCol.get(i);
        if (value !== null) out.set(id, value);
      } catch {}
    }
    if (out.size === ids.size) break;
  }
  return out;
}
