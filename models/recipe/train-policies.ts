/**
 * Reference multi-policy recipe: trains policies-v1 and policies-v2 on the fortunes *train* split
 * (datasets/fortunes, es + it), one sigmoid output per taxonomy policy, exports them to ONNX,
 * checks ONNX Runtime against TF.js, and writes complete model folders. The golden split is read
 * only after training, to check the export and measure the models.
 *
 *   npm run build && node dist/models/recipe/train-policies.js [--only policies-v1] [--out DIR]
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type * as tfjs from '@tensorflow/tfjs';
import type { MultilabelReport } from '../../src/contracts/metric-results.js';
import { multilabelReport } from '../../src/metrics/classification.js';
import { MultilabelConfusion } from '../../src/metrics/confusion.js';
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
import { packageRoot } from '../../src/util/paths.js';
import { type Architecture, forward, initParams, loadTf, type NamedArray, type Tf } from './architectures.js';
import { markdownTable } from './model-card-md.js';
import { exportOnnx } from './onnx-export.js';
import {
  POLICIES,
  POLICY_VARIANTS,
  type PolicySplit,
  type PolicyVariant,
  readPolicySplit,
} from './policies.js';
import { mulberry32, shuffle } from './prng.js';
import { padForTf, tfLogits } from './tf-inference.js';
import {
  countWords,
  MULTILINGUAL_WORD_STYLE,
  WORD_PIECE_STYLE,
  wordLevelTokenizer,
  wordPieceTokenizer,
  wordPieceVocabulary,
} from './vocabulary.js';

type Json = Record<string, unknown>;
const K = POLICIES.length;

function buildTokenizer(variant: PolicyVariant, texts: readonly string[]): Json {
  const t = variant.tokenizer;
  if (t.kind === 'word-level')
    return wordLevelTokenizer(
      countWords(texts, MULTILINGUAL_WORD_STYLE),
      t.size,
      t.minCount,
      MULTILINGUAL_WORD_STYLE,
    );
  return wordPieceTokenizer(wordPieceVocabulary(countWords(texts, WORD_PIECE_STYLE), t));
}

function encodeAll(tok: TextTokenizer, texts: readonly string[], maxLength: number): EncodedText[] {
  return texts.map((text) => {
    const e = encodeText(tok, text, { maxLength, truncation: 'right', addSpecialTokens: true });
    if (typeof e === 'string') throw new Error(`cannot encode a training text: ${e}`);
    return e;
  });
}

/** Multilabel counts of logits > 0 (sigmoid ≥ 0.5) against the flags. */
function confusionOf(flags: Uint8Array, logits: Float32Array, rows: number): MultilabelConfusion {
  const m = new MultilabelConfusion(POLICIES);
  const predicted = new Uint8Array(K);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < K; j++) predicted[j] = logits[r * K + j]! >= 0 ? 1 : 0;
    m.add(flags.subarray(r * K, (r + 1) * K), predicted);
  }
  return m;
}

async function trainVariant(tf: Tf, variant: PolicyVariant, train: PolicySplit, log: (s: string) => void) {
  const started = Date.now();
  const tokenizerJson = buildTokenizer(variant, train.texts);
  const tok = createTextTokenizer(tokenizerJson, {}, 'tokenizer.json');
  const vocabSize = tok.tokenizer.get_vocab().size;
  const arch = { ...variant.arch, vocabSize } as Architecture;
  const encoded = encodeAll(tok, train.texts, variant.maxLength);
  log(`${variant.name}: vocabulary ${vocabSize}, ${encoded.length} texts`);

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
  const epochs: { epoch: number; loss: number }[] = [];
  for (let epoch = 1; epoch <= variant.epochs; epoch++) {
    shuffle(order, rng);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += variant.batchSize) {
      const rows = order.slice(start, start + variant.batchSize);
      const b = padForTf(
        rows.map((r) => encoded[r]!),
        tok.padId,
      );
      const targets = new Float32Array(rows.length * K);
      rows.forEach((r, i) => {
        for (let j = 0; j < K; j++) targets[i * K + j] = train.flags[r * K + j]!;
      });
      const loss = tf.tidy(() => {
        const ids = tf.tensor2d(b.ids, [b.rows, b.seq], 'int32');
        const mask = tf.tensor2d(b.mask, [b.rows, b.seq], 'float32');
        const y = tf.tensor2d(targets, [rows.length, K]);
        // Positive labels weigh `positiveWeight`, negatives 1.
        const weights = tf.add(tf.mul(y, variant.positiveWeight - 1), 1);
        const cost = optimizer.minimize(
          () =>
            tf.losses.sigmoidCrossEntropy(y, forward(tf, arch, variables, ids, mask), weights) as tfjs.Scalar,
          true,
          [...variables.values()],
        );
        return cost ?? tf.scalar(Number.NaN);
      });
      lossSum += loss.dataSync()[0]! * rows.length;
      loss.dispose();
    }
    epochs.push({ epoch, loss: lossSum / order.length });
    log(`${variant.name}: epoch ${epoch} loss ${(lossSum / order.length).toFixed(4)}`);
  }
  optimizer.dispose();

  const trainLogits = new Float32Array(encoded.length * K);
  for (let start = 0; start < encoded.length; start += 256) {
    trainLogits.set(tfLogits(tf, arch, variables, encoded.slice(start, start + 256), tok.padId), start * K);
  }
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
    trainReport: multilabelReport(confusionOf(train.flags, trainLogits, encoded.length)),
    seconds: (Date.now() - started) / 1000,
  };
}

