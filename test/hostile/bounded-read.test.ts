import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/util/errors.js';
import { INPUT_SIZE_LIMITS, readBoundedFile, readJsonFile, readTextFile } from '../../src/util/files.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(exitCodeOf(err)).toBe(2);
  return (err as Error).message;
}

describe('inputs are read only if regular and under a size cap', () => {
  it('a FIFO is refused at once (no hang waiting for a writer)', async () => {
    const fifo = join(tmp(), 'model.json');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(readJsonFile(fifo, 'model card'))).toBe(
      `${fifo}: the model card is not a regular file`,
    );
  });

  it('a link to /dev/zero is refused, not read forever', async () => {
    const link = join(tmp(), 'tokenizer.json');
    symlinkSync('/dev/zero', link);
    expect(await refusal(readTextFile(link, 'tokenizer'))).toBe(
      `${link}: the tokenizer is not a regular file`,
    );
  });

  it('a file over its cap is refused before it is read, with both sizes', async () => {
    const file = join(tmp(), 'gate.yaml');
    writeFileSync(file, Buffer.alloc(INPUT_SIZE_LIMITS.policy + 1, 0x20));
    expect(await refusal(readTextFile(file, 'gate policy', { maxBytes: INPUT_SIZE_LIMITS.policy }))).toBe(
      `${file}: the gate policy is larger than the 1.0 MiB modeval reads (1.0 MiB)`,
    );
  });

  it('a folder, a missing file: errno named', async () => {
    const dir = join(tmp(), 'd');
    mkdirSync(dir);
    expect(await refusal(readTextFile(dir, 'verdict file'))).toMatch(/cannot read the verdict file: EISDIR/);
    expect(await refusal(readTextFile(join(dir, 'x'), 'verdict file'))).toMatch(/ENOENT/);
  });

  it('a file reporting size 0 with content (/proc) is read to its end, still bounded', async () => {
    const text = (await readBoundedFile('/proc/self/status', 'status')).toString();
    expect(text).toMatch(/^Name:/);
    expect(await refusal(readBoundedFile('/proc/self/status', 'status', { maxBytes: 16 }))).toMatch(
      /larger than the 16 bytes modeval reads/,
    );
  });

  it('reads exactly the bytes of a regular file, including an empty one', async () => {
    const file = join(tmp(), 'a.bin');
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    writeFileSync(file, bytes);
    expect(Buffer.compare(await readBoundedFile(file, 'x'), bytes)).toBe(0);
    writeFileSync(file, '');
    expect((await readBoundedFile(file, 'x')).length).toBe(0);
  });
});
