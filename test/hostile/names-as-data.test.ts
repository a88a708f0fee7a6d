import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPredictions } from '../../src/run/predictions.js';
import { useTmpDir } from '../helpers/tmp.js';
import {
  buildClassFixture,
  buildNamesFixture,
  CLASS_NAMES,
  classRows,
  LABELS,
  NAMES,
  namesRows,
  POSITIVE,
  type TEXTS,
} from './names-fixtures.js';

/**
 * The whole pipeline through the built CLI on data whose labels, slice values, annotators and
 * model names are Object's property names, Vega field/expression syntax and markup (SYNTHETIC
 * fixture, names-fixtures.ts): run → eval → compare → gate → clusters → review export/import →
 * report (HTML, Markdown) → inspect. Every name must be data: right numbers, no crash, escaped.
 */
const tmp = useTmpDir();
// About 15 CLI processes each: 30 s on a quiet machine, several times that on a loaded one.
const SLOW = { timeout: 600_000 };
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'modeval.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], status = 0): string {
  const r = cli(args);
  if (r.status !== status) throw new Error(`modeval ${args[0]} exited ${r.status}: ${r.stderr}`);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return r.stdout;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** What the graph's positive score is for each text (model/fixtures stringLookupModel, softmax). */
const E4 = Math.exp(4);
const POSITIVE_SCORE: Record<(typeof TEXTS)[number], number> = {
  hi: 1 / (1 + E4),
  'buy now': E4 / (1 + E4),
  other: 0.5,
};

/** The decisions a threshold on `constructor` gives, computed here independently of modeval. */
function decisions(threshold: number): string[] {
  return namesRows().map((r) =>
    POSITIVE_SCORE[r.text as (typeof TEXTS)[number]] >= threshold ? POSITIVE : LABELS[0],
  );
}

