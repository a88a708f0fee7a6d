import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { runModel } from '../../src/run/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { MODEL_V1, repeatedGolden } from '../helpers/golden.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const noLog = { log: () => {} };

/** Spawn `modeval run`, SIGKILL it once its progress lines report `killAt` rows, return them all. */
async function killMidRun(args: string[], killAt: number): Promise<{ lines: string[]; lastDone: number }> {
  const cli = join(packageRoot(), 'bin', 'modeval.js');
  const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let lastDone = 0;
  let killed = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const m of stderr.matchAll(/: ([\d,]+)\/[\d,]+ rows/g)) {
      lastDone = Math.max(lastDone, Number(m[1]!.replaceAll(',', '')));
    }
    if (!killed && lastDone >= killAt) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  expect(killed, `run ended before ${killAt} rows (exit ${code}): ${stderr}`).toBe(true);
  expect(signal).toBe('SIGKILL');
  return { lines: stderr.split('\n'), lastDone };
}

describe('durable progress: a run killed outright (SIGKILL) resumes to the same bytes', () => {
  it('resumes after kill -9 with identical bytes, redoes at most one checkpoint interval, leaves no temp files', async () => {
    const dir = tmp();
    const dataset = await repeatedGolden(dir, 8);
    const total = 8 * 1183;
    const whole = join(dir, 'whole');
    const killed = join(dir, 'killed');
    const common = { model: MODEL_V1, dataset, batchSize: 32, workers: 1, quiet: true };
    await runModel({ ...common, out: whole }, noLog);

    const interval = 256;
    const { lines, lastDone } = await killMidRun(
      [
        ...['--model', MODEL_V1, '--dataset', dataset, '--batch-size', '32', '--workers', '1'],
        ...['--out', killed, '--progress-every', '0.05', '--checkpoint-rows', String(interval)],
      ],
      3 * interval,
    );
    // The progress line knows the total from the Arrow batch headers, and so gives an ETA.
    expect(
      lines.some((l) =>
        new RegExp(`: [\\d,]+/${total.toLocaleString('en-US')} rows, [\\d,]+ rows/s, ETA \\d+s$`).test(l),
      ),
    ).toBe(true);
    expect(existsSync(join(killed, OUTPUT_FILES.predictions.name))).toBe(false);
    const checkpoint = JSON.parse(readFileSync(join(killed, '.checkpoint', 'checkpoint.json'), 'utf8'));

    const summary = await runModel({ ...common, out: killed, resume: true }, noLog);
    expect(summary.status).toBe('completed');
    expect(summary.resumedFromRow).toBe(checkpoint.nextRow);
    // At most one interval of the work reported done before the kill is done again.
    expect(summary.resumedFromRow).toBeGreaterThanOrEqual(lastDone - interval);
    expect(summary.resumedFromRow).toBeGreaterThan(0);
    expect(summary.predicted + summary.invalid).toBe(total);
    const a = readFileSync(join(killed, OUTPUT_FILES.predictions.name));
    const b = readFileSync(join(whole, OUTPUT_FILES.predictions.name));
    expect(a.equals(b)).toBe(true);
    expect(listFiles(killed).filter((f) => f.endsWith('.tmp') || f === '.checkpoint')).toEqual([]);
  });

  it('checkpoints while running (every --checkpoint-rows), not only on an interrupt', async () => {
    const dir = tmp();
    const dataset = await repeatedGolden(dir, 2);
    const out = join(dir, 'out');
    const seen: boolean[] = [];
    await runModel(
      { model: MODEL_V1, dataset, out, batchSize: 64, workers: 1, quiet: true, checkpointRows: 512 },
      {
        ...noLog,
        onChunkWritten: () => {
          seen.push(existsSync(join(out, '.checkpoint', 'checkpoint.json')));
        },
      },
    );
    // Before 512 rows no checkpoint exists; after, one does (and the completed run removed it).
    expect(seen.slice(0, 7).every((s) => !s)).toBe(true);
    expect(seen.slice(8).every((s) => s)).toBe(true);
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
  });
});
