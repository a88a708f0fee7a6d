import type { LabelValue, TaskView } from '../../../task/index.js';
import { choicesOf, NO_POLICY, type ReviewItem } from '../../item.js';
import type { QueueBatch } from '../format.js';

/** What the Argilla files are made of: a batch's items, labels, blindness and task view. */
type ArgillaBatch = Pick<QueueBatch, 'items' | 'labels' | 'blind' | 'view'>;

/**
 * Argilla 2.x files, in the shapes Argilla's own loaders read (argilla-io/argilla, `argilla/src/argilla`,
 * v2.0–2.8):
 * - the folder `Dataset.to_disk` writes and `rg.Dataset.from_disk(path)` loads
 *   (`datasets/_io/_disk.py`, SDK >= 2.2): `.argilla/dataset.json` (the `DatasetModel` dump),
 *   `.argilla/settings.json` (`Settings.serialize()`, read back by `Settings.from_json`: fields
 *   and questions carry their settings' type at the top level too, `settings/_common.py`;
 *   metadata properties a top-level `type`; `distribution` and `mapping`) and `records.json` (a list of
 *   `Record.to_dict()`, read back record by record by `Record.from_dict`: `suggestions` is a dict
 *   keyed by question name holding `value`, `score`, `agent`; `responses` a dict of lists);
 * - `records-log.json`, flat dicts keyed by field, question and metadata names for
 *   `dataset.records.log(records, mapping=...)` on a dataset created with the same settings, plus
 *   `records-log-mapping.json` routing the suggestion's score and agent columns
 *   (`label.suggestion.score`, `label.suggestion.agent`: `records/_mapping/_mapper.py`).
 * Argilla keeps one suggestion per question, so the first model is the suggestion and every
 * model's prediction and score also go into metadata. A blind queue carries only the text, the
 * item id and the question: no suggestion, no golden label, no model output, no flag.
 */
export const ARGILLA_QUESTION = 'label';
export const ARGILLA_FIELD = 'text';
/** Record columns that `records-log-mapping.json` routes to the suggestion's score and agent. */
export const ARGILLA_LOG_SCORE = 'suggestion_score';
export const ARGILLA_LOG_AGENT = 'suggestion_agent';

type MetadataKind = 'terms' | 'integer' | 'float';
type MetadataValue = string | number;

interface MetadataColumn {
  name: string;
  kind: MetadataKind;
  /** Known terms (for filters in the UI), null where open-ended. */
  values: string[] | null;
  value: (x: ReviewItem) => MetadataValue | null;
}

/**
 * Argilla lower-cases property names and its server accepts `[a-z0-9_-]` only; names must be
 * unique across fields, questions and metadata.
 */
function propertyName(base: string, taken: Set<string>): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
  let name = /[a-z0-9]/.test(clean) ? clean : `${clean}x`;
  for (let n = 2; taken.has(name); n++) name = `${clean}_${n}`;
  taken.add(name);
  return name;
}

function metadataColumns({ items, labels, blind, view }: ArgillaBatch): MetadataColumn[] {
  // `id` and the suggestion columns share the flat `records.log` dicts with the metadata.
  const taken = new Set(['id', ARGILLA_FIELD, ARGILLA_QUESTION, ARGILLA_LOG_SCORE, ARGILLA_LOG_AGENT]);
  const col = (
    base: string,
    kind: MetadataKind,
    value: MetadataColumn['value'],
    values: string[] | null = null,
  ): MetadataColumn => ({ name: propertyName(base, taken), kind, values, value });
  const cols = [col('item_id', 'terms', (x) => x.id)];
  if (blind) return cols;
  const first = items[0];
  // A multi-label item's policies as one term ("a, b"; "(none)"): open-ended, not the options.
  const many = view.multiLabel;
  const term = (v: LabelValue) => choicesOf(view.labelsOf(v)).join(', ');
  const known = many ? null : [...labels];
  cols.push(
    col('queue', 'terms', (x) => x.queue),
    col('priority', 'integer', (x) => x.priority),
    col('margin', 'float', (x) => x.margin),
    col('label_issue', 'terms', (x) => x.labelIssue, ['relabel', 'model_error']),
    col('cluster', 'terms', (x) => x.cluster),
    col('golden', 'terms', (x) => term(x.golden), known),
  );
  (first?.models ?? []).forEach((m, i) => {
    cols.push(
      col(`pred_${m.key}`, 'terms', (x) => term(x.models[i]!.predicted), known),
      col(`score_${m.key}`, 'float', (x) => x.models[i]!.score),
    );
    if (many) {
      // Why the item is here, per policy: what this model missed and over-enforced.
      const list = (v: readonly string[] | undefined) => (v && v.length > 0 ? v.join(', ') : null);
      cols.push(
        col(`missed_${m.key}`, 'terms', (x) => list(x.models[i]!.missed)),
        col(`over_enforced_${m.key}`, 'terms', (x) => list(x.models[i]!.overEnforced)),
      );
    }
  });
  for (const s of Object.keys(first?.slices ?? {})) {
    cols.push(col(`slice_${s}`, 'terms', (x) => x.slices[s] ?? null));
  }
  return cols;
}

/**
 * The question: a label question, or on a multi-policy queue a multi-label question
 * (`_multi_label_selection.py`: type `multi_label_selection`, the label question's options and
 * visible_options plus `options_order`) offering every policy and NO_POLICY.
 */
