import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isoWeek } from '../../src/labelers/drift.js';
import { labelers } from '../../src/labelers/labelers.js';
import { cochranArmitage } from '../../src/metrics/trend.js';
import { Xoshiro128 } from '../../src/util/prng.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

/** ISO 8601 weeks, against Python's `datetime.date.isocalendar()` (printed once, copied here). */
describe('isoWeek', () => {
  it.each([
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2024-12-30', '2025-W01'],
    ['2026-01-01', '2026-W01'],
    ['2026-01-05', '2026-W02'],
    ['2027-01-01', '2026-W53'],
    ['2025-12-31', '2026-W01'],
    ['2020-12-31', '2020-W53'],
  ])('%s is %s', (day, week) => {
    expect(isoWeek(Date.parse(`${day}T00:00:00Z`))).toBe(week);
    expect(isoWeek(Date.parse(`${day}T23:59:59.999Z`))).toBe(week);
  });
});

/**
 * Drift end to end on a hand-made log: no bundled real dataset has dated or batched judgements by
 * several annotators, so this SYNTHETIC log plants the shapes (seeded): three annotators, eight
 * batches of 40 items each; `<script>` drops from 95% to 60% from batch 6 on, the others stay at 95%.
 * Batch names sort differently by name (`batch-10` < `batch-3`) than by time, which must order them.
 */
function driftLog(dir: string): { dataset: string; log: string } {
  const labels = ['ham', 'spam'];
  const batches = [3, 4, 5, 6, 7, 8, 9, 10];
  const ids = Array.from({ length: 40 * batches.length }, (_, i) => `item-${i}`);
  const golden = ids.map((_, i) => labels[i % 2]!);
  const dataset = join(dir, 'drift.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: new Utf8() },
    text: { values: ids.map((id) => `synthetic text of ${id}`), type: new Utf8() },
    label: { values: golden, type: new Utf8() },
  });
  writeFileSync(join(dir, 'drift.spec.json'), JSON.stringify({ labels }));
  const rng = new Xoshiro128(11);
  const rows: string[] = [];
  ids.forEach((id, i) => {
    const b = Math.floor(i / 40);
    for (const annotator of ['__proto__', '<script>', 'steady']) {
      const p = annotator === '<script>' && b >= 5 ? 0.6 : 0.95;
      const right = rng.nextFloat() < p;
      const label = right ? golden[i]! : labels[1 - (i % 2)]!;
      const day = String(1 + b).padStart(2, '0');
      rows.push(
        JSON.stringify({
          item_id: id,
          annotator,
          label,
          batch: `batch-${batches[b]}`,
          timestamp: `2026-03-${day}T09:00:00Z`,
        }),
      );
    }
  });
  const log = join(dir, 'drift.jsonl');
  writeFileSync(log, rows.join('\n'));
  return { dataset, log };
}

describe('drift by batch', () => {
  it('finds the planted drop of one annotator, not the others; batches in time order', async () => {
    const { dataset, log } = driftLog(tmp());
    const r = await labelers({ dataset, log, by: 'batch', resamples: 999 });
    const d = r.views[0]!.drift!;
    expect(d.by).toBe('batch');
    expect(r.settings.by).toBe('batch');
    expect(d.unplaced).toBe(0);
    expect(d.team.periods.map((p) => p.period)).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map((b) => `batch-${b}`));
    const by = new Map(d.annotators.map((a) => [a.annotator, a]));
    const script = by.get('<script>')!;
    expect(script.verdict).toBe('drop');
    expect(script.changePoint!.period).toBe('batch-8');
    expect(script.changePoint!.adjusted).toBeLessThanOrEqual(0.05);
    expect(script.trend!.z).toBeLessThan(0);
    expect(by.get('__proto__')!.verdict).toBe('no evidence');
    expect(by.get('steady')!.verdict).toBe('no evidence');
    // The series' counts are the judgements' own: 40 per batch per annotator, tallied again here.
    for (const a of d.annotators) expect(a.periods.every((p) => p.n === 40)).toBe(true);
    // The tests reported are the metric functions on those counts.
    const x = script.periods.map((p) => p.x);
    const n = script.periods.map((p) => p.n);
    expect(script.trend!.z).toBeCloseTo(cochranArmitage(x, n)!.z, 12);
    expect(d.tests).toMatch(/Cochran–Armitage/);
  });

  it('by week on the same log: one series per ISO week; by batch without a batch column is refused', async () => {
    const { dataset, log } = driftLog(tmp());
    const r = await labelers({ dataset, log, resamples: 199 });
    const d = r.views[0]!.drift!;
    expect(d.by).toBe('iso-week');
    // 2026-03-01 is a Sunday (W09); 02-08 are W10.
    expect(d.team.periods.map((p) => [p.period, p.n])).toEqual([
      ['2026-W09', 120],
      ['2026-W10', 840],
    ]);
    const undated = join(tmp(), 'no-batch.jsonl');
    writeFileSync(undated, JSON.stringify({ item_id: 'item-0', annotator: 'a', label: 'ham' }));
    await expect(labelers({ dataset, log: undated, by: 'batch' })).rejects.toThrow(/batch column/);
  });
});
