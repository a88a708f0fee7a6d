import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutputDir, removeOrphanedTempFiles } from '../../src/io/outputs.js';
import { openAtomicStream, writeFileAtomic, writeFileSet } from '../../src/util/atomic.js';
import { pendingCleanups } from '../../src/util/cleanup.js';
import { BadInputError, exitCodeOf } from '../../src/util/errors.js';
import { OutputError } from '../../src/util/fs-errors.js';
import { mountableFs, smallFs } from '../helpers/small-fs.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();
const canMount = mountableFs();

async function failure(p: Promise<unknown>): Promise<OutputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutputError);
  expect(exitCodeOf(err)).toBe(2);
  expect((err as Error).message).not.toMatch(/\n| {4}at /);
  return err as OutputError;
}

describe('output write layer: environment errors are exit 2 naming the path and the cause', () => {
  it('a path through a file (ENOTDIR), /dev/null as a folder, and a folder as the file (EISDIR)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plain'), 'x');
    let err = await failure(writeFileAtomic(join(dir, 'plain', 'metrics.json'), '{}', 'metrics report'));
    expect(err.message).toMatch(
      /plain: cannot create the output folder .*: a part of the path is not a folder \(ENOTDIR\)/,
    );
    err = await failure(writeFileAtomic('/dev/null/metrics.json', '{}', 'metrics report'));
    expect(err.message).toMatch(/^\/dev\/null: .*\(ENOTDIR\)/);
    mkdirSync(join(dir, 'sub'));
    err = await failure(writeFileAtomic(join(dir, 'sub'), 'x', 'report'));
    expect(err.message).toBe(`${join(dir, 'sub')}: cannot write the report: it is a folder (EISDIR)`);
    expect(listFiles(dir)).toEqual(['plain', 'sub']);
    expect(readdirSync(join(dir, 'sub'))).toEqual([]);
  });

  it('never replaces a device or a FIFO standing where an output goes', async () => {
    const dir = tmp();
    symlinkSync('/dev/null', join(dir, 'report.html'));
    execFileSync('mkfifo', [join(dir, 'fifo.html')]);
    // A symlink is replaced as a link (its target untouched); a FIFO is refused.
    await writeFileAtomic(join(dir, 'report.html'), 'ok', 'report');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('ok');
    const err = await failure(writeFileAtomic(join(dir, 'fifo.html'), 'x', 'report'));
    expect(err.message).toMatch(
      /fifo\.html: cannot write the report over something that is not a regular file/,
    );
  });

  it('/proc/self/x/y and /sys refuse at once (no spinning mkdir)', async () => {
    let err = await failure(prepareOutputDir('/proc/self/modeval-x/y'));
    expect(err.message).toMatch(/\/proc\/self\/modeval-x: cannot create the output folder/);
    err = await failure(prepareOutputDir('/sys/modeval-x'));
    expect(err.message).toMatch(
      /\/sys\/modeval-x: cannot create the output folder: .*\((EPERM|EACCES|EROFS)\)/,
    );
  });

  it.skipIf(!canMount)(
    'a full disk: ENOSPC names the file, leaves no temporary file and the old file intact',
    async () => {
      const fs = smallFs(64, { fill: (d) => writeFileSync(join(d, 'metrics.json'), '{"old":true}\n') });
      const big = 'x'.repeat(256 * 1024);
      const err = await failure(writeFileAtomic(join(fs, 'metrics.json'), big, 'metrics report'));
      expect(err.message).toBe(
        `${join(fs, 'metrics.json')}: cannot write the metrics report: no space left on device (ENOSPC)`,
      );
      expect(readFileSync(join(fs, 'metrics.json'), 'utf8')).toBe('{"old":true}\n');
      expect(readdirSync(fs)).toEqual(['metrics.json']);
      const stream = await openAtomicStream(join(fs, 'p.arrows'), 'predictions');
      stream.stream.write(Buffer.alloc(256 * 1024));
      const err2 = await failure(stream.commit());
      expect(err2.message).toMatch(
        /p\.arrows: cannot write the predictions: no space left on device \(ENOSPC\)/,
      );
      expect(readdirSync(fs)).toEqual(['metrics.json']);
      expect(pendingCleanups()).toBe(0);
    },
  );

  it.skipIf(!canMount)('a read-only mount: refused before any work by prepareOutputDir (EROFS)', async () => {
    const fs = smallFs(64, { readOnly: true });
    const err = await failure(prepareOutputDir(join(fs, 'out')));
    expect(err.message).toMatch(/cannot create the output folder: read-only file system \(EROFS\)/);
    const err2 = await failure(prepareOutputDir(fs));
    expect(err2.message).toBe(`${fs}: cannot write in the output folder: read-only file system (EROFS)`);
  });

  it.skipIf(!canMount)('a file set on a disk that fills up keeps the old complete set', async () => {
    const fs = smallFs(64, {
      fill: (d) => {
        writeFileSync(join(d, 'gate.json'), 'PASS');
        writeFileSync(join(d, 'junit.xml'), 'old junit');
        writeFileSync(join(d, 'summary.md'), 'old summary');
      },
    });
    const err = await failure(
      writeFileSet([
        { path: join(fs, 'junit.xml'), data: 'new junit', what: 'gate JUnit report' },
        { path: join(fs, 'summary.md'), data: 'y'.repeat(200 * 1024), what: 'gate summary' },
        { path: join(fs, 'gate.json'), data: 'FAIL', what: 'gate report' },
      ]),
    );
    expect(err.message).toMatch(/summary\.md: cannot write the gate summary: no space left on device/);
    expect(readdirSync(fs).sort()).toEqual(['gate.json', 'junit.xml', 'summary.md']);
    expect(readFileSync(join(fs, 'gate.json'), 'utf8')).toBe('PASS');
    expect(readFileSync(join(fs, 'junit.xml'), 'utf8')).toBe('old junit');
    expect(readFileSync(join(fs, 'summary.md'), 'utf8')).toBe('old summary');
  });
});

