import { join } from 'node:path';
import { z } from 'zod';
import { keyedRecordSchema } from '../contracts/keyed-record.js';
import {
  appliedThresholds,
  DEFAULT_THRESHOLD,
  type DecisionRule,
  TaskSchema,
  taskView,
} from '../task/index.js';
import { INPUT_SIZE_LIMITS, readJsonFile } from '../util/files.js';
import { keyedRecord, ownValue } from '../util/keyed.js';
import { parseInput } from '../util/zod.js';

/**
 * The model card (`model.json` beside `model.onnx`): everything the harness needs to feed a graph
 * and read its scores, so no model-specific code lives in the harness.
 */

export const MODEL_CARD_FILE = 'model.json';

/** A file name inside the model folder: no separators, so a card cannot point outside its folder. */
const localFile = z
  .string()
  .min(1)
  .regex(/^[^/\\]+$/, 'must be a file name inside the model folder (no path separators)')
  .refine((s) => s !== '.' && s !== '..', 'must be a file name inside the model folder');

const tensorName = z.string().min(1);

/** Text fed through a Hugging Face `tokenizer.json`. */
export const TextInputSchema = z.strictObject({
  kind: z.literal('text'),
  /** Dataset column holding the text. */
  column: z.string().min(1).default('text'),
  tokenizer: localFile.default('tokenizer.json'),
  /** Optional `tokenizer_config.json` (special-token names); WordLevel models read `unk_token` from it. */
  tokenizerConfig: localFile.optional(),
  /** Longest token sequence fed to the graph, special tokens included. */
  maxLength: z.number().int().positive().max(1_000_000),
  /**
   * What to do with a longer text: keep its first (`right`) or last (`left`) maxLength tokens, or
   * `reject` the row (reported as invalid, not scored).
   */
  truncation: z.enum(['right', 'left', 'reject']).default('right'),
  /** `longest`: pad to the longest sequence in the batch; `max_length`: always pad to maxLength. */
  padding: z.enum(['longest', 'max_length']).default('longest'),
  /** Let the tokenizer's post-processor add its special tokens ([CLS]/[SEP], <s>...). */
  addSpecialTokens: z.boolean().default(true),
  /**
   * Which graph input receives which tokenizer output. `input_ids` is required; a graph input named
   * `token_type_ids` that the card does not map is fed zeros when the graph declares it.
   */
  feeds: z
    .strictObject({
      input_ids: tensorName,
      attention_mask: tensorName.optional(),
      token_type_ids: tensorName.optional(),
    })
    .default({ input_ids: 'input_ids', attention_mask: 'attention_mask' }),
});

/** A raw string tensor (graphs that embed their own text processing). */
export const StringInputSchema = z.strictObject({
  kind: z.literal('string'),
  column: z.string().min(1).default('text'),
  tensor: tensorName,
});

/** Float features from a List<Float32> or FixedSizeList<Float32> column, fed as [batch, dim]. */
export const FeaturesInputSchema = z.strictObject({
  kind: z.literal('features'),
  column: z.string().min(1),
  tensor: tensorName,
  dim: z.number().int().positive(),
});

/** Default byte cap of one encoded image (an image input's `maxBytes`). */
export const IMAGE_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Images from a Binary column (encoded bytes) or a Utf8 column of file paths relative to the
 * dataset's folder, decoded and resized in the workers, fed as one float32 (or uint8) tensor.
 * Each pixel value v in [0, 255] becomes (v × scale − mean[c]) / std[c] (float32 only).
 */
