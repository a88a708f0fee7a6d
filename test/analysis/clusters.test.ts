import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterErrors, clustersFor } from '../../src/analysis/clusters.js';
import { silhouette } from '../../src/analysis/k-choice.js';
import { findLabelIssues } from '../../src/analysis/label-issues.js';
import { nameableText } from '../../src/analysis/stopwords.js';
import { formatClusters } from '../../src/cli/clusters.js';
import { ClustersReportSchema } from '../../src/contracts/clusters-report.js';
import type { EvalSet } from '../../src/evaluate/eval-set.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { writeKeywordPredictions } from './synthetic-spam.js';

/**
 * SYNTHETIC error cell: 24 ham items the model called spam, in two made-up topics (12 about a
 * football newsletter, 12 about a garden club sale), plus correctly classified ham items.
 */
const football = Array.from(
  { length: 12 },
  (_, i) => `Weekly football newsletter ${i}: the striker scored, league table, match report and goals`,
);
const garden = Array.from(
  { length: 12 },
  (_, i) => `Garden club sale ${i}: tulip bulbs, roses and compost at the allotment, seeds for spring`,
);
const correct = Array.from(
  { length: 30 },
  (_, i) => `Minutes of meeting ${i}: budget review and staffing plan`,
);

function syntheticSet(): { set: EvalSet; texts: Map<string, string> } {
  const texts = [...football, ...garden, ...correct];
  const n = texts.length;
  const ids = texts.map((_, i) => `s${String(i).padStart(3, '0')}`);
  const truth = new Int32Array(n); // all ham (0)
  const predicted = Int32Array.from(texts, (_, i) => (i < 24 ? 1 : 0));
  const scores = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const spam = i < 12 ? 0.9 : i < 24 ? 0.7 : 0.1;
    scores[2 * i] = 1 - spam;
    scores[2 * i + 1] = spam;
  }
  // Slice `source`: the football items mostly come from `feed`, everything else from `mail`.
  const codes = Int32Array.from(texts, (_, i) => (i < 10 ? 0 : 1));
  const set = {
    dataset: { file: 'synthetic', fingerprint: 'f', specOrigin: 'given' },
    task: 'binary',
    labels: ['ham', 'spam'],
    labelsSource: 'spec',
    positive: 'spam',
    positiveIndex: 1,
    n,
    ids,
    truth,
    truthFlags: new Uint8Array(0),
    slices: [{ name: 'source', values: ['feed', 'mail'], codes }],
    crossings: [],
    identity: [],
    annotations: undefined,
    models: [
      {
        file: 'synthetic.arrows',
        meta: { model: { name: 'm', version: '1' } },
        predicted,
        predictedFlags: new Uint8Array(0),
        scores,
        missing: { count: 0, examples: [] },
        unknown: { count: 0, examples: [] },
        unlabelled: 0,
        rejected: 0,
        rows: n,
      },
    ],
    counts: { datasetRows: n, rejected: 0, unlabelled: 0, labelled: n, droppedMissingPrediction: 0 },
    validation: {},
    warnings: [],
  } as unknown as EvalSet;
  return { set, texts: new Map(ids.map((id, i) => [id, texts[i]!])) };
}

describe('silhouette', () => {
  it('matches a hand computation', () => {
    // Points on a line: cluster 0 = {0, 1}, cluster 1 = {4}. s(0) = (4-1)/4, s(1) = (3-1)/3, s(2) = 0 (singleton).
    const s = silhouette([[0], [1], [4]], [0, 0, 1], 2);
    expect(s).toBeCloseTo((3 / 4 + 2 / 3 + 0) / 3, 12);
  });
});

