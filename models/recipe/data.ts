import { readFile } from 'node:fs/promises';
import { tableFromIPC } from 'apache-arrow';

/** One labelled split of the SpamAssassin dataset, in memory (a few MB: the recipe is offline). */
export interface LabelledSplit {
  ids: string[];
  texts: string[];
  /** 1 = spam, 0 = ham. */
  labels: Uint8Array;
  /** Slice column values per row (corpus_group), for per-slice metrics in the model card. */
  groups: string[];
}

export async function readSplit(file: string): Promise<LabelledSplit> {
  const table = tableFromIPC(await readFile(file));
  const column = (name: string) => {
    const c = table.getChild(name);
    if (c === null) throw new Error(`${file}: no column ${JSON.stringify(name)}`);
    return c;
  };
  const id = column('id');
  const text = column('text');
  const label = column('label');
  const group = table.getChild('corpus_group');
  const out: LabelledSplit = { ids: [], texts: [], labels: new Uint8Array(table.numRows), groups: [] };
  let n = 0;
  for (let i = 0; i < table.numRows; i++) {
    const l = label.get(i) as string | null;
    const t = text.get(i) as string | null;
    // Unlabelled or empty rows teach nothing; the dataset builder already rejects most of them.
    if ((l !== 'spam' && l !== 'ham') || t === null) continue;
    out.ids.push(id.get(i) as string);
    out.texts.push(t);
    out.labels[n++] = l === 'spam' ? 1 : 0;
    out.groups.push((group?.get(i) as string | null) ?? '');
  }
  out.labels = out.labels.slice(0, n);
  return out;
}
