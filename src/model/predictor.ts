import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { env as ortEnv } from 'onnxruntime-node';
import { taskView } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import {
  type Activation,
  type DecisionRule,
  decisionRule,
  loadModelCard,
  MODEL_CARD_FILE,
  type ModelCard,
  modelFileName,
  outputActivation,
} from './card.js';
import { checkCardAgainstGraph, type FeedPlan, type GraphCheck } from './graph-check.js';
import { decodeImageBatch, type ImageColumn, type PixelArray, packImages } from './image.js';
import { onnxRunner, openOnnxSession } from './onnx-session.js';
import { decideRow, toScores } from './postprocess.js';
import {
  checkFeatures,
  checkStrings,
  type EncodedText,
  type FeatureColumn,
  loadTextTokenizer,
  packFeatures,
  padEncoded,
  type RowIssue,
  type TextTensors,
  type TextTokenizer,
  tokenizeBatch,
} from './preprocess.js';
import type { Device, Feed, ModelRunner } from './runner.js';

/**
 * One object per worker: load the card, graph and tokenizers once, then `predict` each batch.
 */

export interface PredictorOptions {
  /** Intra-op threads for this session; default: all cores (one worker). */
  threads?: number;
  device?: Device;
  /** Check the card's input columns against the dataset at load time. */
  datasetColumns?: readonly string[];
  datasetFile?: string;
  /** Per-label decision thresholds overriding the card's. */
  thresholds?: Record<string, number>;
}

/** A column's values for one batch: strings (text and string inputs), float features, or images. */
export type ColumnBatch = readonly (string | null | undefined)[] | FeatureColumn | ImageColumn;

export interface PredictBatch {
  /** Rows in the batch; needed only when every input is a feature column. */
  rows?: number;
  /** Shorthand for the column of the model's text or string input. */
  texts?: readonly (string | null | undefined)[];
  /** Values by dataset column name, for every column the card's inputs read. */
  columns?: Readonly<Record<string, ColumnBatch>>;
}

interface PredictionsBase {
  rows: number;
  /** Score columns = card labels, in card order. */
  k: number;
  /** Row-major [rows, k] scores in [0, 1]; NaN for invalid rows. */
  scores: Float32Array;
  /** Rows not scored (bad input or non-finite model output), ascending, one entry per row. */
  invalidRows: RowIssue[];
  /** Rows whose text was cut to maxLength. */
  truncatedRows: number;
  /** Rows of invalidRows whose input is bad data (an image that cannot be decoded), ascending. */
  badInputRows: number[];
  /** Rows of invalidRows whose model output is unusable (NaN, ±Infinity, a probability outside [0, 1]), ascending. */
  badOutputRows: number[];
}

/** Predicted labels: null exactly for invalid rows. */
export type Predictions =
  | (PredictionsBase & { multilabel: false; predicted: (string | null)[] })
  | (PredictionsBase & { multilabel: true; predicted: (string[] | null)[] });

export interface Predictor {
  readonly card: ModelCard;
  readonly modelDir: string;
  readonly modelFile: string;
  readonly modelSha256: string;
  readonly provider: 'cpu' | 'cuda';
  /** Why `device: 'auto'` ended up on cpu, if it did. */
  readonly providerFallback: string | undefined;
  /** The runtime and its backend (`onnxruntime-node`, or `tfjs` + `tfjs-backend`), with versions. */
  readonly runtime: Readonly<Record<string, string>>;
  predict(batch: PredictBatch): Promise<Predictions>;
  release(): Promise<void>;
}

function isFeatureColumn(v: ColumnBatch): v is FeatureColumn {
  return !Array.isArray(v) && !('kind' in v);
}

function isImageColumn(v: ColumnBatch): v is ImageColumn {
  return !Array.isArray(v) && 'kind' in v;
}