export const ImageInputSchema = z.strictObject({
  kind: z.literal('image'),
  column: z.string().min(1).default('image'),
  tensor: tensorName,
  /** Pixels fed to the graph, [height, width]. */
  size: z.tuple([z.number().int().positive().max(8192), z.number().int().positive().max(8192)]),
  /** `fill` stretches to size; `cover` crops the centre; `contain` letterboxes on `background`. */
  fit: z.enum(['fill', 'cover', 'contain']).default('fill'),
  /** Resampling kernel of a `libvips` resize (sharp's names). */
  kernel: z.enum(['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3']).default('lanczos3'),
  /**
   * Who resizes. `libvips`: sharp's antialiased resize with `kernel` and `fit`, on 8-bit pixels.
   * `bilinear` / `nearest`: the full-size image resized in float, without antialiasing, exactly as
   * TF.js's `tf.image.resizeBilinear` / `resizeNearestNeighbor` do (what a TF.js model's own
   * pipeline usually runs); `coordinates` says which sampling grid.
   */
  resize: z.enum(['libvips', 'bilinear', 'nearest']).default('libvips'),
  /**
   * Sampling grid of a `bilinear`/`nearest` resize, as TF names it: `align-corners` (alignCorners:
   * true), `half-pixel` (halfPixelCenters: true) or `asymmetric` (both false, TF's default).
   */
  coordinates: z.enum(['align-corners', 'half-pixel', 'asymmetric']).optional(),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  /**
   * Colour that transparent pixels are laid on (and contain's letterbox), `#rrggbb`. Without it the
   * alpha channel is dropped and transparent pixels keep whatever colour they store.
   */
  background: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb')
    .optional(),
  /**
   * What becomes of transparency: `drop` the alpha channel (transparent pixels keep the colour they
   * store, as TensorFlow's decodePng/decodeImage with 3 channels does) or `flatten` onto
   * `background`. Default: `flatten` when `background` is set, else `drop`.
   */
  alpha: z.enum(['drop', 'flatten']).optional(),
  /** `exif`: rotate by the EXIF orientation (libvips); `none`: keep stored pixel order (TensorFlow's decoders). */
  orient: z.enum(['exif', 'none']).default('exif'),
  /** The pipeline these settings reproduce, for the record (e.g. the model's own reference code). */
  reference: z.string().min(1).max(500).optional(),
  layout: z.enum(['nhwc', 'nchw']).default('nhwc'),
  dtype: z.enum(['float32', 'uint8']).default('float32'),
  scale: z
    .number()
    .positive()
    .default(1 / 255),
  mean: z.array(z.number()).min(1).max(3).optional(),
  std: z.array(z.number().positive()).min(1).max(3).optional(),
  /** Largest width × height decoded; a bigger header makes the row invalid before any decoding. */
  maxPixels: z.number().int().positive().default(40_000_000),
  /** Largest encoded image read (file or Binary value), in bytes; a bigger one is an invalid row, never read past the cap. */
  maxBytes: z.number().int().positive().default(IMAGE_MAX_BYTES),
});

export const ModelInputSchema = z.discriminatedUnion('kind', [
  TextInputSchema,
  StringInputSchema,
  FeaturesInputSchema,
  ImageInputSchema,
]);

/** A path inside an installed npm package (no `..`, not absolute). */
const packagePath = z
  .string()
  .min(1)
  .refine(
    (s) => !s.startsWith('/') && !s.includes('\\') && s.split('/').every((p) => p !== '..' && p !== ''),
    'must be a relative path inside the package, without ".."',
  );

/** Where a TF.js model's files are and how they are packed. */
export const TfjsModelSchema = z.strictObject({
  /** `graph` (tf.loadGraphModel) or `layers` (tf.loadLayersModel). */
  modelType: z.enum(['graph', 'layers']),
  /**
   * `json`: TF.js's `model.json` with binary weight files beside it. `js-bundle`: the model and each
   * weight file as a CommonJS module (`<name>.min.js`, weights as a base64 string), as nsfwjs ships
   * them; they are evaluated as data in an empty context, with no require, process or globals.
   */
  format: z.enum(['json', 'js-bundle']).default('json'),
  /** Read the files from this installed npm package's folder instead of the model folder. */
  package: z
    .strictObject({
      name: z.string().regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/, 'must be an npm package name'),
      dir: packagePath,
    })
    .optional(),
});

export const ModelOutputSchema = z
  .strictObject({
    tensor: tensorName.default('logits'),
    /** What the graph emits: raw logits, or probabilities already. */
    type: z.enum(['logits', 'probabilities']).default('logits'),
    /** How logits become probabilities; must be `none` for probabilities. Default by task. */
    activation: z.enum(['softmax', 'sigmoid', 'none']).optional(),
  })
  .check((ctx) => {
    const { type, activation } = ctx.value;
    if (type === 'probabilities' && activation !== undefined && activation !== 'none') {
      ctx.issues.push({
        code: 'custom',
        input: activation,
        path: ['activation'],
        message: 'an output of probabilities takes activation "none"',
      });
    }
    if (type === 'logits' && activation === 'none') {
      ctx.issues.push({
        code: 'custom',
        input: activation,
        path: ['activation'],
        message: 'logits need an activation (softmax or sigmoid) to become scores',
      });
    }
  });

