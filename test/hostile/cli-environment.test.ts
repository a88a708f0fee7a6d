import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { LOCK_FILE } from '../../src/util/lock.js';
import { packageRoot } from '../../src/util/paths.js';
import {
  expectRefusal,
  expectUnchanged,
  modeval,
  scoredGolden,
  snapshot,
  tempFilesUnder,
} from '../helpers/cli.js';
import { MODEL_V1 } from '../helpers/golden.js';
import { mountableFs, smallFs } from '../helpers/small-fs.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * Issue 16 items 4, 5 and 6 through the built CLI: an output place the environment refuses
 * (read-only mount, a file or device where a folder goes, /sys, a full disk), a YAML alias bomb,
 * two writers on one folder, and a failure halfway through a multi-file output. Each is exit 2
 * naming the path (130 for a signal), with no stack trace, inputs unchanged, no temporary file
 * and no half-new set of files. The full-disk and read-only cases mount a small tmpfs and run only
 * as root (as `.ci/run` does); elsewhere they are skipped, and test/hostile/write-layer.test.ts
 * covers the same write layer in-process.
 */

const tmp = useTmpDir();
const canMount = mountableFs();
let golden: string;
let v1: string;
let v2: string;
const policy = join(packageRoot(), 'examples', 'ci', 'gate.yaml');

beforeAll(async () => {
  ({ golden, v1, v2 } = await scoredGolden('env'));
}, 180_000);

const evalArgs = (out: string) => [
  'eval',
  '--predictions',
  v1,
  '--dataset',
  golden,
  '--out',
  out,
  '--resamples',
  '50',
];
const gateArgs = (out: string, policyFile = policy) => [
  ...['gate', '--policy', policyFile, '--baseline', v2, '--candidate', v1],
  ...['--dataset', golden, '--out', out],
];

