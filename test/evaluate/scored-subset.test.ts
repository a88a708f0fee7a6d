/**
 * A multi-policy model that scores a subset of the taxonomy's policies. SYNTHETIC golden labels
 * and scores (chosen here): the real policies models score every fortunes policy, so the subset
 * shape exists only here. Policies a model does not score are reported as "not scored", never as
 * zeros; a parent counts as scored when the model scores all of its children.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { planCells } from '../../src/analysis/cell-plans.js';
import { parseTaxonomy } from '../../src/dataset/taxonomy.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { loadEvalSet, scoredFlags } from '../../src/evaluate/join.js';
import { runGate } from '../../src/gate/gate.js';
import { policyErrors } from '../../src/review/decisions-multilabel.js';
import { selectCandidates } from '../../src/review/select.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { SYNTHETIC_POLICY_LABELS, SYNTHETIC_TAXONOMY } from '../helpers/policies.js';
import { useTmpDir } from '../helpers/tmp.js';
import { unitHash, writePredictions } from './fixtures.js';

const tmp = useTmpDir();

const TAXONOMY = SYNTHETIC_TAXONOMY;
const LABELS = SYNTHETIC_POLICY_LABELS;
const PARTIAL = ['hate/threat', 'hate/slur'];

function fixture() {
  const dir = tmp();
  const n = 300;
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  // Leaves drawn independently: some items are hate and spam at once (two unrelated policies).
  const leaves = ids.map((id) =>
    ['hate/slur', 'hate/threat', 'spam'].filter((_, s) => unitHash(id, s) < 0.2),
  );
  const golden = join(dir, 'golden.arrow');
  writeArrow(golden, {
    id: { values: ids, type: new Utf8() },
    text: { values: ids, type: new Utf8() },
    labels: { values: leaves, type: new List(new Field('item', new Utf8(), true)) },
  });
  writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ taxonomy: TAXONOMY }));
  const leafScore = (id: string, truth: boolean, salt: number) => {
    const u = unitHash(id, 100 + salt);
    return truth ? (u < 0.75 ? 0.6 + 0.4 * u : 0.3 * u) : u < 0.05 ? 0.7 : 0.4 * u;
  };
  const full = join(dir, 'full.arrows');
  writePredictions(full, {
    labels: LABELS,
    task: 'multilabel',
    ids,
    name: 'full',
    scores: ids.map((id, i) =>
      LABELS.map((l, s) =>
        l === 'hate' || l === 'violating' ? 0.01 : leafScore(id, leaves[i]!.includes(l), s),
      ),
    ),
  });
  // The partial model scores only the two hate children (in its own order), like `full` on them.
  const partial = join(dir, 'partial.arrows');
  writePredictions(partial, {
    labels: PARTIAL,
    task: 'multilabel',
    ids,
    name: 'partial',
    scores: ids.map((id, i) => PARTIAL.map((l) => leafScore(id, leaves[i]!.includes(l), LABELS.indexOf(l)))),
  });
  return { dir, golden, full, partial, leaves, ids };
}

describe('models scoring a subset of the policies', () => {
  it('scored: direct columns, and parents whose children are all scored', () => {
    const tax = parseTaxonomy(TAXONOMY);
    expect([...scoredFlags(LABELS, PARTIAL, tax)]).toEqual([1, 1, 1, 0, 0]);
    expect([...scoredFlags(LABELS, ['hate/slur'], tax)]).toEqual([0, 1, 0, 0, 0]);
    expect([...scoredFlags(LABELS, ['hate', 'spam'], tax)]).toEqual([1, 0, 0, 1, 1]);
    expect([...scoredFlags(LABELS, LABELS, tax)]).toEqual([1, 1, 1, 1, 1]);
  });

  it('eval reports unscored policies as not scored and averages over the scored ones', async () => {
    const f = fixture();
    const { report } = await evaluate({ dataset: f.golden, predictions: [f.full, f.partial], resamples: 50 });
    const [full, partial] = report.models as [(typeof report.models)[0], (typeof report.models)[0]];
    expect(report.labels).toEqual(LABELS);
    for (const label of ['spam', 'violating']) {
      const c = partial.perClass.find((x) => x.label === label)!;
      expect(c.notScored).toMatch(/not scored/);
      expect(c.predicted).toBeNull();
      expect(c.support).toBe(full.perClass.find((x) => x.label === label)!.support);
      for (const m of ['precision', 'recall', 'f1', 'fpr', 'fnr'] as const) {
        expect(c[m].estimate).toBeNull();
        expect(c[m].reason).toMatch(/not scored/);
      }
    }
    // Scored policies (hate derived from its children by max) equal the full model's on them.
    for (const label of ['hate', 'hate/slur', 'hate/threat']) {
      const a = full.perClass.find((x) => x.label === label)!;
      const b = partial.perClass.find((x) => x.label === label)!;
      expect(b.notScored).toBeUndefined();
      expect(b.recall.estimate).toBe(a.recall.estimate);
      expect(b.precision.estimate).toBe(a.precision.estimate);
    }
    expect(partial.ranking.map((r) => r.label)).toEqual(['hate', 'hate/slur', 'hate/threat']);
    expect(partial.calibration.positiveClass.map((c) => c.label)).toEqual([
      'hate',
      'hate/slur',
      'hate/threat',
    ]);
    // Averages run over the scored policies only: micro F1 from the full model's counts on them.
    expect(partial.classification.labels).toEqual(['hate', 'hate/slur', 'hate/threat']);
    expect(full.classification.labels).toEqual(LABELS);
    const on = full.classification.perClass.slice(0, 3);
    const tp = on.reduce((a, c) => a + c.tp, 0);
    const wrong = on.reduce((a, c) => a + c.fp + c.fn, 0);
    expect(partial.overall.micro.f1.estimate).toBeCloseTo((2 * tp) / (2 * tp + wrong), 12);
    expect(partial.overall.micro.f1.estimate).not.toBe(full.overall.micro.f1.estimate);
    expect(partial.overall.labelCardinality!.golden.high!).toBeLessThanOrEqual(3);
  });

  it('names a score column that is not a policy, and gates only policies both models score', async () => {
    const f = fixture();
    const odd = join(f.dir, 'odd.arrows');
    writePredictions(odd, {
      labels: ['hate/slur', 'hate/slurs'],
      task: 'multilabel',
      ids: f.ids,
      scores: f.ids.map(() => [0.1, 0.1]),
    });
    const err = await evaluate({ dataset: f.golden, predictions: [odd], resamples: 10 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).message).toMatch(/"hate\/slurs".*not a policy/);
    expect((err as BadInputError).message).toMatch(/model\.labels/);

    const policy = join(f.dir, 'gate.yaml');
    writeFileSync(policy, 'resamples: 100\nrules:\n  - recall[hate/*] >= baseline - 0.05\n');
    const ok = await runGate({
      policy,
      baseline: f.full,
      candidate: f.partial,
      dataset: f.golden,
      outDir: join(f.dir, 'g1'),
    });
    expect(ok.report.comparison!.policies?.map((p) => p.policy)).toEqual([
      'hate',
      'hate/slur',
      'hate/threat',
    ]);
    expect(ok.report.verdict).toBe('pass');
    writeFileSync(policy, 'resamples: 100\nrules:\n  - recall[spam] >= baseline - 0.05\n');
    const bad = await runGate({
      policy,
      baseline: f.full,
      candidate: f.partial,
      dataset: f.golden,
      outDir: join(f.dir, 'g2'),
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadInputError);
    expect((bad as BadInputError).message).toMatch(/"spam" is not scored by both models/);
  });

  it('clusters and review never call an unscored policy missed or over-enforced', async () => {
    const f = fixture();
    const set = await loadEvalSet({ dataset: f.golden, predictions: [f.partial] });
    const unscored = ['spam', 'violating'];
    const cells = planCells(set, { model: 0, seed: 1, minCellSize: 5, maxReference: 50 });
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((c) => unscored.includes(c.policy?.name ?? ''))).toEqual([]);
    // Golden spam items exist, so the old code listed every one of them as "missed spam".
    expect(f.leaves.some((l) => l.includes('spam'))).toBe(true);
    const candidates = selectCandidates(set, { rules: [{ kind: 'model_vs_golden' }] });
    for (let r = 0; r < set.n; r++) {
      const e = policyErrors(set, 0, r);
      expect([...e.missed, ...e.overEnforced].filter((p) => unscored.includes(p))).toEqual([]);
    }
    // Only rows wrong on a hate policy are selected.
    const hateWrong = new Set(
      Array.from({ length: set.n }, (_, r) => r)
        .filter((r) => {
          const e = policyErrors(set, 0, r);
          return e.missed.length + e.overEnforced.length > 0;
        })
        .map((r) => set.ids[r]),
    );
    expect(new Set(candidates.map((c) => c.id))).toEqual(hateWrong);
  });
});