describe('labels and slice values named like object properties or expressions, end to end', () => {
  it('gives the right numbers in every command and keeps every name as escaped data', SLOW, async () => {
    const root = tmp();
    const f = buildNamesFixture(root);
    const rows = namesRows();
    const out = (p: string) => join(root, 'out', p);

    // run: the card's threshold on `constructor` (0.6 for the candidate) is honoured.
    ok([
      'run',
      '--model',
      f.baseline,
      '--dataset',
      f.dataset,
      '--out',
      out('b'),
      '--quiet',
      '--workers',
      '1',
    ]);
    ok([
      'run',
      '--model',
      f.candidate,
      '--dataset',
      f.dataset,
      '--out',
      out('c'),
      '--quiet',
      '--workers',
      '1',
    ]);
    for (const [dir, threshold] of [
      ['b', 0.5],
      ['c', 0.6],
    ] as const) {
      const preds = await openPredictions(join(out(dir), 'predictions.arrows'));
      const predicted: string[] = [];
      for await (const b of preds.batches())
        for (let i = 0; i < b.length; i++) predicted.push(String(b.predicted.get(i)));
      expect(predicted).toEqual(decisions(threshold));
    }
    const wantC = decisions(0.6);
    const wantB = decisions(0.5);
    const correct = (want: string[]) => rows.filter((r, i) => r.label === want[i]).length;
    expect(json(out('c/run.json')).accuracy).toBeCloseTo(correct(wantC) / rows.length, 12);

    // eval: per-class recall of `constructor` and of `__proto__` from the counts.
    for (const [dir, want] of [
      ['b', wantB],
      ['c', wantC],
    ] as const) {
      ok([
        'eval',
        '--predictions',
        out(`${dir}/predictions.arrows`),
        '--dataset',
        f.dataset,
        '--out',
        out(dir),
        '--resamples',
        '100',
      ]);
      const m = json(out(`${dir}/metrics.json`)).models[0];
      for (const label of LABELS) {
        const golden = rows.filter((r) => r.label === label);
        const hit = golden.filter((r) => want[rows.indexOf(r)] === label).length;
        const cls = m.perClass.find((c: { label: string }) => c.label === label);
        expect(cls.support).toBe(golden.length);
        expect(cls.recall.estimate).toBeCloseTo(hit / golden.length, 12);
      }
      // Every slice value is measured under its own name, `__proto__` and `constructor` included.
      const group = m.slices.find((s: { columns: string[] }) => s.columns[0] === 'group');
      expect(group.values.map((v: { values: string[] }) => v.values[0]).sort()).toEqual([...NAMES].sort());
      const dotted = m.slices.find((s: { columns: string[] }) => s.columns[0] === 'a.b');
      expect(dotted.values).toHaveLength(NAMES.length);
    }

    // compare and gate, with a cost matrix keyed by `__proto__` and `constructor`.
    const pair = [
      ...['--baseline', out('b/predictions.arrows'), '--candidate', out('c/predictions.arrows')],
      ...['--dataset', f.dataset],
    ];
    ok(['compare', ...pair, '--out', out('cmp'), '--resamples', '200']);
    const gateArgs = ['gate', '--policy', f.policy, ...pair, '--out', out('gate')];
    const gateRun = cli(gateArgs);
    expect([0, 1]).toContain(gateRun.status);
    const gate = json(out('gate/gate.json'));
    const costRule = gate.rules.find((r: { rule: { metric: string } }) => r.rule.metric === 'cost');
    // (JSON.parse, not a literal: `{ __proto__: … }` in code would set a prototype.)
    expect(costRule.rule.costs).toEqual(
      JSON.parse('{"__proto__":{"constructor":5},"constructor":{"__proto__":1}}'),
    );
    const cost = (want: string[]) =>
      rows.reduce((sum, r, i) => {
        if (r.label === want[i]) return sum;
        return sum + (r.label === '__proto__' ? 5 : 1);
      }, 0) / rows.length;
    expect(costRule.outcomes[0].observed).toBeCloseTo(cost(wantC), 12);
    expect(costRule.outcomes[0].baseline).toBeCloseTo(cost(wantB), 12);
    const sliceRule = gate.rules.find((r: { rule: { slice: unknown } }) => r.rule.slice !== null);
    const inSlice = rows.filter((r) => r.group === 'constructor' && r.label === POSITIVE);
    expect(sliceRule.outcomes[0].observed).toBeCloseTo(
      inSlice.filter((r) => wantC[rows.indexOf(r)] === POSITIVE).length / inSlice.length,
      12,
    );
    const recall = gate.rules.find(
      (r: { rule: { text: string } }) => r.rule.text === 'recall[constructor] >= 0.5',
    );
    const positives = rows.filter((r) => r.label === POSITIVE);
    expect(recall.outcomes[0].observed).toBeCloseTo(
      positives.filter((r) => wantC[rows.indexOf(r)] === POSITIVE).length / positives.length,
      12,
    );

    // clusters, then review export and import of reviewers' verdicts.
    ok([
      'clusters',
      '--predictions',
      out('c/predictions.arrows'),
      out('b/predictions.arrows'),
      '--dataset',
      f.dataset,
      '--out',
      out('c'),
      '--min-cell-size',
      '3',
    ]);
    ok([
      'review',
      'export',
      '--dataset',
      f.dataset,
      '--predictions',
      out('c/predictions.arrows'),
      '--out',
      out('review'),
      '--format',
      'jsonl',
      '--cost',
      '__proto__>constructor=5',
    ]);
    const queue = readFileSync(out('review/review/batch-0001/queue.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const item of queue) {
      const row = byId.get(String(item.id))!;
      expect(item.golden).toBe(row.label);
      expect(item.slice_group).toBe(row.group);
      expect(item['slice_a.b']).toBe(row.dotted);
    }
    const reviewed = queue.slice(0, 6);
    const verdicts = reviewed.map((item, i) => ({
      id: item.id,
      verdict: LABELS[i % 2],
      reviewer: ['__proto__', 'constructor', 'toString'][i % 3],
    }));
    writeFileSync(join(root, 'verdicts.jsonl'), verdicts.map((v) => JSON.stringify(v)).join('\n'));
    ok([
      'review',
      'import',
      join(root, 'verdicts.jsonl'),
      '--dataset',
      f.dataset,
      '--out',
      out('golden2.arrow'),
    ]);

    // inspect: the new version's label counts, each label under its own name.
    const inspected = JSON.parse(ok(['inspect', out('golden2.arrow'), '--json']));
    const after = new Map(rows.map((r) => [r.id, r.label]));
    for (const v of verdicts) after.set(String(v.id), v.verdict!);
    const expectedCounts = Object.fromEntries(
      LABELS.map((l) => [l, [...after.values()].filter((x) => x === l).length]),
    );
    expect(inspected.labels.counts).toEqual(expectedCounts);
    const printed = ok(['inspect', f.dataset]);
    for (const l of LABELS) {
      expect(printed).toMatch(new RegExp(`\\n${l}\\s+${rows.filter((r) => r.label === l).length}\\s`));
    }
    expect(printed).not.toContain('native code');

    // report: HTML and Markdown; every name escaped, none run, charts rendered.
    ok(['report', out('b'), out('c'), out('gate'), '--out', out('report.html')]);
    ok(['report', out('b'), out('c'), out('gate'), '--out', out('report.md')]);
    const page = readFileSync(out('report.html'), 'utf8');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toMatch(/<svg[\s\S]*>constructor<\/text>/);
    for (const name of [
      'toString',
      'hasOwnProperty',
      'a.b',
      'datum[&#39;x&#39;]',
      '&quot;quoted&quot;',
      '{}',
    ]) {
      expect(page).toContain(name);
    }
    const md = readFileSync(out('report.md'), 'utf8');
    expect(md).not.toContain('<script>alert(1)</script>');
  });

  it(
    'multiclass labels with such names: right per-class numbers, inspect counts, an escaped report',
    SLOW,
    () => {
      const root = tmp();
      const f = buildClassFixture(root);
      const rows = classRows();
      const out = join(root, 'out');
      ok(['run', '--model', f.model, '--dataset', f.dataset, '--out', out, '--quiet', '--workers', '1']);
      ok([
        'eval',
        '--predictions',
        join(out, 'predictions.arrows'),
        '--dataset',
        f.dataset,
        '--out',
        out,
        '--resamples',
        '100',
      ]);
      const m = json(join(out, 'metrics.json')).models[0];
      expect(m.perClass.map((c: { label: string }) => c.label)).toEqual(CLASS_NAMES);
      for (const label of CLASS_NAMES) {
        const golden = rows.filter((r) => r.label === label);
        const decided = rows.filter((r) => r.decided === label);
        const cls = m.perClass.find((c: { label: string }) => c.label === label);
        expect([cls.support, cls.predicted]).toEqual([golden.length, decided.length]);
        expect(cls.recall.estimate).toBeCloseTo(
          golden.filter((r) => r.decided === label).length / golden.length,
          12,
        );
      }
      const slice = m.slices.find((s: { columns: string[] }) => s.columns[0] === 'constructor');
      expect(slice.values).toHaveLength(NAMES.length);

      const inspected = JSON.parse(ok(['inspect', f.dataset, '--json']));
      const counts = Object.fromEntries(
        CLASS_NAMES.map((l) => [l, rows.filter((r) => r.label === l).length]),
      );
      expect(inspected.labels.counts).toEqual(counts);
      expect(Object.keys(inspected.slices)).toEqual(['constructor']);

      ok(['report', out, '--out', join(root, 'report.html')]);
      const page = readFileSync(join(root, 'report.html'), 'utf8');
      expect(page).not.toContain('<script>alert(2)</script>');
      expect(page).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
      expect(page).toMatch(/>hasOwnProperty<\/text>/);
    },
  );
});
