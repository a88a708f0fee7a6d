import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Struct, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { OUTPUT_FILES, readOutput } from '../../src/io/outputs.js';
import { writeArrow } from '../helpers/arrow.js';
import { expectRefusal, modeval, tempFilesUnder } from '../helpers/cli.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * `modeval labelers` as a user runs it (the built CLI): outputs, exit codes, hostile names in
 * the Markdown summary. SYNTHETIC data: a small hand-made table with hostile annotator names.
 */

const tmp = useTmpDir();
const U = new Utf8();
const annType = new List(
  new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
);

function dataset(dir: string): string {
  const path = join(dir, 'golden.arrow');
  const ids = Array.from({ length: 60 }, (_, i) => `t${i}`);
  writeArrow(path, {
    id: { values: ids, type: U },
    text: { values: ids, type: U },
    label: { values: ids.map((_, i) => (i % 3 === 0 ? 'spam' : 'ham')), type: U },
    annotations: {
      values: ids.map((_, i) => {
        const truth = i % 3 === 0 ? 'spam' : 'ham';
        const flip = truth === 'spam' ? 'ham' : 'spam';
        return [
          { annotator: '<img src=x onerror=alert(1)>', label: truth },
          { annotator: 'a|b`c', label: i % 2 ? truth : flip },
          { annotator: '__proto__', label: truth },
        ];
      }),
      type: annType,
    },
  });
  return path;
}

describe('modeval labelers', () => {
  it('writes labelers.json and labelers.md, prints the table, escapes hostile names', async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const res = modeval(['labelers', '--dataset', dataset(dir), '--out', out, '--resamples', '100']);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('team accuracy');
    const report = await readOutput(OUTPUT_FILES.labelers, join(out, 'labelers.json'));
    expect(report.kind).toBe('modeval.labelers');
    const weak = report.views[0]!.annotators.find((a) => a.annotator === 'a|b`c')!;
    expect(weak.flag.status).toBe('below');
    const md = readFileSync(join(out, 'labelers.md'), 'utf8');
    // HTML is inert inside a code span: the name only ever appears inside one.
    expect(md.split('<img').length - 1).toBe(md.split('`<img').length - 1);
    expect(md).toContain('`<img src=x onerror=alert(1)>`');
    expect(md).toContain('**below**');
    // The pipe and backtick of a name cannot break the table or its code span.
    expect(md).toContain("`a\\|b'c`");
  });

  it('a bad log is exit 2 naming the file; nothing is written', () => {
    const dir = tmp();
    const log = join(dir, 'log.csv');
    writeFileSync(log, 'item_id,who,label\nt1,x,ham\n');
    const out = join(dir, 'out');
    const res = modeval(['labelers', '--dataset', dataset(dir), '--log', log, '--out', out]);
    expectRefusal(res, 2, log, /annotator/);
    expect(existsSync(join(out, 'labelers.json'))).toBe(false);
    expect(tempFilesUnder(dir)).toEqual([]);
  });

  it('--on-invalid skip writes rejected-judgements.jsonl with labelers.json and warns; without --out it is refused', async () => {
    const dir = tmp();
    const log = join(dir, 'log.csv');
    const rows = Array.from({ length: 60 }, (_, i) => `t${i},ann,${i % 3 === 0 ? 'spam' : 'ham'}`);
    writeFileSync(log, `item_id,annotator,label\n${rows.join('\n')}\nt1,,ham\n`);
    const out = join(dir, 'out');
    const args = ['labelers', '--dataset', dataset(dir), '--log', log, '--resamples', '100'];
    const res = modeval([...args, '--on-invalid', 'skip', '--out', out]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/1 judgements were rejected.*rejected-judgements\.jsonl/);
    const lines = readFileSync(join(out, 'rejected-judgements.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { row: 60, field: 'annotator', id: 't1', reason: 'annotator is null or empty' },
    ]);
    const report = await readOutput(OUTPUT_FILES.labelers, join(out, 'labelers.json'));
    expect(report.counts.rejected).toBe(1);
    expectRefusal(modeval([...args, '--on-invalid', 'skip']), 2, '--out', /give --out/);
  });

  it('a flag out of range is a usage error naming the flag', () => {
    const dir = tmp();
    const res = modeval(['labelers', '--dataset', dataset(dir), '--fdr', '2']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--fdr');
  });
});
