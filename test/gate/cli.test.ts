import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, RecordBatchStreamWriter, Utf8 } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ComparisonSchema, GateReportSchema } from '../../src/contracts/gate-report.js';
import type { PredictionsMeta } from '../../src/contracts/predictions.js';
import { makePredictionBatch, predictionsSchema } from '../../src/run/predictions.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { syntheticSpamRows, writeGolden, writePredictions } from './fixtures.js';

/** SYNTHETIC golden set and predictions on disk, run through the real CLI entry point. */
const tmp = useTmpDir();
let stdout = '';
let stderr = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function fixture() {
  const dir = tmp();
  const rows = syntheticSpamRows(400, 11);
  const golden = join(dir, 'golden.arrow');
  const ids = writeGolden(golden, rows);
  const common = { dataset: golden, name: 'synthetic', labels: rows.labels, ids };
  const v1 = join(dir, 'v1.arrows');
  const v2 = join(dir, 'v2.arrows');
  await writePredictions(v1, { ...common, version: '1', predicted: rows.baseline });
  await writePredictions(v2, { ...common, version: '2', predicted: rows.candidate });
  // Passes for v2 over v1 overall; the per-group rule catches group c.
  const lenient = join(dir, 'lenient.yaml');
  writeFileSync(lenient, 'resamples: 300\nrules:\n  - recall[spam] >= 0.5\n  - accuracy >= baseline - 0.1\n');
  const strict = join(dir, 'strict.yaml');
  writeFileSync(
    strict,
    'resamples: 300\nrules:\n  - recall[spam] >= 0.5\n  - accuracy >= baseline - 0.02 per group\n',
  );
  return { dir, golden, ids, rows, v1, v2, lenient, strict };
}

const gateArgs = (f: { golden: string; v1: string; v2: string }, policy: string, out: string) => [
  'gate',
  '--policy',
  policy,
  '--baseline',
  f.v1,
  '--candidate',
  f.v2,
  '--dataset',
  f.golden,
  '--out',
  out,
];

