import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Struct, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeSyntheticModeration } from '../../datasets/fixtures/synthetic.js';
import { LabelersReportSchema } from '../../src/contracts/labelers-report.js';
import { labelers } from '../../src/labelers/labelers.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * The labelers stage end to end. No bundled real dataset carries several annotators per item
 * (the SpamAssassin and fortunes golden sets have one curated label each), so the set-level tests
 * use the SYNTHETIC fixtures of datasets/fixtures (seeded, known disagreement rate) and small
 * hand-made tables for the shapes those lack (repeats, times, a weak annotator, hostile names).
 */

const tmp = useTmpDir();
const U = new Utf8();
const annType = new List(
  new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
);

const fast = { resamples: 200 };

/** Everything but where the judgements came from. */
function withoutSource(r: unknown) {
  const copy = structuredClone(r) as { inputs: { judgements: string } };
  copy.inputs.judgements = '<source>';
  return copy;
}

describe('labelers on the synthetic multiclass fixture', () => {
  it('a long log (JSONL, CSV, shuffled) gives the same labelers.json as the wide annotations column', async () => {
    const dataset = join(tmp(), 'syn.arrow');
    const set = await writeSyntheticModeration(dataset, {
      seed: 5,
      rows: 400,
      task: 'multiclass',
      annotators: 4,
    });
    const wide = await labelers({ dataset, ...fast });
    LabelersReportSchema.parse(wide);
    const rows = set.rows.flatMap((r) =>
      r.annotations.map((a) => ({ item_id: r.id, annotator: a.annotator, label: a.label })),
    );
    const jsonl = join(tmp(), 'log.jsonl');
    writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n'));
    const csv = join(tmp(), 'log.csv');
    // Reversed rows: the table's canonical order makes the row order irrelevant.
    writeFileSync(
      csv,
      `item_id,annotator,label\n${[...rows]
        .reverse()
        .map((r) => `${r.item_id},${r.annotator},${r.label}`)
        .join('\n')}\n`,
    );
    const fromJsonl = await labelers({ dataset, log: jsonl, ...fast });
    const fromCsv = await labelers({ dataset, log: csv, ...fast });
    expect(fromJsonl.inputs.judgements).toBe('log.jsonl');
    expect(wide.inputs.judgements).toBe('annotations column "annotations"');
    expect(withoutSource(fromJsonl)).toEqual(withoutSource(wide));
    expect(withoutSource(fromCsv)).toEqual(withoutSource(wide));
    // The fixture's realised disagreement is the complement of the team's accuracy.
    const view = wide.views[0]!;
    expect(view.team.value).toBeCloseTo(1 - set.realisedDisagreement, 12);
    expect(wide.counts).toMatchObject({ items: 400, judgements: 1600, annotators: 4 });
    // The wide column has no timestamps: no drift.
    expect(view.drift).toBeNull();
  });
});

describe('labelers on the synthetic multi-policy fixture', () => {
  it('one yes/no view per policy; a log of policy lists equals the wide column', async () => {
    const dataset = join(tmp(), 'ml.arrow');
    const set = await writeSyntheticModeration(dataset, {
      seed: 6,
      rows: 300,
      task: 'multilabel',
      annotators: 3,
    });
    const wide = await labelers({ dataset, ...fast });
    const byJudgement = new Map<string, { item_id: string; annotator: string; labels: string[] }>();
    for (const r of set.rows) {
      for (const a of r.annotations) {
        const key = `${r.id}\u0000${a.annotator}`;
        const j = byJudgement.get(key) ?? { item_id: r.id, annotator: a.annotator, labels: [] };
        j.labels.push(a.label);
        byJudgement.set(key, j);
      }
    }
    const jsonl = join(tmp(), 'log.jsonl');
    writeFileSync(
      jsonl,
      [...byJudgement.values()].map((j) => JSON.stringify({ ...j, label: j.labels })).join('\n'),
    );
    const csv = join(tmp(), 'log.csv');
    writeFileSync(
      csv,
      `item_id,annotator,label\n${[...byJudgement.values()].map((j) => `${j.item_id},${j.annotator},${j.labels.join('|')}`).join('\n')}\n`,
    );
    const fromJsonl = await labelers({ dataset, log: jsonl, ...fast });
    const fromCsv = await labelers({ dataset, log: csv, ...fast });
    expect(withoutSource(fromJsonl)).toEqual(withoutSource(wide));
    expect(withoutSource(fromCsv)).toEqual(withoutSource(wide));
    expect(wide.task).toBe('multilabel');
    expect(wide.views.map((v) => v.policy)).toEqual(wide.labels);
    for (const v of wide.views) {
      expect(v.labels).toEqual([`not ${v.policy}`, v.policy]);
      // A yes/no view has no per-label breakdown: it would repeat the overall alpha.
      expect(v.agreement.perLabel).toEqual([]);
    }
    expect(wide.counts.judgements).toBe(900);
  });
});

