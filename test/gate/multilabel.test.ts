/**
 * compare/gate on a multilabel set with a policy taxonomy. SYNTHETIC golden labels and scores
 * (chosen here, not by a model), including items with two unrelated policies, which the real
 * fortunes curation lacks; the real models are gated in test/demo-policies.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseTaxonomy } from '../../src/dataset/taxonomy.js';
import { runGate } from '../../src/gate/gate.js';
import { loadComparedSets } from '../../src/gate/load.js';
import { closedPredictions, expandPolicyPattern, notPolicy } from '../../src/gate/policy-views.js';
import { BadInputError } from '../../src/util/errors.js';
import { writePredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';
import { SYNTHETIC_POLICY_LABELS, SYNTHETIC_TAXONOMY } from '../helpers/policies.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

const TAXONOMY = SYNTHETIC_TAXONOMY;
const LABELS = SYNTHETIC_POLICY_LABELS;

/** A seeded stream of uniform numbers (mulberry32), so the fixture is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 600 items, es/it. Golden leaves: slur 15 %, threat 10 %, spam 15 % (independent, so some items
 * have hate and spam: two unrelated policies). Baseline flags each true leaf with 0.8, candidate
 * misses threats in Italian (0.3) and is better on slurs (0.95).
 */
function fixture() {
  const dir = tmp();
  const r = rng(7);
  const n = 600;
  const ids: string[] = [];
  const langs: string[] = [];
  const leaves: string[][] = [];
  for (let i = 0; i < n; i++) {
    ids.push(`s${i}`);
    langs.push(i % 2 === 0 ? 'es' : 'it');
    const l: string[] = [];
    if (r() < 0.15) l.push('hate/slur');
    if (r() < 0.1) l.push('hate/threat');
    if (r() < 0.15) l.push('spam');
    leaves.push(l);
  }
  const tax = parseTaxonomy(TAXONOMY);
  const golden = join(dir, 'golden.arrow');
  writeArrow(golden, {
    id: { values: ids, type: new Utf8() },
    text: { values: ids.map((id) => `synthetic ${id}`), type: new Utf8() },
    // Leaves only: the taxonomy closes them (the gate must not depend on stored parents).
    labels: { values: leaves, type: new List(new Field('item', new Utf8(), true)) },
    lang: { values: langs, type: new Utf8() },
  });
  writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ taxonomy: TAXONOMY }));
  const model = (name: string, recall: (leaf: string, lang: string) => number) => {
    const scores = leaves.map((l, i) => {
      const row = LABELS.map(() => 0.05 + 0.1 * r());
      for (const leaf of ['hate/slur', 'hate/threat', 'spam']) {
        const j = LABELS.indexOf(leaf);
        if (l.includes(leaf)) row[j] = r() < recall(leaf, langs[i]!) ? 0.9 : 0.2;
        else if (r() < 0.03) row[j] = 0.7;
      }
      return row; // parents and roll-up are left low: closure must lift them
    });
    const path = join(dir, `${name}.arrows`);
    writePredictions(path, { labels: LABELS, task: 'multilabel', ids, scores, name });
    return path;
  };
  const v1 = model('v1', () => 0.8);
  const v2 = model('v2', (leaf, lang) =>
    leaf === 'hate/threat' && lang === 'it' ? 0.3 : leaf === 'hate/slur' ? 0.95 : 0.8,
  );
  return { dir, golden, v1, v2, leaves, tax };
}

describe('policy views', () => {
  it('close predictions upward: flags and max-combined parent scores', () => {
    const tax = parseTaxonomy(TAXONOMY);
    const { flags, scores } = closedPredictions(
      {
        predictedFlags: Uint8Array.from([0, 0, 1, 0, 0]),
        scores: Float32Array.from([0.1, 0.3, 0.8, 0.2, 0.1]),
      },
      LABELS,
      1,
      tax,
    );
    expect([...flags]).toEqual([1, 0, 1, 0, 1]);
    expect([...scores].map((s) => Math.round(s * 100) / 100)).toEqual([0.8, 0.3, 0.8, 0.2, 0.8]);
  });

  it('expand policy patterns with and without a taxonomy', () => {
    const tax = parseTaxonomy(TAXONOMY);
    expect(expandPolicyPattern('hate/*', LABELS, tax)).toEqual(['hate/slur', 'hate/threat']);
    expect(expandPolicyPattern('violating/*', LABELS, tax)).toEqual(['hate', 'spam']);
    expect(expandPolicyPattern('hate/*', LABELS, undefined)).toEqual(['hate/slur', 'hate/threat']);
    expect(expandPolicyPattern('hat', LABELS, tax)).toBeUndefined();
    expect(notPolicy('spam')).toBe('not spam');
  });

  it('one binary view per policy, golden labels closed through the taxonomy', async () => {
    const f = fixture();
    const sets = await loadComparedSets({ baseline: f.v1, candidate: f.v2, dataset: f.golden });
    expect(sets.views.map((v) => v.policy)).toEqual(LABELS);
    const count = (p: string) => sets.views.find((v) => v.policy === p)!.set.truth.reduce((a, b) => a + b, 0);
    const has = (p: string) => f.leaves.filter((l) => l.some((x) => x === p || x.startsWith(`${p}/`))).length;
    expect(count('hate')).toBe(has('hate'));
    expect(count('violating')).toBe(f.leaves.filter((l) => l.length > 0).length);
    // Items with two unrelated policies exist in this fixture.
    expect(
      f.leaves.filter((l) => l.includes('spam') && l.some((x) => x.startsWith('hate'))).length,
    ).toBeGreaterThan(5);
  });
});

