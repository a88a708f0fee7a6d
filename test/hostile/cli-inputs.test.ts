import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectRefusal,
  expectUnchanged,
  modeval,
  scoredGolden,
  snapshot,
  tempFilesUnder,
} from '../helpers/cli.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * Issue 16 item 1: an input is never overwritten. Outputs are compared with inputs by identity
 * (real path, device and inode), so a link, a linked folder or an output named like one of the
 * command's own inputs is refused: exit 2 naming the path, no stack trace, every input byte for
 * byte as it was, and nothing written.
 */

const tmp = useTmpDir();
let golden: string;
let spec: string;
let predictions: string;
let firstId: string;

beforeAll(async () => {
  ({ golden, v1: predictions } = await scoredGolden('inputs'));
  spec = join(golden, '..', 'spec.json');
  firstId = String(tableFromIPC(readFileSync(golden)).getChild('id')!.get(0));
}, 180_000);

/** The golden set and its spec copied into a fresh folder, with one reviewer's verdict. */
function reviewFolder(): { dir: string; dataset: string; verdicts: string } {
  const dir = join(tmp(), 'golden');
  mkdirSync(dir, { recursive: true });
  const dataset = join(dir, 'golden.arrow');
  copyFileSync(golden, dataset);
  copyFileSync(spec, join(dir, 'spec.json'));
  const verdicts = join(dir, 'verdicts.jsonl');
  writeFileSync(verdicts, `${JSON.stringify({ id: firstId, verdict: 'spam' })}\n`);
  return { dir, dataset, verdicts };
}

describe('review import never replaces its inputs', () => {
  it('--dataset through a link and --out the file it points to: exit 2, golden set intact', () => {
    const { dir, dataset, verdicts } = reviewFolder();
    const current = join(dir, 'current.arrow');
    symlinkSync(dataset, current);
    const before = snapshot([dataset, verdicts]);
    const res = modeval(['review', 'import', verdicts, '--dataset', current, '--out', dataset]);
    expectRefusal(res, 2, dataset, /is the dataset|dataset/);
    expectUnchanged(before);
    expect(tempFilesUnder(dir)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['current.arrow', 'golden.arrow', 'spec.json', 'verdicts.jsonl']);
  });

  it('--out through a linked folder: exit 2', () => {
    const { dir, dataset, verdicts } = reviewFolder();
    const linked = join(tmp(), 'linked');
    symlinkSync(dir, linked);
    const before = snapshot([dataset, verdicts]);
    const out = join(linked, 'golden.arrow');
    const res = modeval(['review', 'import', verdicts, '--dataset', dataset, '--out', out]);
    expectRefusal(res, 2, out);
    expectUnchanged(before);
    expect(tempFilesUnder(dir)).toEqual([]);
  });

  it("--out naming the reviewers' own verdict file: exit 2, verdicts intact", () => {
    const { dir, dataset, verdicts } = reviewFolder();
    const before = snapshot([dataset, verdicts]);
    const res = modeval(['review', 'import', verdicts, '--dataset', dataset, '--out', verdicts]);
    expectRefusal(res, 2, verdicts, /verdict file/);
    expectUnchanged(before);
    expect(tempFilesUnder(dir)).toEqual([]);
  });
});

describe('report never replaces the files it reads', () => {
  it('report <dir> --out <dir>/metrics.json: exit 2, metrics intact', () => {
    const dir = join(tmp(), 'eval');
    const evalRes = modeval([
      'eval',
      '--predictions',
      predictions,
      '--dataset',
      golden,
      '--out',
      dir,
      '--resamples',
      '50',
    ]);
    expect(evalRes.status, evalRes.stderr).toBe(0);
    const metrics = join(dir, 'metrics.json');
    const before = snapshot([metrics, predictions, golden]);
    const res = modeval(['report', dir, '--out', metrics]);
    expectRefusal(res, 2, metrics);
    expectUnchanged(before);
    expect(tempFilesUnder(dir)).toEqual([]);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('eval --out into the folder of its predictions is fine; --out equal to an input file is not', () => {
    const dir = join(tmp(), 'e2');
    mkdirSync(dir);
    const linkedPredictions = join(dir, 'metrics.json');
    symlinkSync(predictions, linkedPredictions);
    const before = snapshot([predictions, golden]);
    const res = modeval(['eval', '--predictions', linkedPredictions, '--dataset', golden, '--out', dir]);
    expectRefusal(res, 2, join(dir, 'metrics.json'));
    expectUnchanged(before);
    expect(tempFilesUnder(dir)).toEqual([]);
  });
});
