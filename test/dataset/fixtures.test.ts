import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  generateSyntheticModeration,
  LANGUAGE_WEIGHTS,
  POLICY_LABELS,
  type SyntheticRow,
  syntheticScores,
  writeSyntheticModeration,
} from '../../datasets/fixtures/synthetic.js';
import { annotationsColumn, stringColumn, stringListColumn } from '../../src/dataset/columns.js';
import { useTmpDir } from '../helpers/tmp.js';

function share<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  return xs.filter(pred).length / xs.length;
}

/** Each annotator's judgement of each row, rebuilt from the annotations column alone. */
function judgements(row: SyntheticRow): Map<string, string[]> {
  const byAnnotator = new Map<string, string[]>();
  for (const a of row.annotations)
    byAnnotator.set(a.annotator, [...(byAnnotator.get(a.annotator) ?? []), a.label]);
  return byAnnotator;
}

function observedDisagreement(rows: readonly SyntheticRow[]): number {
  let total = 0;
  let differ = 0;
  for (const row of rows) {
    const gold = (row.labels ?? [row.label!]).slice().sort().join('|');
    for (const labels of judgements(row).values()) {
      total++;
      if (labels.slice().sort().join('|') !== gold) differ++;
    }
  }
  return differ / total;
}

describe('synthetic moderation fixtures', () => {
  const tmp = useTmpDir();

  it('is deterministic by seed, and a different seed gives different rows', () => {
    const a = generateSyntheticModeration({ seed: 7, rows: 500, task: 'multiclass' });
    const b = generateSyntheticModeration({ seed: 7, rows: 500, task: 'multiclass' });
    const c = generateSyntheticModeration({ seed: 8, rows: 500, task: 'multiclass' });
    expect(b.rows).toEqual(a.rows);
    expect(b.metadata).toEqual(a.metadata);
    expect(c.rows.map((r) => r.label)).not.toEqual(a.rows.map((r) => r.label));
  });

  it('texts say they are synthetic; ids are unique', () => {
    const set = generateSyntheticModeration({ seed: 1, rows: 1000, task: 'multilabel' });
    expect(set.rows.every((r) => /^synthetic sample \d+ about [a-z]+ \([a-z]{2}\)$/.test(r.text))).toBe(true);
    expect(new Set(set.rows.map((r) => r.id)).size).toBe(1000);
    expect(set.metadata['modeval.synthetic']).toBe('true');
  });

  it('multiclass label and slice distributions are sane', () => {
    const { rows } = generateSyntheticModeration({ seed: 42, rows: 20_000, task: 'multiclass' });
    expect(share(rows, (r) => r.label === 'benign')).toBeCloseTo(0.5, 1);
    expect(share(rows, (r) => r.label === 'spam')).toBeCloseTo(0.15, 1);
    for (const label of POLICY_LABELS) expect(share(rows, (r) => r.label === label)).toBeGreaterThan(0.02);
    for (const [language, weight] of Object.entries(LANGUAGE_WEIGHTS)) {
      expect(Math.abs(share(rows, (r) => r.language === language) - weight)).toBeLessThan(0.02);
    }
    // Region follows language: German is only in EU, Hindi only in APAC, Spanish never in NA.
    expect(new Set(rows.filter((r) => r.language === 'de').map((r) => r.region))).toEqual(new Set(['EU']));
    expect(new Set(rows.filter((r) => r.language === 'hi').map((r) => r.region))).toEqual(new Set(['APAC']));
    expect(new Set(rows.filter((r) => r.language === 'es').map((r) => r.region))).toEqual(
      new Set(['LATAM', 'EU']),
    );
    expect(rows.every((r) => r.labels === null)).toBe(true);
  });

  it('multilabel golden labels: never empty, benign exclusive, some rows with several labels', () => {
    const { rows } = generateSyntheticModeration({ seed: 3, rows: 10_000, task: 'multilabel' });
    expect(rows.every((r) => r.labels !== null && r.labels.length > 0 && r.label === null)).toBe(true);
    expect(rows.every((r) => !r.labels!.includes('benign') || r.labels!.length === 1)).toBe(true);
    expect(share(rows, (r) => r.labels![0] === 'benign')).toBeCloseTo(0.5, 1);
    const multi = share(rows, (r) => r.labels!.length > 1);
    // 1 - 0.85^5 ≈ 0.56 of harmful rows carry a second label; harmful rows are about half.
    expect(multi).toBeGreaterThan(0.2);
    expect(multi).toBeLessThan(0.35);
  });

  for (const task of ['multiclass', 'multilabel'] as const) {
    it(`${task}: realised annotator disagreement is close to the requested rate and recorded exactly`, () => {
      for (const disagreement of [0, 0.1, 0.35]) {
        const set = generateSyntheticModeration({ seed: 11, rows: 6000, task, annotators: 4, disagreement });
        const observed = observedDisagreement(set.rows);
        // The generator's own count and one rebuilt from the annotations column agree exactly.
        expect(observed).toBeCloseTo(set.realisedDisagreement, 12);
        expect(Number(set.metadata['modeval.synthetic.realised_disagreement'])).toBe(
          set.realisedDisagreement,
        );
        // 24,000 judgements: the binomial standard deviation is at most 0.0031.
        expect(Math.abs(observed - disagreement)).toBeLessThan(0.015);
        if (disagreement === 0) expect(observed).toBe(0);
        expect(set.rows.every((r) => judgements(r).size === 4)).toBe(true);
      }
    });
  }

  it('writes Arrow with the writer; the dataset readers get the same rows and the metadata', async () => {
    const dest = join(tmp(), 'synthetic.arrow');
    const set = await writeSyntheticModeration(dest, {
      seed: 5,
      rows: 9000,
      task: 'multilabel',
      disagreement: 0.25,
    });
    const reader = await RecordBatchReader.from(await open(dest));
    await reader.open();
    const meta = reader.schema.metadata;
    expect(meta.get('modeval.synthetic.requested_disagreement')).toBe('0.25');
    expect(meta.get('modeval.synthetic.realised_disagreement')).toBe(String(set.realisedDisagreement));
    const back: SyntheticRow[] = [];
    let batches = 0;
    for await (const batch of reader) {
      batches++;
      const col = (name: string) => batch.getChild(name)!.data[0]!;
      const ids = stringColumn(col('id'));
      const labels = stringListColumn(col('labels'));
      const annotations = annotationsColumn(col('annotations'));
      for (let i = 0; i < batch.numRows; i++) {
        back.push({
          id: ids.get(i)!,
          text: stringColumn(col('text')).get(i)!,
          language: stringColumn(col('language')).get(i) as SyntheticRow['language'],
          region: stringColumn(col('region')).get(i)!,
          label: null,
          labels: labels.get(i) as SyntheticRow['labels'],
          annotations: annotations.get(i)!.map((a) => ({ annotator: a.annotator, label: a.label! })),
        });
      }
    }
    expect(batches).toBe(3);
    expect(back).toEqual(set.rows);
  });

  it('syntheticScores (multiclass): argmax is right at about the requested accuracy; rows are distributions', () => {
    const { rows } = generateSyntheticModeration({ seed: 9, rows: 10_000, task: 'multiclass' });
    const golden = rows.map((r) => r.label!);
    const s = syntheticScores(golden, { seed: 9, task: 'multiclass', accuracy: 0.8 });
    const k = s.labels.length;
    let correct = 0;
    for (let i = 0; i < golden.length; i++) {
      const row = Array.from(s.scores.subarray(i * k, (i + 1) * k));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const top = s.labels[row.indexOf(Math.max(...row))]!;
      expect(top).toBe(s.predicted[i]);
      if (top === golden[i]) correct++;
    }
    expect(correct / golden.length).toBe(s.realisedAccuracy);
    expect(Math.abs(s.realisedAccuracy - 0.8)).toBeLessThan(0.015);
    expect(syntheticScores(golden, { seed: 9, task: 'multiclass', accuracy: 0.8 }).scores).toEqual(s.scores);
  });

  it('syntheticScores (multilabel): label decisions at 0.5 are right at about the requested accuracy', () => {
    const { rows } = generateSyntheticModeration({ seed: 10, rows: 4000, task: 'multilabel' });
    const golden = rows.map((r) => r.labels!);
    const s = syntheticScores(golden, { seed: 10, task: 'multilabel', accuracy: 0.9 });
    const k = s.labels.length;
    let right = 0;
    for (let i = 0; i < golden.length; i++) {
      const flagged = s.labels.filter((_, j) => s.scores[i * k + j]! >= 0.5);
      expect(flagged).toEqual(s.predicted[i]);
      right += s.labels.filter((l) => flagged.includes(l) === golden[i]!.includes(l as never)).length;
    }
    expect(right / (golden.length * k)).toBeCloseTo(s.realisedAccuracy, 12);
    expect(Math.abs(s.realisedAccuracy - 0.9)).toBeLessThan(0.01);
  });
});
