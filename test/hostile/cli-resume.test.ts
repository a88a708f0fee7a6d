import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { runModel } from '../../src/run/run.js';
import { expectRefusal, expectUnchanged, modeval, snapshot, tempFilesUnder } from '../helpers/cli.js';
import { goldenPath, MODEL_V1, MODEL_V2 } from '../helpers/golden.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * Issue 16 item 3: `--resume` must not trust the checkpoint. Each case edits a real interrupted
 * run's checkpoint (or swaps in another model's partial predictions) and resumes through the CLI:
 * exit 2 naming the checkpoint, no stack trace, the dataset and the checkpoint left as they were,
 * no predictions written and no temporary file left.
 */

const tmp = useTmpDir();
let golden: string;
/** An interrupted run of each model: `<dir>/.checkpoint/{checkpoint.json, predictions.partial.arrows}`. */
const interrupted = new Map<string, string>();

async function interruptedRun(model: string, out: string): Promise<void> {
  const controller = new AbortController();
  const summary = await runModel(
    { model, dataset: golden, out, batchSize: 64, workers: 1, quiet: true },
    {
      signal: controller.signal,
      log: () => {},
      onChunkWritten: (seq) => {
        if (seq >= 4) controller.abort();
      },
    },
  );
  expect(summary.status).toBe('interrupted');
}

beforeAll(async () => {
  golden = await goldenPath();
  const base = join(process.env.TMPDIR ?? '/tmp', `modeval-resume-${process.pid}`);
  rmSync(base, { recursive: true, force: true });
  for (const [name, model] of [
    ['v1', MODEL_V1],
    ['v2', MODEL_V2],
  ] as const) {
    const out = join(base, name);
    await interruptedRun(model, out);
    interrupted.set(name, out);
  }
  return () => rmSync(base, { recursive: true, force: true });
}, 120_000);

type Checkpoint = { nextRow: number; tally: { predicted: number; correct: number } } & Record<
  string,
  unknown
>;

/** A copy of v1's interrupted run, edited by `edit`, then resumed through the CLI. */
function resumeEdited(edit: (out: string, cp: Checkpoint) => Checkpoint | undefined) {
  const out = join(tmp(), 'out');
  cpSync(interrupted.get('v1')!, out, { recursive: true });
  const file = join(out, '.checkpoint', 'checkpoint.json');
  const cp = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  const edited = edit(out, cp);
  if (edited) writeFileSync(file, `${JSON.stringify(edited, null, 2)}\n`);
  const before = snapshot([golden, file, join(out, '.checkpoint', 'predictions.partial.arrows')]);
  const res = modeval([
    'run',
    '--model',
    MODEL_V1,
    '--dataset',
    golden,
    '--out',
    out,
    '--resume',
    '--quiet',
    '--batch-size',
    '64',
  ]);
  return { res, out, file, before };
}

function expectRefusedResume(r: ReturnType<typeof resumeEdited>, why: RegExp): void {
  expectRefusal(r.res, 2, r.file, /cannot resume: /);
  expect(r.res.stderr).toMatch(why);
  expectUnchanged(r.before);
  expect(existsSync(join(r.out, OUTPUT_FILES.predictions.name))).toBe(false);
  expect(tempFilesUnder(r.out)).toEqual([]);
}

describe('a resume verifies the checkpoint against itself and its partial predictions', () => {
  it.each([999_999, 500, -50])('nextRow edited to %i: exit 2', (nextRow) => {
    expectRefusedResume(
      resumeEdited((_, cp) => ({ ...cp, nextRow })),
      /checkpoint was edited|outside the dataset/,
    );
  });

  it('edited tallies are refused, never copied into run.json', () => {
    const r = resumeEdited((_, cp) => ({ ...cp, tally: { ...cp.tally, correct: cp.tally.correct + 100 } }));
    expectRefusedResume(r, /checkpoint was edited/);
    expect(existsSync(join(r.out, OUTPUT_FILES.run.name))).toBe(false);
  });

  it("another model's partial predictions swapped in: exit 2", () => {
    const r = resumeEdited((out) => {
      const partial = join(out, '.checkpoint', 'predictions.partial.arrows');
      const length = statSync(partial).size;
      cpSync(join(interrupted.get('v2')!, '.checkpoint', 'predictions.partial.arrows'), partial);
      // At least as long as the recorded durable length, so only the content can give it away.
      const short = length - statSync(partial).size;
      if (short > 0) appendFileSync(partial, Buffer.alloc(short));
      return undefined;
    });
    expectRefusedResume(r, /partial predictions file changed since the checkpoint/);
  });

  it("another model's whole checkpoint swapped in: exit 2 (the model changed)", () => {
    const r = resumeEdited((out) => {
      rmSync(join(out, '.checkpoint'), { recursive: true });
      cpSync(join(interrupted.get('v2')!, '.checkpoint'), join(out, '.checkpoint'), { recursive: true });
      return undefined;
    });
    expectRefusedResume(r, /the model changed since the checkpoint/);
  });

  it('a partial file cut short of its durable length: exit 2', () => {
    const r = resumeEdited((out) => {
      const partial = join(out, '.checkpoint', 'predictions.partial.arrows');
      writeFileSync(partial, readFileSync(partial).subarray(0, 100));
      return undefined;
    });
    expectRefusedResume(r, /fewer than the \d+ the checkpoint recorded/);
  });

  it('the untouched checkpoint resumes and completes', () => {
    const r = resumeEdited(() => undefined);
    expect(r.res.status, r.res.stderr).toBe(0);
    expect(existsSync(join(r.out, OUTPUT_FILES.predictions.name))).toBe(true);
    expect(existsSync(join(r.out, '.checkpoint'))).toBe(false);
    expect(tempFilesUnder(r.out)).toEqual([]);
  });
});
