import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicStream } from '../../src/util/atomic.js';
import { listFiles, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

describe('openAtomicStream', () => {
  it('commit renames the finished file into place', async () => {
    const dest = join(tmp(), 'out.jsonl');
    const out = await openAtomicStream(dest);
    out.stream.write('{"a":1}\n');
    await out.commit();
    expect(readFileSync(dest, 'utf8')).toBe('{"a":1}\n');
    expect(listFiles(tmp())).toEqual(['out.jsonl']);
  });

  it('commit after a failed write (a full disk) throws that error and leaves nothing', async () => {
    const dest = join(tmp(), 'out.jsonl');
    const out = await openAtomicStream(dest);
    out.stream.write('half a ');
    // What a failing write does to a file stream: it is destroyed with the error.
    out.stream.destroy(new Error('ENOSPC: no space left on device'));
    await expect(out.commit()).rejects.toThrow('ENOSPC');
    expect(existsSync(dest)).toBe(false);
    expect(listFiles(tmp())).toEqual([]);
  });
});
