import type { Dataset } from '../dataset/open.js';
import { BadInputError } from '../util/errors.js';

/**
 * Reads the first content column of the rows whose ids are wanted, in one pass over the dataset.
 * The evaluation set keeps no text (it would double memory for every metric); analyses that show
 * or vectorise text fetch just the rows they need.
 */
export async function readTexts(ds: Dataset, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (wanted.size === 0) return out;
  for await (const b of ds.scan({ onInvalid: 'collect' })) {
    const texts = b.texts[0];
    if (!texts) throw new BadInputError('the dataset has no content column', { file: ds.source.path });
    for (let i = 0; i < b.status.length; i++) {
      let id: string | null;
      try {
        id = b.ids.get(i);
      } catch {
        continue;
      }
      if (id === null || !wanted.has(id)) continue;
      let text: string | null;
      try {
        text = texts.get(i);
      } catch {
        text = null;
      }
      out.set(id, text ?? '');
    }
  }
  return out;
}

/** A one-line, length-capped snippet of hostile text for terminals and summaries. */
export function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
