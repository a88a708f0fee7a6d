import type { DataType, Schema } from 'apache-arrow';
import { z } from 'zod';
import { BadInputError } from '../util/errors.js';
import { INPUT_SIZE_LIMITS, readJsonFile } from '../util/files.js';
import { parseInput } from '../util/zod.js';
import { isAnnotationsType, isIdType, isSliceType, isStringListType, isStringType } from './columns.js';
import { Taxonomy, TaxonomySchema } from './taxonomy.js';

/**
 * How a dataset's columns map to modeval's roles. Every field has a default, so a plain Arrow file
 * with `id`, `text` and `label` columns needs no spec at all.
 */
export const DatasetSpec = z
  .object({
    /** Unique item id (Utf8). */
    id: z.string().min(1).default('id'),
    /**
     * Content column(s) a model reads; the first is the default text input. `[]` for a dataset
     * without text (images): commands that show text then say the dataset has none.
     */
    text: z.array(z.string().min(1)).default(['text']),
    /**
     * Golden label column: Utf8/Dictionary for binary or multiclass, List<Utf8> for multilabel.
     * Default: `label`, else `labels` when the dataset has that column.
     */
    label: z.string().min(1).optional(),
    /** The declared label set, in the order reports use. Default: the labels observed, sorted. */
    labels: z.array(z.string().min(1)).min(1).optional(),
    /** The positive label of a binary task (used for AUC, PR curves, calibration). */
    positive: z.string().min(1).optional(),
    /** Per-annotator labels: List<Struct<annotator: Utf8, label: Utf8>>. Default: `annotations` if present. */
    annotations: z.string().min(1).optional(),
    /** Slice columns. Default: every other Utf8/Dictionary/Bool/Int column. */
    slices: z.array(z.string().min(1)).optional(),
    /** Slice crossings reported jointly, e.g. [["language", "region"]]. */
    crossings: z.array(z.array(z.string().min(1)).min(2)).default([]),
    /** Identity columns for bias metrics (Bool, or Utf8 values naming a subgroup). */
    identity: z.array(z.string().min(1)).default([]),
    /**
     * Policy taxonomy of a multilabel task: parents, the "any violation" roll-up, and how a child
     * positive makes its parents positive. Its labels are the label set (`labels` may repeat them).
     */
    taxonomy: TaxonomySchema.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.taxonomy && spec.labels) {
      const known = new Taxonomy(spec.taxonomy);
      const unknown = spec.labels.find((l) => !known.has(l));
      if (unknown !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels'],
          message: `label "${unknown}" is not a taxonomy policy`,
        });
      }
      const missing = known.labels.find((l) => !spec.labels!.includes(l));
      if (missing !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels'],
          message: `taxonomy policy "${missing}" is not in labels`,
        });
      }
    }
    if (spec.labels && new Set(spec.labels).size !== spec.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must be unique' });
    }
    if (spec.positive !== undefined && spec.labels && !spec.labels.includes(spec.positive)) {
      ctx.addIssue({ code: 'custom', path: ['positive'], message: `"${spec.positive}" is not in labels` });
    }
  });
export type DatasetSpec = z.infer<typeof DatasetSpec>;
export type DatasetSpecInput = z.input<typeof DatasetSpec>;

/** A spec checked against a concrete schema: every role bound to a column of the right type. */
export interface ResolvedSpec {
  readonly id: string;
  readonly text: readonly string[];
  readonly label: string;
  readonly multilabel: boolean;
  readonly labels: readonly string[] | undefined;
  readonly positive: string | undefined;
  readonly annotations: string | undefined;
  readonly slices: readonly string[];
  readonly crossings: readonly (readonly string[])[];
  readonly identity: readonly string[];
  /** The policy taxonomy of a multilabel task, when the spec declares one. */
  readonly taxonomy: Taxonomy | undefined;
}

export function parseDatasetSpec(raw: unknown, file = '<spec>'): DatasetSpec {
  return parseInput(DatasetSpec, raw, { file });
}

export async function loadDatasetSpec(file: string): Promise<DatasetSpec> {
  return parseDatasetSpec(
    await readJsonFile(file, 'dataset spec', { maxBytes: INPUT_SIZE_LIMITS.small }),
    file,
  );
}

/** Bind a spec to a schema; a missing column or a wrong type is a BadInputError naming the field. */
export function resolveSpec(spec: DatasetSpec, schema: Schema, file: string): ResolvedSpec {
  const types = new Map<string, DataType>(schema.fields.map((f) => [f.name, f.type as DataType]));
  const columns = [...types.keys()];
  const need = (name: string, role: string, ok: (t: DataType) => boolean, expected: string): DataType => {
    const type = types.get(name);
    if (type === undefined) {
      throw new BadInputError(`missing ${role} column; the dataset has: ${columns.join(', ')}`, {
        file,
        field: name,
      });
    }
    if (!ok(type)) {
      throw new BadInputError(`${role} column has type ${String(type)}, expected ${expected}`, {
        file,
        field: name,
      });
    }
    return type;
  };

  need(spec.id, 'id', isIdType, 'Utf8 or an integer type (ids are read as their decimal text)');
  for (const t of spec.text) need(t, 'content', isStringType, 'Utf8');
  const labelName = spec.label ?? (!types.has('label') && types.has('labels') ? 'labels' : 'label');
  const labelType = need(
    labelName,
    'label',
    (t) => isStringType(t) || isStringListType(t),
    'Utf8, Dictionary<Utf8> or List<Utf8>',
  );
  const annotations = spec.annotations ?? (types.has('annotations') ? 'annotations' : undefined);
  if (annotations !== undefined) {
    need(annotations, 'annotations', isAnnotationsType, 'List<Struct<annotator: Utf8, label: Utf8>>');
  }
  for (const col of spec.identity) need(col, 'identity', isSliceType, 'Bool, Int, Utf8 or Dictionary<Utf8>');

  const roles = new Set<string>([spec.id, ...spec.text, labelName, ...(annotations ? [annotations] : [])]);
  const slices =
    spec.slices ??
    columns.filter((c) => !roles.has(c) && !spec.identity.includes(c) && isSliceType(types.get(c)!));
  for (const col of slices) need(col, 'slice', isSliceType, 'Bool, Int, Utf8 or Dictionary<Utf8>');
  for (const crossing of spec.crossings) {
    for (const col of crossing) {
      if (!slices.includes(col)) {
        throw new BadInputError(`crossing names "${col}", which is not a slice column`, {
          file,
          field: 'crossings',
        });
      }
    }
  }
  const multilabel = isStringListType(labelType);
  const taxonomy = spec.taxonomy ? new Taxonomy(spec.taxonomy) : undefined;
  if (taxonomy !== undefined && !multilabel) {
    throw new BadInputError('a policy taxonomy needs a multilabel (List<Utf8>) label column', {
      file,
      field: 'taxonomy',
    });
  }
  return {
    id: spec.id,
    text: spec.text,
    label: labelName,
    multilabel,
    labels: spec.labels ?? taxonomy?.labels,
    positive: spec.positive,
    annotations,
    slices,
    crossings: spec.crossings,
    identity: spec.identity,
    taxonomy,
  };
}
