import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { BadInputError, truncate } from '../util/errors.js';
import { INPUT_SIZE_LIMITS, readJsonFile } from '../util/files.js';
import type { TextInput } from './card.js';

/**
 * Preprocessing: dataset values → the typed arrays ONNX Runtime is fed. Tokenizing is done by
 * @huggingface/tokenizers; this module only truncates, adds special tokens and pads, because the
 * JS tokenizer does neither for batches.
 */

/** A row that cannot be scored, and why. Rows are indices within the batch. */
export interface RowIssue {
  row: number;
  reason: string;
}

/**
 * The part of tokenizers.js this module calls, typed here: the package's own declarations use
 * extensionless relative imports that a consumer's `tsc` under `nodenext` with `skipLibCheck: false`
 * rejects, so they must not be reachable from modeval's public `.d.ts` (#28 item 14).
 */
export interface TokenizerEngine {
  tokenize(text: string, options: { add_special_tokens: boolean }): string[];
  readonly post_processor:
    | ((tokens: string[], pair: null, addSpecial: boolean) => { tokens: string[]; token_type_ids?: number[] })
    | null;
  token_to_id(token: string): number | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
}

/** A loaded tokenizer plus what padding and unknown-word handling need from it. */
export interface TextTokenizer {
  readonly tokenizer: TokenizerEngine;
  readonly file: string;
  readonly padId: number;
  /** Id for a token the vocabulary lacks (WordLevel models map such tokens here). */
  readonly unkId: number | undefined;
  /** Special tokens the post-processor adds to one sequence ([CLS] + [SEP] = 2). */
  readonly specialTokenCount: number;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function readJson(file: string, what: string): Promise<JsonObject> {
  const value = await readJsonFile(file, what, { maxBytes: INPUT_SIZE_LIMITS.tokenizer });
  if (!isObject(value)) throw new BadInputError(`the ${what} is not a JSON object`, { file });
  return value;
}

/** Build a tokenizer from parsed `tokenizer.json` (+ optional `tokenizer_config.json`) objects. */
export function createTextTokenizer(json: JsonObject, config: JsonObject, file: string): TextTokenizer {
  const model = json.model;
  if (!isObject(model))
    throw new BadInputError('the tokenizer has no "model" object', { file, field: 'model' });
  // tokenizers.js reads a WordLevel model's unknown token from the config, not from the model.
  const merged: JsonObject = { ...config };
  if (merged.unk_token === undefined && typeof model.unk_token === 'string')
    merged.unk_token = model.unk_token;
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer({ added_tokens: [], ...json }, merged);
  } catch (err) {
    // Its messages echo values from the file (a type name): one line, capped, never the content at length.
    const reason = truncate(String((err as Error)?.message ?? err).split('\n', 1)[0]!, 120);
    throw new BadInputError(`tokenizers.js cannot build the tokenizer: ${reason}`, { file });
  }
  if (tokenizer.model === null || tokenizer.model.tokens_to_ids.size === 0) {
    throw new BadInputError('the tokenizer has an empty vocabulary', { file, field: 'model.vocab' });
  }
  const unkName =
    tokenizer.model.unk_token ?? (typeof merged.unk_token === 'string' ? merged.unk_token : undefined);
  const unkId =
    tokenizer.model.unk_token_id ?? (unkName === undefined ? undefined : tokenizer.token_to_id(unkName));
  const padding = isObject(json.padding) ? json.padding : {};
  const padName = typeof merged.pad_token === 'string' ? merged.pad_token : undefined;
  const padId =
    typeof padding.pad_id === 'number'
      ? padding.pad_id
      : ((padName === undefined ? undefined : tokenizer.token_to_id(padName)) ?? 0);
  const specialTokenCount = tokenizer.post_processor
    ? tokenizer.post_processor([], null, true).tokens.length
    : 0;
  return { tokenizer, file, padId, unkId, specialTokenCount };
}

/** Load `<dir>/<input.tokenizer>` (and its config file, if the card names one). */
export async function loadTextTokenizer(dir: string, input: TextInput): Promise<TextTokenizer> {
  const file = join(dir, input.tokenizer);
  const json = await readJson(file, 'tokenizer');
  const config =
    input.tokenizerConfig === undefined
      ? {}
      : await readJson(join(dir, input.tokenizerConfig), 'tokenizer config');
  return createTextTokenizer(json, config, file);
}

