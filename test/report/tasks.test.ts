import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { runGate } from '../../src/gate/gate.js';
import { auditMarkup } from '../../src/report/audit.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { loadReportInputs } from '../../src/report/load.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { unitHash, writePredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';
import { buildHostileRuns } from './fixtures.js';

/** The report across task shapes and with a gate (SYNTHETIC data throughout). */

const U = new Utf8();
const root = mkdtempSync(join(tmpdir(), 'modeval-report-tasks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('report across tasks', () => {
  it('pools a 25-label confusion matrix and lists every class', async () => {
    const dir = join(root, 'mc');
    mkdirSync(dir);
    const labels = Array.from({ length: 25 }, (_, i) => `class-${String(i).padStart(2, '0')}`);
    const ids = Array.from({ length: 500 }, (_, i) => `i${i}`);
    const truth = ids.map((_, i) => labels[(i * 7) % 25]!);
    const scores = ids.map((id, i) => {
      const row = labels.map((_, j) => 0.01 + 0.001 * j);
      const right = unitHash(id, 3) < 0.7 ? (i * 7) % 25 : (i * 7 + 1) % 25;
      row[right] = 0.7;
      return row;
    });
    const dataset = join(dir, 'mc.arrow');
    writeArrow(dataset, {
      id: { values: ids, type: U },
      text: { values: ids, type: U },
      label: { values: truth, type: U },
      region: { values: ids.map((_, i) => (i % 3 === 0 ? 'north' : 'south')), type: U },
    });
    const preds = join(dir, 'predictions.arrows');
    writePredictions(preds, { labels, ids, scores, task: 'multiclass', name: 'mc' });
    await evaluate({ dataset, spec: { labels }, predictions: [preds], out: dir, resamples: 30 });
    const inputs = await loadReportInputs([dir]);
    // Every top score is float32(0.7) = 0.69999998…: bin 13 of 20, split into right and wrong.
    const right = ids.filter((id) => unitHash(id, 3) < 0.7).length;
    expect(inputs.models[0]!.scores!.bins.filter((b) => b.count > 0)).toEqual([
      { lo: 0.65, hi: 0.7, group: 'right', count: right },
      { lo: 0.65, hi: 0.7, group: 'wrong', count: 500 - right },
    ]);
    const doc = await renderHtmlReport(inputs, { limits: { confusionLabels: 10 } });
    expect(auditMarkup(doc)).toEqual([]);
    expect(doc).toContain('(16 other labels)');
    expect(doc).toContain('16 least frequent labels are pooled');
    // Per-class table: one row per label.
    for (const l of labels) expect(doc).toContain(`<td>${l}</td>`);
    expect(doc).toContain('Reliability: top-label confidence');
  });

  it('renders a multilabel report with per-label confusion tables', async () => {
    const dir = join(root, 'ml');
    mkdirSync(dir);
    const labels = ['spam', 'abuse'];
    const ids = Array.from({ length: 60 }, (_, i) => `m${i}`);
    const truth = ids.map((id) => labels.filter((_, j) => unitHash(id, j) < 0.4));
    const predicted = ids.map((id, i) => (unitHash(id, 9) < 0.8 ? truth[i]! : ['spam']));
    const dataset = join(dir, 'ml.arrow');
    writeArrow(dataset, {
      id: { values: ids, type: U },
      text: { values: ids, type: U },
      labels: { values: truth, type: new List(new Field('item', U, true)) },
    });
    const preds = join(dir, 'predictions.arrows');
    writePredictions(preds, {
      labels,
      task: 'multilabel',
      ids,
      scores: predicted.map((p) => labels.map((l) => (p.includes(l) ? 0.9 : 0.2))),
      predicted,
    });
    await evaluate({ dataset, spec: { labels, slices: [] }, predictions: [preds], out: dir, resamples: 30 });
    const doc = await renderHtmlReport(await loadReportInputs([dir]));
    expect(auditMarkup(doc)).toEqual([]);
    expect(doc).toContain('Confusion per label');
    expect(doc).toContain('subset accuracy');
    expect(doc).toContain('Reliability: P(abuse)');
  });
});

describe('report with a gate', () => {
  it('shows the gate verdict and the failed rules in HTML and Markdown', async () => {
    mkdirSync(join(root, 'hostile'));
    const runs = await buildHostileRuns(join(root, 'hostile'));
    const gateDir = join(root, 'gate');
    mkdirSync(gateDir);
    const policy = join(root, 'policy.yaml');
    writeFileSync(policy, 'resamples: 100\nrules:\n  - accuracy >= 0.99\n  - accuracy >= baseline - 0.5\n');
    await runGate({
      policy,
      baseline: join(runs.dirA, 'predictions.arrows'),
      candidate: join(runs.dirB, 'predictions.arrows'),
      dataset: runs.dataset,
      spec: join(root, 'hostile', 'hostile.spec.json'),
      outDir: gateDir,
    });
    const inputs = await loadReportInputs([runs.dirA, runs.dirB, gateDir]);
    expect(inputs.comparison?.source).toBe(join(gateDir, 'gate.json'));
    const doc = await renderHtmlReport(inputs);
    expect(auditMarkup(doc)).toEqual([]);
    expect(doc).toContain('<b>Gate FAIL</b>: 1 of 2 rules pass');
    const md = renderMarkdownReport(inputs);
    expect(md).toContain('**Gate: ❌ FAIL** · 1 of 2 rules pass');
    expect(md).toContain('`accuracy >= 0.99`');
  }, 60_000);
});