export const ModelCardSchema = z
  .strictObject({
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    task: TaskSchema,
    /** Label order = score column order in the predictions. */
    labels: z.array(z.string().min(1)).min(1),
    /** Binary only: the label whose score is thresholded. */
    positive: z.string().min(1).optional(),
    inputs: z.array(ModelInputSchema).min(1),
    output: ModelOutputSchema.default({ tensor: 'logits', type: 'logits' }),
    /**
     * Labels whose items are not safe to show (e.g. nudity): reports blur their thumbnails when
     * the golden label or a prediction is one of them.
     */
    sensitive: z.array(z.string().min(1)).optional(),
    /**
     * Multilabel: how output labels map to the dataset's policies (model/policy-map.ts). A label
     * not in `map` is the policy of its own name; null drops it; several labels on one policy are
     * finer classes whose scores combine by `combine` (max, or noisy-or 1 − Π(1 − s)), flagged
     * when any is. A model may score a subset of the policies; the others are "not scored".
     */
    policies: z
      .strictObject({
        map: keyedRecordSchema(z.string().min(1).nullable()).default(keyedRecord()),
        combine: z.enum(['max', 'noisy-or']).default('max'),
      })
      .optional(),
    /** Default decision thresholds per label (binary: the positive label; multilabel: every label). */
    thresholds: keyedRecordSchema(z.number().min(0).max(1)).default(() => keyedRecord<number>()),
    backend: z.enum(['onnx', 'tfjs']).default('onnx'),
    /** The graph file: default `model.onnx` (onnx), `model.json` (tfjs json), `model.min.js` (tfjs js-bundle). */
    file: localFile.optional(),
    /** Required with backend `tfjs`. */
    tfjs: TfjsModelSchema.optional(),
    /** Preferred execution providers in order; `--device auto` tries them and falls back to cpu. */
    executionProviders: z
      .array(z.enum(['cuda', 'cpu']))
      .min(1)
      .default(['cpu']),
  })
  .check((ctx) => {
    const card = ctx.value;
    const issue = (path: (string | number)[], message: string) =>
      ctx.issues.push({ code: 'custom', input: card, path, message });

    const seen = new Set<string>();
    card.labels.forEach((label, i) => {
      if (seen.has(label)) issue(['labels', i], `duplicate label ${JSON.stringify(label)}`);
      seen.add(label);
    });
    const view = taskView(card.task);
    view.checkLabels(card, issue);
    for (const key of Object.keys(card.thresholds)) {
      const wrong = seen.has(key)
        ? view.thresholdIssue(card, key)
        : `${JSON.stringify(key)} is not one of the labels`;
      if (wrong !== undefined) issue(['thresholds', key], wrong);
    }
    if (card.policies !== undefined) {
      if (!view.policies)
        issue(['policies'], `only multilabel models map labels to policies (task is ${card.task})`);
      for (const key of Object.keys(card.policies.map)) {
        if (!seen.has(key))
          issue(['policies', 'map', key], `${JSON.stringify(key)} is not one of the labels`);
      }
      if (card.labels.every((l) => card.policies!.map[l] === null)) {
        issue(['policies', 'map'], 'every label is dropped: the model would score no policy');
      }
    }
    const wrongActivation = view.activationIssue(card.output.activation);
    if (wrongActivation !== undefined) issue(['output', 'activation'], wrongActivation);
    card.sensitive?.forEach((label, i) => {
      if (!seen.has(label)) issue(['sensitive', i], `${JSON.stringify(label)} is not one of the labels`);
    });
    if (card.backend === 'tfjs' && card.tfjs === undefined) {
      issue(['tfjs'], 'a tfjs model says how it is stored: tfjs.modelType (graph|layers)');
    }
    if (card.backend === 'onnx' && card.tfjs !== undefined) issue(['tfjs'], 'only for backend "tfjs"');
    card.inputs.forEach((input, i) => {
      if (card.backend === 'tfjs' && input.kind !== 'image' && input.kind !== 'features') {
        issue(['inputs', i, 'kind'], `the tfjs backend takes image and features inputs, not ${input.kind}`);
      }
      if (input.kind !== 'image') return;
      if (input.resize === 'libvips' && input.coordinates !== undefined)
        issue(['inputs', i, 'coordinates'], 'only for resize "bilinear" or "nearest"');
      if (input.resize !== 'libvips') {
        if (input.coordinates === undefined)
          issue(
            ['inputs', i, 'coordinates'],
            `resize "${input.resize}" needs align-corners, half-pixel or asymmetric`,
          );
        if (input.fit !== 'fill')
          issue(['inputs', i, 'fit'], `resize "${input.resize}" stretches to size: fit "fill"`);
        if (input.dtype !== 'float32')
          issue(['inputs', i, 'dtype'], `resize "${input.resize}" gives float pixels: dtype "float32"`);
      }
      if (input.alpha === 'flatten' && input.background === undefined)
        issue(['inputs', i, 'alpha'], 'flatten needs a background colour');
      for (const key of ['mean', 'std'] as const) {
        const v = input[key];
        if (v !== undefined && v.length !== 1 && v.length !== input.channels) {
          issue(['inputs', i, key], `has ${v.length} values; give 1 or one per channel (${input.channels})`);
        }
        if (v !== undefined && input.dtype === 'uint8')
          issue(['inputs', i, key], 'a uint8 input is fed raw pixels');
      }
    });
    const fed = new Map<string, number>();
    card.inputs.forEach((input, i) => {
      const names =
        input.kind === 'text'
          ? [input.feeds.input_ids, input.feeds.attention_mask, input.feeds.token_type_ids]
          : [input.tensor];
      for (const name of names) {
        if (name === undefined) continue;
        if (fed.has(name)) issue(['inputs', i], `graph input ${JSON.stringify(name)} is fed twice`);
        fed.set(name, i);
      }
    });
  });

