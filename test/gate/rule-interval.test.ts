import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuleOutcome } from '../../src/contracts/gate-report.js';
import type { Interval } from '../../src/contracts/metric-results.js';
import type { ModelMetrics } from '../../src/contracts/metrics-report.js';
import { computeMetrics } from '../../src/evaluate/evaluate.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { pairedFromEvalSet } from '../../src/evaluate/paired-set.js';
import { evaluateRules } from '../../src/gate/evaluate-rules.js';
import { policyContext } from '../../src/gate/gate.js';
import { parsePolicy } from '../../src/gate/policy.js';
import { bindPolicy } from '../../src/gate/policy-binding.js';
import { policyViews } from '../../src/gate/policy-views.js';
import { Xoshiro128 } from '../../src/util/prng.js';
import { unitHash, writePredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';
import { pairedSet } from './fixtures.js';

/**
 * The gate's interval for an absolute rule is the one eval reports for the same metric, class and
 * rows (SYNTHETIC data), and a gate deciding on that interval is as sure as it says.
 */

const root = mkdtempSync(join(tmpdir(), 'modeval-rule-interval-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SETTINGS = { level: 0.95, resamples: 200, seed: 3 };
const U = new Utf8();

/** Golden set and two models' predictions written as files, as the CLI would read them. */
function writeSet(name: string, labels: string[], multilabel: boolean) {
  const dir = join(root, name);
  const ids = Array.from({ length: 400 }, (_, i) => `item-${i}`);
  // Truth and scores from a hash of the id: reproducible, with errors of both kinds.
  const truthOf = (id: string) =>
    multilabel
      ? labels.filter((_, j) => unitHash(id, 10 + j) < 0.3)
      : [labels[unitHash(id, 1) < 0.3 ? 1 : 0]!];
  const scores = (seed: number) =>
    ids.map((id) =>
      labels.map((l, j) => {
        const truth = truthOf(id).includes(l);
        const noise = unitHash(id, seed + j);
        return truth ? 0.35 + 0.6 * noise : 0.6 * noise;
      }),
    );
  const dataset = `${dir}.arrow`;
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: ids, type: U },
    ...(multilabel
      ? { labels: { values: ids.map(truthOf), type: new List(new Field('item', U, true)) } }
      : { label: { values: ids.map((id) => truthOf(id)[0]!), type: U } }),
    region: { values: ids.map((id) => (unitHash(id, 7) < 0.5 ? 'north' : 'south')), type: U },
  });
  const files = ['baseline', 'candidate'].map((model, m) => {
    const file = `${dir}-${model}.arrows`;
    writePredictions(file, {
      labels,
      ids,
      scores: scores(100 + 50 * m),
      name: model,
      ...(multilabel ? { task: 'multilabel' as const, positive: null } : {}),
    });
    return file;
  });
  return { dataset, files };
}

const spec = (labels: string[]) => ({ labels, slices: ['region'] });

/** The interval fields both commands state (the gate's outcome and metrics.json's entry). */
function fields(iv: Interval | null | undefined) {
  return iv && { estimate: iv.estimate, low: iv.low, high: iv.high, method: iv.method, level: iv.level };
}

function gateOutcomes(set: ReturnType<typeof pairedFromEvalSet>, rules: string[]): RuleOutcome[][] {
  const yaml = `rules:\n${rules.map((r) => `  - "${r}"\n`).join('')}`;
  const bound = bindPolicy(parsePolicy(yaml, 'gate.yaml'), policyContext(set));
  return evaluateRules(set, bound, SETTINGS).map((r) => r.outcomes);
}

