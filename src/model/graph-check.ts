import { taskView } from '../task/index.js';
import { BadInputError } from '../util/errors.js';
import type { ImageInput, ModelCard } from './card.js';
import type { GraphSignature } from './runner.js';

/*
 * The card-vs-graph check, backend-neutral: it reads only the graph's signature, so the ONNX
 * session, the TF.js session and any other backend share it without loading one another.
 */

function describe(meta: GraphSignature['inputMetadata'][number]): string {
  if (!meta.isTensor) return `${meta.name} (non-tensor)`;
  return `${meta.name}: ${meta.type}[${meta.shape.map((d) => (typeof d === 'number' ? d : d || '?')).join(', ')}]`;
}

/** An image input's [batch, h, w, c] (nhwc) or [batch, c, h, w] (nchw) against the graph's known dims. */
function checkImageShape(
  input: ImageInput,
  shape: readonly (number | string)[],
  feed: FeedPlan,
  where: { file: string },
): void {
  const [h, w] = input.size;
  const want = input.layout === 'nhwc' ? [h, w, input.channels] : [input.channels, h, w];
  const got = shape.slice(1);
  const fits = shape.length === 4 && want.every((d, i) => typeof got[i] !== 'number' || got[i] === d);
  if (!fits) {
    throw new BadInputError(
      `graph input ${JSON.stringify(feed.tensor)} has shape [${shape.join(', ')}], the card feeds ` +
        `[batch, ${want.join(', ')}] (size [${h}, ${w}], ${input.channels} channel(s), ${input.layout})`,
      { ...where, field: `inputs[${feed.input}].size` },
    );
  }
}

/** `inputs [input_ids: int64[batch, seq], ...]; outputs [logits: float32[batch, 2]]` */
export function describeGraph(graph: GraphSignature): string {
  return (
    `the graph has inputs [${graph.inputMetadata.map(describe).join('; ')}] ` +
    `and outputs [${graph.outputMetadata.map(describe).join('; ')}]`
  );
}

/** One graph input the predictor feeds, and from where. */
export type FeedPlan =
  | { kind: 'text'; input: number; role: 'input_ids' | 'attention_mask' | 'token_type_ids'; tensor: string }
  | { kind: 'string'; input: number; tensor: string; rank: number }
  | { kind: 'features'; input: number; tensor: string }
  | { kind: 'image'; input: number; tensor: string };

export interface GraphCheck {
  feeds: FeedPlan[];
  /** Score columns the output tensor has (labels.length, or 1 for a binary single-logit graph). */
  outputWidth: number;
}

const TOKEN_ROLES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

/**
 * Check a card against the graph it describes (and optionally against a dataset's columns), and
 * work out what to feed. Every mismatch is a BadInputError that shows both sides.
 */
export function checkCardAgainstGraph(
  card: ModelCard,
  graph: GraphSignature,
  options: { cardFile?: string; datasetColumns?: readonly string[]; datasetFile?: string } = {},
): GraphCheck {
  const where = { file: options.cardFile ?? 'model.json' };
  const graphInputs = new Map(graph.inputMetadata.map((m) => [m.name, m]));
  const feeds = planFeeds(card, graphInputs);
  for (const feed of feeds) checkFeed(card, graph, graphInputs.get(feed.tensor), feed, where);
  feedEveryGraphInput(card, graph, graphInputs, feeds, where);
  const outputWidth = checkOutput(card, graph, where);
  if (options.datasetColumns !== undefined) {
    checkDatasetColumns(card, options.datasetColumns, options.datasetFile ?? where.file);
  }
  return { feeds, outputWidth };
}

type GraphInputs = Map<string, GraphSignature['inputMetadata'][number]>;
type Where = { file: string };

/** The graph inputs each card input feeds, in card order. */
function planFeeds(card: ModelCard, graphInputs: GraphInputs): FeedPlan[] {
  const feeds: FeedPlan[] = [];
  card.inputs.forEach((input, i) => {
    if (input.kind === 'text') {
      for (const role of TOKEN_ROLES) {
        const tensor = input.feeds[role];
        if (tensor !== undefined) feeds.push({ kind: 'text', input: i, role, tensor });
      }
    } else if (input.kind === 'string') {
      const meta = graphInputs.get(input.tensor);
      const rank = meta?.isTensor ? meta.shape.length : 1;
      feeds.push({ kind: 'string', input: i, tensor: input.tensor, rank });
    } else {
      feeds.push({ kind: input.kind, input: i, tensor: input.tensor });
    }
  });
  return feeds;
}