export type ModelCard = z.infer<typeof ModelCardSchema>;
/** What a card file may omit (defaults filled in by parsing). */
export type ModelCardInput = z.input<typeof ModelCardSchema>;
export type ModelInput = z.infer<typeof ModelInputSchema>;
export type TextInput = z.infer<typeof TextInputSchema>;
export type StringInput = z.infer<typeof StringInputSchema>;
export type FeaturesInput = z.infer<typeof FeaturesInputSchema>;
export type ImageInput = z.infer<typeof ImageInputSchema>;

/** What an image input does with transparency, after its default. */
export function alphaOf(input: ImageInput): 'drop' | 'flatten' {
  return input.alpha ?? (input.background !== undefined ? 'flatten' : 'drop');
}
export type TfjsModel = z.infer<typeof TfjsModelSchema>;

/** The graph file's name inside its folder, after the backend's default. */
export function modelFileName(card: ModelCard): string {
  if (card.file !== undefined) return card.file;
  if (card.backend === 'onnx') return 'model.onnx';
  return card.tfjs?.format === 'js-bundle' ? 'model.min.js' : 'model.json';
}
export type ModelOutput = z.infer<typeof ModelOutputSchema>;
export type Activation = 'softmax' | 'sigmoid' | 'none';

/** The activation that turns the output into scores, after task defaults. */
export function outputActivation(card: ModelCard): Activation {
  if (card.output.type === 'probabilities') return 'none';
  return card.output.activation ?? taskView(card.task).defaultActivation;
}

/** How a label is predicted from scores (owned by the task view; named here for the card's users). */
export type { DecisionRule } from '../task/index.js';
export { DEFAULT_THRESHOLD } from '../task/index.js';

/** A label's threshold: the caller's override, else the card's, else the default. */
function thresholdOf(card: ModelCard, overrides: Readonly<Record<string, number>>) {
  // Own keys only: a label named `constructor` must not find Object's.
  return (label: string) =>
    ownValue(overrides, label) ?? ownValue(card.thresholds, label) ?? DEFAULT_THRESHOLD;
}

export function decisionRule(card: ModelCard, overrides: Record<string, number> = {}): DecisionRule {
  return taskView(card.task).decisionRule(card.labels, card.positive, thresholdOf(card, overrides));
}

/**
 * The thresholds `decisionRule` applies, per output label of the card (a policy-mapped card's
 * classes, not its policies): what predictions metadata records.
 */
export function cardThresholds(
  card: ModelCard,
  overrides: Readonly<Record<string, number>> = {},
): Record<string, number> {
  return appliedThresholds(taskView(card.task), card.labels, card.positive, thresholdOf(card, overrides));
}

/** Validate an already-parsed card; `file` names it in the error. */
export function parseModelCard(value: unknown, file: string): ModelCard {
  return parseInput(ModelCardSchema, value, {
    file,
    say: (message, issue) =>
      `invalid model card: ${message}${issue.count > 1 ? ` (and ${issue.count - 1} more problems)` : ''}`,
  });
}

/** Read and validate `<dir>/model.json`. */
export async function loadModelCard(dir: string): Promise<ModelCard> {
  const file = join(dir, MODEL_CARD_FILE);
  return parseModelCard(await readJsonFile(file, 'model card', { maxBytes: INPUT_SIZE_LIMITS.small }), file);
}
