import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelCard, parseModelCard, type TextInput } from '../../src/model/card.js';
import {
  checkFeatures,
  checkStrings,
  createTextTokenizer,
  encodeText,
  loadTextTokenizer,
  packFeatures,
  padEncoded,
  type TextTokenizer,
  tokenizeBatch,
  tokenizeHead,
} from '../../src/model/preprocess.js';
import { BadInputError } from '../../src/util/errors.js';
import { goldenTable, MODEL_V1, MODEL_V2 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';
import { syntheticWordLevel, syntheticWordPiece } from './fixtures.js';

const tmp = useTmpDir();

// Synthetic vocabulary (fixtures.ts): [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 free=4 money=5 now=6
// hello=7 world=8 win=9 ##ning=10 !=11.
const wordPiece = (): TextTokenizer => createTextTokenizer(syntheticWordPiece(), {}, 'tokenizer.json');
const ids = (e: ReturnType<typeof encodeText>) => (typeof e === 'string' ? e : [...e.ids]);
const opts = { maxLength: 32, truncation: 'right', addSpecialTokens: true } as const;

describe('text encoding with tokenizers.js', () => {
  it('normalizes, splits words into pieces and adds [CLS] … [SEP]', () => {
    const tok = wordPiece();
    expect(tok.specialTokenCount).toBe(2);
    expect(ids(encodeText(tok, 'Free money NOW!', opts))).toEqual([2, 4, 5, 6, 11, 3]);
    expect(ids(encodeText(tok, 'winning xyz', opts))).toEqual([2, 9, 10, 1, 3]);
    expect(ids(encodeText(tok, '', opts))).toEqual([2, 3]);
    expect(ids(encodeText(tok, 'free', { ...opts, addSpecialTokens: false }))).toEqual([4]);
  });

  it('truncates before adding special tokens, so [SEP] survives on either side', () => {
    const tok = wordPiece();
    const right = encodeText(tok, 'free money now !', { ...opts, maxLength: 4 });
    expect(ids(right)).toEqual([2, 4, 5, 3]);
    expect(typeof right !== 'string' && right.truncated).toBe(true);
    expect(ids(encodeText(tok, 'free money now !', { ...opts, maxLength: 4, truncation: 'left' }))).toEqual([
      2, 6, 11, 3,
    ]);
    const exact = encodeText(tok, 'free money', { ...opts, maxLength: 4 });
    expect(typeof exact !== 'string' && exact.truncated).toBe(false);
  });

  it('rejects a long row when truncation is "reject", and a maxLength with no room for text', () => {
    const tok = wordPiece();
    expect(encodeText(tok, 'free money now !', { ...opts, maxLength: 4, truncation: 'reject' })).toBe(
      'text has 6 tokens, more than maxLength 4',
    );
    expect(encodeText(tok, 'free', { ...opts, maxLength: 2 })).toMatch(/no room/);
  });

  it('maps unknown words of a WordLevel vocabulary to [UNK] and reports a vocabulary without one', () => {
    const tok = createTextTokenizer(syntheticWordLevel(), {}, 'wl.json');
    expect(ids(encodeText(tok, 'FREE cash !', opts))).toEqual([2, 1, 4]);
    const noUnk = syntheticWordLevel();
    noUnk.model = { type: 'WordLevel', vocab: { '[PAD]': 0, free: 1 } };
    noUnk.added_tokens = [];
    const bad = createTextTokenizer(noUnk, {}, 'wl.json');
    expect(() => encodeText(bad, 'free cash', opts)).toThrow(BadInputError);
    expect(() => encodeText(bad, 'free cash', opts)).toThrow(
      /wl\.json: token "cash" is not in the vocabulary/,
    );
  });

  it('pads to the longest row or to maxLength, with masks and zero token types', () => {
    const tok = wordPiece();
    const batch = tokenizeBatch(tok, ['hello world', 'free money now !', null, ''], opts);
    expect(batch.issues).toEqual([{ row: 2, reason: 'text is null' }]);
    const rows = batch.encoded.filter((e) => e !== null);
    const longest = padEncoded(rows, { padding: 'longest', maxLength: 32, padId: tok.padId });
    expect(longest.seqLen).toBe(6);
    expect(longest.rows).toBe(3);
    expect([...longest.inputIds].map(Number)).toEqual([
      2, 7, 8, 3, 0, 0, 2, 4, 5, 6, 11, 3, 2, 3, 0, 0, 0, 0,
    ]);
    expect([...longest.attentionMask].map(Number)).toEqual([
      1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
    ]);
    expect([...longest.tokenTypeIds].every((v) => v === 0n)).toBe(true);
    const fixed = padEncoded(rows, { padding: 'max_length', maxLength: 8, padId: 0 });
    expect(fixed.seqLen).toBe(8);
    expect(fixed.inputIds.length).toBe(24);
    expect(Number(fixed.attentionMask[8 + 5])).toBe(1);
    expect(Number(fixed.attentionMask[8 + 6])).toBe(0);
    // An empty batch still has a valid [0, 1] shape rather than a zero-width sequence.
    expect(padEncoded([], { padding: 'longest', maxLength: 8, padId: 0 }).seqLen).toBe(1);
  });

  it('takes the pad id from the tokenizer.json padding section', () => {
    const json = syntheticWordLevel();
    json.padding = { pad_id: 4, pad_token: '!' };
    const tok = createTextTokenizer(json, {}, 'x');
    expect(tok.padId).toBe(4);
    const t = padEncoded([{ ids: Int32Array.of(2), typeIds: null, truncated: false }], {
      padding: 'max_length',
      maxLength: 3,
      padId: tok.padId,
    });
    expect([...t.inputIds].map(Number)).toEqual([2, 4, 4]);
  });
});

describe('tokenizing only the head of a long text', () => {
  it('gives exactly the leading tokens of the whole text, on every real golden text', async () => {
    const golden = await goldenTable();
    const text = golden.getChild('text')!;
    for (const dir of [MODEL_V1, MODEL_V2]) {
      const input = (await loadModelCard(dir)).inputs[0] as TextInput;
      const tok = await loadTextTokenizer(dir, input);
      let shortened = 0;
      for (let i = 0; i < golden.numRows; i++) {
        const t = text.get(i) as string;
        const all = tok.tokenizer.tokenize(t, { add_special_tokens: false });
        // Budgets well below maxLength make the prefix path run on most texts.
        for (const budget of [32, input.maxLength]) {
          const head = tokenizeHead(tok, t, budget);
          if (head.length < all.length) shortened++;
          expect(head.slice(0, budget)).toEqual(all.slice(0, budget));
          expect(head.length > budget).toBe(all.length > budget);
        }
      }
      expect(shortened).toBeGreaterThan(golden.numRows / 4);
    }
  });

  it('falls back to the whole text when no whitespace follows the cut', () => {
    const tok = wordPiece();
    const blob = `free ${'x'.repeat(5000)}`;
    expect(tokenizeHead(tok, blob, 1)).toEqual(['free', '[UNK]']);
  });
});

describe('tokenizer loading errors', () => {
  const input = parseModelCard(
    {
      name: 't',
      version: '1',
      task: 'binary',
      labels: ['a', 'b'],
      positive: 'b',
      inputs: [{ kind: 'text', maxLength: 8 }],
    },
    'x',
  ).inputs[0] as TextInput;

  it('names tokenizer.json when it is missing, not JSON, or not a tokenizer', async () => {
    const dir = tmp();
    const file = join(dir, 'tokenizer.json');
    await expect(loadTextTokenizer(dir, input)).rejects.toThrow(`${file}: cannot read the tokenizer: ENOENT`);
    writeFileSync(file, '{"model": {"type": "WordPiece", ');
    await expect(loadTextTokenizer(dir, input)).rejects.toThrow(BadInputError);
    await expect(loadTextTokenizer(dir, input)).rejects.toThrow(`${file}: the tokenizer is not valid JSON`);
    writeFileSync(file, JSON.stringify({ model: { type: 'WordPiece', vocab: {} } }));
    await expect(loadTextTokenizer(dir, input)).rejects.toThrow(
      `${file}: tokenizers.js cannot build the tokenizer`,
    );
    writeFileSync(file, '[1, 2]');
    await expect(loadTextTokenizer(dir, input)).rejects.toThrow(
      `${file}: the tokenizer is not a JSON object`,
    );
  });

  it('loads a valid tokenizer from the folder', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(syntheticWordPiece()));
    const tok = await loadTextTokenizer(dir, input);
    expect(ids(encodeText(tok, 'hello', opts))).toEqual([2, 7, 3]);
  });
});

