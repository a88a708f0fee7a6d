/**
 * Reference-model recipe: trains spam-v1 and spam-v2 on the SpamAssassin *train* split, exports
 * them to ONNX and writes complete model folders (model.onnx, tokenizer.json, model.json,
 * MODEL_CARD.md). The golden split is only read after training, to measure the models.
 *
 *   npm run build && node dist/models/recipe/train.js [--only spam-v1] [--train F] [--golden F] [--out DIR]
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type * as tfjs from '@tensorflow/tfjs';
import { type ModelCardInput, parseModelCard } from '../../src/model/card.js';
import { openOnnxSession } from '../../src/model/onnx-session.js';
import { createPredictor } from '../../src/model/predictor.js';
import {
  createTextTokenizer,
  type EncodedText,
  encodeText,
  type TextTokenizer,
} from '../../src/model/preprocess.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { sha256File } from '../../src/util/hash.js';
import { loadWithDependencies, MissingDependencyError } from '../../src/util/optional-deps.js';
import { packageRoot } from '../../src/util/paths.js';
import {
  type Architecture,
  forward,
  initParams,
  loadTf,
  type NamedArray,
  RECIPE_PACKAGES,
  type Tf,
} from './architectures.js';
import { type LabelledSplit, readSplit } from './data.js';
import { binaryReport } from './metrics.js';
import { renderModelCard, type TrainingRecord } from './model-card-md.js';
import { mulberry32, shuffle } from './prng.js';
import { padForTf, tfLogits } from './tf-inference.js';
import { architectureOf, VARIANTS, type Variant } from './variants.js';
import {
  countWords,
  WORD_LEVEL_STYLE,
  WORD_PIECE_STYLE,
  wordLevelTokenizer,
  wordPieceTokenizer,
  wordPieceVocabulary,
} from './vocabulary.js';

type Json = Record<string, unknown>;

function buildTokenizer(variant: Variant, train: LabelledSplit): Json {
  const t = variant.tokenizer;
  if (t.kind === 'word-level')
    return wordLevelTokenizer(countWords(train.texts, WORD_LEVEL_STYLE), t.size, t.minCount);
  const counts = countWords(train.texts, WORD_PIECE_STYLE);
  return wordPieceTokenizer(wordPieceVocabulary(counts, t));
}

function encodeAll(tok: TextTokenizer, texts: readonly string[], maxLength: number): EncodedText[] {
  return texts.map((text) => {
    const e = encodeText(tok, text, { maxLength, truncation: 'right', addSpecialTokens: true });
    if (typeof e === 'string') throw new Error(`cannot encode a training text: ${e}`);
    return e;
  });
}

function predictedLabels(logits: Float32Array): Uint8Array {
  const out = new Uint8Array(logits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = logits[2 * i + 1]! > logits[2 * i]! ? 1 : 0;
  return out;
}

async function trainVariant(tf: Tf, variant: Variant, train: LabelledSplit, log: (s: string) => void) {
  const started = Date.now();
  const tokenizerJson = buildTokenizer(variant, train);
  const tok = createTextTokenizer(tokenizerJson, {}, 'tokenizer.json');
  const vocabSize = tok.tokenizer.get_vocab().size;
  const arch = architectureOf(variant, vocabSize);
  const encoded = encodeAll(tok, train.texts, variant.maxLength);
  const truncated = encoded.filter((e) => e.truncated).length;
  log(
    `${variant.name}: vocabulary ${vocabSize}, ${encoded.length} texts (${truncated} truncated to ${variant.maxLength})`,
  );

  const rng = mulberry32(variant.seed);
  const initial = initParams(arch, rng);
  const variables = new Map<string, tfjs.Variable>(
    initial.map((p) => [
      p.name,
      tf.variable(tf.tensor(p.data, p.shape, 'float32'), true, `${variant.name}/${p.name}`),
    ]),
  );
  const optimizer = tf.train.adam(variant.learningRate);
  const order = Array.from({ length: encoded.length }, (_, i) => i);
  const epochs: { epoch: number; loss: number; accuracy: number }[] = [];
  for (let epoch = 1; epoch <= variant.epochs; epoch++) {
    shuffle(order, rng);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += variant.batchSize) {
      const rows = order.slice(start, start + variant.batchSize);
      const b = padForTf(
        rows.map((r) => encoded[r]!),
        tok.padId,
      );
      const labels = Int32Array.from(rows, (r) => train.labels[r]!);
      const loss = tf.tidy(() => {
        const ids = tf.tensor2d(b.ids, [b.rows, b.seq], 'int32');
        const mask = tf.tensor2d(b.mask, [b.rows, b.seq], 'float32');
        const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
        const cost = optimizer.minimize(
          () => {
            const logits = forward(tf, arch, variables, ids, mask);
            const predicted = logits.argMax(1).dataSync();
            for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
            return tf.losses.softmaxCrossEntropy(onehot, logits) as tfjs.Scalar;
          },
          true,
          [...variables.values()],
        );
        return cost ?? tf.scalar(Number.NaN);
      });
      lossSum += loss.dataSync()[0]! * rows.length;
      loss.dispose();
    }
    epochs.push({ epoch, loss: lossSum / order.length, accuracy: correct / order.length });
    log(
      `${variant.name}: epoch ${epoch} loss ${(lossSum / order.length).toFixed(4)} acc ${(correct / order.length).toFixed(4)}`,
    );
  }
  optimizer.dispose();

  // Final train-set metrics with the trained weights (no dropout, so this is the model's real view).
  const trainLogits = new Float32Array(encoded.length * 2);
  for (let start = 0; start < encoded.length; start += 256) {
    trainLogits.set(tfLogits(tf, arch, variables, encoded.slice(start, start + 256), tok.padId), start * 2);
  }
  const trainReport = binaryReport(train.labels, predictedLabels(trainLogits), train.groups);
  const params: NamedArray[] = initial.map((p) => ({
    name: p.name,
    shape: p.shape,
    data: variables.get(p.name)!.dataSync() as Float32Array,
  }));
  return {
    tok,
    tokenizerJson,
    arch,
    variables,
    params,
    epochs,
    trainReport,
    seconds: (Date.now() - started) / 1000,
  };
}

function cardFor(variant: Variant, arch: Architecture): ModelCardInput {
  return {
    name: variant.name,
    version: variant.version,
    description:
      arch.kind === 'mean-pool'
        ? 'SpamAssassin spam/ham reference model: word-level bag of embeddings, masked mean pooling.'
        : 'SpamAssassin spam/ham reference model: WordPiece embeddings, masked max pooling, ReLU hidden layer.',
    task: 'binary',
    labels: ['ham', 'spam'],
    positive: 'spam',
    inputs: [
      {
        kind: 'text',
        column: 'text',
        tokenizer: 'tokenizer.json',
        maxLength: variant.maxLength,
        truncation: 'right',
        padding: 'longest',
        addSpecialTokens: true,
        feeds: { input_ids: 'input_ids', attention_mask: 'attention_mask' },
      },
    ],
    output: { tensor: 'logits', type: 'logits', activation: 'softmax' },
    thresholds: { spam: 0.5 },
    backend: 'onnx',
    file: 'model.onnx',
    executionProviders: ['cpu'],
  };
}

/** Largest |ORT logit − TF.js logit| over the texts: the export must reproduce the trained model. */
async function exportParity(
  tf: Tf,
  onnxFile: string,
  arch: Architecture,
  variables: ReadonlyMap<string, tfjs.Tensor>,
  tok: TextTokenizer,
  texts: readonly string[],
  maxLength: number,
): Promise<number> {
  const { session } = await openOnnxSession(onnxFile, { threads: 1, device: 'cpu' });
  const { Tensor } = await import('onnxruntime-node');
  try {
    const encoded = encodeAll(tok, texts, maxLength);
    const b = padForTf(encoded, tok.padId);
    const out = await session.run({
      input_ids: new Tensor(
        'int64',
        BigInt64Array.from(b.ids, (v) => BigInt(v)),
        [b.rows, b.seq],
      ),
      attention_mask: new Tensor(
        'int64',
        BigInt64Array.from(b.mask, (v) => BigInt(v)),
        [b.rows, b.seq],
      ),
    });
    const ort = out.logits!.data as Float32Array;
    const ref = tfLogits(tf, arch, variables, encoded, tok.padId);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - ort[i]!));
    return worst;
  } finally {
    await session.release();
  }
}