describe('modeval gate', () => {
  it('exits 0 on pass and 1 on fail, writing gate.json, junit.xml and summary.md either way', async () => {
    const f = await fixture();
    const summary = join(f.dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);

    const passOut = join(f.dir, 'pass');
    expect(await main(gateArgs(f, f.lenient, passOut))).toBe(0);
    expect(readdirSync(passOut).sort()).toEqual(['gate.json', 'junit.xml', 'summary.md']);
    const passed = GateReportSchema.parse(JSON.parse(readFileSync(join(passOut, 'gate.json'), 'utf8')));
    expect(passed.verdict).toBe('pass');
    expect(stdout).toMatch(/gate PASS: 2\/2 rules pass/);

    const failOut = join(f.dir, 'fail');
    expect(await main(gateArgs(f, f.strict, failOut))).toBe(1);
    const failed = GateReportSchema.parse(JSON.parse(readFileSync(join(failOut, 'gate.json'), 'utf8')));
    expect(failed.verdict).toBe('fail');
    expect(failed.rules[1]!.outcomes.find((o) => o.status === 'fail')!.slice).toEqual({
      column: 'group',
      value: 'c',
    });
    expect(stderr).toMatch(/modeval: 1 of 2 gate rules failed/);
    expect(readFileSync(join(failOut, 'junit.xml'), 'utf8')).toContain(
      '<failure message="group=&quot;c&quot;',
    );

    // Both summaries were appended after what was there.
    const step = readFileSync(summary, 'utf8');
    expect(step.startsWith('# earlier step\n## modeval gate: ✅ PASS')).toBe(true);
    expect(step).toContain('## modeval gate: ❌ FAIL');
  });

  it('is deterministic: the same inputs give byte-identical outputs', async () => {
    const f = await fixture();
    await main(gateArgs(f, f.strict, join(f.dir, 'a')));
    await main(gateArgs(f, f.strict, join(f.dir, 'b')));
    for (const name of ['gate.json', 'junit.xml', 'summary.md']) {
      const a = readFileSync(join(f.dir, 'a', name), 'utf8').replaceAll('/a/', '/');
      expect(readFileSync(join(f.dir, 'b', name), 'utf8').replaceAll('/b/', '/')).toBe(a);
    }
  });

  it('exits 2 and writes nothing for a missing baseline', async () => {
    const f = await fixture();
    const out = join(f.dir, 'out');
    expect(await main(gateArgs({ ...f, v1: join(f.dir, 'nope.arrows') }, f.strict, out))).toBe(2);
    expect(stderr).toMatch(/nope\.arrows: cannot read baseline predictions \(no such file\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for a policy naming an unknown metric, class or slice', async () => {
    const f = await fixture();
    const cases: [string, RegExp][] = [
      ['rules:\n  - recal[spam] >= 0.9\n', /bad\.yaml, line 2: rules\[0\]\.metric: unknown metric "recal"/],
      [
        'rules:\n  - recall[spma] >= 0.9\n',
        /bad\.yaml, line 2: rules\[0\]\.class: unknown class "spma" \(did you mean "spam"\?\)/,
      ],
      // Class names in a cost matrix get the same hint as in a rule.
      [
        'costs:\n  spma: { ham: 5 }\nrules:\n  - cost <= baseline\n',
        /unknown class "spma" \(did you mean "spam"\?\); classes/,
      ],
      [
        'costs:\n  spam: { hma: 5 }\nrules:\n  - cost <= baseline\n',
        /unknown class "hma" \(did you mean "ham"\?\); classes/,
      ],
      [
        'rules:\n  - accuracy >= 0.9 per grup\n',
        /bad\.yaml, line 2: rules\[0\]\.slice: unknown slice "grup" \(did you mean "group"\?\)/,
      ],
    ];
    for (const [text, message] of cases) {
      const policy = join(f.dir, 'bad.yaml');
      writeFileSync(policy, text);
      stderr = '';
      expect(await main(gateArgs(f, policy, join(f.dir, 'out')))).toBe(2);
      expect(stderr).toMatch(message);
    }
    expect(existsSync(join(f.dir, 'out'))).toBe(false);
  });

  it('exits 2 for predictions made on another dataset or over another label set', async () => {
    const f = await fixture();
    const other = join(f.dir, 'other.arrows');
    await writePredictions(other, {
      dataset: f.golden,
      name: 'synthetic',
      version: '3',
      labels: f.rows.labels,
      ids: f.ids,
      predicted: f.rows.candidate,
      fingerprint: 'f'.repeat(64),
    });
    expect(await main(gateArgs({ ...f, v2: other }, f.lenient, join(f.dir, 'out')))).toBe(2);
    expect(stderr).toMatch(
      /other\.arrows, field "dataset\.fingerprint": predictions were made on a different dataset/,
    );

    const relabelled = join(f.dir, 'relabelled.arrows');
    await writePredictions(relabelled, {
      dataset: f.golden,
      name: 'synthetic',
      version: '4',
      labels: ['ham', 'junk'],
      ids: f.ids,
      predicted: f.rows.candidate.map((l) => (l === 'spam' ? 'junk' : l)),
    });
    stderr = '';
    expect(await main(gateArgs({ ...f, v2: relabelled }, f.lenient, join(f.dir, 'out')))).toBe(2);
    expect(stderr).toMatch(
      /relabelled\.arrows, field "labels": the model's labels differ from the first model's \(2 vs 2\): 1 of the first model's labels are not the model's: \["spam"\]; 1 of the model's labels are not the first model's: \["junk"\]/,
    );
    expect(existsSync(join(f.dir, 'out'))).toBe(false);
  });

  it('after a relabel (predictions of the previous golden file) joins by id and warns as eval and compare do, naming the command that rescores', async () => {
    const f = await fixture();
    // Both made on an earlier version of the golden file: a run's predictions and an imported log.
    const stale = { dataset: f.golden, name: 'synthetic', labels: f.rows.labels, ids: f.ids };
    const s1 = join(f.dir, 's1.arrows');
    const s2 = join(f.dir, 's2.arrows');
    const fingerprint = 'e'.repeat(64);
    await writePredictions(s1, {
      ...stale,
      version: '1',
      predicted: f.rows.baseline,
      fingerprint,
      source: 'model',
    });
    await writePredictions(s2, {
      ...stale,
      version: '2',
      predicted: f.rows.candidate,
      fingerprint,
      input: 'prod-log.csv',
    });
    const out = join(f.dir, 'out');
    expect(await main(gateArgs({ ...f, v1: s1, v2: s2 }, f.lenient, out))).toBe(0);
    const warned = stderr.split('\n').filter((l) => l.startsWith('modeval: warning: '));
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(
      /s1\.arrows\) was made on .*golden\.arrow \(sha256 eeeeeeeeeeee…\), not this dataset file \([0-9a-f]{12}…\); rows are joined by id\. To score this file itself: modeval run --model <synthetic's model folder> --dataset .*golden\.arrow --out <folder>/,
    );
    expect(warned[1]).toMatch(
      /s2\.arrows\) was made on .*; rows are joined by id\. To score this file itself, import the log again: modeval predictions import prod-log\.csv --dataset .*golden\.arrow --out <file> \(with the same column options\)/,
    );
    const text = warned.map((l) => l.slice('modeval: warning: '.length));
    // Recorded in every gate output.
    const report = GateReportSchema.parse(JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')));
    expect(report.comparison?.warnings).toEqual(text);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(
      'import the log again: modeval predictions import',
    );
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(
      /<property name="warning" value="synthetic 1 \([^"]*s1\.arrows\) was made on/,
    );

    // eval and compare say the very same thing.
    stdout = '';
    const compareArgs = [
      'compare',
      '--baseline',
      s1,
      '--candidate',
      s2,
      '--dataset',
      f.golden,
      '--resamples',
      '100',
    ];
    expect(await main(compareArgs)).toBe(0);
    expect(
      stdout
        .split('\n')
        .filter((l) => l.startsWith('warning: '))
        .map((l) => l.slice(9)),
    ).toEqual(text);
    stderr = '';
    expect(
      await main(['eval', '--predictions', s2, '--dataset', f.golden, '--out', join(f.dir, 'eval')]),
    ).toBe(0);
    expect(stderr).toContain(`modeval: warning: ${text[1]}`);
  });
});

