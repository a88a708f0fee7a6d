import type { CommandModule } from 'yargs';
import { type InspectReport, inspectDataset } from '../dataset/inspect.js';
import { percent } from '../render/numbers.js';
import { renderTable, terminalText } from '../render/terminal.js';

interface InspectArgs {
  dataset: string;
  spec?: string;
  json: boolean;
}

export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <dataset>',
  describe:
    'Describe a dataset: schema, rows, label and slice distributions, annotators, validation problems',
  builder: (y) =>
    y
      .positional('dataset', { type: 'string', demandOption: true, describe: 'Arrow IPC file or stream' })
      .option('spec', {
        type: 'string',
        describe: 'dataset spec JSON (default: <name>.spec.json or spec.json beside it)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .example(
        '$0 inspect datasets/spamassassin/build/golden.arrow',
        'label and slice distributions of the golden set',
      ),
  handler: async (args) => {
    const report = await inspectDataset(args.dataset, args.spec ? { spec: args.spec } : {});
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspect(report));
  },
};

export function formatInspect(r: InspectReport): string {
  const v = r.validation;
  const out: string[] = [];
  out.push(`${r.file}  (Arrow ${r.format}, ${(r.sizeBytes / 1e6).toFixed(1)} MB, spec: ${r.specOrigin})`);
  out.push(
    `rows ${v.rows.toLocaleString('en-US')} in ${v.batches} batches · valid ${v.valid.toLocaleString('en-US')} · ` +
      `unlabelled ${v.unlabelled} · rejected ${v.rejected} · task ${r.task}`,
  );
  if (r.id.hint !== undefined) out.push(r.id.hint);
  out.push('');
  out.push(
    renderTable(
      ['column', 'type', 'role'],
      r.columns.map((c) => [c.name, c.type, c.role]),
      { title: 'Schema' },
    ),
  );
  const labelled = Object.values(r.labels.counts).reduce((a, b) => a + b, 0);
  out.push('');
  out.push(
    renderTable(
      ['label', 'rows', 'share'],
      Object.entries(r.labels.counts).map(([l, n]) => [l, n, percent(n, labelled)]),
      {
        title: `Labels${r.labels.declared ? ` (declared: ${r.labels.declared.join(', ')})` : ' (observed)'}`,
      },
    ),
  );
  for (const [name, s] of Object.entries(r.slices)) {
    const shown = s.values.slice(0, 12);
    const rows: (string | number)[][] = shown.map(([value, n]) => [value, n, percent(n, v.valid)]);
    const hidden = s.values.slice(12).reduce((a, [, n]) => a + n, 0) + s.otherRows;
    if (hidden > 0)
      rows.push([
        `(${s.distinct - shown.length}${s.truncated ? '+' : ''} more)`,
        hidden,
        percent(hidden, v.valid),
      ]);
    if (s.nullRows > 0) rows.push(['(null)', s.nullRows, percent(s.nullRows, v.valid)]);
    out.push('');
    out.push(
      renderTable([name, 'rows', 'share'], rows, {
        title: `Slice ${name}: ${s.distinct}${s.truncated ? '+' : ''} values`,
      }),
    );
  }
  if (r.annotators) {
    out.push('');
    out.push(
      renderTable(
        ['annotator', 'items labelled'],
        Object.entries(r.annotators.perAnnotator).map(([a, n]) => [a, n]),
        { title: `Annotators (${r.annotators.itemsWithAnnotations} items with annotations)` },
      ),
    );
  }
  out.push('');
  if (v.rejected === 0) out.push('Validation: no problems found.');
  else {
    out.push(
      renderTable(
        ['problem', 'rows'],
        Object.entries(v.problems).map(([k, n]) => [k, n]),
        { title: `Validation: ${v.rejected} rows would be rejected` },
      ),
    );
    out.push('');
    out.push(
      renderTable(
        ['batch', 'row', 'id', 'field', 'problem'],
        v.examples.map((p) => [p.batch, p.row, p.id, p.field, p.message]),
        { title: 'First problems' },
      ),
    );
  }
  return terminalText(`${out.join('\n')}\n`);
}
