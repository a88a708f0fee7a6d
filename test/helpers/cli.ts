import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { runModel } from '../../src/run/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { goldenPath, MODEL_V1, MODEL_V2 } from './golden.js';

/**
 * The built CLI as a user runs it (`node bin/modeval.js ...`), and the checks every hostile-
 * environment case makes of a refusal: its exit code, a message naming the path, no stack trace,
 * the inputs byte for byte as they were, and no temporary file left anywhere it wrote.
 */

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function modeval(args: readonly string[], options: { timeoutMs?: number } = {}): CliResult {
  const res = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'modeval.js'), ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
}

/** The bytes of each file, to check afterwards that a command left its inputs alone. */
export function snapshot(paths: readonly string[]): Map<string, Buffer> {
  return new Map(paths.map((p) => [p, readFileSync(p)]));
}

export function expectUnchanged(before: Map<string, Buffer>): void {
  for (const [path, bytes] of before) {
    expect(readFileSync(path).equals(bytes), `${path} changed`).toBe(true);
  }
}

/** Temporary files (`.<name>.<pid>.<hex>.tmp`, files or staging folders) anywhere under `dir`. */
export function tempFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(d, name);
      if (/\.tmp$/.test(name)) out.push(path);
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

/** A clean refusal: the exit code, one message naming `path` (and matching `message`), no stack trace. */
export function expectRefusal(res: CliResult, code: number, path: string, message?: RegExp): void {
  expect(res.status, `exit ${res.status} (${res.signal}); stderr: ${res.stderr}`).toBe(code);
  expect(res.stderr).toContain(path);
  if (message) expect(res.stderr).toMatch(message);
  expect(res.stderr).not.toMatch(/^\s+at .+[:(].*\d+:\d+\)?$/m);
  expect(res.stderr).not.toMatch(/internal error/i);
}

/**
 * Both reference models' predictions on the real golden set, scored once per test file into a
 * folder of its own (`tag`) and removed after the file.
 */
export async function scoredGolden(tag: string): Promise<{ golden: string; v1: string; v2: string }> {
  const golden = await goldenPath();
  const base = join(tmpdir(), `modeval-${tag}-${process.pid}`);
  rmSync(base, { recursive: true, force: true });
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const files: string[] = [];
  for (const model of [MODEL_V1, MODEL_V2]) {
    const out = join(base, basename(model));
    await runModel({ model, dataset: golden, out, workers: 1, quiet: true }, { log: () => {} });
    files.push(join(out, OUTPUT_FILES.predictions.name));
  }
  return { golden, v1: files[0]!, v2: files[1]! };
}