describe('item 4: an output place the environment refuses is exit 2 naming it', () => {
  it('an existing file, /dev/null and /sys as the output folder', () => {
    const file = join(tmp(), 'taken');
    writeFileSync(file, 'keep me\n');
    const inputs = snapshot([file, v1, golden]);
    expectRefusal(modeval(evalArgs(file)), 2, file, /not a folder|exists|ENOTDIR|EEXIST/);
    expectRefusal(modeval(evalArgs('/dev/null')), 2, '/dev/null');
    expectRefusal(modeval(evalArgs('/sys/modeval-out')), 2, '/sys/modeval-out');
    expectRefusal(modeval(evalArgs('/proc/self/modeval-out')), 2, '/proc/self/modeval-out');
    expectUnchanged(inputs);
    expect(tempFilesUnder(tmp())).toEqual([]);
  });

  it.skipIf(!canMount)('a read-only mount: eval, gate and run refuse before any work (EROFS)', () => {
    const ro = smallFs(64, { readOnly: true });
    for (const args of [
      evalArgs(join(ro, 'e')),
      gateArgs(join(ro, 'g')),
      ['run', '--model', MODEL_V1, '--dataset', golden, '--out', join(ro, 'r'), '--quiet'],
    ]) {
      const res = modeval(args);
      expectRefusal(res, 2, ro, /read-only file system \(EROFS\)/);
    }
    expect(readdirSync(ro)).toEqual([]);
  });

  it.skipIf(!canMount)(
    'a full disk: eval and run are exit 2 (ENOSPC), leaving no temporary file and no .checkpoint',
    () => {
      const full = smallFs(64);
      const inputs = snapshot([v1, golden]);
      const e = modeval(evalArgs(join(full, 'e')));
      expectRefusal(e, 2, join(full, 'e'), /no space left on device \(ENOSPC\)/);
      const r = modeval([
        'run',
        '--model',
        MODEL_V1,
        '--dataset',
        golden,
        '--out',
        join(full, 'r'),
        '--quiet',
        '--workers',
        '1',
      ]);
      expectRefusal(r, 2, join(full, 'r'), /no space left on device \(ENOSPC\)/);
      expectUnchanged(inputs);
      expect(tempFilesUnder(full)).toEqual([]);
      // A command that fails removes the folder it created (nothing is left in it).
      expect(readdirSync(full)).toEqual([]);
    },
  );

  it.skipIf(!canMount)('a full disk: compare, clusters and report are exit 2 (ENOSPC) too', () => {
    // 16 KiB, 8 KiB taken: room for the lock file, not for compare.json, clusters.json or the report.
    const full = smallFs(16, { fill: (d) => writeFileSync(join(d, 'filler'), Buffer.alloc(8 * 1024)) });
    const evalDir = join(tmp(), 'e');
    expect(modeval(evalArgs(evalDir)).status).toBe(0);
    const cases: [string[], string][] = [
      [
        [
          ...['compare', '--baseline', v2, '--candidate', v1, '--dataset', golden],
          ...['--out', join(full, 'c'), '--resamples', '100'],
        ],
        join(full, 'c'),
      ],
      [['clusters', '--predictions', v1, '--dataset', golden, '--out', join(full, 'k')], join(full, 'k')],
      [['report', evalDir, '--out', join(full, 'report.html')], join(full, 'report.html')],
    ];
    for (const [args, path] of cases) {
      expectRefusal(modeval(args), 2, path, /no space left on device \(ENOSPC\)/);
    }
    expect(tempFilesUnder(full)).toEqual([]);
    expect(readdirSync(full)).toEqual(['filler']);
  });

  it('a YAML alias bomb in a gate policy is exit 2 naming the policy', () => {
    const bomb = join(tmp(), 'bomb.yaml');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(bomb, `${levels.join('\n')}\nrules:\n  - recall[spam] >= 0.9\n`);
    const out = join(tmp(), 'g');
    const res = modeval(gateArgs(out, bomb));
    expectRefusal(res, 2, bomb, /alias/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('item 5: one writer per output folder', () => {
  it('two runs into one folder: one completes, the other is exit 2 naming the lock', async () => {
    const out = join(tmp(), 'shared');
    const cli = join(packageRoot(), 'bin', 'modeval.js');
    const args = ['run', '--model', MODEL_V1, '--dataset', golden, '--out', out, '--quiet', '--workers', '1'];
    const start = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([start(), start()]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    const loser = results.find((r) => r.code === 2)!;
    expect(loser.stderr).toContain(join(out, LOCK_FILE));
    expect(loser.stderr).toMatch(/in use by/);
    expect(loser.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(out, OUTPUT_FILES.predictions.name))).toBe(true);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
    expect(tempFilesUnder(out)).toEqual([]);
  }, 120_000);
});

describe('item 6: a folder is the old complete set or the new one', () => {
  it.skipIf(!canMount)(
    'gate on a disk that fills up keeps the previous gate.json, junit.xml and summary.md',
    () => {
      const old = { 'gate.json': '{"old":"PASS"}\n', 'junit.xml': '<old/>\n', 'summary.md': 'old PASS\n' };
      const full = smallFs(64, {
        fill: (d) => {
          mkdirSync(join(d, 'gate'));
          for (const [name, text] of Object.entries(old)) writeFileSync(join(d, 'gate', name), text);
        },
      });
      const out = join(full, 'gate');
      const res = modeval(gateArgs(out));
      expectRefusal(res, 2, out, /no space left on device \(ENOSPC\)/);
      for (const [name, text] of Object.entries(old))
        expect(readFileSync(join(out, name), 'utf8')).toBe(text);
      expect(readdirSync(out).sort()).toEqual(['gate.json', 'junit.xml', 'summary.md']);
    },
  );

  it.skipIf(!canMount)(
    'review export on a disk that fills up: exit 2, no batch without its manifest, nothing recorded as sent',
    () => {
      const full = smallFs(64);
      const store = join(tmp(), 'store.duckdb');
      const exportTo = (out: string) =>
        modeval([
          ...['review', 'export', '--dataset', golden, '--predictions', v1, '--out', out],
          ...['--store', store, '--cap', '200', '--format', 'jsonl,labelstudio', '--json'],
        ]);
      const out = join(full, 'rev');
      expectRefusal(exportTo(out), 2, out, /no space left on device \(ENOSPC\)/);
      expect(existsSync(join(out, 'review', 'batch-0001'))).toBe(false);
      expect(tempFilesUnder(full)).toEqual([]);
      // The failed batch was never recorded: the next export sends the same items as batch-0001.
      const again = exportTo(join(tmp(), 'rev'));
      expect(again.status, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).batch).toBe('batch-0001');
      expect(existsSync(join(tmp(), 'rev', 'review', 'batch-0001', 'manifest.json'))).toBe(true);
    },
  );

  it('SIGTERM during eval: exit 130, no temporary file and no lock left', async () => {
    const out = join(tmp(), 'sig');
    const cli = join(packageRoot(), 'bin', 'modeval.js');
    const child = spawn(
      process.execPath,
      [cli, 'eval', '--predictions', v1, '--dataset', golden, '--out', out],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Once the folder is locked the command is at work; then stop it.
    const started = Date.now();
    while (!existsSync(join(out, LOCK_FILE)) && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(tempFilesUnder(tmp())).toEqual([]);
  }, 90_000);

  it('a failed run leaves no .checkpoint folder (a model that cannot load)', () => {
    const out = join(tmp(), 'r');
    const res = modeval(['run', '--model', join(tmp(), 'no-model'), '--dataset', golden, '--out', out]);
    expectRefusal(res, 2, join(tmp(), 'no-model'));
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
    expect(tempFilesUnder(tmp())).toEqual([]);
  });
});
