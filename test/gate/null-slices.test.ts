import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { GateReportSchema } from '../../src/contracts/gate-report.js';
import { loadReportInputs } from '../../src/report/load.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { useTmpDir } from '../helpers/tmp.js';
import { syntheticSpamRows, writeGolden, writePredictions } from './fixtures.js';

/**
 * SYNTHETIC golden set whose `region` slice is null on some rows, gated through the real CLI
 * entry point: the null items are listed as skipped in every output (terminal, junit.xml,
 * summary.md, report.md) unless --include-null checks them; Markdown outputs show rule names.
 */
const tmp = useTmpDir();
let stdout = '';

beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

async function fixture() {
  const dir = tmp();
  const rows = syntheticSpamRows(300, 5);
  // Region "eu" where the candidate is right, null where it is wrong: only the null items fail.
  const region = rows.truth.map((t, i) => (rows.candidate[i] === t ? 'eu' : null));
  const golden = join(dir, 'golden.arrow');
  const ids = writeGolden(golden, {
    ...rows,
    slices: { ...rows.slices, region } as Record<string, string[]>,
  });
  const common = { dataset: golden, name: 'synthetic', labels: rows.labels, ids };
  const v1 = join(dir, 'v1.arrows');
  const v2 = join(dir, 'v2.arrows');
  await writePredictions(v1, { ...common, version: '1', predicted: rows.baseline });
  await writePredictions(v2, { ...common, version: '2', predicted: rows.candidate });
  const policy = join(dir, 'gate.yaml');
  writeFileSync(
    policy,
    'resamples: 200\nrules:\n  - { rule: "accuracy >= 0.9 per region", name: "every region is accurate" }\n  - recall[spam] >= 0.5\n',
  );
  const nulls = region.filter((r) => r === null).length;
  return { dir, golden, v1, v2, policy, nulls };
}

const gate = (f: Awaited<ReturnType<typeof fixture>>, out: string, ...extra: string[]) =>
  main([
    'gate',
    '--policy',
    f.policy,
    '--baseline',
    f.v1,
    '--candidate',
    f.v2,
    '--dataset',
    f.golden,
    '--out',
    out,
    ...extra,
  ]);

describe('per-slice gate rules and null slice values', () => {
  it('list the null items as skipped, with their count, in every output', async () => {
    const f = await fixture();
    expect(f.nulls).toBeGreaterThan(10);
    const out = join(f.dir, 'gate');
    expect(await gate(f, out)).toBe(0);
    const note = `${f.nulls} items with no region value skipped (--include-null checks them)`;
    expect(stdout).toContain(note);
    const report = GateReportSchema.parse(JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')));
    expect(report.rules[0]!.outcomes.at(-1)).toMatchObject({
      slice: { column: 'region', value: null },
      n: f.nulls,
      status: 'skipped',
    });
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain(
      `SKIPPED region=(null) (n=${f.nulls}): skipped: no region value (null)`,
    );
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain(note);
    // report.md, the PR comment: the rule by its name and what it did not check.
    const md = renderMarkdownReport(await loadReportInputs([out]));
    expect(md).toContain('Skipped by per-slice rules (`--include-null` checks them):');
    expect(md).toContain(
      `- every region is accurate: \`accuracy >= 0.9 per region\`: ${f.nulls} items with no \`region\` value not checked`,
    );
  });

  it('check the null items as (null) with --include-null, and report.md names the failed rule', async () => {
    const f = await fixture();
    const out = join(f.dir, 'gate');
    expect(await gate(f, out, '--include-null')).toBe(1);
    expect(stdout).toMatch(
      /FAIL {2}every region is accurate: accuracy >= 0\.9 per region\n {6}region=\(null\) \(n=\d+\): accuracy 0\.0000;/,
    );
    const report = GateReportSchema.parse(JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')));
    expect(report.rules[0]!.rule.includeNull).toBe(true);
    expect(report.rules[0]!.outcomes.at(-1)).toMatchObject({
      slice: { column: 'region', value: null },
      n: f.nulls,
      status: 'fail',
      observed: 0,
    });
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('| ❌ | every region is accurate: `accuracy >= 0.9 per region` |');
    const md = renderMarkdownReport(await loadReportInputs([out]));
    expect(md).toContain('| every region is accurate: `accuracy >= 0.9 per region` | region=(null)');
    expect(md).not.toContain('Skipped by per-slice rules');
  });
});