/** Open the card's graph on its backend; TF.js is loaded only for tfjs cards. */
async function openRunner(
  modelDir: string,
  card: ModelCard,
  options: PredictorOptions,
): Promise<ModelRunner> {
  const device = options.device ?? 'cpu';
  if (card.backend === 'tfjs') {
    const { openTfjsModel } = await import('./tfjs-session.js');
    return openTfjsModel(modelDir, card, { device, cardFile: join(modelDir, MODEL_CARD_FILE) });
  }
  const opened = await openOnnxSession(join(modelDir, modelFileName(card)), {
    threads: options.threads ?? availableParallelism(),
    device,
    preference: card.executionProviders,
  });
  return onnxRunner(opened, ortEnv.versions.node ?? 'unknown');
}

/** What `predict` needs from the loaded model: the card, its graph, tokenizers and decision. */
interface Loaded {
  card: ModelCard;
  session: ModelRunner;
  file: string;
  /** Images decoded at once per batch: libvips threads within each, the pool's workers across. */
  decodeConcurrency: number;
  feeds: GraphCheck['feeds'];
  tokenizers: Map<number, TextTokenizer>;
  rule: DecisionRule;
  activation: Activation;
  k: number;
  positiveIndex: number | undefined;
}

export async function createPredictor(modelDir: string, options: PredictorOptions = {}): Promise<Predictor> {
  const card = await loadModelCard(modelDir);
  const tokenizers = await loadTokenizers(modelDir, card);
  const session = await openRunner(modelDir, card, options);
  const check = await checkOrRelease(card, session, join(modelDir, MODEL_CARD_FILE), options);
  const loaded: Loaded = {
    card,
    session,
    file: session.file,
    decodeConcurrency: Math.max(1, options.threads ?? 1),
    feeds: check.feeds,
    tokenizers,
    rule: decisionRule(card, options.thresholds),
    activation: outputActivation(card),
    k: card.labels.length,
    positiveIndex: card.positive === undefined ? undefined : card.labels.indexOf(card.positive),
  };
  return {
    card,
    modelDir,
    modelFile: session.file,
    modelSha256: session.sha256,
    provider: session.provider,
    providerFallback: session.fallback,
    runtime: session.runtime,
    predict: (batch) => predictBatch(loaded, batch),
    release: () => session.release(),
  };
}

async function loadTokenizers(modelDir: string, card: ModelCard): Promise<Map<number, TextTokenizer>> {
  const tokenizers = new Map<number, TextTokenizer>();
  for (const [i, input] of card.inputs.entries()) {
    if (input.kind === 'text') tokenizers.set(i, await loadTextTokenizer(modelDir, input));
  }
  return tokenizers;
}

/** Checks the card against the graph and the threshold overrides; releases the session on a mismatch. */
async function checkOrRelease(
  card: ModelCard,
  session: ModelRunner,
  cardFile: string,
  options: PredictorOptions,
): Promise<GraphCheck> {
  let check: GraphCheck;
  try {
    check = checkCardAgainstGraph(card, session.graph, {
      cardFile,
      ...(options.datasetColumns ? { datasetColumns: options.datasetColumns } : {}),
      ...(options.datasetFile ? { datasetFile: options.datasetFile } : {}),
    });
  } catch (err) {
    await session.release();
    throw err;
  }
  for (const label of Object.keys(options.thresholds ?? {})) {
    if (!card.labels.includes(label)) {
      await session.release();
      throw new BadInputError(
        `threshold for unknown label ${JSON.stringify(label)}; labels are ${JSON.stringify(card.labels)}`,
      );
    }
  }
  return check;
}

function columnOf(card: ModelCard, batch: PredictBatch, i: number): ColumnBatch {
  const input = card.inputs[i]!;
  const value = batch.columns?.[input.column];
  if (value !== undefined) return value;
  const textual = input.kind === 'text' || input.kind === 'string';
  if (batch.texts !== undefined && textual && (card.inputs.length === 1 || i === 0)) {
    return batch.texts;
  }
  throw new Error(`predict: the batch has no values for column ${JSON.stringify(input.column)}`);
}