/** Token ids (and type ids) of one text, already truncated and with special tokens. */
export interface EncodedText {
  ids: Int32Array;
  typeIds: Int32Array | null;
  /** Tokens were dropped to fit maxLength. */
  truncated: boolean;
}

export interface TokenizeOptions {
  maxLength: number;
  truncation: TextInput['truncation'];
  addSpecialTokens: boolean;
}

function tokenizeAll(tok: TextTokenizer, text: string): string[] {
  return tok.tokenizer.tokenize(text, { add_special_tokens: false });
}

/** Tokens a cut may disturb at the end of a prefix: more than any word split at the cut yields. */
const CUT_MARGIN = 16;
const whitespace = /\s/g;

/**
 * The leading tokens of a text, at least `budget + CUT_MARGIN` of them or all of them.
 * Moderation texts are often far longer than maxLength, and tokenizing is most of a batch's
 * cost, so only a prefix is tokenized: it ends at whitespace, where normalizers, pre-tokenizers
 * and subword models all work locally, so every token before the last few is the one the whole
 * text would give (test/model/preprocess.test.ts checks this on the real golden texts). The prefix
 * doubles until it yields enough tokens.
 */
export function tokenizeHead(tok: TextTokenizer, text: string, budget: number): string[] {
  let cut = Math.max(1024, budget * 8);
  while (cut < text.length) {
    whitespace.lastIndex = cut;
    const end = whitespace.exec(text)?.index;
    if (end === undefined) break;
    const tokens = tok.tokenizer.tokenize(text.slice(0, end), { add_special_tokens: false });
    if (tokens.length >= budget + CUT_MARGIN) return tokens;
    cut *= 2;
  }
  return tokenizeAll(tok, text);
}

/**
 * Tokenize one text. Truncation happens before special tokens are added (as in Hugging Face
 * tokenizers) so a truncated sequence still ends with its [SEP]. Returns a reason string when the
 * row cannot be encoded.
 */
export function encodeText(tok: TextTokenizer, text: string, options: TokenizeOptions): EncodedText | string {
  const special = options.addSpecialTokens ? tok.specialTokenCount : 0;
  const budget = options.maxLength - special;
  if (budget <= 0) return `maxLength ${options.maxLength} leaves no room after ${special} special tokens`;
  let tokens = options.truncation === 'right' ? tokenizeHead(tok, text, budget) : tokenizeAll(tok, text);
  const truncated = tokens.length > budget;
  if (truncated) {
    if (options.truncation === 'reject') {
      return `text has ${tokens.length + special} tokens, more than maxLength ${options.maxLength}`;
    }
    tokens = options.truncation === 'right' ? tokens.slice(0, budget) : tokens.slice(tokens.length - budget);
  }
  let typeIds: Int32Array | null = null;
  if (options.addSpecialTokens && tok.tokenizer.post_processor) {
    const processed = tok.tokenizer.post_processor(tokens, null, true);
    tokens = processed.tokens;
    if (processed.token_type_ids) typeIds = Int32Array.from(processed.token_type_ids);
  }
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = tok.tokenizer.token_to_id(tokens[i]!) ?? tok.unkId;
    if (id === undefined) {
      throw new BadInputError(
        `token ${JSON.stringify(tokens[i])} is not in the vocabulary and there is no unk_token`,
        {
          file: tok.file,
        },
      );
    }
    ids[i] = id;
  }
  return { ids, typeIds, truncated };
}