describe('file sets', () => {
  it('replace the old set as a whole and leave nothing else', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a'), 'old a');
    await writeFileSet([
      { path: join(dir, 'a'), data: 'new a', what: 'a' },
      { path: join(dir, 'b'), data: 'new b', what: 'b' },
    ]);
    expect(listFiles(dir)).toEqual(['a', 'b']);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('new a');
    expect(pendingCleanups()).toBe(0);
  });

  it('a member that cannot be placed (a folder in the way) rolls back the members already placed', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a'), 'old a');
    mkdirSync(join(dir, 'b'));
    await expect(
      writeFileSet([
        { path: join(dir, 'a'), data: 'new a', what: 'a' },
        { path: join(dir, 'b'), data: 'new b', what: 'b' },
      ]),
    ).rejects.toThrow(/cannot write the b: it is a folder \(EISDIR\)/);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('old a');
    expect(listFiles(dir)).toEqual(['a', 'b']);
  });
});

describe('temporary files', () => {
  it('a temporary file of a dead process is removed when the folder is next prepared; a live one is kept', async () => {
    const dir = tmp();
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(join(dir, `.metrics.json.${dead}.0123abcd.tmp`), 'half');
    writeFileSync(join(dir, `.metrics.json.${process.pid}.0123abcd.tmp`), 'mine');
    writeFileSync(join(dir, '.hidden.tmp'), 'not ours');
    removeOrphanedTempFiles(dir);
    expect(listFiles(dir)).toEqual(['.hidden.tmp', `.metrics.json.${process.pid}.0123abcd.tmp`]);
  });

  it('SIGTERM while an output is being written: exit 130, no temporary file left', () => {
    const dir = tmp();
    // A child writes through the layer, leaves the stream open, and is sent SIGTERM.
    const script = `
      const { openAtomicStream } = await import(${JSON.stringify(new URL('../../src/util/atomic.ts', import.meta.url).href)});
      const { handleInterrupts } = await import(${JSON.stringify(new URL('../../src/util/cleanup.ts', import.meta.url).href)});
      handleInterrupts();
      const out = await openAtomicStream(${JSON.stringify(join(dir, 'predictions.arrows'))}, 'predictions');
      out.stream.write('partial');
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50);
      setTimeout(() => {}, 10000);
    `;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.stderr).toMatch(/modeval: stopped by SIGTERM/);
    expect(res.status).toBe(130);
    expect(listFiles(dir)).toEqual([]);
  });
});

describe('BadInputError stays what it was', () => {
  it('an input error passed through the mapping is unchanged', async () => {
    const { outputFailure } = await import('../../src/util/fs-errors.js');
    const e = new BadInputError('x');
    expect(outputFailure(e, '/a', 'write')).toBe(e);
    const bug = new TypeError('bug');
    expect(outputFailure(bug, '/a', 'write')).toBe(bug);
    expect(existsSync('/a')).toBe(false);
  });
});