describe('multilabel gate', () => {
  const POLICY = [
    'resamples: 300',
    'rules:',
    '  - recall[hate/*] >= baseline - 0.05',
    '  - recall[hate] >= 0.6 per lang',
    '  - f1 >= baseline - 0.05',
    '  - newly_wrong[not spam] <= 40',
  ].join('\n');

  it('expands wildcards, decides per language, uses the roll-up for policy-less rules; fails one way, passes the other', async () => {
    const f = fixture();
    const policy = join(f.dir, 'gate.yaml');
    writeFileSync(policy, POLICY.replace('f1 >=', 'f1_macro >='));
    const forward = await runGate({
      policy,
      baseline: f.v1,
      candidate: f.v2,
      dataset: f.golden,
      outDir: join(f.dir, 'fw'),
    });
    const names = forward.report.rules.map((r) => r.rule.text);
    expect(names).toEqual([
      'recall[hate/slur] >= baseline - 0.05',
      'recall[hate/threat] >= baseline - 0.05',
      'recall[hate] >= 0.6 per lang',
      'f1_macro >= baseline - 0.05',
      'newly_wrong[not spam] <= 40',
    ]);
    // Issue 28 item 8: a policy-less rule is decided on the roll-up's binary view, and its
    // message names that view, so it is not read as eval's macro F1 over every policy.
    const rolled = forward.report.rules.find((r) => r.rule.text.startsWith('f1_macro'))!;
    expect(rolled.rule.rollup).toBe('violating');
    expect(rolled.message).toMatch(/^f1_macro\[violating vs not violating\] \d/);
    expect(forward.report.rules.filter((r) => r.rule.rollup !== undefined)).toHaveLength(1);
    const threat = forward.report.rules.find((r) => r.rule.text.startsWith('recall[hate/threat]'))!;
    expect(threat.status).toBe('fail');
    expect(forward.report.verdict).toBe('fail');
    expect(forward.report.comparison!.policies?.map((p) => p.policy)).toEqual(LABELS);
    expect(forward.report.comparison!.labels).toEqual(['not violating', 'violating']);
    // The other direction: v1 as candidate keeps Italian threats but loses v2's slur recall.
    const backward = await runGate({
      policy,
      baseline: f.v2,
      candidate: f.v1,
      dataset: f.golden,
      outDir: join(f.dir, 'bw'),
    });
    const slur = backward.report.rules.find((r) => r.rule.text.startsWith('recall[hate/slur]'))!;
    expect(slur.status).toBe('fail');
    expect(backward.report.rules.find((r) => r.rule.text.startsWith('recall[hate/threat]'))!.status).toBe(
      'pass',
    );
  });

  it('names an unknown policy with the known ones and the rule path', async () => {
    const f = fixture();
    const policy = join(f.dir, 'bad.yaml');
    writeFileSync(policy, 'rules:\n  - recall[hate/slurs] >= 0.5\n');
    const run = runGate({
      policy,
      baseline: f.v1,
      candidate: f.v2,
      dataset: f.golden,
      outDir: join(f.dir, 'o'),
    });
    await expect(run).rejects.toBeInstanceOf(BadInputError);
    await expect(
      runGate({ policy, baseline: f.v1, candidate: f.v2, dataset: f.golden, outDir: join(f.dir, 'o') }),
    ).rejects.toThrow(
      /bad\.yaml, line 2.*rules\[0\]\.class: unknown policy "hate\/slurs" \(did you mean "hate\/slur"\?\)/,
    );
  });
});
