import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { goldenPath } from '../helpers/golden.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
let stderr = '';
let stdout = '';

beforeEach(() => {
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('CLI exit codes and one-line errors', () => {
  it('inspect on the real golden set exits 0 and prints the label and slice tables', async () => {
    expect(await main(['inspect', await goldenPath()])).toBe(0);
    expect(stdout).toMatch(/rows 1,183/);
    expect(stdout).toMatch(/ham\s+817/);
    expect(stdout).toMatch(/spam\s+366/);
    expect(stdout).toMatch(/Slice corpus_group: 5 values/);
  });

  it('a missing or non-Arrow dataset exits 2 with one line naming the file', async () => {
    const dir = tmp();
    const csv = join(dir, 'data.arrow');
    writeFileSync(csv, 'id,text,label\n1,hello,spam\n');
    expect(await main(['inspect', csv])).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${csv}: not an Arrow IPC file or stream`);
    stderr = '';
    expect(await main(['inspect', join(dir, 'nope.arrow')])).toBe(2);
    expect(stderr).toMatch(/nope\.arrow: cannot read dataset \(ENOENT\)/);
  });

  it('convert: a ragged CSV row exits 2 naming the line, and leaves no output', async () => {
    const dir = tmp();
    const csv = join(dir, 'ragged.csv');
    writeFileSync(
      csv,
      `id,text,label\n${Array.from({ length: 5 }, (_, i) => `${i},text ${i},ham`).join('\n')}\n5,oops\n`,
    );
    expect(await main(['convert', csv, join(dir, 'out.arrows')])).toBe(2);
    expect(stderr).toMatch(/ragged\.csv.*line 7/);
    expect(listFiles(dir)).toEqual(['ragged.csv']);
  });

  it('data build: an unknown dataset exits 2 listing the registered ones; none registered says so', async () => {
    const datasets = (await import('../../datasets/index.js')).builtinDatasets;
    expect(await main(['data', 'build', 'imagenet'], { datasets })).toBe(2);
    expect(stderr).toMatch(/unknown dataset "imagenet"; known: spamassassin/);
    stderr = '';
    // A library caller of main() that registers no builders (src/ never imports datasets/).
    expect(await main(['data', 'build', 'spamassassin'])).toBe(2);
    expect(stderr).toMatch(/unknown dataset "spamassassin"; none registered/);
  });

  it('data build through the registry reports the current build of the real golden set', async () => {
    const datasets = (await import('../../datasets/index.js')).builtinDatasets;
    await goldenPath();
    expect(await main(['data', 'build', 'spamassassin'], { datasets })).toBe(0);
    expect(stdout).toMatch(/^Up to date: /);
    expect(stdout).toMatch(/6046 listed files = 5912 kept \+ 134 rejected/);
  });

  it('unknown commands and bad options are usage errors (exit 2)', async () => {
    expect(await main(['evaluate-everything'])).toBe(2);
    expect(await main(['run', '--model', 'm'])).toBe(2);
    expect(stderr).toMatch(/Missing required argument/);
  });

  it('out-of-range numbers are input errors naming the flag (exit 2), before any work', async () => {
    const dir = tmp();
    const golden = await goldenPath();
    const cases: [string[], RegExp][] = [
      [
        [
          'run',
          '--model',
          'models/spam-v1',
          '--dataset',
          golden,
          '--out',
          join(dir, 'r'),
          '--batch-size',
          '0',
        ],
        /--batch-size: /,
      ],
      [
        [
          'clusters',
          '--predictions',
          'p.arrows',
          '--dataset',
          golden,
          '--out',
          join(dir, 'c'),
          '--max-k',
          '1',
        ],
        /--max-k: /,
      ],
      [['convert', join(dir, 'in.csv'), join(dir, 'out.arrows'), '--batch-rows', '0'], /--batch-rows: /],
    ];
    for (const [argv, flag] of cases) {
      stderr = '';
      expect(await main(argv)).toBe(2);
      expect(stderr).toMatch(flag);
      expect(stderr).not.toMatch(/internal error/);
    }
    expect(listFiles(dir)).toEqual([]);
  });
});
