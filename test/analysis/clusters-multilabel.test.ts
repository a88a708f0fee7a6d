/**
 * Error clusters on a multi-policy set, per policy and error cell. SYNTHETIC texts, golden labels
 * and scores (chosen here, not by a model): 24 items hold two unrelated policies (a slur and spam)
 * and the model misses the spam in two made-up topics; 8 clean items it calls threats. The real
 * fortunes set is clustered in test/demo-policies.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { clustersFor } from '../../src/analysis/clusters.js';
import { nameableText } from '../../src/analysis/stopwords.js';
import { ClustersReportSchema } from '../../src/contracts/clusters-report.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { OUTPUT_FILES, writeJsonOutput } from '../../src/io/outputs.js';
import { writeReport } from '../../src/report/report.js';
import { writePredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';
import { SYNTHETIC_POLICY_LABELS as LABELS, SYNTHETIC_TAXONOMY } from '../helpers/policies.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

const crypto = Array.from(
  { length: 12 },
  (_, i) => `Crypto giveaway ${i}: send bitcoin wallet tokens now, doubled coins airdrop`,
);
const pharmacy = Array.from(
  { length: 12 },
  (_, i) => `Pharmacy discount ${i}: cheap pills prescription tablets shipped overnight`,
);
const lottery = Array.from({ length: 30 }, (_, i) => `Lottery winner ${i}: claim your prize money today`);
const threats = Array.from({ length: 8 }, (_, i) => `Match report ${i}: the striker killed it in the derby`);
const clean = Array.from({ length: 20 }, (_, i) => `Minutes of meeting ${i}: budget review and staffing`);

function fixture() {
  const dir = tmp();
  const texts = [...crypto, ...pharmacy, ...lottery, ...threats, ...clean];
  const ids = texts.map((_, i) => `t${String(i).padStart(3, '0')}`);
  const golden = texts.map((_, i) => (i < 24 ? ['hate/slur', 'spam'] : i < 54 ? ['spam'] : []));
  // The model flags the slur but misses the spam of the first 24; calls the match reports threats.
  const flagged = texts.map((_, i) =>
    i < 24 ? ['hate/slur'] : i < 54 ? ['spam'] : i < 62 ? ['hate/threat'] : [],
  );
  const scores = flagged.map((f) => LABELS.map((l) => (f.includes(l) ? 0.85 : 0.1)));
  const dataset = join(dir, 'golden.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: new Utf8() },
    text: { values: texts, type: new Utf8() },
    labels: { values: golden, type: new List(new Field('item', new Utf8(), true)) },
    source: { values: texts.map((_, i) => (i < 10 ? 'feed' : 'mail')), type: new Utf8() },
  });
  writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ taxonomy: SYNTHETIC_TAXONOMY }));
  mkdirSync(join(dir, 'model'));
  const preds = join(dir, 'model', 'predictions.arrows');
  writePredictions(preds, { labels: LABELS, task: 'multilabel', ids, scores, name: 'pol' });
  return { dir, dataset, preds };
}

describe('clusters on a multi-policy set (synthetic)', () => {
  it('clusters each policy error cell, names the policy and the error, and the report shows them', async () => {
    const f = fixture();
    const report = await clustersFor(
      { dataset: f.dataset, predictions: [f.preds] },
      { seed: 7, minCellSize: 5 },
    );
    expect(ClustersReportSchema.parse(report)).toEqual(report);
    const cell = (name: string) => report.cells.find((c) => c.cell === name);
    expect(report.cells.map((c) => c.cell)).toEqual(
      LABELS.flatMap((l) => [`missed ${l}`, `over-enforced ${l}`]),
    );
    expect(cell('missed spam')).toMatchObject({
      policy: 'spam',
      error: 'missed',
      golden: 'spam',
      predicted: 'not spam',
      size: 24,
      clustered: true,
      k: 2,
    });
    // The slur was flagged, so the roll-up is not missed on those items.
    expect(cell('missed violating')).toMatchObject({ size: 0, clustered: false });
    // A wrong threat is a wrong `hate` (its parent) too.
    for (const p of ['hate/threat', 'hate']) {
      expect(cell(`over-enforced ${p}`)).toMatchObject({ size: 8, error: 'over_enforced', predicted: p });
    }
    const spam = report.clusters.filter((c) => c.cell === 'missed spam');
    expect(spam).toHaveLength(2);
    const topic = (w: string) => spam.find((c) => c.terms.some((t) => t.term === w))!;
    expect(topic('bitcoin').members.sort()).toEqual(crypto.map((_, i) => `t${String(i).padStart(3, '0')}`));
    expect(topic('pills').size).toBe(12);
    for (const c of spam) {
      expect(c).toMatchObject({ policy: 'spam', error: 'missed', kind: 'false_negative' });
      // The score is the model's probability of its wrong decision: 1 − P(spam).
      expect(c.representatives[0]!.score).toBeCloseTo(0.9, 5);
    }
    const threat = report.clusters.find((c) => c.cell === 'over-enforced hate/threat')!;
    expect(threat).toMatchObject({ kind: 'false_positive', policy: 'hate/threat' });
    expect(threat.representatives[0]!.score).toBeCloseTo(0.85, 5);

    const modelDir = join(f.dir, 'model');
    await evaluate({ dataset: f.dataset, predictions: [f.preds], out: modelDir, resamples: 200 });
    await writeJsonOutput(OUTPUT_FILES.clusters, modelDir, report);
    const out = join(f.dir, 'report.html');
    await writeReport({ dirs: [modelDir], out, format: 'html' });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h3>Error clusters</h3>');
    expect(html).toContain('missed spam');
    expect(html).toContain('over-enforced hate/threat');
    // One reliability chart per policy, the fifth (the roll-up) included.
    for (const l of LABELS) expect(html).toContain(`Reliability: P(${l})`);
    const top = report.clusters[0]!;
    expect(html).toContain(`${top.id} <span class="badge">missed</span> ${top.policy}</h4>`);
  });
});

describe('cluster names on Spanish and Italian text', () => {
  it('drop function words, keep content words', () => {
    // Openings of two fortunes golden items (fortunes-es-off misogino, fortunes-it-off film-o).
    expect(nameableText('¿Cual es la diferencia entre una foca y una mujer?')).toBe('diferencia foca mujer');
    expect(nameableText('Selezione di titoli di film a luci rosse')).toBe('selezione titoli film luci rosse');
  });
});