describe('feature and string preprocessing', () => {
  it('feeds contiguous rows as a view of the Arrow buffer (no copy)', () => {
    const values = Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7);
    const fixed = packFeatures({ values }, 2, [0, 1, 2, 3]);
    expect(fixed.buffer).toBe(values.buffer);
    expect([...fixed]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // A List column sliced from a larger batch: offsets start at 2.
    const list = packFeatures({ values, offsets: Int32Array.of(2, 4, 6) }, 2, [0, 1]);
    expect(list.buffer).toBe(values.buffer);
    expect([...list]).toEqual([2, 3, 4, 5]);
  });

  it('copies only the selected rows when some are skipped', () => {
    const values = Float32Array.of(0, 1, 2, 3, 4, 5);
    const out = packFeatures({ values }, 2, [0, 2]);
    expect(out.buffer).not.toBe(values.buffer);
    expect([...out]).toEqual([0, 1, 4, 5]);
  });

  it('reports null rows, wrong lengths and non-finite values by row', () => {
    const values = Float32Array.of(1, 2, 3, 4, Number.NaN, 6, 7, 8);
    const issues = checkFeatures(
      { values, offsets: Int32Array.of(0, 2, 3, 3, 5, 7), valid: Uint8Array.of(1, 1, 0, 1, 1) },
      5,
      2,
    );
    expect(issues).toEqual([
      { row: 1, reason: 'has 1 features, the model takes 2' },
      { row: 2, reason: 'features are null' },
      { row: 3, reason: 'feature 1 is not finite (NaN)' },
    ]);
    expect(checkStrings(['a', null, 'c', undefined])).toEqual([
      { row: 1, reason: 'text is null' },
      { row: 3, reason: 'text is null' },
    ]);
  });
});
