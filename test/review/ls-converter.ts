/**
 * Label Studio's JSON-MIN and CSV exports derived from its JSON export, written here (in the test
 * suite, independently of modeval's readers) from label-studio-sdk's converter:
 * - `converter/converter.py` `annotation_result_from_task`: a task without annotations gives one
 *   row with no output and `completed_by: {}`; cancelled (`was_cancelled`/`skipped`) annotations
 *   are dropped; the others give one row each, newest `created_at` first; only results whose
 *   `from_name` is a control of the config are kept (`value` plus the control's `type`);
 * - `convert_to_json_min`: the task data, `id` (the task's), each control's prettified result,
 *   `annotator` (`get_annotator(item, int_id=True)`), `annotation_id`, `created_at`,
 *   `updated_at`, `lead_time`; nothing else of the annotation (no `ground_truth`, no `import_id`);
 * - `converter/utils.py` `prettify_result`: one Choices result with one choice is the choice
 *   string, with several the value without its type (`{"choices": [...]}`); `get_annotator`: the
 *   e-mail of an expanded user, else the integer id (JSON-MIN) or its string (CSV);
 * - `converter/exports/csv2.py`: the same fields; dict and list cells (task data, several choices)
 *   as `ujson.dumps` writes them (compact, `/` escaped as `\/`), columns sorted by name, every
 *   non-numeric cell quoted (`csv.QUOTE_NONNUMERIC`), CRLF line ends.
 */
export interface LsAnnotation {
  id: number;
  completed_by: number | { id: number; email: string };
  result: { from_name: string; type: string; value: { choices: string[] } }[];
  was_cancelled?: boolean;
  created_at: string;
  updated_at: string;
  lead_time: number | null;
}

export interface LsTask {
  id: number;
  data: Record<string, unknown>;
  annotations: LsAnnotation[];
}

/** The controls of modeval's labelling config (`labelstudio-config.xml`): one Choices named `label`. */
const CONTROLS = new Map([['label', 'Choices']]);

type Item = { task: LsTask; output: Map<string, { choices: string[] }[]>; annotation: LsAnnotation | null };

function items(tasks: readonly LsTask[]): Item[] {
  return tasks.flatMap((task): Item[] => {
    if (task.annotations.length === 0) return [{ task, output: new Map(), annotation: null }];
    const kept = task.annotations.filter((a) => !a.was_cancelled);
    // Python's sort is stable, as is Array.prototype.sort.
    const newest = [...kept].sort((a, b) =>
      a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0,
    );
    return newest.map((annotation) => {
      const output = new Map<string, { choices: string[] }[]>();
      for (const r of annotation.result) {
        if (!CONTROLS.has(r.from_name)) continue;
        output.set(r.from_name, [...(output.get(r.from_name) ?? []), { choices: r.value.choices }]);
      }
      return { task, output, annotation };
    });
  });
}

function prettify(values: { choices: string[] }[]): unknown {
  const out = values.map((v) => (v.choices.length === 1 ? v.choices[0] : { choices: v.choices }));
  return out.length === 1 ? out[0] : out;
}

function annotator(a: LsAnnotation | null, intId: boolean): string | number | null {
  const by = a?.completed_by;
  if (by === undefined) return null; // `completed_by: {}` has no e-mail
  if (typeof by === 'object') return by.email;
  return intId ? by : String(by);
}

export function jsonMinExport(tasks: readonly LsTask[]): Record<string, unknown>[] {
  return items(tasks).map(({ task, output, annotation }) => {
    const row: Record<string, unknown> = { ...structuredClone(task.data), id: task.id };
    for (const [name, value] of output) row[name] = prettify(value);
    row.annotator = annotator(annotation, true);
    row.annotation_id = annotation?.id ?? null;
    row.created_at = annotation?.created_at ?? null;
    row.updated_at = annotation?.updated_at ?? null;
    row.lead_time = annotation?.lead_time ?? null;
    return row;
  });
}

/** `ujson.dumps(v, ensure_ascii=False)`: compact JSON with `/` escaped (ujson's default). */
const ujsonDumps = (v: unknown) => JSON.stringify(v).replace(/\//g, '\\/');

function csvCell(v: unknown): string {
  if (typeof v === 'number') return String(v);
  const s = v === null || v === undefined ? '' : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvExport(tasks: readonly LsTask[]): string {
  const rows = items(tasks).map(({ task, output, annotation }) => {
    const row: Record<string, unknown> = { id: task.id };
    for (const [name, value] of output) {
      const pretty = prettify(value);
      row[name] = typeof pretty === 'string' ? pretty : ujsonDumps(pretty);
    }
    for (const [k, v] of Object.entries(task.data)) {
      row[k] = v !== null && typeof v === 'object' ? ujsonDumps(v) : v;
    }
    row.annotator = annotator(annotation, false);
    row.annotation_id = annotation?.id ?? null;
    row.created_at = annotation?.created_at ?? null;
    row.updated_at = annotation?.updated_at ?? null;
    row.lead_time = annotation?.lead_time ?? null;
    return row;
  });
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const lines = [keys.map(csvCell).join(','), ...rows.map((r) => keys.map((k) => csvCell(r[k])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
