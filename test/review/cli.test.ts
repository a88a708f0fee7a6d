import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import yargs, { type CommandModule } from 'yargs';
import { clustersCommand } from '../../src/cli/clusters.js';
import { reviewCommand } from '../../src/cli/review.js';
import { BadInputError } from '../../src/util/errors.js';
import { spamA, spamB, writeGolden, writePredictions } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modeval-review-cli-'));
  await writeGolden(join(dir, 'golden.arrow'));
  await writePredictions(join(dir, 'a.arrows'), 'spamfilter', '1', spamA);
  await writePredictions(join(dir, 'b.arrows'), 'spamfilter', '2', spamB);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** Runs one command module the way the CLI shell does and returns what it printed. */
async function cli(command: CommandModule, argv: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    await yargs(argv)
      .command(command)
      .strict()
      .exitProcess(false)
      .fail((msg, e) => {
        throw e ?? new Error(msg);
      })
      .parseAsync();
  } finally {
    vi.restoreAllMocks();
  }
  return { out, err };
}

describe('modeval review (CLI)', () => {
  it('export with rule arguments, then import, prints the transitions', async () => {
    const common = ['--dataset', join(dir, 'golden.arrow'), '--out', join(dir, 'review')];
    const { out } = await cli(reviewCommand, [
      'review',
      'export',
      ...common,
      '--predictions',
      join(dir, 'a.arrows'),
      join(dir, 'b.arrows'),
      '--select',
      'model-vs-model:0,1',
      'low-margin:0.2',
      '--format',
      'jsonl,csv',
      '--queue',
      'qa',
    ]);
    // item-04 and item-13 (models disagree), item-03 and item-07 (low margin); item-04 matches both.
    expect(out).toMatch(/queue qa: 4 matched, 0 already sent, 4 exported as batch-0001/);
    const rows = (await readFile(join(dir, 'review', 'qa', 'batch-0001', 'queue.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(rows.map((l) => JSON.parse(l).id).sort()).toEqual(['item-03', 'item-04', 'item-07', 'item-13']);

    const verdicts = join(dir, 'v.jsonl');
    await writeFile(verdicts, `${JSON.stringify({ id: 'item-04', verdict: 'spam' })}\n`);
    const imported = await cli(reviewCommand, [
      'review',
      'import',
      verdicts,
      '--dataset',
      join(dir, 'golden.arrow'),
      '--out',
      join(dir, 'golden.v2.arrow'),
      '--reviewer',
      'qa-lead',
    ]);
    expect(imported.out).toMatch(/1 verdict on 1 item, 1 relabelled, 0 conflicts/);
    expect(imported.out).toMatch(/ham\s+spam\s+1/);
    expect(existsSync(join(dir, 'golden.v2.arrow'))).toBe(true);
  });

  it('a rejected import lists every problem and writes nothing', async () => {
    const verdicts = join(dir, 'v.csv');
    await writeFile(verdicts, 'id,verdict\nnope,ham\nitem-01,maybe\n');
    let thrown: unknown;
    const printed = await cli(reviewCommand, [
      'review',
      'import',
      verdicts,
      '--dataset',
      join(dir, 'golden.arrow'),
      '--out',
      join(dir, 'never.arrow'),
    ]).catch((e: unknown) => {
      thrown = e;
      return { out: '', err: '' };
    });
    expect(printed.out).toBe('');
    expect((thrown as Error).message).toMatch(
      /line 2, row 0, id "nope", field "id": id is not in the golden set/,
    );
    expect(existsSync(join(dir, 'never.arrow'))).toBe(false);
  });

  it('export refuses a --max-text-chars that is not a positive integer, before writing anything', async () => {
    const args = ['review', 'export', '--dataset', join(dir, 'golden.arrow'), '--out', join(dir, 'review')];
    const more = ['--predictions', join(dir, 'a.arrows'), '--queue', 'qa', '--max-text-chars', '0'];
    await expect(cli(reviewCommand, [...args, ...more])).rejects.toThrow(
      '--max-text-chars must be a positive integer, got 0',
    );
    expect(existsSync(join(dir, 'review'))).toBe(false);
  });

  it('export: a bad selection option is an input error naming it, not an internal one', async () => {
    const args = ['review', 'export', '--dataset', join(dir, 'golden.arrow'), '--out', join(dir, 'review')];
    const more = ['--predictions', join(dir, 'a.arrows'), '--queue', 'qa', '--cap', '0'];
    const err = await cli(reviewCommand, [...args, ...more]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(/^field "select\.cap": invalid select: /);
  });
});

describe('modeval clusters (CLI)', () => {
  it('writes clusters.json and prints named clusters', async () => {
    const { out } = await cli(clustersCommand as unknown as CommandModule, [
      'clusters',
      '--predictions',
      join(dir, 'a.arrows'),
      '--dataset',
      join(dir, 'golden.arrow'),
      '--out',
      join(dir, 'cl'),
      '--min-cell-size',
      '2',
    ]);
    const report = JSON.parse(await readFile(join(dir, 'cl', 'clusters.json'), 'utf8'));
    expect(report.clusters.map((c: { id: string }) => c.id)).toEqual(['c1', 'c2']);
    expect(out).toContain(`c1  ham>spam false positive  “${report.clusters[0].name}”`);
    expect(report.clusters[1].name).toMatch(/cheap|pills|offer|click/);
  });
});