describe('multilabel sets', () => {
  it('are compared per policy; a gate rule naming no policy on a set without a roll-up is exit 2', async () => {
    const dir = tmp();
    const golden = join(dir, 'ml.arrow');
    const ids = ['a', 'b', 'c'];
    writeArrow(golden, {
      id: { values: ids, type: new Utf8() },
      text: { values: ['x', 'y', 'z'], type: new Utf8() },
      labels: {
        values: [['spam'], [], ['spam', 'abuse']],
        type: new List(new Field('item', new Utf8(), true)),
      },
    });
    const preds = join(dir, 'ml.arrows');
    const meta: PredictionsMeta = {
      schemaVersion: 1,
      source: 'import',
      model: {
        name: 'ml',
        version: '1',
        sha256: null,
        task: 'multilabel',
        labels: ['abuse', 'spam'],
        positive: null,
        thresholds: {},
      },
      dataset: { file: golden, fingerprint: '', rows: 3 },
      harness: { name: 'modeval', version: 'test' },
      runtime: {},
      options: {},
    };
    const schema = predictionsSchema(meta);
    const batch = makePredictionBatch(schema, ids, new Float32Array(6).fill(0.5), [['spam'], [], ['abuse']]);
    writeFileSync(preds, RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
    const code = await main([
      'compare',
      '--baseline',
      preds,
      '--candidate',
      preds,
      '--dataset',
      golden,
      '--json',
    ]);
    expect(code).toBe(0);
    const report = ComparisonSchema.parse(JSON.parse(stdout));
    expect(report.policies?.map((p) => p.policy)).toEqual(['abuse', 'spam']);
    expect(report.policies?.[1]?.comparison.labels).toEqual(['not spam', 'spam']);
    const policy = join(dir, 'gate.yaml');
    writeFileSync(policy, 'rules:\n  - f1_macro >= baseline - 0.01\n');
    const gate = await main([
      'gate',
      '--policy',
      policy,
      '--baseline',
      preds,
      '--candidate',
      preds,
      '--dataset',
      golden,
      '--out',
      join(dir, 'g'),
    ]);
    expect(gate).toBe(2);
    expect(stderr).toMatch(
      /gate\.yaml, line 2.*rules\[0\]\.metric: on a multilabel set a rule names a policy/,
    );
  });
});

describe('modeval compare', () => {
  it('prints the comparison and writes compare.json / compare.md', async () => {
    const f = await fixture();
    const out = join(f.dir, 'cmp');
    const code = await main([
      'compare',
      '--baseline',
      f.v1,
      '--candidate',
      f.v2,
      '--dataset',
      f.golden,
      '--resamples',
      '300',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/candidate synthetic 2 vs baseline synthetic 1 · 400 items/);
    expect(stdout).toMatch(/slice regression/);
    const c = ComparisonSchema.parse(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')));
    expect(c.n).toBe(400);
    expect(c.sliceRegressions[0]).toMatchObject({ column: 'group', value: 'c' });
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/^## modeval compare/);
  });

  it('rejects a bad --resamples with exit 2', async () => {
    const f = await fixture();
    expect(
      await main([
        'compare',
        '--baseline',
        f.v1,
        '--candidate',
        f.v2,
        '--dataset',
        f.golden,
        '--resamples',
        '0',
      ]),
    ).toBe(2);
    expect(stderr).toMatch(/--resamples must be a positive integer/);
  });
});