interface Judged {
  item: string;
  annotator: string;
  label: string;
  timestamp?: string;
  seconds?: number;
}

/**
 * A hand-made set for the shapes the fixtures lack: 80 items over labels a/b/c; `good1`, `good2`
 * and `__proto__` right on every item but the first (whose golden label is a planted mistake
 * they all disagree with), `weak` right on every other item, `once` on one item; `good1` judged
 * item 1 twice (earlier wrong, later right, given in reverse order: the timestamps decide).
 */
function handMade(dir: string): { dataset: string; log: string; rows: Judged[] } {
  const labels = ['a', 'b', 'c'];
  const ids = Array.from({ length: 80 }, (_, i) => `item-${i}`);
  const golden = ids.map((_, i) => labels[i % 3]!);
  const dataset = join(dir, 'hand.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: ids.map((id) => `synthetic text of ${id}`), type: U },
    label: { values: golden, type: U },
    queue: { values: ids.map((_, i) => (i < 40 ? 'q1' : 'q2')), type: U },
  });
  writeFileSync(join(dir, 'hand.spec.json'), JSON.stringify({ labels, slices: ['queue'] }));
  const rows: Judged[] = [];
  const other = (l: string) => labels[(labels.indexOf(l) + 1) % 3]!;
  ids.forEach((item, i) => {
    const truth = golden[i]!;
    const said = i === 0 ? other(truth) : truth;
    for (const annotator of ['good1', 'good2', '__proto__']) {
      rows.push({
        item,
        annotator,
        label: said,
        timestamp: `2026-01-0${1 + (i % 5)}T10:00:00Z`,
        seconds: 10 + (i % 3),
      });
    }
    rows.push({ item, annotator: 'weak', label: i % 2 === 0 ? truth : other(truth), seconds: 30 });
  });
  rows.push({
    item: 'item-1',
    annotator: 'good1',
    label: 'c',
    timestamp: '2025-12-31T09:00:00Z',
    seconds: 5,
  });
  rows.push({ item: 'item-5', annotator: 'once', label: golden[5]! });
  rows.push({ item: 'not-in-dataset', annotator: 'good1', label: 'a' });
  const log = join(dir, 'log.jsonl');
  writeFileSync(log, rows.map((r) => JSON.stringify({ item_id: r.item, ...r, item: undefined })).join('\n'));
  return { dataset, log, rows };
}

