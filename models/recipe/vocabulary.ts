import { Tokenizer } from '@huggingface/tokenizers';

/**
 * Vocabulary building for the reference tokenizers. Words are counted through the very
 * normalizer and pre-tokenizer the finished tokenizer.json declares (run by tokenizers.js), so
 * training and inference split text identically.
 */

export const PAD = '[PAD]';
export const UNK = '[UNK]';
export const CLS = '[CLS]';
export const SEP = '[SEP]';

type Json = Record<string, unknown>;

export interface TokenizerStyle {
  normalizer: Json;
  preTokenizer: Json;
}

/** v1: NFKC + lowercase, split on \w+ / punctuation runs. */
export const WORD_LEVEL_STYLE: TokenizerStyle = {
  normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
  preTokenizer: { type: 'Whitespace' },
};

/**
 * Multilingual word level: NFKC + lowercase with accents kept, split by the BERT pre-tokenizer,
 * which knows Unicode letters (`Whitespace` here splits `divorciándose` at the accented letter).
 */
export const MULTILINGUAL_WORD_STYLE: TokenizerStyle = {
  normalizer: WORD_LEVEL_STYLE.normalizer,
  preTokenizer: { type: 'BertPreTokenizer' },
};

/** v2: BERT-style cleaning, lowercasing and accent stripping, punctuation split off one by one. */
export const WORD_PIECE_STYLE: TokenizerStyle = {
  normalizer: {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: true,
    lowercase: true,
  },
  preTokenizer: { type: 'BertPreTokenizer' },
};

function addedToken(content: string, id: number): Json {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** Count pre-tokenized words over the texts. */
export function countWords(texts: readonly string[], style: TokenizerStyle): Map<string, number> {
  // A throwaway tokenizer only to reach tokenizers.js's normalizer and pre-tokenizer.
  const probe = new Tokenizer(
    {
      added_tokens: [],
      normalizer: style.normalizer,
      pre_tokenizer: style.preTokenizer,
      post_processor: null,
      decoder: null,
      model: { type: 'WordPiece', vocab: { [UNK]: 0 }, unk_token: UNK, continuing_subword_prefix: '##' },
    },
    {},
  );
  const counts = new Map<string, number>();
  for (const text of texts) {
    const normalized = probe.normalizer ? probe.normalizer(text) : text;
    const words = probe.pre_tokenizer ? probe.pre_tokenizer(normalized) : [normalized];
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/** Most frequent keys first; ties broken by the key so the order never depends on insertion. */
export function topByCount(counts: Map<string, number>, limit: number, minCount: number): string[] {
  return [...counts]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([k]) => k);
}

/** Both tokenizers pad each batch to its longest row with [PAD] (id 0), on the right. */
const PADDING = {
  strategy: 'BatchLongest',
  direction: 'Right',
  pad_to_multiple_of: null,
  pad_id: 0,
  pad_type_id: 0,
  pad_token: PAD,
} as const;

/** A WordLevel tokenizer.json: [PAD]=0, [UNK]=1, then the most frequent words. */
export function wordLevelTokenizer(
  counts: Map<string, number>,
  size: number,
  minCount: number,
  style: TokenizerStyle = WORD_LEVEL_STYLE,
): Json {
  const words = topByCount(counts, size - 2, minCount);
  const vocab: Record<string, number> = { [PAD]: 0, [UNK]: 1 };
  words.forEach((w, i) => {
    vocab[w] = i + 2;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: PADDING,
    added_tokens: [addedToken(PAD, 0), addedToken(UNK, 1)],
    normalizer: style.normalizer,
    pre_tokenizer: style.preTokenizer,
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNK },
  };
}

/**
 * A WordPiece vocabulary by plain counting (not Google's likelihood-based trainer): the most
 * frequent whole words, then the most frequent word-initial pieces and `##` continuation pieces
 * (2–6 characters) of the words left out, weighted by word frequency, plus every character seen
 * often enough in both positions so most words still split into known pieces.
 */
export function wordPieceVocabulary(
  counts: Map<string, number>,
  sizes: { size: number; words: number; minCount: number },
): string[] {
  const specials = [PAD, UNK, CLS, SEP];
  const words = topByCount(counts, sizes.words, sizes.minCount);
  const known = new Set(words);
  const chars = new Map<string, number>();
  const prefixes = new Map<string, number>();
  const continuations = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, c: number) => m.set(k, (m.get(k) ?? 0) + c);
  for (const [word, c] of counts) {
    const cs = [...word];
    cs.forEach((ch, i) => {
      bump(chars, i === 0 ? ch : `##${ch}`, c);
    });
    if (known.has(word) || cs.length > 40) continue;
    for (let len = 2; len <= Math.min(6, cs.length - 1); len++) bump(prefixes, cs.slice(0, len).join(''), c);
    for (let start = 1; start < cs.length; start++) {
      for (let len = 2; len <= 6 && start + len <= cs.length; len++) {
        bump(continuations, `##${cs.slice(start, start + len).join('')}`, c);
      }
    }
  }
  const out: string[] = [...specials];
  const taken = new Set(out);
  const add = (items: readonly string[], limit: number) => {
    for (const t of items) {
      if (out.length >= limit) return;
      if (!taken.has(t)) {
        taken.add(t);
        out.push(t);
      }
    }
  };
  add(topByCount(chars, 1000, sizes.minCount), sizes.size);
  add(words, sizes.size);
  // Split what is left between word-initial and continuation pieces.
  const room = sizes.size - out.length;
  add(topByCount(prefixes, Math.ceil(room / 2), sizes.minCount), out.length + Math.ceil(room / 2));
  add(topByCount(continuations, sizes.size, sizes.minCount), sizes.size);
  add(topByCount(prefixes, sizes.size, sizes.minCount), sizes.size);
  return out;
}

/** A WordPiece tokenizer.json with [CLS] … [SEP] added around each text. */
export function wordPieceTokenizer(vocabulary: readonly string[]): Json {
  const vocab: Record<string, number> = {};
  vocabulary.forEach((t, i) => {
    vocab[t] = i;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: PADDING,
    added_tokens: [PAD, UNK, CLS, SEP].map((t) => addedToken(t, vocab[t]!)),
    normalizer: WORD_PIECE_STYLE.normalizer,
    pre_tokenizer: WORD_PIECE_STYLE.preTokenizer,
    post_processor: { type: 'BertProcessing', sep: [SEP, vocab[SEP]], cls: [CLS, vocab[CLS]] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: UNK,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}