function cardFor(variant: PolicyVariant): ModelCardInput {
  return {
    name: variant.name,
    version: variant.version,
    description: variant.description,
    task: 'multilabel',
    labels: [...POLICIES],
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
    output: { tensor: 'logits', type: 'logits', activation: 'sigmoid' },
    thresholds: Object.fromEntries(POLICIES.map((p) => [p, 0.5])),
    backend: 'onnx',
    file: 'model.onnx',
    executionProviders: ['cpu'],
  };
}

/** Largest |ORT logit − TF.js logit| over the texts. */
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
    const int64 = (a: ArrayLike<number>) =>
      new Tensor(
        'int64',
        BigInt64Array.from(a, (v) => BigInt(v)),
        [b.rows, b.seq],
      );
    const out = await session.run({ input_ids: int64(b.ids), attention_mask: int64(b.mask) });
    const ort = out.logits!.data as Float32Array;
    const ref = tfLogits(tf, arch, variables, encoded, tok.padId);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - ort[i]!));
    return worst;
  } finally {
    await session.release();
  }
}

/** The golden split scored through modeval's own predictor (card, tokenizer, ONNX Runtime). */
async function goldenReport(modelDir: string, golden: PolicySplit) {
  const predictor = await createPredictor(modelDir, { threads: 2, device: 'cpu' });
  try {
    const m = new MultilabelConfusion(POLICIES);
    const byLang = new Map<string, MultilabelConfusion>();
    for (let start = 0; start < golden.texts.length; start += 256) {
      const result = await predictor.predict({ texts: golden.texts.slice(start, start + 256) });
      if (result.invalidRows.length > 0)
        throw new Error(`${result.invalidRows.length} golden rows could not be scored`);
      if (!result.multilabel) throw new Error('the card must make a multilabel predictor');
      result.predicted.forEach((p, i) => {
        const r = start + i;
        const flags = Uint8Array.from(POLICIES, (policy) => (p?.includes(policy) ? 1 : 0));
        const truth = golden.flags.subarray(r * K, (r + 1) * K);
        m.add(truth, flags);
        const lang = golden.langs[r]!;
        if (!byLang.has(lang)) byLang.set(lang, new MultilabelConfusion(POLICIES));
        byLang.get(lang)!.add(truth, flags);
      });
    }
    return {
      report: multilabelReport(m),
      byLang: new Map([...byLang].map(([l, c]) => [l, multilabelReport(c)])),
      sha256: predictor.modelSha256,
    };
  } finally {
    await predictor.release();
  }
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);

