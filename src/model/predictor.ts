import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { BadInputError } from '../util/errors.js';
import {
  type Activation,
  type DecisionRule,
  decisionRule,
  loadModelCard,
  MODEL_CARD_FILE,
  type ModelCard,
  outputActivation,
} from './card.js';
import {
  checkCardAgainstGraph,
  type Device,
  type FeedPlan,
  type GraphCheck,
  type OpenedSession,
  openOnnxSession,
} from './onnx-session.js';
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

/** A column's values for one batch: strings (text and string inputs) or float features. */
export type ColumnBatch = readonly (string | null | undefined)[] | FeatureColumn;

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
  predict(batch: PredictBatch): Promise<Predictions>;
  release(): Promise<void>;
}

function isFeatureColumn(v: ColumnBatch): v is FeatureColumn {
  return !Array.isArray(v);
}

/** What `predict` needs from the loaded model: the card, its graph, tokenizers and decision. */
interface Loaded {
  card: ModelCard;
  session: OpenedSession['session'];
  file: string;
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
  const opened = await openOnnxSession(join(modelDir, card.file), {
    threads: options.threads ?? availableParallelism(),
    device: options.device ?? 'cpu',
    preference: card.executionProviders,
  });
  const { session } = opened;
  const check = await checkOrRelease(card, session, join(modelDir, MODEL_CARD_FILE), options);
  const loaded: Loaded = {
    card,
    session,
    file: opened.file,
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
    modelFile: opened.file,
    modelSha256: opened.sha256,
    provider: opened.provider,
    providerFallback: opened.fallback,
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
  session: OpenedSession['session'],
  cardFile: string,
  options: PredictorOptions,
): Promise<GraphCheck> {
  let check: GraphCheck;
  try {
    check = checkCardAgainstGraph(card, session, {
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
  if (batch.texts !== undefined && input.kind !== 'features' && (card.inputs.length === 1 || i === 0)) {
    return batch.texts;
  }
  throw new Error(`predict: the batch has no values for column ${JSON.stringify(input.column)}`);
}

async function predictBatch(m: Loaded, batch: PredictBatch): Promise<Predictions> {
  const { card, k } = m;
  const values = card.inputs.map((_, i) => columnOf(card, batch, i));
  const rows =
    batch.rows ??
    values.find((v): v is readonly (string | null)[] => !isFeatureColumn(v))?.length ??
    Number.NaN;
  if (!Number.isInteger(rows))
    throw new Error('predict: a batch of feature columns must say how many rows it has');

  const { issues, encodedByInput, truncated } = encodeInputs(m, values, rows);
  const select: number[] = [];
  for (let r = 0; r < rows; r++) if (!issues.has(r)) select.push(r);
  const scores = new Float32Array(rows * k).fill(Number.NaN);
  if (select.length > 0) await scoreRows(m, { select, values, encodedByInput, issues, scores });

  // Decide.
  const invalidRows = [...issues].sort((a, b) => a[0] - b[0]).map(([row, reason]) => ({ row, reason }));
  const base = { rows, k, scores, invalidRows, truncatedRows: truncated.size };
  if (card.task === 'multilabel') {
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
    if (input.kind === 'features') {
      if (!isFeatureColumn(v))
        throw new Error(`predict: column ${JSON.stringify(input.column)} must be features`);
      note(checkFeatures(v, rows, input.dim), input.column);
      return;
    }
    if (isFeatureColumn(v))
      throw new Error(`predict: column ${JSON.stringify(input.column)} must be strings`);
    if (v.length !== rows)
      throw new Error(`predict: column ${JSON.stringify(input.column)} has ${v.length} rows, not ${rows}`);
    if (input.kind === 'string') {
      note(checkStrings(v), input.column);
      return;
    }
    const { encoded, issues: textIssues } = tokenizeBatch(m.tokenizers.get(i)!, v, input);
    note(textIssues, input.column);
    encoded.forEach((e, r) => {
      if (e?.truncated) truncated.add(r);
    });
    encodedByInput.set(i, encoded);
  });
  return { issues, encodedByInput, truncated };
}

/** Runs the graph on the valid rows only, writing their scores and any non-finite output as issues. */
async function scoreRows(
  m: Loaded,
  batch: {
    select: number[];
    values: ColumnBatch[];
    encodedByInput: Map<number, (EncodedText | null)[]>;
    issues: Map<number, string>;
    scores: Float32Array;
  },
): Promise<void> {
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
  const feeds: Record<string, Tensor> = {};
  for (const plan of m.feeds) feeds[plan.tensor] = feedTensor(card, plan, select, values, textTensors);
  const out = await m.session.run(feeds);
  const tensor = out[card.output.tensor]!;
  // Symbolic output shapes are only checked at load as far as they are known: check the real one.
  const dims = tensor.dims;
  const width = dims.length === 1 ? 1 : dims[dims.length - 1]!;
  const widthOk = width === k || (width === 1 && card.task === 'binary');
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
}

function feedTensor(
  card: ModelCard,
  plan: FeedPlan,
  select: number[],
  values: ColumnBatch[],
  textTensors: Map<number, TextTensors>,
): Tensor {
  if (plan.kind === 'text') {
    const t = textTensors.get(plan.input)!;
    const data =
      plan.role === 'input_ids'
        ? t.inputIds
        : plan.role === 'attention_mask'
          ? t.attentionMask
          : t.tokenTypeIds;
    return new Tensor('int64', data, [t.rows, t.seqLen]);
  }
  const v = values[plan.input]!;
  if (plan.kind === 'string') {
    const strings = select.map((r) => (v as readonly string[])[r]!);
    return new Tensor('string', strings, plan.rank >= 2 ? [strings.length, 1] : [strings.length]);
  }
  const input = card.inputs[plan.input]!;
  const dim = input.kind === 'features' ? input.dim : 0;
  return new Tensor('float32', packFeatures(v as FeatureColumn, dim, select), [select.length, dim]);
}
