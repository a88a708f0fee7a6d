import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticSpamRows, writeGolden, writePredictions } from '../gate/fixtures.js';
import { modeval } from '../helpers/cli.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * The one rule for a bad golden row (README "The dataset contract"), checked per command on the
 * built CLI: by default the first bad row stops the command with exit 2 naming the file, batch,
 * row, id and field, and nothing is written; `--on-invalid skip` leaves it out, writes it with its
 * reason to rejected-golden.jsonl beside the output and says so on stderr. SYNTHETIC data: row 7
 * of a 120-row golden set has an empty text.
 */
const tmp = useTmpDir();

async function fixture() {
  const dir = tmp();
  const rows = syntheticSpamRows(120, 3);
  const golden = join(dir, 'golden.arrow');
  const ids = rows.truth.map((_, i) => `msg-${String(i).padStart(5, '0')}`);
  writeGolden(golden, rows);
  // Rewrite with row 7's text empty (writeGolden writes "synthetic text of <id>").
  const { writeArrow } = await import('../helpers/arrow.js');
  const { Utf8, Bool } = await import('apache-arrow');
  writeArrow(golden, {
    id: { values: ids, type: new Utf8() },
    text: {
      values: ids.map((id, i) => (i === 7 ? '' : `synthetic text of ${id} ${rows.truth[i]}`)),
      type: new Utf8(),
    },
    label: { values: [...rows.truth], type: new Utf8() },
    group: { values: [...rows.slices.group], type: new Utf8() },
    has_html: { values: rows.slices.has_html.map((v) => v === 'true'), type: new Bool() },
  });
  const common = { dataset: golden, name: 'synthetic', labels: rows.labels, ids };
  const v1 = join(dir, 'v1.arrows');
  const v2 = join(dir, 'v2.arrows');
  await writePredictions(v1, { ...common, version: '1', predicted: rows.baseline });
  await writePredictions(v2, { ...common, version: '2', predicted: rows.candidate });
  const policy = join(dir, 'gate.yaml');
  writeFileSync(policy, 'resamples: 100\nrules:\n  - accuracy >= 0.5\n');
  return { dir, golden, v1, v2, policy };
}

const NAMED =
  /golden\.arrow, batch 0, row 7, id "msg-00007", field "text": .*\(use --on-invalid skip to set such rows aside\)/;

describe('a bad golden row follows one rule in every command', () => {
  it('stops every command by default with exit 2 naming it, and writes nothing', async () => {
    const f = await fixture();
    const evalDir = join(f.dir, 'eval-ok');
    const skipped = modeval([
      'eval',
      '--predictions',
      f.v1,
      '--dataset',
      f.golden,
      '--out',
      evalDir,
      '--on-invalid',
      'skip',
    ]);
    expect(skipped.status).toBe(0);
    const out = (name: string) => join(f.dir, name);
    const commands: [string, string[], string][] = [
      ['eval', ['eval', '--predictions', f.v1, '--dataset', f.golden, '--out', out('eval')], out('eval')],
      [
        'compare',
        ['compare', '--baseline', f.v1, '--candidate', f.v2, '--dataset', f.golden, '--out', out('compare')],
        out('compare'),
      ],
      [
        'gate',
        [
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
          out('gate'),
        ],
        out('gate'),
      ],
      [
        'clusters',
        ['clusters', '--predictions', f.v1, f.v2, '--dataset', f.golden, '--out', out('clusters')],
        out('clusters'),
      ],
      [
        'review export',
        ['review', 'export', '--dataset', f.golden, '--predictions', f.v1, f.v2, '--out', out('review')],
        out('review'),
      ],
      ['report', ['report', evalDir, '--out', join(out('report'), 'report.md')], out('report')],
      ['labelers', ['labelers', '--dataset', f.golden, '--out', out('labelers')], out('labelers')],
    ];
    mkdirSync(out('report'));
    for (const [name, args, dir] of commands) {
      const r = modeval(args);
      expect(r.status, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(NAMED);
      expect(existsSync(dir) ? readdirSync(dir) : [], name).toEqual([]);
    }
  }, 240_000);

  it('with --on-invalid skip leaves it out, names it with its reason in rejected-golden.jsonl, and says so', async () => {
    const f = await fixture();
    const out = (name: string) => join(f.dir, name);
    const evalDir = out('eval');
    mkdirSync(out('report'));
    const commands: [string, string[], string, number][] = [
      ['eval', ['eval', '--predictions', f.v1, '--dataset', f.golden, '--out', evalDir], evalDir, 0],
      [
        'compare',
        ['compare', '--baseline', f.v1, '--candidate', f.v2, '--dataset', f.golden, '--out', out('compare')],
        out('compare'),
        0,
      ],
      [
        'gate',
        [
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
          out('gate'),
        ],
        out('gate'),
        0,
      ],
      [
        'clusters',
        ['clusters', '--predictions', f.v1, f.v2, '--dataset', f.golden, '--out', out('clusters')],
        out('clusters'),
        0,
      ],
      [
        'review export',
        ['review', 'export', '--dataset', f.golden, '--predictions', f.v1, f.v2, '--out', out('review')],
        out('review'),
        0,
      ],
      ['report', ['report', evalDir, '--out', join(out('report'), 'report.md')], out('report'), 0],
    ];
    for (const [name, args, dir, status] of commands) {
      const r = modeval([...args, '--on-invalid', 'skip']);
      expect(r.status, `${name}: ${r.stderr}`).toBe(status);
      const file = join(dir, 'rejected-golden.jsonl');
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(JSON.parse(lines[0]!), name).toMatchObject({ row: 7, id: 'msg-00007', field: 'text' });
      expect(`${r.stdout}${r.stderr}`, name).toMatch(
        /1 golden rows .*rejected and left out.*rejected-golden\.jsonl/,
      );
    }
    // compare without --out has nowhere to name the rows: refused before any work.
    const bare = modeval([
      'compare',
      '--baseline',
      f.v1,
      '--candidate',
      f.v2,
      '--dataset',
      f.golden,
      '--on-invalid',
      'skip',
    ]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(
      /compare --on-invalid skip writes the rejected golden rows beside its output: give --out/,
    );
  }, 240_000);
});
