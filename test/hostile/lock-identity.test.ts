import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pendingCleanups } from '../../src/util/cleanup.js';
import { exitCodeOf } from '../../src/util/errors.js';
import { assertOutputsSpareInputs } from '../../src/util/identity.js';
import { LOCK_FILE, lockOutputFolder } from '../../src/util/lock.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
}

describe('advisory lock on an output folder', () => {
  it('a second writer gets exit 2 naming the owner; release frees the folder', async () => {
    const dir = join(tmp(), 'out');
    const lock = await lockOutputFolder(dir, 'run');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'run',
    });
    // Another process holds it: simulate with a live foreign pid (our parent).
    await lock.release();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: process.ppid,
        host: hostname(),
        command: 'eval',
        started: '2026-11-30T15:00:00Z',
      }),
    );
    const err = await lockOutputFolder(dir, 'run').catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(2);
    expect((err as Error).message).toBe(
      `${join(dir, LOCK_FILE)}: the output folder is in use by eval (pid ${process.ppid} on ${hostname()}, since 2026-11-30T15:00:00Z); wait for it to finish, or remove this lock file if no such process is running`,
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('a lock left by a process that is gone is stale and taken over', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), host: hostname(), command: 'run', started: 'x' }),
    );
    const lock = await lockOutputFolder(dir, 'eval');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(listFiles(dir)).toEqual([]);
    expect(pendingCleanups()).toBe(0);
  });

  it('an unreadable lock file is respected for a minute, then stale', async () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    await expect(lockOutputFolder(dir, 'run')).rejects.toThrow(/in use by another modeval process/);
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    const lock = await lockOutputFolder(dir, 'run');
    await lock.release();
  });

  it('two processes racing for one folder: exactly one wins', () => {
    const dir = tmp();
    const script = `
      const { lockOutputFolder } = await import(${JSON.stringify(new URL('../../src/util/lock.ts', import.meta.url).href)});
      try { await lockOutputFolder(${JSON.stringify(dir)}, 'run'); console.log('won'); await new Promise((r) => setTimeout(r, 1500)); }
      catch (e) { console.log('lost: ' + e.message); }
    `;
    const spawnOne = () =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        child.on('close', () => resolve(out.trim()));
      });
    return Promise.all([spawnOne(), spawnOne()]).then((outs) => {
      expect(outs.filter((o) => o === 'won')).toHaveLength(1);
      expect(outs.find((o) => o !== 'won')).toMatch(/^lost: .*in use by run \(pid \d+/);
    });
  });
});

describe('outputs never replace inputs (compared by identity, not by name)', () => {
  it('a symlink to the input, a symlinked folder, a hard link and a ../ path are all caught', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'data'));
    const golden = join(dir, 'data', 'golden.arrow');
    writeFileSync(golden, 'GOLDEN');
    symlinkSync(golden, join(dir, 'current.arrow'));
    symlinkSync(join(dir, 'data'), join(dir, 'linked'));
    linkSync(golden, join(dir, 'hard.arrow'));
    const inputs = [{ path: join(dir, 'current.arrow'), what: 'golden dataset' }];
    for (const out of [
      golden,
      join(dir, 'linked', 'golden.arrow'),
      join(dir, 'hard.arrow'),
      join(dir, 'data', '..', 'data', 'golden.arrow'),
    ]) {
      let err: unknown;
      try {
        assertOutputsSpareInputs([{ path: out, what: 'new golden version' }], inputs);
      } catch (e) {
        err = e;
      }
      expect(exitCodeOf(err)).toBe(2);
      expect((err as Error).message).toBe(
        `${out}: the new golden version would replace the golden dataset ${join(dir, 'current.arrow')}; write it somewhere else`,
      );
    }
    expect(() =>
      assertOutputsSpareInputs([{ path: join(dir, 'new.arrow'), what: 'x' }], inputs),
    ).not.toThrow();
    expect(readFileSync(golden, 'utf8')).toBe('GOLDEN');
  });
});