/** The graph has the input a feed names, with the element type (and feature width) the card feeds. */
function checkFeed(
  card: ModelCard,
  graph: GraphSignature,
  meta: GraphSignature['inputMetadata'][number] | undefined,
  feed: FeedPlan,
  where: Where,
): void {
  const path = `inputs[${feed.input}]${feed.kind === 'text' ? `.feeds.${feed.role}` : '.tensor'}`;
  if (meta === undefined) {
    throw new BadInputError(
      `the card feeds graph input ${JSON.stringify(feed.tensor)}, but ${describeGraph(graph)}`,
      {
        ...where,
        field: path,
      },
    );
  }
  const input = card.inputs[feed.input]!;
  const expected =
    feed.kind === 'text'
      ? 'int64'
      : feed.kind === 'string'
        ? 'string'
        : input.kind === 'image'
          ? input.dtype
          : 'float32';
  // TF.js feeds uint8 pixels as int32 (it has no uint8 tensors).
  const accepts = (type: string) => type === expected || (expected === 'uint8' && type === 'int32');
  if (meta.isTensor && !accepts(meta.type)) {
    throw new BadInputError(
      `graph input ${JSON.stringify(feed.tensor)} is ${meta.type}, the card's ${feed.kind} input feeds ${expected}`,
      { ...where, field: path },
    );
  }
  if (input.kind === 'image' && meta.isTensor) checkImageShape(input, meta.shape, feed, where);
  if (feed.kind === 'features' && meta.isTensor) {
    const last = meta.shape[meta.shape.length - 1];
    if (input.kind === 'features' && typeof last === 'number' && last !== input.dim) {
      throw new BadInputError(
        `graph input ${JSON.stringify(feed.tensor)} has ${last} features, the card says dim ${input.dim}`,
        { ...where, field: `inputs[${feed.input}].dim` },
      );
    }
  }
}

/** Every graph input is fed; adds a zero token_type_ids feed where the graph wants one. */
function feedEveryGraphInput(
  card: ModelCard,
  graph: GraphSignature,
  graphInputs: GraphInputs,
  feeds: FeedPlan[],
  where: Where,
): void {
  // A BERT-style graph declares token_type_ids even when the card does not care: feed zeros.
  const fed = new Set(feeds.map((f) => f.tensor));
  const textIndex = card.inputs.findIndex((input) => input.kind === 'text');
  if (graphInputs.has('token_type_ids') && !fed.has('token_type_ids') && textIndex >= 0) {
    feeds.push({ kind: 'text', input: textIndex, role: 'token_type_ids', tensor: 'token_type_ids' });
    fed.add('token_type_ids');
  }
  const unfed = graph.inputNames.filter((name) => !fed.has(name));
  if (unfed.length > 0) {
    throw new BadInputError(
      `the card does not feed graph input(s) ${unfed.map((n) => JSON.stringify(n)).join(', ')}; ${describeGraph(graph)}`,
      { ...where, field: 'inputs' },
    );
  }
}

/** The output the card reads exists, is float32 and has one column per label; returns its width. */
function checkOutput(card: ModelCard, graph: GraphSignature, where: Where): number {
  const out = graph.outputMetadata.find((m) => m.name === card.output.tensor);
  if (out === undefined) {
    throw new BadInputError(
      `the card reads output ${JSON.stringify(card.output.tensor)}, but ${describeGraph(graph)}`,
      {
        ...where,
        field: 'output.tensor',
      },
    );
  }
  let outputWidth = card.labels.length;
  if (out.isTensor) {
    if (out.type !== 'float32') {
      throw new BadInputError(`output ${JSON.stringify(out.name)} is ${out.type}; scores must be float32`, {
        ...where,
        field: 'output.tensor',
      });
    }
    const last = out.shape[out.shape.length - 1];
    if (typeof last === 'number') {
      const singleLogit = taskView(card.task).oneScoreSuffices && last === 1 && card.output.type === 'logits';
      if (last !== card.labels.length && !singleLogit) {
        throw new BadInputError(
          `output ${JSON.stringify(out.name)} has ${last} score column(s) [${out.shape.join(', ')}], ` +
            `the card has ${card.labels.length} labels ${JSON.stringify(card.labels)}`,
          { ...where, field: 'labels' },
        );
      }
      outputWidth = last;
    }
  }
  return outputWidth;
}

function checkDatasetColumns(card: ModelCard, datasetColumns: readonly string[], file: string): void {
  const columns = new Set(datasetColumns);
  card.inputs.forEach((input, i) => {
    if (!columns.has(input.column)) {
      throw new BadInputError(
        `the model reads column ${JSON.stringify(input.column)}, the dataset has columns ` +
          `${JSON.stringify(datasetColumns)}`,
        { file, field: `inputs[${i}].column` },
      );
    }
  });
}