async function predictBatch(m: Loaded, batch: PredictBatch): Promise<Predictions> {
  const { card, k } = m;
  const values = card.inputs.map((_, i) => columnOf(card, batch, i));
  const rows =
    batch.rows ??
    values.find((v): v is readonly (string | null)[] => Array.isArray(v))?.length ??
    values.find(isImageColumn)?.values.length ??
    Number.NaN;
  if (!Number.isInteger(rows))
    throw new Error('predict: a batch of feature columns must say how many rows it has');

  const { issues, encodedByInput, truncated } = encodeInputs(m, values, rows);
  const { pixelsByInput, badInput } = await decodeImages(m, values, rows, issues);
  const select: number[] = [];
  for (let r = 0; r < rows; r++) if (!issues.has(r)) select.push(r);
  const scores = new Float32Array(rows * k).fill(Number.NaN);
  const badOutputRows =
    select.length > 0
      ? await scoreRows(m, { select, values, encodedByInput, pixelsByInput, issues, scores })
      : [];

  // Decide.
  const invalidRows = [...issues].sort((a, b) => a[0] - b[0]).map(([row, reason]) => ({ row, reason }));
  const badInputRows = [...badInput].sort((a, b) => a - b);
  const base = { rows, k, scores, invalidRows, truncatedRows: truncated.size, badInputRows, badOutputRows };
  if (taskView(card.task).multiLabel) {
    const predicted = Array.from({ length: rows }, (_, r) =>
      issues.has(r) ? null : (decideRow(scores, r, k, m.rule, card.labels) as string[]),
    );
    return { ...base, multilabel: true, predicted };
  }
  const predicted = Array.from({ length: rows }, (_, r) =>
    issues.has(r) ? null : (decideRow(scores, r, k, m.rule, card.labels) as string),
  );
  return { ...base, multilabel: false, predicted };
}

/** Decodes every image input (in the worker); a row whose image cannot be used is bad input. */
async function decodeImages(
  m: Loaded,
  values: ColumnBatch[],
  rows: number,
  issues: Map<number, string>,
): Promise<{ pixelsByInput: Map<number, (PixelArray | null)[]>; badInput: Set<number> }> {
  const pixelsByInput = new Map<number, (PixelArray | null)[]>();
  const badInput = new Set<number>();
  for (const [i, input] of m.card.inputs.entries()) {
    if (input.kind !== 'image') continue;
    const v = values[i]!;
    if (!isImageColumn(v) || v.values.length !== rows)
      throw new Error(`predict: column ${JSON.stringify(input.column)} must be ${rows} images`);
    const decoded = await decodeImageBatch(v, input, m.decodeConcurrency);
    for (const { row, reason } of decoded.issues) {
      if (!issues.has(row)) issues.set(row, `${input.column}: ${reason}`);
      badInput.add(row);
    }
    pixelsByInput.set(i, decoded.pixels);
  }
  return { pixelsByInput, badInput };
}

/** Validates and encodes every input, collecting the rows that cannot be scored. */
function encodeInputs(
  m: Loaded,
  values: ColumnBatch[],
  rows: number,
): {
  issues: Map<number, string>;
  encodedByInput: Map<number, (EncodedText | null)[]>;
  truncated: Set<number>;
} {
  const issues = new Map<number, string>();
  const note = (list: RowIssue[], column: string) => {
    for (const { row, reason } of list) if (!issues.has(row)) issues.set(row, `${column}: ${reason}`);
  };
  const encodedByInput = new Map<number, (EncodedText | null)[]>();
  // A row cut in several text inputs is one truncated row.
  const truncated = new Set<number>();
  m.card.inputs.forEach((input, i) => {
    const v = values[i]!;
    if (input.kind === 'image') return;
    if (input.kind === 'features') {
      if (!isFeatureColumn(v))
        throw new Error(`predict: column ${JSON.stringify(input.column)} must be features`);
      note(checkFeatures(v, rows, input.dim), input.column);
      return;
    }
    if (!Array.isArray(v)) throw new Error(`predict: column ${JSON.stringify(input.column)} must be strings`);
    const strings = v as readonly (string | null | undefined)[];
    if (strings.length !== rows)
      throw new Error(
        `predict: column ${JSON.stringify(input.column)} has ${strings.length} rows, not ${rows}`,
      );
    if (input.kind === 'string') {
      note(checkStrings(strings), input.column);
      return;
    }
    const { encoded, issues: textIssues } = tokenizeBatch(m.tokenizers.get(i)!, strings, input);
    note(textIssues, input.column);
    encoded.forEach((e, r) => {
      if (e?.truncated) truncated.add(r);
    });
    encodedByInput.set(i, encoded);
  });
  return { issues, encodedByInput, truncated };
}