async function goldenReport(modelDir: string, golden: LabelledSplit) {
  const predictor = await createPredictor(modelDir, { threads: 2, device: 'cpu' });
  try {
    const predicted = new Uint8Array(golden.texts.length);
    let invalid = 0;
    for (let start = 0; start < golden.texts.length; start += 128) {
      const result = await predictor.predict({ texts: golden.texts.slice(start, start + 128) });
      invalid += result.invalidRows.length;
      result.predicted.forEach((p, i) => {
        predicted[start + i] = p === 'spam' ? 1 : 0;
      });
    }
    if (invalid > 0) throw new Error(`${invalid} golden rows could not be scored`);
    return { report: binaryReport(golden.labels, predicted, golden.groups), sha256: predictor.modelSha256 };
  } finally {
    await predictor.release();
  }
}

function limitSplit(split: LabelledSplit, limit: string | undefined): LabelledSplit {
  if (limit === undefined) return split;
  const n = Number(limit);
  return {
    ids: split.ids.slice(0, n),
    texts: split.texts.slice(0, n),
    labels: split.labels.slice(0, n),
    groups: split.groups.slice(0, n),
  };
}

async function main() {
  const root = packageRoot();
  const { values } = parseArgs({
    options: {
      train: { type: 'string', default: join(root, 'datasets/spamassassin/build/train.arrow') },
      golden: { type: 'string', default: join(root, 'datasets/spamassassin/build/golden.arrow') },
      out: { type: 'string', default: join(root, 'models') },
      only: { type: 'string' },
      // Smoke runs of the pipeline (not for the committed models): fewer rows and epochs.
      limit: { type: 'string' },
      epochs: { type: 'string' },
    },
  });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const { tf, backend } = await loadTf();
  const { exportOnnx } = await loadWithDependencies(
    'the training recipe',
    RECIPE_PACKAGES,
    () => import('./onnx-export.js'),
  );
  log(`TF.js ${tf.version.tfjs}, backend ${backend}`);
  const train = limitSplit(await readSplit(values.train!), values.limit);
  log(`train split: ${train.texts.length} rows from ${values.train}`);
  const variants = VARIANTS.filter((v) => values.only === undefined || v.name === values.only).map((v) =>
    values.epochs === undefined ? v : { ...v, epochs: Number(values.epochs) },
  );
  if (variants.length === 0) throw new Error(`--only ${values.only}: no such variant`);

  for (const variant of variants) {
    const trained = await trainVariant(tf, variant, train, log);
    const dir = join(values.out!, variant.name);
    const card = parseModelCard(cardFor(variant, trained.arch), join(dir, 'model.json'));
    const onnxBytes = exportOnnx(trained.arch, trained.params, {
      name: variant.name,
      version: variant.version,
      docString: `${variant.name} ${variant.version}: modeval reference spam/ham model (models/recipe)`,
    });
    await writeFileAtomic(join(dir, 'model.onnx'), onnxBytes);
    await writeFileAtomic(join(dir, 'tokenizer.json'), `${JSON.stringify(trained.tokenizerJson)}\n`);
    await writeFileAtomic(
      join(dir, 'model.json'),
      `${JSON.stringify(cardFor(variant, trained.arch), null, 2)}\n`,
    );

    // Only now, with training finished, is the golden split read: to check the export and measure.
    const golden = await readSplit(values.golden!);
    const parity = await exportParity(
      tf,
      join(dir, 'model.onnx'),
      trained.arch,
      trained.variables,
      trained.tok,
      golden.texts.slice(0, 64),
      variant.maxLength,
    );
    log(
      `${variant.name}: max |ONNX − TF.js| logit difference on 64 golden texts: ${parity.toExponential(2)}`,
    );
    if (!(parity <= 1e-5))
      throw new Error(`${variant.name}: ONNX export differs from the trained model by ${parity}`);
    const { report, sha256 } = await goldenReport(dir, golden);
    log(`${variant.name}: golden accuracy ${report.accuracy.toFixed(4)}, spam F1 ${report.f1.toFixed(4)}`);
    const record: TrainingRecord = {
      variant,
      card,
      backend: `TF.js ${tf.version.tfjs} (${backend})`,
      vocabSize: trained.arch.vocabSize,
      trainRows: train.texts.length,
      trainFile: relative(root, values.train!),
      trainSha256: await sha256File(values.train!),
      goldenFile: relative(root, values.golden!),
      epochs: trained.epochs,
      train: trained.trainReport,
      golden: report,
      parity,
      seconds: trained.seconds,
      onnxBytes: onnxBytes.byteLength,
      sha256,
    };
    await writeFileAtomic(join(dir, 'MODEL_CARD.md'), renderModelCard(record));
    for (const v of trained.variables.values()) v.dispose();
    log(
      `${variant.name}: wrote ${dir} (${(onnxBytes.byteLength / 1024).toFixed(0)} KiB model, ${trained.seconds.toFixed(0)} s training)`,
    );
  }
}

main().catch((err: unknown) => {
  const detail =
    err instanceof MissingDependencyError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err);
  process.stderr.write(`train: ${detail}\n`);
  process.exit(1);
});
