import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs, { type CommandModule } from 'yargs';
import { evalCommand } from '../../src/cli/eval.js';
import { MetricsReportSchema } from '../../src/contracts/metrics-report.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { formatInterval, formatMetrics } from '../../src/render/metrics-tables.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writePredictions } from './fixtures.js';

const tmp = useTmpDir();
const U = new Utf8();

/** SYNTHETIC binary set: 40 rows, two markets × two channels (a declared crossing). */
function fixture(dir: string): { dataset: string; preds: string } {
  const n = 40;
  const ids = Array.from({ length: n }, (_, i) => `r${i}`);
  const truth = ids.map((_, i) => (i % 4 === 0 || i % 7 === 0 ? 'spam' : 'ham'));
  const dataset = join(dir, 'set.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: ids, type: U },
    label: { values: truth, type: U },
    market: { values: ids.map((_, i) => (i < 30 ? 'us' : 'de')), type: U },
    channel: { values: ids.map((_, i) => (i % 2 === 0 ? 'mail' : 'chat')), type: U },
  });
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam', crossings: [['market', 'channel']] }),
  );
  const preds = join(dir, 'p.arrows');
  writePredictions(preds, {
    labels: ['ham', 'spam'],
    ids,
    // Scores rank spam first except two swapped items (i = 1 scored high, i = 4 scored low).
    scores: truth.map((t, i) => {
      const p = i === 1 ? 0.9 : i === 4 ? 0.1 : t === 'spam' ? 0.7 + i / 1000 : 0.3 - i / 1000;
      return [1 - p, p];
    }),
  });
  return { dataset, preds };
}

async function runCli(argv: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await yargs(argv)
      .command(evalCommand as unknown as CommandModule)
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync();
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('modeval eval', () => {
  it('prints per-class and per-slice tables with intervals, and writes metrics.json', async () => {
    const dir = tmp();
    const { dataset, preds } = fixture(dir);
    const out = join(dir, 'out');
    const text = await runCli([
      'eval',
      '--predictions',
      preds,
      '--dataset',
      dataset,
      '--out',
      out,
      '--resamples',
      '200',
    ]);
    const report = MetricsReportSchema.parse(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')));
    const m = report.models[0]!;
    expect(report.definitions.bootstrap.scoreIntervals).toBe(true);
    expect(text).toContain(`ROC-AUC            ${formatInterval(m.overall.rocAuc.interval!)}`);
    expect(text).toContain('Per class (95% CI)');
    expect(text).toContain(formatInterval(m.perClass[1]!.recall));
    expect(text).toMatch(/Slice market × channel/);
    // 38 of 40 right: the two swapped items are the only errors.
    expect(m.overall.accuracy!.estimate).toBe(38 / 40);
    expect(text).toContain(`accuracy           ${formatInterval(m.overall.accuracy)}`);
    // Every slice of 10 or 20 items is below the default 30 and flagged.
    const crossing = m.slices.find((s) => s.columns.length === 2)!;
    expect(crossing.values.map((v) => [v.values, v.metrics.n, v.small])).toEqual([
      [['de', 'chat'], 5, true],
      [['de', 'mail'], 5, true],
      [['us', 'chat'], 15, true],
      [['us', 'mail'], 15, true],
    ]);
    expect(text).toMatch(/us\s+×\s+mail\s+15/);
    expect(text).toContain('small');
    expect(text).toContain(`wrote ${join(out, 'metrics.json')}`);
  });

  it('--json prints the report; --min-slice-support changes the flag', async () => {
    const dir = tmp();
    const { dataset, preds } = fixture(dir);
    const out = join(dir, 'out');
    const text = await runCli([
      'eval',
      '--predictions',
      preds,
      '--dataset',
      dataset,
      '--out',
      out,
      '--resamples',
      '50',
      '--min-slice-support',
      '10',
      // Only the item count decides here: no class-support or interval-width flag.
      '--min-class-support',
      '0',
      '--max-interval-width',
      '1',
      '--no-score-intervals',
      '--json',
    ]);
    const report = MetricsReportSchema.parse(JSON.parse(text));
    expect(report.definitions.slices.minSupport).toBe(10);
    expect(report.definitions.slices.minClassSupport).toBe(0);
    expect(report.definitions.slices.maxIntervalWidth).toBe(1);
    expect(report.definitions.bootstrap.scoreIntervals).toBe(false);
    expect(report.models[0]!.overall.rocAuc.interval).toBeNull();
    const market = report.models[0]!.slices.find((s) => s.columns[0] === 'market')!;
    expect(market.values.map((v) => [v.values[0], v.small])).toEqual([
      ['de', false],
      ['us', false],
    ]);
    expect(existsSync(join(out, 'metrics.json'))).toBe(true);
  });

  it('measures only the largest values of a slice column and counts the rest', async () => {
    const dir = tmp();
    const { dataset, preds } = fixture(dir);
    const { report } = await evaluate({ dataset, predictions: [preds], resamples: 20, maxSliceValues: 1 });
    const market = report.models[0]!.slices.find((s) => s.columns[0] === 'market')!;
    expect(market.values.map((v) => [v.values[0], v.metrics.n])).toEqual([['us', 30]]);
    expect(market.omitted).toEqual({ values: 1, rows: 10 });
    expect(formatMetrics(report)).toContain('Slice market; 1 smaller values (10 rows) not measured');
  });

  it('formats an interval, and an undefined one as a dash', () => {
    const base = {
      level: 0.95,
      method: 'percentile-bootstrap' as const,
      resamples: 10,
      undefinedResamples: 0,
      seed: 0,
    };
    expect(formatInterval({ ...base, estimate: 0.91234, low: 0.9, high: 0.93 })).toBe('0.912 [0.900, 0.930]');
    expect(formatInterval({ ...base, estimate: null, low: null, high: null })).toBe('—');
  });
});
