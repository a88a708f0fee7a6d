import {
  type Data,
  Field,
  FixedSizeList,
  Float32,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { PredictionsMeta } from '../contracts/predictions.js';
import { type ArrowSource, openArrow } from '../dataset/arrow-reader.js';
import {
  columnInterner,
  type StringColumn,
  type StringListColumn,
  stringColumn,
  stringListColumn,
} from '../dataset/columns.js';
import { predictionFiles } from '../io/prediction-files.js';
import { taskView } from '../task/index.js';
import { BadInputError } from '../util/errors.js';

/** Schema-metadata key under which a predictions file carries its provenance (JSON). */
export const PREDICTIONS_META_KEY = 'modeval.predictions';

/** The Arrow schema of predictions: id, scores (K floats in card label order), predicted. */
export function predictionsSchema(meta: PredictionsMeta): Schema {
  const k = meta.model.labels.length;
  const predicted = taskView(meta.model.task).multiLabel
    ? new Field('predicted', new List(new Field('item', new Utf8(), false)), false)
    : new Field('predicted', new Utf8(), false);
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('scores', new FixedSizeList(k, new Field('score', new Float32(), false)), false),
      predicted,
    ],
    new Map([[PREDICTIONS_META_KEY, JSON.stringify(meta)]]),
  );
}

/** One batch of predictions with zero-copy access. */
export interface PredictionBatch {
  readonly length: number;
  readonly ids: StringColumn;
  /** Row-major scores, `length × K`, in card label order. */
  readonly scores: Float32Array;
  readonly predicted: StringColumn | StringListColumn;
}

export interface PredictionsSource {
  /** The file, or the comma-separated files of a sharded run. */
  readonly path: string;
  readonly meta: PredictionsMeta;
  /** The (first) file's Arrow source. */
  readonly arrow: ArrowSource;
  batches(): AsyncGenerator<PredictionBatch>;
}

/**
 * Open one model's predictions: a file written by `modeval run` or `modeval predictions import`,
 * or several comma-separated files of one run (shards), read one after the other as one source.
 */
export async function openPredictions(spec: string): Promise<PredictionsSource> {
  const files = predictionFiles(spec);
  if (files.length === 1) return openPredictionsFile(files[0]!);
  const parts: PredictionsSource[] = [];
  for (const f of files) parts.push(await openPredictionsFile(f));
  const first = parts[0]!;
  const raw = first.arrow.schema.metadata.get(PREDICTIONS_META_KEY);
  for (const part of parts.slice(1)) {
    if (part.arrow.schema.metadata.get(PREDICTIONS_META_KEY) !== raw) {
      throw new BadInputError(
        `not from the same model run as ${first.path} (the predictions metadata differ); several files for one model must be the shards of one \`modeval run --shard\``,
        { file: part.path },
      );
    }
  }
  return {
    path: spec,
    meta: first.meta,
    arrow: first.arrow,
    async *batches() {
      for (const part of parts) yield* part.batches();
    },
  };
}

async function openPredictionsFile(path: string): Promise<PredictionsSource> {
  const arrow = await openArrow(path);
  const raw = arrow.schema.metadata.get(PREDICTIONS_META_KEY);
  if (raw === undefined) {
    throw new BadInputError(
      `not a modeval predictions file (no "${PREDICTIONS_META_KEY}" schema metadata); normalise it with \`modeval predictions import\``,
      { file: path },
    );
  }
  let meta: PredictionsMeta;
  try {
    meta = PredictionsMeta.parse(JSON.parse(raw));
  } catch (err) {
    throw new BadInputError(`predictions metadata is invalid (${(err as Error).message.split('\n')[0]})`, {
      file: path,
    });
  }
  const k = meta.model.labels.length;
  const scoresField = arrow.schema.fields.find((f) => f.name === 'scores');
  if (!scoresField || !(scoresField.type instanceof FixedSizeList) || scoresField.type.listSize !== k) {
    throw new BadInputError(`column "scores" must be FixedSizeList<Float32>[${k}]`, {
      file: path,
      field: 'scores',
    });
  }
  return {
    path,
    meta,
    arrow,
    async *batches() {
      // Predicted labels repeat: decoded once per label, not per row.
      const labels = columnInterner();
      const multiLabel = taskView(meta.model.task).multiLabel;
      for await (const batch of arrow.batches()) yield predictionBatch(batch, k, multiLabel, labels);
    },
  };
}

function predictionBatch(
  batch: RecordBatch,
  k: number,
  multilabel: boolean,
  labels: ReturnType<typeof columnInterner>,
): PredictionBatch {
  const scoresData = batch.getChild('scores')!.data[0]!;
  const child = scoresData.children[0]!;
  const start = scoresData.offset * k;
  const scores = (child.values as Float32Array).subarray(start, start + batch.numRows * k);
  const predictedData = batch.getChild('predicted')!.data[0]!;
  return {
    length: batch.numRows,
    ids: stringColumn(batch.getChild('id')!.data[0]!),
    scores,
    predicted: multilabel ? stringListColumn(predictedData) : stringColumn(predictedData, labels),
  };
}

/** Build one predictions record batch; every batch of a file must share the same `schema` object. */
export function makePredictionBatch(
  schema: Schema,
  ids: readonly string[],
  scores: Float32Array,
  predicted: readonly (string | string[])[],
): RecordBatch {
  const idData = vectorFromArray(ids as string[], new Utf8()).data[0]! as Data<Utf8>;
  const predictedData = vectorFromArray(predicted as string[], schema.fields[2]!.type).data[0]! as Data;
  return predictionBatchOf(schema, idData, scores, predictedData);
}

/** A predictions record batch from built columns (the run's path: no string per row). */
export function predictionBatchOf(
  schema: Schema,
  ids: Data<Utf8>,
  scores: Float32Array,
  predicted: Data,
): RecordBatch {
  const n = ids.length;
  const scoresType = schema.fields[1]!.type as FixedSizeList<Float32>;
  const k = scoresType.listSize;
  if (scores.length !== n * k) throw new Error(`scores has ${scores.length} values, expected ${n}×${k}`);
  if (predicted.length !== n) throw new Error(`predicted has ${predicted.length} rows, expected ${n}`);
  const scoreData = makeData({
    type: scoresType,
    length: n,
    nullCount: 0,
    child: makeData({ type: new Float32(), length: n * k, nullCount: 0, data: scores }),
  });
  const struct = makeData({
    type: new Struct(schema.fields),
    length: n,
    nullCount: 0,
    children: [ids, scoreData, predicted],
  });
  return new RecordBatch(schema, struct);
}

/** A Utf8 column over packed UTF-8 (offsets from 0), taken as is: no copy, no string per row. */
export function utf8Data(offsets: Int32Array, bytes: Uint8Array): Data<Utf8> {
  return makeData({
    type: new Utf8(),
    length: offsets.length - 1,
    nullCount: 0,
    valueOffsets: offsets,
    data: bytes,
  });
}

/** A Utf8 column of labels chosen by index from a few pre-encoded ones (every index valid). */
export function labelData(indices: ArrayLike<number>, encoded: readonly Uint8Array[]): Data<Utf8> {
  const n = indices.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + encoded[indices[i]!]!.length;
  const bytes = new Uint8Array(offsets[n]!);
  for (let i = 0; i < n; i++) bytes.set(encoded[indices[i]!]!, offsets[i]!);
  return utf8Data(offsets, bytes);
}
