import type { CommandModule } from 'yargs';
import { type PlanReport, type PlanRow, PlanSettingsSchema } from '../contracts/plan-report.js';
import { OUTPUT_FILES, writeJsonOutput } from '../io/outputs.js';
import { plan } from '../plan/plan.js';
import { f3 } from '../render/numbers.js';
import { type Cell, renderTable } from '../render/terminal.js';

interface PlanArgs {
  metrics?: string;
  model?: string;
  prevalence?: number;
  target?: number;
  drop: number;
  width: number;
  level: number;
  alpha: number;
  power: number;
  discordance?: number;
  'max-rows': number;
  out?: string;
  json: boolean;
}

const defaults = PlanSettingsSchema.parse({});

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan',
  describe:
    'Size the golden set: per policy and slice, the labelled items for a recall interval of a given width and to see a given drop between two model versions',
  builder: (y) =>
    y
      .option('metrics', { type: 'string', describe: 'a metrics.json from `modeval eval`' })
      .option('model', { type: 'string', describe: 'plan for this model of the metrics.json only' })
      .option('prevalence', {
        type: 'number',
        describe: 'without metrics: share of items of the policy class (e.g. 0.3)',
      })
      .option('target', {
        type: 'number',
        describe: 'without metrics: the recall expected today (e.g. 0.95)',
      })
      .option('drop', {
        type: 'number',
        default: defaults.drop,
        describe: 'recall drop to detect (0.02 = 2 points)',
      })
      .option('width', {
        type: 'number',
        default: defaults.width,
        describe: 'full width of the recall interval to aim for (0.04 = ±2 points)',
      })
      .option('level', { type: 'number', default: defaults.level, describe: 'interval coverage' })
      .option('alpha', {
        type: 'number',
        default: defaults.alpha,
        describe: "McNemar's test level (two-sided)",
      })
      .option('power', { type: 'number', default: defaults.power, describe: 'power to detect the drop' })
      .option('discordance', {
        type: 'number',
        describe:
          'share of the class items two versions disagree on, if known (default: assume independent errors, which overstates it)',
      })
      .option('max-rows', {
        type: 'number',
        default: 25,
        describe: 'slice rows printed per model, largest first',
      })
      .option('out', { type: 'string', describe: 'folder to write plan.json into' })
      .option('json', { type: 'boolean', default: false, describe: 'print plan.json instead of tables' })
      .example('$0 plan --metrics out/demo/spam-v2/metrics.json', 'how many golden items each slice needs')
      .example('$0 plan --prevalence 0.3 --target 0.95 --drop 0.02', 'size a new golden set from scratch'),
  handler: async (args) => {
    const report = await plan({
      ...(args.metrics !== undefined ? { metrics: args.metrics } : {}),
      ...(args.model !== undefined ? { model: args.model } : {}),
      ...(args.prevalence !== undefined ? { prevalence: args.prevalence } : {}),
      ...(args.target !== undefined ? { target: args.target } : {}),
      ...(args.discordance !== undefined ? { discordance: args.discordance } : {}),
      drop: args.drop,
      width: args.width,
      level: args.level,
      alpha: args.alpha,
      power: args.power,
    });
    let path: string | undefined;
    if (args.out !== undefined) path = await writeJsonOutput(OUTPUT_FILES.plan, args.out, report);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    process.stdout.write(formatPlan(report, args['max-rows']));
    if (path) process.stdout.write(`\nwrote ${path}\n`);
  },
};

const percent = (x: number | null): Cell => (x === null ? '—' : `${Math.round(x * 100)}%`);

function needCells(r: PlanRow): Cell[] {
  return [r.forWidth?.relevant, r.forWidth?.more, r.forDrop?.relevant, r.forDrop?.more];
}

/** The plan as terminal tables: the whole set first, then the largest slices. */
export function formatPlan(report: PlanReport, maxRows: number): string {
  const s = report.settings;
  const pts = (x: number) => `${+(x * 100).toFixed(2)}`;
  const out: string[] = [];
  const head = [
    'scope',
    'policy',
    'items',
    'of class',
    'recall',
    'planning',
    `class items for a ${pts(s.width)}-pt interval`,
    'more items',
    `class items for −${pts(s.drop)} pts`,
    'more items',
    'power there',
    'power now',
  ];
  for (const m of report.models) {
    const rows = [...m.rows]
      .sort((a, b) => (a.slice === null ? -1 : b.slice === null ? 1 : b.items - a.items))
      .slice(0, maxRows + 1);
    const cells: Cell[][] = rows.map((r) => [
      r.slice === null
        ? 'all'
        : `${r.slice.columns.join(' × ')} = ${r.slice.values.map((v) => v ?? '(null)').join(' × ')}`,
      r.policy,
      r.items,
      r.relevant,
      f3(r.recall),
      f3(r.planningRecall),
      ...needCells(r),
      percent(r.powerAtDrop),
      percent(r.powerNow),
    ]);
    const title = m.name === null ? 'Golden-set plan' : `Golden-set plan for ${m.name}`;
    out.push(renderTable(head, cells, { title }));
    const left = m.rows.length - rows.length;
    if (left > 0) out.push(`(${left} smaller slices in plan.json / --json)`);
    out.push('');
  }
  out.push(`Interval: ${report.definitions.width}.`);
  out.push(`Drop: ${report.definitions.drop}.`);
  out.push(`Planning value: ${report.definitions.planningValue}.`);
  return `${out.join('\n')}\n`;
}
