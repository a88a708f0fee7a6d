import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { valueInfo } from '../../models/recipe/onnx-export.js';
import type { ModelCardInput } from '../../src/model/card.js';

/**
 * SYNTHETIC fixtures for the model-layer tests: a tiny hand-made WordPiece tokenizer and tiny
 * hand-built ONNX graphs. They exercise the code paths, not model quality.
 */

const { onnx } = onnxProto;

/** A BERT-style tokenizer.json: lowercase, split on whitespace/punctuation, [CLS] … [SEP] around. */
export function syntheticWordPiece(): Record<string, unknown> {
  const tokens = [
    '[PAD]',
    '[UNK]',
    '[CLS]',
    '[SEP]',
    'free',
    'money',
    'now',
    'hello',
    'world',
    'win',
    '##ning',
    '!',
  ];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const special = (content: string) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map(special),
    normalizer: { type: 'BertNormalizer', lowercase: true, strip_accents: true, clean_text: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
    decoder: null,
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab },
  };
}

/** A WordLevel tokenizer.json (no post-processor): tokenizers.js must still map unknown words to [UNK]. */
export function syntheticWordLevel(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: { pad_id: 0, pad_token: '[PAD]' },
    added_tokens: [
      {
        id: 0,
        content: '[PAD]',
        special: true,
        normalized: false,
        lstrip: false,
        rstrip: false,
        single_word: false,
      },
      {
        id: 1,
        content: '[UNK]',
        special: true,
        normalized: false,
        lstrip: false,
        rstrip: false,
        single_word: false,
      },
    ],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: {
      type: 'WordLevel',
      vocab: { '[PAD]': 0, '[UNK]': 1, free: 2, money: 3, '!': 4 },
      unk_token: '[UNK]',
    },
  };
}

/** One-node graph over features `x` float [batch, width] → `logits` [batch, width] (SYNTHETIC). */
function featuresGraph(
  name: string,
  node: { opType: string; input: string[] },
  width: number | string,
  initializer: object[] = [],
): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'modeval-test (synthetic)',
      graph: {
        name,
        node: [{ ...node, output: ['logits'], name: node.opType.toLowerCase() }],
        initializer,
        input: [valueInfo('x', FLOAT, ['batch', typeof width === 'string' ? 'features' : width])],
        output: [valueInfo('logits', FLOAT, ['batch', typeof width === 'string' ? 'classes' : width])],
      },
    }),
  ).finish();
}

/**
 * features `x` float [batch, width] → Log → `logits` [batch, width]: a negative feature gives NaN,
 * so the graph lets a test provoke non-finite model output on chosen rows. With `symbolicWidth`
 * the input and output widths are declared as names, so only running the graph reveals them.
 */
export function logFeaturesModel(width = 2, symbolicWidth = false): Uint8Array {
  return featuresGraph('log-features', { opType: 'Log', input: ['x'] }, symbolicWidth ? 'width' : width);
}

/**
 * features `x` + a constant of shape [2] → `logits`, widths symbolic: the graph loads whatever the
 * card's `dim`, and ONNX Runtime refuses to broadcast any width but 1 or 2 when it runs.
 */
export function addConstantModel(): Uint8Array {
  const bias = {
    name: 'bias',
    dims: [2],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(Float32Array.of(0, 1).buffer),
  };
  return featuresGraph('add-constant', { opType: 'Add', input: ['x', 'bias'] }, 'width', [bias]);
}

/** Write a model folder (card + graph + optional tokenizer) into `dir`. */
export function writeModelDir(
  dir: string,
  files: {
    card?: ModelCardInput | string;
    onnx?: Uint8Array | string;
    tokenizer?: Record<string, unknown> | string;
  },
): string {
  mkdirSync(dir, { recursive: true });
  if (files.card !== undefined) {
    writeFileSync(
      join(dir, 'model.json'),
      typeof files.card === 'string' ? files.card : JSON.stringify(files.card),
    );
  }
  if (files.onnx !== undefined) writeFileSync(join(dir, 'model.onnx'), files.onnx);
  if (files.tokenizer !== undefined) {
    writeFileSync(
      join(dir, 'tokenizer.json'),
      typeof files.tokenizer === 'string' ? files.tokenizer : JSON.stringify(files.tokenizer),
    );
  }
  return dir;
}

/**
 * A raw-string graph: `text` string [batch] → one ai.onnx.ml LabelEncoder per key (exact text →
 * score) → `logits` float [batch, keys]: a text equal to keys[k] scores 4 in column k, 0 elsewhere;
 * any other text scores 0 everywhere. Default keys: "hi" scores [4, 0], "buy now" [0, 4].
 */