function renderCard(r: {
  variant: PolicyVariant;
  backend: string;
  vocabSize: number;
  trainRows: number;
  trainFile: string;
  trainSha256: string;
  goldenFile: string;
  epochs: { epoch: number; loss: number }[];
  train: MultilabelReport;
  golden: MultilabelReport;
  byLang: Map<string, MultilabelReport>;
  parity: number;
  seconds: number;
  onnxBytes: number;
  sha256: string;
}): string {
  const v = r.variant;
  const tokenizer =
    v.tokenizer.kind === 'word-level'
      ? `WordLevel, ${r.vocabSize} words (min count ${v.tokenizer.minCount}), NFKC + lowercase with accents kept, BERT pre-tokenizer`
      : `WordPiece by counting, ${r.vocabSize} pieces, BERT normalizer (lowercase, accents stripped), \`[CLS] … [SEP]\``;
  const arch =
    v.arch.kind === 'mean-pool'
      ? `embedding (${v.arch.dim}) → masked mean pooling → dense → ${K} logits`
      : `embedding (${v.arch.dim}) → ReLU → masked max pooling → dense ${v.arch.kind === 'max-pool-mlp' ? v.arch.hidden : ''} + ReLU → dense → ${K} logits`;
  const perPolicy = markdownTable(
    ['policy', 'golden support', 'precision', 'recall', 'F1', 'train F1'],
    [false, true, true, true, true, true],
    r.golden.perClass.map((c, j) => [
      `\`${c.label}\``,
      String(c.support),
      pct(c.precision),
      pct(c.recall),
      pct(c.f1),
      pct(r.train.perClass[j]!.f1),
    ]),
  );
  const langs = [...r.byLang.keys()].sort();
  const byLang = markdownTable(
    ['policy', ...langs.map((l) => `recall (${l})`), ...langs.map((l) => `precision (${l})`)],
    [false, ...langs.map(() => true), ...langs.map(() => true)],
    POLICIES.map((p, j) => [
      `\`${p}\``,
      ...langs.map((l) => pct(r.byLang.get(l)!.perClass[j]!.recall)),
      ...langs.map((l) => pct(r.byLang.get(l)!.perClass[j]!.precision)),
    ]),
  );
  return `# ${v.name} ${v.version}

${v.description}

Built by \`models/recipe/train-policies.ts\` (see [../README.md](../README.md)); do not edit by hand.

**Intended use:** a reference model for modeval's multi-policy demo, tests and benchmarks. It has
seen only ${r.trainRows.toLocaleString('en-US')} short Spanish and Italian fortunes; it is not a
production moderation model.

## Model

| | |
| --- | --- |
| task | multilabel, one sigmoid per policy (threshold 0.5 each) |
| policies | ${POLICIES.map((p) => `\`${p}\``).join(', ')} |
| tokenizer | ${tokenizer} |
| max length | ${v.maxLength} tokens (right truncation) |
| architecture | ${arch} |
| loss | sigmoid cross-entropy, positive labels weighted ${v.positiveWeight}× |
| ONNX | IR 8, opset 13, ${(r.onnxBytes / 1024).toFixed(0)} KiB, sha256 \`${r.sha256}\` |
| export check | max \\|ONNX − TF.js\\| logit difference on 64 golden texts: ${r.parity.toExponential(2)} |

## Training

Data: \`${r.trainFile}\` (sha256 \`${r.trainSha256}\`), ${r.trainRows} rows. ${r.backend}; Adam,
learning rate ${v.learningRate}, batch ${v.batchSize}, ${v.epochs} epochs, seed ${v.seed};
${r.seconds.toFixed(0)} s wall clock. Loss per epoch: ${r.epochs.map((e) => e.loss.toFixed(4)).join(', ')}.

## Golden split (\`${r.goldenFile}\`, ${r.golden.n} rows)

Subset accuracy ${pct(r.golden.subsetAccuracy)}, Hamming loss ${r.golden.hammingLoss?.toFixed(4) ?? '–'},
micro F1 ${pct(r.golden.micro.f1)}, macro F1 ${pct(r.golden.macro.f1)}. These are the model's own
outputs at threshold 0.5; \`modeval eval\` with the dataset spec also closes predictions upward
through the taxonomy (a flagged child flags its parents), which can raise a parent's recall.

${perPolicy}

Per language (sexism occurs only in the Spanish curation, sexual content only in the Italian):

${byLang}
`;
}

async function main() {
  const root = packageRoot();
  const { values } = parseArgs({
    options: {
      train: { type: 'string', default: join(root, 'datasets/fortunes/build/train.arrow') },
      golden: { type: 'string', default: join(root, 'datasets/fortunes/build/golden.arrow') },
      out: { type: 'string', default: join(root, 'models') },
      only: { type: 'string' },
      epochs: { type: 'string' },
    },
  });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const { tf, backend } = await loadTf();
  log(`TF.js ${tf.version.tfjs}, backend ${backend}`);
  const train = await readPolicySplit(values.train!);
  log(`train split: ${train.texts.length} rows from ${values.train}`);
  const variants = POLICY_VARIANTS.filter((v) => values.only === undefined || v.name === values.only).map(
    (v) => (values.epochs === undefined ? v : { ...v, epochs: Number(values.epochs) }),
  );
  if (variants.length === 0) throw new Error(`--only ${values.only}: no such variant`);

  for (const variant of variants) {
    const trained = await trainVariant(tf, variant, train, log);
    const dir = join(values.out!, variant.name);
    const card = cardFor(variant);
    parseModelCard(card, join(dir, 'model.json'));
    const onnxBytes = exportOnnx(trained.arch, trained.params, {
      name: variant.name,
      version: variant.version,
      docString: `${variant.name} ${variant.version}: modeval reference multi-policy model (models/recipe)`,
    });
    await writeFileAtomic(join(dir, 'model.onnx'), onnxBytes);
    await writeFileAtomic(join(dir, 'tokenizer.json'), `${JSON.stringify(trained.tokenizerJson)}\n`);
    await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(card, null, 2)}\n`);

    const golden = await readPolicySplit(values.golden!);
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
    const { report, byLang, sha256 } = await goldenReport(dir, golden);
    for (const c of report.perClass) {
      log(`${variant.name}: golden ${c.label} P ${pct(c.precision)} R ${pct(c.recall)} (n=${c.support})`);
    }
    await writeFileAtomic(
      join(dir, 'MODEL_CARD.md'),
      renderCard({
        variant,
        backend: `TF.js ${tf.version.tfjs} (${backend})`,
        vocabSize: trained.arch.vocabSize,
        trainRows: train.texts.length,
        trainFile: relative(root, values.train!),
        trainSha256: await sha256File(values.train!),
        goldenFile: relative(root, values.golden!),
        epochs: trained.epochs,
        train: trained.trainReport,
        golden: report,
        byLang,
        parity,
        seconds: trained.seconds,
        onnxBytes: onnxBytes.byteLength,
        sha256,
      }),
    );
    for (const v of trained.variables.values()) v.dispose();
    log(
      `${variant.name}: wrote ${dir} (${(onnxBytes.byteLength / 1024).toFixed(0)} KiB, ${trained.seconds.toFixed(0)} s training)`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `train-policies: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
