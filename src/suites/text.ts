import type { Xoshiro128 } from '../util/prng.js';

/**
 * Text helpers every perturbation shares. A perturbation edits whole grapheme clusters
 * (Intl.Segmenter), so a combining mark, an emoji ZWJ sequence or a surrogate pair is never split;
 * input and output are NFC.
 */
const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** Characters per segmenter call (see `segmentRegion`). */
const WINDOW = 1024;

/** Two ASCII characters other than CR LF always have a cluster boundary between them (UAX #29). */
function asciiPairAt(s: string, j: number): boolean {
  return s.charCodeAt(j) < 0x80 && s.charCodeAt(j + 1) < 0x80 && !(s[j] === '\r' && s[j + 1] === '\n');
}

/**
 * The grapheme clusters of `text` (NFC). ASCII runs are split without the segmenter (a boundary
 * lies between any two ASCII characters but CR LF); the rest goes to Intl.Segmenter up to and
 * including the next ASCII pair, whose boundary is certain.
 */
export function graphemes(text: string): string[] {
  const s = text.normalize('NFC');
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (i + 1 === s.length ? s.charCodeAt(i) < 0x80 : asciiPairAt(s, i)) {
      out.push(s[i]!);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < s.length - 1 && !asciiPairAt(s, j)) j++;
    segmentRegion(s.slice(i, j + 1), out);
    i = j + 1;
  }
  return out;
}

/**
 * Node 20's Intl.Segmenter iterates a long string in quadratic time (80k clusters: 3 s), so a long
 * region is segmented in windows. A window starts at a known boundary and every boundary but its
 * last is exact (a break is decided by the left context and one character to the right), so its
 * last, maybe cut, cluster starts the next window.
 */
function segmentRegion(s: string, out: string[]): void {
  let start = 0;
  while (start < s.length) {
    const end = Math.min(s.length, start + WINDOW);
    let parts = Array.from(segmenter.segment(s.slice(start, end)), (p) => p.segment);
    if (end === s.length || parts.length === 1) {
      // The end, or one cluster longer than a window (thousands of marks): the rest in one call.
      if (end !== s.length) parts = Array.from(segmenter.segment(s.slice(start)), (p) => p.segment);
      out.push(...parts);
      return;
    }
    const last = parts.pop()!;
    out.push(...parts);
    start = end - last.length;
  }
}

/** A grapheme that is one ASCII Latin letter: the only kind the letter-level perturbations edit. */
export function isAsciiLetter(g: string): boolean {
  return g.length === 1 && /[A-Za-z]/.test(g);
}

/** True with probability `rate` (1 always, 0 never, without drawing). */
export function chance(rng: Xoshiro128, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return rng.nextFloat() < rate;
}

export function pick<T>(rng: Xoshiro128, items: readonly T[]): T {
  return items[rng.nextInt(items.length)]!;
}

/**
 * Words as runs of graphemes that are each one ASCII letter, with everything between them kept
 * verbatim (`word` tells which). A letter carrying a combining mark NFC cannot compose is its own
 * grapheme and so not a word letter; RTL and CJK script pass through unchanged.
 */
export function splitWords(text: string): { text: string; word: boolean }[] {
  const parts: { text: string; word: boolean }[] = [];
  for (const g of graphemes(text)) {
    const word = isAsciiLetter(g);
    const last = parts.at(-1);
    if (last && last.word === word) last.text += g;
    else parts.push({ text: g, word });
  }
  return parts;
}

/** Maps every word (per `splitWords`) through `fn`, keeping the rest verbatim. */
export function mapWords(text: string, fn: (word: string) => string): string {
  return splitWords(text)
    .map((p) => (p.word ? fn(p.text) : p.text))
    .join('')
    .normalize('NFC');
}