describe('gate interval = eval interval', () => {
  it('binary: proportions (Wilson) and bootstrap metrics (F1, macro F1, kappa, ROC-AUC), on the whole set and per slice', async () => {
    const labels = ['ham', 'spam'];
    const { dataset, files } = writeSet('binary', labels, false);
    const set = await loadEvalSet({ dataset, spec: spec(labels), predictions: files });
    const metrics = computeMetrics(set, SETTINGS);
    const cand: ModelMetrics = metrics.models[1]!;
    const spam = cand.perClass.find((c) => c.label === 'spam')!;
    const ham = cand.perClass.find((c) => c.label === 'ham')!;
    const [recall, precision, fpr, fnr, hamRecall, accuracy, perRegion] = gateOutcomes(
      pairedFromEvalSet(set),
      [
        'recall[spam] >= 0.5',
        'precision[spam] >= 0.5',
        'fpr[spam] <= 0.5',
        'fnr[spam] <= 0.5',
        'recall[ham] >= 0.5',
        'accuracy >= 0.5',
        'accuracy >= 0.5 per region',
      ],
    );
    expect(fields(recall![0]!.interval)).toEqual(fields(spam.recall));
    expect(recall![0]!.interval!.method).toBe('wilson');
    expect(fields(precision![0]!.interval)).toEqual(fields(spam.precision));
    expect(fields(fpr![0]!.interval)).toEqual(fields(spam.fpr));
    expect(fields(fnr![0]!.interval)).toEqual(fields(spam.fnr));
    expect(fields(hamRecall![0]!.interval)).toEqual(fields(ham.recall));
    expect(fields(accuracy![0]!.interval)).toEqual(fields(cand.overall.accuracy));
    // Bootstrap metrics: the same percentile bootstrap on the same settings, widened as eval widens.
    const [f1, macroF1, kappa, auc] = gateOutcomes(pairedFromEvalSet(set), [
      'f1[spam] >= 0.5',
      'f1_macro >= 0.5',
      'kappa >= 0.5',
      'roc_auc >= 0.5',
    ]);
    expect(fields(f1![0]!.interval)).toEqual(fields(spam.f1));
    expect(fields(macroF1![0]!.interval)).toEqual(fields(cand.overall.macro.f1));
    expect(fields(kappa![0]!.interval)).toEqual(fields(cand.overall.cohenKappa));
    expect(fields(auc![0]!.interval)).toEqual(fields(cand.overall.rocAuc.interval));
    const regions = cand.slices.find((s) => s.columns.join() === 'region')!;
    for (const o of perRegion!) {
      const value = regions.values.find((v) => v.values[0] === o.slice!.value)!;
      expect(fields(o.interval)).toEqual(fields(value.metrics.accuracy));
    }
  });

  it('a statistic eval calls no measurement is undefined in the gate too, with the same reason (F1 of a class with no golden item)', async () => {
    // `other` is scored and sometimes predicted but never a golden label (writeSet's truth uses
    // the first two labels only): F1 could only be 0, so eval reports it undefined.
    const labels = ['ham', 'spam', 'other'];
    const { dataset, files } = writeSet('absent-class', labels, false);
    const set = await loadEvalSet({ dataset, spec: spec(labels), predictions: files });
    const cand = computeMetrics(set, SETTINGS).models[1]!;
    const other = cand.perClass.find((c) => c.label === 'other')!;
    expect(other.support).toBe(0);
    expect(other.predicted).toBeGreaterThan(0);
    expect(other.f1.estimate).toBeNull();
    const [f1] = gateOutcomes(pairedFromEvalSet(set), ['f1[other] >= 0.5']);
    expect(fields(f1![0]!.interval)).toEqual(fields(other.f1));
    expect(f1![0]!.interval!.reason).toBe(other.f1.reason);
    expect(f1![0]!.status).toBe('fail');
    expect(f1![0]!.reason).toContain('F1 could only be 0');
  });

  it('multilabel: a policy rule on its view has the policy’s interval from metrics.json', async () => {
    const labels = ['insult', 'threat'];
    const { dataset, files } = writeSet('multilabel', labels, true);
    const set = await loadEvalSet({ dataset, spec: spec(labels), predictions: files });
    const cand = computeMetrics(set, SETTINGS).models[1]!;
    for (const view of policyViews(set, undefined)) {
      const [recall, precision] = gateOutcomes(view.set, [
        `recall[${view.policy}] >= 0.5`,
        `precision[${view.policy}] >= 0.5`,
      ]);
      const entry = cand.perClass.find((c) => c.label === view.policy)!;
      expect(fields(recall![0]!.interval)).toEqual(fields(entry.recall));
      expect(fields(precision![0]!.interval)).toEqual(fields(entry.precision));
    }
  });
});

/** Draws from Binomial(n, p) by counting uniform draws below p (n is small here). */
function binomial(rng: Xoshiro128, n: number, p: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (rng.nextUint32() / 2 ** 32 < p) x++;
  return x;
}

describe('decideOn: interval is as sure as it says', () => {
  // At true recall exactly the bound, a 95% two-sided interval's lower end passes at most 2.5% of
  // gates (plus simulation noise: 3 standard errors). A bootstrap widened on all rows passed 21% at
  // 30 spam items (issue 28, item 1).
  const simulations = 300;
  const bound = 0.95;
  for (const spamItems of [30, 100, 500, 2000]) {
    it(`passes at most 2.5% + 3 SE of gates at true recall = bound, ${spamItems} spam items`, () => {
      const rng = new Xoshiro128(20_260 + spamItems);
      const ham = 70;
      const labels = ['ham', 'spam'];
      const policy = parsePolicy(
        `resamples: 200\nrules:\n  - { rule: "recall[spam] >= ${bound}", decideOn: interval }\n`,
        'gate.yaml',
      );
      let passed = 0;
      for (let s = 0; s < simulations; s++) {
        const detected = binomial(rng, spamItems, bound);
        const truth = [...Array<string>(spamItems).fill('spam'), ...Array<string>(ham).fill('ham')];
        const candidate = truth.map((t, i) => (t === 'ham' ? 'ham' : i < detected ? 'spam' : 'ham'));
        const set = pairedSet({ labels, truth, baseline: candidate, candidate });
        const [result] = evaluateRules(set, bindPolicy(policy, policyContext(set)), {
          level: 0.95,
          resamples: 200,
          seed: s,
        });
        if (result!.status === 'pass') passed++;
      }
      const alpha = 0.025;
      const se = Math.sqrt((alpha * (1 - alpha)) / simulations);
      expect(passed / simulations).toBeLessThanOrEqual(alpha + 3 * se);
    });
  }
});