/**
 * Runs the graph on the valid rows only, writing their scores and any non-finite output as issues;
 * returns the rows whose output was unusable, ascending.
 */
async function scoreRows(
  m: Loaded,
  batch: {
    select: number[];
    values: ColumnBatch[];
    encodedByInput: Map<number, (EncodedText | null)[]>;
    pixelsByInput: Map<number, (PixelArray | null)[]>;
    issues: Map<number, string>;
    scores: Float32Array;
  },
): Promise<number[]> {
  const { card, k } = m;
  const { select, values, issues, scores } = batch;
  const textTensors = new Map<number, TextTensors>();
  for (const [i, encoded] of batch.encodedByInput) {
    const input = card.inputs[i]!;
    if (input.kind !== 'text') continue;
    textTensors.set(
      i,
      padEncoded(
        select.map((r) => encoded[r]!),
        { padding: input.padding, maxLength: input.maxLength, padId: m.tokenizers.get(i)!.padId },
      ),
    );
  }
  const feeds: Record<string, Feed> = {};
  for (const plan of m.feeds) {
    feeds[plan.tensor] = feedTensor(card, plan, { select, values, textTensors, pixels: batch.pixelsByInput });
  }
  const tensor = await m.session.run(feeds, card.output.tensor);
  // Symbolic output shapes are only checked at load as far as they are known: check the real one.
  const dims = tensor.dims;
  const width = dims.length === 1 ? 1 : dims[dims.length - 1]!;
  const widthOk = width === k || (width === 1 && taskView(card.task).oneScoreSuffices);
  if (dims[0] !== select.length || !widthOk || tensor.type !== 'float32') {
    throw new BadInputError(
      `output ${JSON.stringify(card.output.tensor)} came back as ${tensor.type}[${dims.join(', ')}], ` +
        `expected float32[${select.length}, ${k}] for labels ${JSON.stringify(card.labels)}`,
      { file: m.file },
    );
  }
  const raw = tensor.data as Float32Array;
  const valid = toScores(raw, select.length, {
    activation: m.activation,
    width,
    labels: k,
    positiveIndex: m.positiveIndex,
  });
  for (const issue of valid.issues) issues.set(select[issue.row]!, issue.reason);
  select.forEach((r, i) => {
    scores.set(valid.scores.subarray(i * k, (i + 1) * k), r * k);
  });
  return valid.issues.map((issue) => select[issue.row]!);
}

function feedTensor(
  card: ModelCard,
  plan: FeedPlan,
  batch: {
    select: number[];
    values: ColumnBatch[];
    textTensors: Map<number, TextTensors>;
    pixels: Map<number, (PixelArray | null)[]>;
  },
): Feed {
  const { select, values, textTensors } = batch;
  if (plan.kind === 'text') {
    const t = textTensors.get(plan.input)!;
    const data =
      plan.role === 'input_ids'
        ? t.inputIds
        : plan.role === 'attention_mask'
          ? t.attentionMask
          : t.tokenTypeIds;
    return { type: 'int64', data, dims: [t.rows, t.seqLen] };
  }
  const v = values[plan.input]!;
  if (plan.kind === 'string') {
    const strings = select.map((r) => (v as readonly string[])[r]!);
    return { type: 'string', data: strings, dims: plan.rank >= 2 ? [strings.length, 1] : [strings.length] };
  }
  const input = card.inputs[plan.input]!;
  if (input.kind === 'image') {
    const { data, dims } = packImages(batch.pixels.get(plan.input)!, input, select);
    return data instanceof Uint8Array ? { type: 'uint8', data, dims } : { type: 'float32', data, dims };
  }
  const dim = input.kind === 'features' ? input.dim : 0;
  return { type: 'float32', data: packFeatures(v as FeatureColumn, dim, select), dims: [select.length, dim] };
}