describe('clusterErrors (synthetic)', () => {
  const { set, texts } = syntheticSet();
  const run = (seed: number) => clusterErrors(set, texts, { seed, minCellSize: 5 });

  it('finds the two topics, names them by c-TF-IDF terms, and ranks by size × error rate', () => {
    const { cells, clusters } = run(7);
    expect(cells.find((c) => c.cell === 'ham>spam')).toMatchObject({ clustered: true, size: 24, k: 2 });
    expect(cells.find((c) => c.cell === 'spam>ham')).toMatchObject({ clustered: false, size: 0 });
    expect(clusters).toHaveLength(2);
    const byTopic = (w: string) => clusters.find((c) => c.terms.some((t) => t.term === w))!;
    const foot = byTopic('football');
    const gard = byTopic('garden');
    expect(foot.id).not.toBe(gard.id);
    expect(foot.members.sort()).toEqual(set.ids.slice(0, 12));
    expect(gard.members.sort()).toEqual(set.ids.slice(12, 24));
    // Topic words are distinctive; words shared by both clusters (numbers, "sale" vs "newsletter") are not names.
    expect(foot.name.split(' · ')).toEqual(expect.arrayContaining(['football']));
    expect(foot.kind).toBe('false_positive');
    expect(foot.meanScore).toBeCloseTo(0.9, 5);
    expect(gard.meanScore).toBeCloseTo(0.7, 5);
    expect(foot.share).toBe(0.5);
    // `source=feed`: 10 of 12 football items vs 10 of 24 in the cell → lift 2, support 10.
    expect(foot.slices[0]).toMatchObject({ column: 'source', value: 'feed', support: 10 });
    expect(foot.slices[0]!.lift).toBeCloseTo(2, 12);
    // The meeting-minutes items are far from both topics: no reference item in either region.
    expect(foot.errorRate).toBe(1);
    expect(clusters.map((c) => c.rank)).toEqual([1, 2]);
    expect(foot.representatives).toHaveLength(3);
    expect(foot.representatives[0]!.distance).toBeLessThanOrEqual(foot.outliers[0]!.distance);
  });

  it('names clusters by terms that separate them from the rest of the cell', () => {
    const { clusters } = run(7);
    for (const c of clusters) {
      expect(c.separating!.length).toBeGreaterThan(0);
      expect(c.name.split(' · ')[0]).toBe(c.separating![0]!.term);
      for (const t of c.separating!) expect(t.clusterShare).toBeGreaterThan(t.restShare);
    }
    const foot = clusters.find((c) => c.members.includes(set.ids[0]!))!;
    // "football" is in all 12 football items and in none of the garden ones.
    expect(foot.separating![0]).toMatchObject({ clusterShare: 1, restShare: 0 });
  });

  it('warns when the silhouette is under the threshold', () => {
    const strict = clusterErrors(set, texts, { seed: 7, minCellSize: 5, minSilhouette: 0.99 });
    const cell = strict.cells.find((c) => c.cell === 'ham>spam')!;
    expect(cell.warning).toMatch(/weak structure: silhouette 0\.\d+ is under 0\.99/);
    expect(strict.clusters.every((c) => c.weakStructure)).toBe(true);
    const loose = run(7);
    expect(loose.cells.find((c) => c.cell === 'ham>spam')!.warning).toBeNull();
    expect(loose.clusters.every((c) => c.weakStructure === false)).toBe(true);
  });

  it('calls a golden label into question only when two models agree', () => {
    // Golden spam items are needed for a spam threshold: the last 10 meeting items become golden
    // spam that both models call spam. The second model agrees with the first on s000-s005 only
    // (confident spam there) and is confidently right (ham) on the other errors.
    const truth = Int32Array.from(set.truth, (t, i) => (i >= set.n - 10 ? 1 : t));
    const first = {
      ...set.models[0]!,
      predicted: new Int32Array(set.models[0]!.predicted),
      scores: new Float32Array(set.models[0]!.scores),
    };
    const second = {
      ...first,
      predicted: new Int32Array(first.predicted),
      scores: new Float32Array(first.scores),
    };
    for (let i = 0; i < set.n; i++) {
      if (i >= set.n - 10) {
        for (const m of [first, second]) {
          m.predicted[i] = 1;
          m.scores[2 * i] = 0.1;
          m.scores[2 * i + 1] = 0.9;
        }
        continue;
      }
      const spam = i < 6 ? 0.95 : 0.05;
      second.predicted[i] = spam > 0.5 ? 1 : 0;
      second.scores[2 * i] = 1 - spam;
      second.scores[2 * i + 1] = spam;
    }
    const two = { ...set, truth, models: [first, second] } as EvalSet;
    // These toy models rank poorly (many ham items at spam scores): under the default floor they are
    // no opinions at all (label-evidence.test.ts); a floor of 0.5 lets the agreement itself be tested.
    const strict = clusterErrors(two, texts, { seed: 7, minCellSize: 5 });
    expect(strict.labelEvidence[0]!.decidedBy).toBe('too-few-opinions');
    expect(strict.clusters.every((c) => c.relabelCandidates === 0)).toBe(true);
    const { clusters } = clusterErrors(two, texts, {
      seed: 7,
      minCellSize: 5,
      labelEvidence: { minModelAuc: 0.5, maxShare: 1 },
    });
    const examples = clusters.flatMap((c) => [...c.representatives, ...c.outliers]);
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) {
      expect(e.labelEvidence).toHaveLength(2);
      const agree = e.labelEvidence!.every((x) => x.flagged);
      expect(e.labelIssue).toBe(agree ? 'relabel' : 'model_error');
      if (e.labelIssue === 'relabel') expect(Number(e.id.slice(1))).toBeLessThan(6);
    }
    expect(clusters.reduce((s, c) => s + c.relabelCandidates, 0)).toBeGreaterThan(0);
    expect(clusters.reduce((s, c) => s + c.relabelCandidates, 0)).toBeLessThanOrEqual(6);
    const one = clusterErrors(set, texts, { seed: 7, minCellSize: 5 }).clusters;
    expect(one.every((c) => c.relabelCandidates === 0)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(JSON.stringify(run(11))).toBe(JSON.stringify(run(11)));
  });

  it('drops stop words and URL residue from names only', () => {
    expect(nameableText('The FREE offer at http://www.example.com is 100% for YOU')).toBe(
      'free offer example',
    );
  });
});

