import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterErrors } from '../../src/analysis/clusters.js';
import { decideLabelEvidence } from '../../src/analysis/label-evidence.js';
import { labelSuspects } from '../../src/analysis/label-suspects.js';
import type { EvalSet } from '../../src/evaluate/eval-set.js';
import { computeMetrics } from '../../src/evaluate/evaluate.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { errorCorrelation } from '../../src/metrics/diversity.js';
import { exportReview } from '../../src/review/export.js';
import {
  type GoldenRows,
  normals,
  readGolden,
  syntheticSpam,
  writeFlippedGolden,
  writeSpamPredictions,
} from './label-evidence-helpers.js';

describe('errorCorrelation (Kuncheva & Whitaker ρ, the phi coefficient)', () => {
  it('equals scikit-learn matthews_corrcoef on its documented example', () => {
    // sklearn.metrics.matthews_corrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]) = -0.33... (its docstring).
    expect(errorCorrelation([1, 1, 1, 0], [1, 0, 1, 1])).toBeCloseTo(-1 / 3, 12);
  });
  it('is 1 for the same errors and null for a model that never errs', () => {
    expect(errorCorrelation([1, 0, 1, 0], [1, 0, 1, 0])).toBe(1);
    expect(errorCorrelation([0, 0, 0, 0], [1, 0, 1, 0])).toBeNull();
    expect(() => errorCorrelation([1], [1, 0])).toThrow(RangeError);
  });
});

const golden = 'datasets/spamassassin/build/golden.arrow';
const spec = 'datasets/spamassassin/build/spec.json';