export interface TextTensors {
  rows: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/**
 * Pad encoded rows into [rows, seqLen] int64 arrays: to the longest row (at least 1, so an
 * all-empty batch still has a valid shape) or always to maxLength.
 */
export function padEncoded(
  encoded: readonly EncodedText[],
  options: { padding: TextInput['padding']; maxLength: number; padId: number },
): TextTensors {
  const rows = encoded.length;
  let seqLen = 1;
  if (options.padding === 'max_length') seqLen = options.maxLength;
  else for (const e of encoded) seqLen = Math.max(seqLen, e.ids.length);
  const inputIds = new BigInt64Array(rows * seqLen);
  const attentionMask = new BigInt64Array(rows * seqLen);
  const tokenTypeIds = new BigInt64Array(rows * seqLen);
  const pad = BigInt(options.padId);
  for (let r = 0; r < rows; r++) {
    const { ids, typeIds } = encoded[r]!;
    const base = r * seqLen;
    for (let j = 0; j < seqLen; j++) {
      if (j < ids.length) {
        inputIds[base + j] = BigInt(ids[j]!);
        attentionMask[base + j] = 1n;
        if (typeIds) tokenTypeIds[base + j] = BigInt(typeIds[j]!);
      } else {
        inputIds[base + j] = pad;
      }
    }
  }
  return { rows, seqLen, inputIds, attentionMask, tokenTypeIds };
}

/** Tokenize a batch; null texts and rejected rows become issues instead of tensor rows. */
export function tokenizeBatch(
  tok: TextTokenizer,
  texts: readonly (string | null | undefined)[],
  options: TokenizeOptions,
): { encoded: (EncodedText | null)[]; issues: RowIssue[] } {
  const encoded: (EncodedText | null)[] = new Array(texts.length).fill(null);
  const issues: RowIssue[] = [];
  for (let row = 0; row < texts.length; row++) {
    const text = texts[row];
    if (text === null || text === undefined) {
      issues.push({ row, reason: 'text is null' });
      continue;
    }
    const e = encodeText(tok, text, options);
    if (typeof e === 'string') issues.push({ row, reason: e });
    else encoded[row] = e;
  }
  return { encoded, issues };
}

/**
 * Float features of a batch, as Arrow lays out a List<Float32> (`offsets`, length rows + 1) or a
 * FixedSizeList<Float32> (no offsets: row i is values[i*dim, (i+1)*dim)).
 */
export interface FeatureColumn {
  values: Float32Array;
  offsets?: Int32Array;
  /** Row validity (1 = present); absent means no nulls. */
  valid?: Uint8Array;
}

/** Check every row of a feature column: nulls, wrong lengths and non-finite values are issues. */
export function checkFeatures(column: FeatureColumn, rows: number, dim: number): RowIssue[] {
  const issues: RowIssue[] = [];
  const { values, offsets, valid } = column;
  for (let row = 0; row < rows; row++) {
    if (valid && valid[row] === 0) {
      issues.push({ row, reason: 'features are null' });
      continue;
    }
    const start = offsets ? offsets[row]! : row * dim;
    const end = offsets ? offsets[row + 1]! : start + dim;
    if (end - start !== dim) {
      issues.push({ row, reason: `has ${end - start} features, the model takes ${dim}` });
      continue;
    }
    if (end > values.length) {
      issues.push({ row, reason: 'features run past the end of the values buffer' });
      continue;
    }
    for (let k = start; k < end; k++) {
      if (!Number.isFinite(values[k]!)) {
        issues.push({ row, reason: `feature ${k - start} is not finite (${values[k]})` });
        break;
      }
    }
  }
  return issues;
}

/**
 * The [rows.length, dim] feature matrix for the selected rows. When the selection is every row
 * and the rows are contiguous (always for FixedSizeList, usually for List), this is a view on the
 * column's buffer: no copy.
 */
export function packFeatures(column: FeatureColumn, dim: number, select: readonly number[]): Float32Array {
  const { values, offsets } = column;
  const startOf = (row: number) => (offsets ? offsets[row]! : row * dim);
  const first = select.length > 0 ? startOf(select[0]!) : 0;
  let contiguous = true;
  for (let i = 0; i < select.length && contiguous; i++) contiguous = startOf(select[i]!) === first + i * dim;
  if (contiguous) return values.subarray(first, first + select.length * dim);
  const out = new Float32Array(select.length * dim);
  select.forEach((row, i) => {
    const start = startOf(row);
    out.set(values.subarray(start, start + dim), i * dim);
  });
  return out;
}

/** Raw strings for a string-tensor input; null rows are issues. */
export function checkStrings(values: readonly (string | null | undefined)[]): RowIssue[] {
  const issues: RowIssue[] = [];
  values.forEach((v, row) => {
    if (v === null || v === undefined) issues.push({ row, reason: 'text is null' });
  });
  return issues;
}