describe('clusters on the real golden set (synthetic keyword predictions)', () => {
  const golden = 'datasets/spamassassin/build/golden.arrow';
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeval-clusters-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(golden))(
    'prints readable, named clusters with slice lift',
    async () => {
      const preds = join(dir, 'kw.arrows');
      await writeKeywordPredictions(golden, preds);
      const report = await clustersFor({ dataset: golden, predictions: [preds] }, { seed: 42 });
      expect(ClustersReportSchema.parse(report)).toBeTruthy();
      expect(report.clusters.length).toBeGreaterThanOrEqual(2);
      for (const c of report.clusters) {
        // Names are words (letters), not stop words, numbers or markup.
        for (const term of c.name.split(' · ')) expect(term).toMatch(/^\p{L}[\p{L}\p{N}_]*$/u);
        expect(c.representatives.every((e) => e.text.length <= 240)).toBe(true);
      }
      // The keyword model calls the newsisfree.com headline digests spam: one named cluster holds them.
      const news = report.clusters.find((c) => c.name.includes('newsisfree'));
      expect(news?.cell).toBe('ham>spam');
      expect(news!.size).toBeGreaterThanOrEqual(20);
      // One model's in-sample confident learning flags exactly its confident mistakes: with one
      // predictions file no golden label is called into question, and the rule says why.
      const set = await loadEvalSet({ dataset: golden, predictions: [preds] });
      const probs = Array.from({ length: set.n }, (_, r) => set.models[0]!.scores.subarray(2 * r, 2 * r + 2));
      expect(findLabelIssues(Array.from(set.truth), probs, {}, set.ids).issues.length).toBeGreaterThan(0);
      expect(report.clusters.reduce((s, c) => s + c.relabelCandidates, 0)).toBe(0);
      expect(report.clusters.every((c) => c.representatives.every((e) => e.labelIssue === 'unchecked'))).toBe(
        true,
      );
      expect(report.labelIssues).toMatchObject({ checked: false, minModels: 2 });
      expect(report.labelIssues!.rule).toMatch(/at least 2 models must agree/);
      const printed = formatClusters(report);
      expect(printed).toContain('newsisfree');
      expect(printed).toMatch(/over-represented: \w+=/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none reach the terminal
      expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    },
    120_000,
  );
});