describe.skipIf(!existsSync(golden))('golden-label suspects on the real SpamAssassin golden set', () => {
  let dir: string;
  let rows: GoldenRows;
  const file = (name: string) => join(dir, `${name}.arrows`);
  /** Ids whose golden label is flipped in the planted copy (both strong models confidently right there). */
  let planted: Set<string>;
  const plantedGolden = () => join(dir, 'planted.arrow');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeval-evidence-'));
    rows = await readGolden(golden);
    const n = rows.ids.length;
    // Two weak keyword-like models (AUC about 0.56 and 0.68) that share most of their noise.
    const shared = normals(n, 100);
    const weakA = syntheticSpam(rows.labels, 0.213, normals(n, 1), shared, 0.8);
    const weakB = syntheticSpam(rows.labels, 0.662, normals(n, 2), shared, 0.8);
    // Two strong models (AUC about 0.99) with their own noise.
    const strongA = syntheticSpam(rows.labels, 3.29, normals(n, 3), shared, 0);
    const strongB = syntheticSpam(rows.labels, 3.29, normals(n, 4), shared, 0);
    await writeSpamPredictions(file('weak-a'), 'weak-a', rows.ids, weakA);
    await writeSpamPredictions(file('weak-b'), 'weak-b', rows.ids, weakB);
    await writeSpamPredictions(file('strong-a'), 'strong-a', rows.ids, strongA);
    await writeSpamPredictions(file('strong-b'), 'strong-b', rows.ids, strongB);
    // Eight planted label errors, spread over the set, where both strong models are sure.
    const sure = rows.ids.filter((_, i) => {
      const a = strongA[i]!;
      const b = strongB[i]!;
      return (a > 0.97 && b > 0.97) || (a < 0.03 && b < 0.03);
    });
    planted = new Set(Array.from({ length: 8 }, (_, j) => sure[Math.floor(((j + 0.5) * sure.length) / 8)]!));
    await writeFlippedGolden(golden, plantedGolden(), planted);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function exported(dataset: string, predictions: string[]) {
    const s = await exportReview({
      dataset,
      spec,
      predictions,
      out: join(dir, `review-${Math.random().toString(36).slice(2)}`),
      queue: 'q',
      select: { rules: [{ kind: 'model_vs_golden' }] },
      formats: ['jsonl'],
    });
    const lines = (await readFile(join(s.dir!, 'queue.jsonl'), 'utf8')).trim().split('\n');
    const items = lines.map((l) => JSON.parse(l) as { id: string; label_issue: string | null });
    return { s, items };
  }

  it('two weak models agreeing are not two opinions: no golden label is questioned, and the output says why', async () => {
    const { s, items } = await exported(golden, [file('weak-b'), file('weak-a')]);
    expect(items.length).toBeGreaterThan(300);
    // Before: confident learning on the first weak model called most of its errors "relabel".
    expect(items.filter((i) => i.label_issue === 'relabel')).toHaveLength(0);
    expect(items.every((i) => i.label_issue === null)).toBe(true);
    const [e] = s.labelEvidence;
    expect(e).toMatchObject({ target: null, decidedBy: 'too-few-opinions', opinions: 0, flagged: 0 });
    expect(e!.errors).toBe(items.length);
    expect(e!.models.map((m) => m.rocAuc!.estimate)).toEqual([
      expect.closeTo(0.68, 1),
      expect.closeTo(0.56, 1),
    ]);
    expect(e!.models.every((m) => !m.qualified && m.rocAuc!.method === 'percentile-bootstrap')).toBe(true);
    expect(e!.rule).toMatch(
      /^0 of \d+ errors questioned \(too few opinions: 0 of the 2 needed; weak-b@1 ROC-AUC 0\.6/,
    );

    const set = await loadEvalSet({ dataset: golden, spec, predictions: [file('weak-b'), file('weak-a')] });
    const { labelEvidence } = clusterErrors(set, new Map(), { minCellSize: 1_000_000 });
    expect(labelEvidence.map((x) => x.decidedBy)).toEqual(['too-few-opinions']);
  });

  it("states each model's quality with eval's own ROC-AUC interval", async () => {
    const set = await loadEvalSet({ dataset: golden, spec, predictions: [file('strong-a'), file('weak-a')] });
    const s = labelSuspects(set, 0);
    const [strong, weak] = s.summary.models;
    const report = computeMetrics(set);
    expect(strong!.rocAuc).toEqual(report.models[0]!.overall.rocAuc.interval);
    expect(weak!.rocAuc).toEqual(report.models[1]!.overall.rocAuc.interval);
    expect(strong!.qualified).toBe(true);
    expect(weak!.qualified).toBe(false);
    // One qualified model is one opinion: nothing questioned.
    expect(s.summary.decidedBy).toBe('too-few-opinions');
  });

  it('two strong, independent models find planted golden-label errors in the real data', async () => {
    const { s, items } = await exported(plantedGolden(), [file('strong-a'), file('strong-b')]);
    const relabel = new Set(items.filter((i) => i.label_issue === 'relabel').map((i) => i.id));
    const [e] = s.labelEvidence;
    expect(e!.decidedBy).toBe('agreement');
    expect(e!.opinions).toBe(2);
    expect([...planted].filter((id) => relabel.has(id))).toHaveLength(planted.size);
    // The planted errors are most of what is questioned; the models' own errors mostly are not.
    expect(relabel.size).toBeLessThanOrEqual(planted.size + 4);
    expect(e!.flagged).toBe(relabel.size);
    expect(e!.share).toBeCloseTo(relabel.size / e!.errors, 12);
    expect(e!.rule).toContain(`"check the golden label" on ${relabel.size} of ${e!.errors} errors`);
  });

  it('one model given twice is one opinion (its errors correlate at ρ = 1)', async () => {
    const set = await loadEvalSet({
      dataset: plantedGolden(),
      spec,
      predictions: [file('strong-a'), file('strong-a')],
    });
    const s = labelSuspects(set, 0);
    expect(s.summary.models.map((m) => m.opinion)).toEqual([0, 0]);
    expect(s.summary).toMatchObject({ decidedBy: 'too-few-opinions', opinions: 1, flagged: 0 });
    expect(s.relabel.size).toBe(0);
  });

  it('annotators who agree with golden outweigh the models', async () => {
    const set = await loadEvalSet({
      dataset: plantedGolden(),
      spec,
      predictions: [file('strong-a'), file('strong-b')],
    });
    const before = labelSuspects(set, 0);
    const heard = [...before.relabel].slice(0, 3);
    // Three annotators: all agree with golden on `heard`, 2 of 3 (under 0.8) on one more item.
    const contested = [...before.relabel][3]!;
    const ratings = new Int32Array(set.n * 3).fill(-1);
    for (const r of heard) ratings.fill(set.truth[r]!, r * 3, r * 3 + 3);
    ratings.set([set.truth[contested]!, set.truth[contested]!, 1 - set.truth[contested]!], contested * 3);
    const annotated = {
      ...set,
      annotations: { annotators: ['a', 'b', 'c'], categories: [...set.labels], ratings },
    } as EvalSet;
    const after = labelSuspects(annotated, 0);
    expect(after.summary.keptByAnnotators).toBe(3);
    expect(after.relabel.size).toBe(before.relabel.size - 3);
    for (const r of heard) expect(after.relabel.has(r)).toBe(false);
    expect(after.relabel.has(contested)).toBe(true);
    expect(after.summary.rule).toMatch(/3 more left alone: their annotators agree with golden/);
  });

  it('the share cap: above it nothing is questioned and the rule says so; at it (a tie) the flags stand', async () => {
    const set = await loadEvalSet({
      dataset: plantedGolden(),
      spec,
      predictions: [file('strong-a'), file('strong-b')],
    });
    const open = labelSuspects(set, 0).summary;
    const share = open.flagged / open.errors;
    const atCap = labelSuspects(set, 0, { maxShare: share }).summary;
    expect(atCap).toMatchObject({ decidedBy: 'agreement', flagged: open.flagged });
    const under = labelSuspects(set, 0, { maxShare: share - 1e-9 });
    expect(under.summary).toMatchObject({
      decidedBy: 'share-cap',
      flagged: 0,
      proposed: open.flagged,
      share: 0,
    });
    expect(under.relabel.size).toBe(0);
    expect(under.summary.rule).toMatch(/share cap: the models would flag \d+, [\d.]+%, more than/);
    // The floor, as a tie: a lower bound equal to it qualifies.
    const low = Math.min(...open.models.map((m) => m.rocAuc!.low!));
    expect(labelSuspects(set, 0, { minModelAuc: low }).summary.opinions).toBe(2);
    expect(labelSuspects(set, 0, { minModelAuc: low + 1e-9 }).summary.opinions).toBeLessThan(2);
  });
});

describe('edge cases', () => {
  function tiny(n: number, truth: number[], spam: number[][]): EvalSet {
    return {
      task: 'binary',
      labels: ['ham', 'spam'],
      positive: 'spam',
      positiveIndex: 1,
      n,
      ids: Array.from({ length: n }, (_, i) => `i${i}`),
      truth: Int32Array.from(truth),
      truthFlags: new Uint8Array(0),
      annotations: undefined,
      models: spam.map((s, m) => ({
        meta: { model: { name: `m${m}`, version: '1' } },
        predicted: Int32Array.from(s, (p) => (p >= 0.5 ? 1 : 0)),
        predictedFlags: new Uint8Array(0),
        scores: Float32Array.from(s.flatMap((p) => [1 - p, p])),
      })),
    } as unknown as EvalSet;
  }

  it('n = 1: the AUC is undefined, so no model is an opinion and nothing is questioned', () => {
    const set = tiny(1, [0], [[0.99], [0.98]]);
    const d = decideLabelEvidence(set, null, 0, () => new Set([0]));
    expect(d.summary).toMatchObject({ decidedBy: 'too-few-opinions', errors: 1, flagged: 0, share: 0 });
    expect(d.summary.models.every((m) => m.rocAuc === null && !m.qualified)).toBe(true);
    expect(d.summary.rule).toContain('ROC-AUC undefined');
  });

  it('no errors: share null, nothing flagged', () => {
    const set = tiny(
      4,
      [0, 0, 1, 1],
      [
        [0.1, 0.2, 0.8, 0.9],
        [0.1, 0.3, 0.7, 0.9],
      ],
    );
    const d = decideLabelEvidence(set, null, 0, () => new Set(), { minModelAuc: 0.5 });
    expect(d.summary).toMatchObject({ errors: 0, flagged: 0, share: null });
  });
});