describe('labelers on a hand-made log', () => {
  it('flags the weak annotator, leaves one-item annotators unranked, keeps __proto__ as a name', async () => {
    const { dataset, log } = handMade(tmp());
    const r = await labelers({ dataset, log, ...fast });
    LabelersReportSchema.parse(r);
    const view = r.views[0]!;
    const by = new Map(view.annotators.map((a) => [a.annotator, a]));
    expect([...by.keys()].sort()).toEqual(['__proto__', 'good1', 'good2', 'once', 'weak']);
    expect(by.get('weak')!.flag.status).toBe('below');
    expect(by.get('weak')!.flag.rank).toBe(1);
    expect(by.get('weak')!.accuracy).toMatchObject({ n: 80, x: 40 });
    expect(by.get('good2')!.flag.status).toBe('ok');
    expect(by.get('__proto__')!.accuracy).toMatchObject({ n: 80, x: 79 });
    expect(by.get('once')!.flag).toEqual({
      status: 'not enough data',
      pValue: null,
      adjusted: null,
      rank: null,
    });
    // Ranked first, unranked last.
    expect(view.annotators.at(-1)!.annotator).toBe('once');
    expect(r.counts.outsideDataset).toBe(1);
    expect(r.counts.outsideDatasetExamples).toEqual(['not-in-dataset']);
    // good1's repeat: the earlier judgement (by timestamp) was c, the later one the golden b.
    expect(by.get('good1')!.selfConsistency).toMatchObject({ n: 1, x: 0 });
    expect(by.get('good1')!.accuracy).toMatchObject({ n: 81, x: 79 });
    const summary = new Map(r.annotators.map((a) => [a.annotator, a]));
    expect(summary.get('weak')!.seconds).toEqual({ n: 80, median: 30, mean: 30 });
    expect(summary.get('once')!.seconds).toBeNull();
    expect(summary.get('good1')).toMatchObject({ items: 80, judgements: 81 });
    // The planted golden mistake is a suspect; the agreeing items are not.
    expect(view.consensus.goldenSuspects.map((s) => s.id)).toEqual(['item-0']);
    expect(view.consensus.goldenSuspects[0]).toMatchObject({ golden: 'a', consensus: 'b' });
    // Three labels: agreement per label and per queue, ranked.
    expect(view.agreement.perLabel.map((g) => g.scope).sort()).toEqual(['a', 'b', 'c']);
    expect(view.agreement.perSlice.map((g) => g.scope).sort()).toEqual(['queue = q1', 'queue = q2']);
    expect(view.agreement.confusedPairs[0]!.items).toBeGreaterThan(0);
  });

  it('accuracy by ISO week from the timestamps; undated judgements counted; none without times', async () => {
    const { dataset, log } = handMade(tmp());
    const r = await labelers({ dataset, log, ...fast });
    const drift = r.views[0]!.drift!;
    expect(drift.by).toBe('iso-week');
    // weak and once gave no timestamps: 80 + 1 golden-labelled judgements.
    expect(drift.unplaced).toBe(81);
    // Days 1-4 of January 2026 (and good1's 2025-12-31 repeat) are 2026-W01, the 5th is W02.
    expect(drift.team.periods.map((p) => p.period)).toEqual(['2026-W01', '2026-W02']);
    const w2 = drift.team.periods[1]!;
    expect(w2.n).toBe(3 * 16);
    expect(w2.x).toBe(48);
    expect(w2.interval!.method).toBe('wilson');
    expect(drift.annotators.map((a) => a.annotator)).toEqual(['__proto__', 'good1', 'good2']);
    expect(drift.team.periods[0]!.n + w2.n).toBe(3 * 80 + 1);
  });

  it('with a target: the exact binomial test; the flag test is stated', async () => {
    const { dataset, log } = handMade(tmp());
    const r = await labelers({ dataset, log, target: 0.9, ...fast });
    const view = r.views[0]!;
    expect(view.flagTest).toMatch(/exact binomial test, one-sided, H0: accuracy >= 0.9/);
    const weak = view.annotators.find((a) => a.annotator === 'weak')!;
    expect(weak.flag.status).toBe('below');
    expect(r.settings.target).toBe(0.9);
  });

  it('a label outside the label set names the log, row and field', async () => {
    const dir = tmp();
    const { dataset } = handMade(dir);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      [
        { item_id: 'item-1', annotator: 'x', label: 'a' },
        { item_id: 'item-2', annotator: 'x', label: 'zzz' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    await expect(labelers({ dataset, log: bad })).rejects.toThrow(
      /bad\.jsonl.*row 1.*label.*"zzz" is not one of/,
    );
  });

  it('a missing column or an empty annotator is a bad input naming the field', async () => {
    const dir = tmp();
    const { dataset } = handMade(dir);
    const noLabel = join(dir, 'nolabel.csv');
    writeFileSync(noLabel, 'item_id,annotator\nitem-1,x\n');
    await expect(labelers({ dataset, log: noLabel })).rejects.toMatchObject({ exitCode: 2 });
    await expect(labelers({ dataset, log: noLabel })).rejects.toThrow(/label/);
    const blank = join(dir, 'blank.jsonl');
    writeFileSync(blank, JSON.stringify({ item_id: 'item-1', annotator: '', label: 'a' }));
    await expect(labelers({ dataset, log: blank })).rejects.toThrow(/annotator is null or empty/);
  });

  it('a dataset without an annotations column and no log is refused', async () => {
    const { dataset } = handMade(tmp());
    await expect(labelers({ dataset })).rejects.toThrow(/no annotations column/);
  });

  it('a wide column with __proto__ and constructor as annotators', async () => {
    const dataset = join(tmp(), 'names.arrow');
    const ids = Array.from({ length: 40 }, (_, i) => `n${i}`);
    writeArrow(dataset, {
      id: { values: ids, type: U },
      text: { values: ids, type: U },
      label: { values: ids.map((_, i) => (i % 2 ? 'spam' : 'ham')), type: U },
      annotations: {
        values: ids.map((_, i) => [
          { annotator: '__proto__', label: i % 2 ? 'spam' : 'ham' },
          { annotator: 'constructor', label: i % 4 === 0 ? 'spam' : i % 2 ? 'spam' : 'ham' },
        ]),
        type: annType,
      },
    });
    const r = await labelers({ dataset, ...fast });
    expect(r.annotators.map((a) => a.annotator)).toEqual(['__proto__', 'constructor']);
    expect(r.views[0]!.annotators.find((a) => a.annotator === '__proto__')!.accuracy.x).toBe(40);
    expect(r.views[0]!.annotators.find((a) => a.annotator === 'constructor')!.accuracy.x).toBe(30);
  });

  it('a label no one used, majority ties, and an id-like slice column', async () => {
    const dir = tmp();
    const dataset = join(dir, 'ties.arrow');
    const ids = Array.from({ length: 40 }, (_, i) => `x${i}`);
    writeArrow(dataset, {
      id: { values: ids, type: U },
      text: { values: ids, type: U },
      label: { values: ids.map((_, i) => (i % 2 ? 'a' : 'b')), type: U },
      uid: { values: ids.map((id) => `uid-${id}`), type: U },
      annotations: {
        values: ids.map((_, i) => [
          { annotator: 'p', label: i % 2 ? 'a' : 'b' },
          // q disagrees on every fourth item: one vote each, a tie.
          { annotator: 'q', label: i % 4 === 0 ? 'c' : i % 2 ? 'a' : 'b' },
        ]),
        type: annType,
      },
    });
    writeFileSync(
      join(dir, 'ties.spec.json'),
      JSON.stringify({ labels: ['a', 'b', 'c', 'd'], slices: ['uid'] }),
    );
    const r = await labelers({ dataset, ...fast });
    const v = r.views[0]!;
    expect(v.consensus.majorityTies).toBe(10);
    const tied = v.consensus.items.find((i) => i.id === 'x0')!;
    expect(tied.majority).toBeNull();
    expect(tied.posterior).toHaveLength(4);
    // Nobody said d: its recall has no golden item, its precision no judgement; nothing is NaN.
    const d = v.annotators[0]!.perClass.find((c) => c.label === 'd')!;
    expect(d.recall).toMatchObject({ n: 0, value: null, interval: null });
    expect(d.precision).toMatchObject({ n: 0, value: null, interval: null });
    // zod's number() refuses NaN: the whole report is finite where it is a number.
    expect(() => LabelersReportSchema.parse(r)).not.toThrow();
    expect(v.agreement.perLabel.find((g) => g.scope === 'd')!.rank).toBeNull();
    // One item per uid value: counted, not listed.
    expect(v.agreement.perSlice).toEqual([]);
    expect(v.agreement.smallSliceValues).toBe(40);
  });
});