function argillaQuestion(labels: readonly string[], multi: boolean) {
  const options = multi ? [...labels, NO_POLICY] : labels;
  // `_label_selection.py`: options are {value, text}; visible_options must be at least 3 when set.
  const base = {
    options: options.map((l) => ({ value: l, text: l, description: null })),
    visible_options: options.length >= 3 ? options.length : null,
  };
  return {
    id: null,
    inserted_at: null,
    updated_at: null,
    name: ARGILLA_QUESTION,
    title: multi ? 'Policies violated' : 'Label',
    description: multi
      ? `Select every policy the text violates (a sub-policy counts for its parents too), or ${NO_POLICY}.`
      : null,
    required: true,
    settings: multi
      ? { type: 'multi_label_selection', ...base, options_order: 'natural' }
      : { type: 'label_selection', ...base },
    // `settings/_common.py` SettingsPropertyBase.serialize adds the settings' type at the top.
    type: multi ? 'multi_label_selection' : 'label_selection',
  };
}

/** `Settings.serialize()` as `Settings.from_json` reads it (`settings/_resource.py`). */
export function argillaSettings(batch: ArgillaBatch) {
  const { labels, blind } = batch;
  const stamps = { id: null, inserted_at: null, updated_at: null };
  const multi = batch.view.multiLabel;
  const ask = multi ? 'Select the policies the text violates.' : 'Choose the correct label for the text.';
  return {
    guidelines: blind ? ask : `${ask} The suggestion is a model prediction, not the answer.`,
    questions: [argillaQuestion(labels, multi)],
    fields: [
      {
        ...stamps,
        name: ARGILLA_FIELD,
        title: 'Text',
        required: true,
        description: null,
        settings: { type: 'text', use_markdown: false },
        dataset_id: null,
        // Read by `settings/_field.py` `_field_from_dict` (`data["type"]`) to pick the field class.
        type: 'text',
      },
    ],
    vectors: [],
    // `_models/_settings/_metadata.py` (MetadataFieldModel): `type` at the top level and in settings.
    metadata: metadataColumns(batch).map((c) => ({
      ...stamps,
      name: c.name,
      title: c.name,
      type: c.kind,
      visible_for_annotators: true,
      settings:
        c.kind === 'terms'
          ? { type: 'terms', values: c.values, visible_for_annotators: true }
          : { type: c.kind, min: null, max: null, visible_for_annotators: true },
      dataset_id: null,
    })),
    allow_extra_metadata: false,
    // `settings/_task_distribution.py` OverlapTaskDistribution.default().to_dict(); no mapping.
    distribution: { strategy: 'overlap', min_submitted: 1 },
    mapping: null,
  };
}

/** `DatasetModel.model_dump()` (`_models/_dataset.py`); `from_disk` sets the workspace itself. */
export function argillaDatasetModel(name: string, guidelines: string) {
  return {
    id: null,
    inserted_at: null,
    updated_at: null,
    // The server's dataset-name rule: letters, digits, `-`, `_`, not starting with `-` or `_`.
    name: name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[-_]+/, '') || 'modeval',
    status: 'draft',
    guidelines,
    allow_extra_metadata: false,
    distribution: null,
    workspace_id: null,
    last_activity_at: null,
  };
}

export interface ArgillaSuggestion {
  /** A label; a list of policies for a multi-label question. */
  value: string | string[];
  score: number;
  agent: string;
}

/** One `Record.to_dict()` (`records/_resource.py`). */
export interface ArgillaRecordDict {
  id: string;
  fields: Record<string, string>;
  metadata: Record<string, MetadataValue>;
  suggestions: Record<string, ArgillaSuggestion>;
  responses: Record<string, { value: unknown; user_id: string; status?: string }[]>;
  vectors: Record<string, number[]>;
  _server_id: null;
}

/** A suggestion's value: the label, or the policies of a multi-label question (NO_POLICY when none). */
function answerOf(view: TaskView, predicted: LabelValue): string | string[] {
  return view.valueOf(choicesOf(view.labelsOf(predicted))) as string | string[];
}

function metadataOf(x: ReviewItem, cols: readonly MetadataColumn[]): Record<string, MetadataValue> {
  // Absent rather than null: a null metadata value is rejected by the server for numeric properties.
  const out: Record<string, MetadataValue> = {};
  for (const c of cols) {
    const v = c.value(x);
    if (v !== null) out[c.name] = v;
  }
  return out;
}

export function argillaRecords(batch: ArgillaBatch): ArgillaRecordDict[] {
  const { items, blind, view } = batch;
  const cols = metadataColumns(batch);
  return items.map((x): ArgillaRecordDict => {
    const m0 = x.models[0];
    const suggestions: Record<string, ArgillaSuggestion> = {};
    if (!blind && m0) {
      suggestions[ARGILLA_QUESTION] = {
        value: answerOf(view, m0.predicted),
        score: m0.score,
        agent: m0.model,
      };
    }
    return {
      id: x.externalId,
      fields: { [ARGILLA_FIELD]: x.text },
      metadata: metadataOf(x, cols),
      suggestions,
      responses: {},
      vectors: {},
      _server_id: null,
    };
  });
}

/** Flat dicts for `dataset.records.log` (keys: `id`, field, question and metadata names). */
export function argillaLogRecords(batch: ArgillaBatch): Record<string, MetadataValue | string[]>[] {
  const { items, blind, view } = batch;
  const cols = metadataColumns(batch);
  return items.map((x) => {
    const m0 = x.models[0];
    const flat: Record<string, MetadataValue | string[]> = { id: x.externalId, [ARGILLA_FIELD]: x.text };
    Object.assign(flat, metadataOf(x, cols));
    if (!blind && m0) {
      flat[ARGILLA_QUESTION] = answerOf(view, m0.predicted);
      flat[ARGILLA_LOG_SCORE] = m0.score;
      flat[ARGILLA_LOG_AGENT] = m0.model;
    }
    return flat;
  });
}