export function stringLookupModel(keys: readonly string[] = ['hi', 'buy now']): Uint8Array {
  const { FLOAT, STRING, INT64 } = onnx.TensorProto.DataType;
  const STRINGS = onnx.AttributeProto.AttributeType.STRINGS;
  const FLOATS = onnx.AttributeProto.AttributeType.FLOATS;
  const FLOAT_ATTR = onnx.AttributeProto.AttributeType.FLOAT;
  const columns = keys.flatMap((key, k) => [
    {
      opType: 'LabelEncoder',
      domain: 'ai.onnx.ml',
      input: ['text'],
      output: [`score_${k}`],
      name: `score_${k}`,
      attribute: [
        { name: 'keys_strings', strings: [new TextEncoder().encode(key)], type: STRINGS },
        { name: 'values_floats', floats: [4], type: FLOATS },
        { name: 'default_float', f: 0, type: FLOAT_ATTR },
      ],
    },
    { opType: 'Unsqueeze', input: [`score_${k}`, 'axis1'], output: [`col_${k}`], name: `u${k}` },
  ]);
  const axis = {
    name: 'axis1',
    dims: [1],
    dataType: INT64,
    rawData: new Uint8Array(BigInt64Array.of(1n).buffer),
  };
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 13 },
        { domain: 'ai.onnx.ml', version: 2 },
      ],
      producerName: 'modeval-test (synthetic)',
      graph: {
        name: 'string-lookup',
        node: [
          ...columns,
          {
            opType: 'Concat',
            input: keys.map((_, k) => `col_${k}`),
            output: ['logits'],
            name: 'concat',
            attribute: [{ name: 'axis', i: 1, type: onnx.AttributeProto.AttributeType.INT }],
          },
        ],
        initializer: [axis],
        input: [valueInfo('text', STRING, ['batch'])],
        output: [valueInfo('logits', FLOAT, ['batch', keys.length])],
      },
    }),
  ).finish();
}

/**
 * Two text inputs: `ids_a` and `ids_b` int64 [batch, seq] → each cast to float and summed over
 * the sequence → `logits` float [batch, 2] = [Σ ids_a, Σ ids_b]. For multi-input bookkeeping.
 */
export function twoTextModel(): Uint8Array {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const INT = onnx.AttributeProto.AttributeType.INT;
  const axis = {
    name: 'axis1',
    dims: [1],
    dataType: INT64,
    rawData: new Uint8Array(BigInt64Array.of(1n).buffer),
  };
  const sum = (ids: string, out: string) => [
    {
      opType: 'Cast',
      input: [ids],
      output: [`${ids}_f`],
      name: `cast_${ids}`,
      attribute: [{ name: 'to', i: FLOAT, type: INT }],
    },
    {
      opType: 'ReduceSum',
      input: [`${ids}_f`, 'axis1'],
      output: [out],
      name: `sum_${ids}`,
      attribute: [{ name: 'keepdims', i: 1, type: INT }],
    },
  ];
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'modeval-test (synthetic)',
      graph: {
        name: 'two-text',
        node: [
          ...sum('ids_a', 'sum_a'),
          ...sum('ids_b', 'sum_b'),
          {
            opType: 'Concat',
            input: ['sum_a', 'sum_b'],
            output: ['logits'],
            name: 'concat',
            attribute: [{ name: 'axis', i: 1, type: INT }],
          },
        ],
        initializer: [axis],
        input: [valueInfo('ids_a', INT64, ['batch', 'seq_a']), valueInfo('ids_b', INT64, ['batch', 'seq_b'])],
        output: [valueInfo('logits', FLOAT, ['batch', 2])],
      },
    }),
  ).finish();
}

/**
 * An image graph: `pixels` float [batch, 3, h, w] (NCHW) → ReduceMean over h and w → `logits`
 * [batch, 3]: each image's mean red, green and blue, so a test can recompute the scores from the
 * decoded pixels.
 */
export function channelMeanModel(h: number, w: number): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INTS = onnx.AttributeProto.AttributeType.INTS;
  const INT = onnx.AttributeProto.AttributeType.INT;
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'modeval-test (synthetic)',
      graph: {
        name: 'channel-mean',
        node: [
          {
            opType: 'ReduceMean',
            input: ['pixels'],
            output: ['logits'],
            name: 'mean',
            attribute: [
              { name: 'axes', type: INTS, ints: [2, 3] },
              { name: 'keepdims', type: INT, i: 0 },
            ],
          },
        ],
        input: [valueInfo('pixels', FLOAT, ['batch', 3, h, w])],
        output: [valueInfo('logits', FLOAT, ['batch', 3])],
      },
    }),
  ).finish();
}
