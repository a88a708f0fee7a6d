import type { DataType } from 'apache-arrow';
import { z } from 'zod';
import { keyedRecord } from '../util/keyed.js';
import { openArrow } from './arrow-reader.js';
import { bindDataset, datasetSpecOf, type OpenDatasetOptions } from './open.js';
import { withRowNumberIds } from './row-ids.js';
import { RowStatus, ValidationSummary } from './validate.js';

/** Distinct values tracked per slice before the rest is lumped as "other" (bounded memory). */
const MAX_SLICE_VALUES = 1000;

const ValueCounts = z.object({
  /** Value → rows, largest first; at most MAX_SLICE_VALUES values, the rest in `otherRows`. */
  values: z.array(z.tuple([z.string(), z.number().int()])),
  distinct: z.number().int(),
  /** True when more distinct values existed than were tracked (`distinct` is then a lower bound). */
  truncated: z.boolean(),
  otherRows: z.number().int(),
  nullRows: z.number().int(),
});

export const InspectReport = z.object({
  schemaVersion: z.literal(1),
  file: z.string(),
  format: z.enum(['file', 'stream']),
  sizeBytes: z.number().int(),
  specOrigin: z.string(),
  /** The spec's id column, and whether the file has it (inspect describes a file without one). */
  id: z.object({ column: z.string(), present: z.boolean(), hint: z.string().optional() }),
  columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean(), role: z.string() })),
  task: z.enum(['single-label', 'multilabel']),
  labels: z.object({
    declared: z.array(z.string()).nullable(),
    counts: z.record(z.string(), z.number().int()),
  }),
  slices: z.record(z.string(), ValueCounts),
  annotators: z
    .object({
      column: z.string(),
      itemsWithAnnotations: z.number().int(),
      perAnnotator: z.record(z.string(), z.number().int()),
    })
    .nullable(),
  validation: ValidationSummary,
});
export type InspectReport = z.infer<typeof InspectReport>;

/** Describe a dataset in one streaming pass: schema, label and slice distributions, annotators, problems. */
export async function inspectDataset(path: string, options: OpenDatasetOptions = {}): Promise<InspectReport> {
  const { spec: declared, specOrigin } = await datasetSpecOf(path, options);
  const file = await openArrow(path);
  const hasId = file.schema.fields.some((f) => f.name === declared.id);
  // Without an id column the rest is still worth describing: rows are named by their number.
  const dataset = bindDataset(hasId ? file : withRowNumberIds(file, declared.id), declared, specOrigin);
  const { spec, source } = dataset;
  const sliceCounts = new Map<string, { counts: Map<string, number>; other: number; nulls: number }>();
  for (const s of spec.slices) sliceCounts.set(s, { counts: new Map(), other: 0, nulls: 0 });
  const perAnnotator = new Map<string, number>();
  let itemsWithAnnotations = 0;

  const scan = dataset.scan({ onInvalid: 'collect', checkDuplicateIds: hasId });
  for await (const vb of scan) {
    for (let i = 0; i < vb.batch.numRows; i++) {
      if (vb.status[i] === RowStatus.rejected) continue;
      for (const [name, col] of vb.slices) {
        const acc = sliceCounts.get(name)!;
        const v = col.get(i);
        if (v === null) acc.nulls++;
        else if (acc.counts.has(v) || acc.counts.size < MAX_SLICE_VALUES)
          acc.counts.set(v, (acc.counts.get(v) ?? 0) + 1);
        else acc.other++;
      }
      const anns = vb.annotations?.get(i);
      if (anns && anns.length > 0) {
        itemsWithAnnotations++;
        for (const a of anns) perAnnotator.set(a.annotator, (perAnnotator.get(a.annotator) ?? 0) + 1);
      }
    }
  }
  const roleOf = (name: string): string => {
    if (name === spec.id) return 'id';
    if (spec.text.includes(name)) return 'content';
    if (name === spec.label) return 'label';
    if (name === spec.annotations) return 'annotations';
    if (spec.identity.includes(name)) return 'identity';
    if (spec.slices.includes(name)) return 'slice';
    return 'other';
  };
  const slices: InspectReport['slices'] = keyedRecord();
  for (const [name, acc] of sliceCounts) {
    const values = [...acc.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    slices[name] = {
      values,
      distinct: values.length,
      truncated: acc.other > 0,
      otherRows: acc.other,
      nullRows: acc.nulls,
    };
  }
  return {
    schemaVersion: 1,
    file: source.path,
    format: source.format,
    sizeBytes: source.sizeBytes,
    specOrigin: dataset.specOrigin,
    id: hasId
      ? { column: spec.id, present: true }
      : { column: spec.id, present: false, hint: noIdHint(spec.id) },
    columns: file.schema.fields.map((f) => ({
      name: f.name,
      type: String(f.type as DataType),
      nullable: f.nullable,
      role: roleOf(f.name),
    })),
    task: spec.multilabel ? 'multilabel' : 'single-label',
    labels: {
      declared: spec.labels ? [...spec.labels] : null,
      counts: sortedRecord(scan.summary.labelCounts),
    },
    slices,
    annotators: spec.annotations
      ? {
          column: spec.annotations,
          itemsWithAnnotations,
          perAnnotator: sortedRecord(Object.fromEntries(perAnnotator)),
        }
      : null,
    validation: scan.summary,
  };
}

/** What a file without its id column needs before any other command reads it. */
function noIdHint(column: string): string {
  return (
    `no id column ${JSON.stringify(column)}: every other command needs one (unique text or integer ids; ` +
    `rows are named "(row N)" here). Name an existing unique column in the spec ("id": "<column>"), ` +
    `or rename it when converting: modeval convert <in> <out> --map <column>=${column}`
  );
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  return keyedRecord(Object.entries(r).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}
