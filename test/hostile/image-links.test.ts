import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageInputSchema } from '../../src/model/card.js';
import { decodeImageBatch, readImageFile } from '../../src/model/image.js';
import { packageRoot } from '../../src/util/paths.js';
import { useTmpDir } from '../helpers/tmp.js';

/**
 * Issue 28 item 16: a dataset's image paths are hostile, and so is what they point at. A symlink
 * inside the dataset folder must not lead the reader outside it (to an image, /etc/passwd, a
 * folder, /dev/zero), and only regular files are opened (a FIFO named x.png must not block).
 */
const tmp = useTmpDir();
const png = () =>
  sharp(Buffer.from([10, 20, 30, 40, 50, 60]), { raw: { width: 2, height: 1, channels: 3 } })
    .png()
    .toBuffer();

async function datasetWithLinks(): Promise<string> {
  const base = tmp();
  const root = join(base, 'data');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'img'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'img', 'a.png'), await png());
  writeFileSync(join(outside, 'secret.png'), await png());
  symlinkSync(join(outside, 'secret.png'), join(root, 'img', 'outside.png'));
  symlinkSync('/etc/passwd', join(root, 'img', 'passwd.png'));
  symlinkSync(outside, join(root, 'linked-folder'));
  symlinkSync('/dev/zero', join(root, 'img', 'zero.png'));
  // A link that stays inside the folder is an ordinary file of the dataset.
  symlinkSync('a.png', join(root, 'img', 'alias.png'));
  execFileSync('mkfifo', [join(root, 'img', 'x.png')]);
  symlinkSync('x.png', join(root, 'img', 'fifo-link.png'));
  return root;
}

describe('image paths: links and special files (issue 28 item 16)', () => {
  it('refuses links that resolve outside the dataset folder, and reads links that stay inside', async () => {
    const root = await datasetWithLinks();
    expect(await readImageFile(root, 'img/a.png')).toBeInstanceOf(Uint8Array);
    expect(await readImageFile(root, 'img/alias.png')).toBeInstanceOf(Uint8Array);
    expect(await readImageFile(root, 'img/outside.png')).toMatch(/outside the dataset folder/);
    expect(await readImageFile(root, 'img/passwd.png')).toMatch(/outside the dataset folder/);
    expect(await readImageFile(root, 'linked-folder/secret.png')).toMatch(/outside the dataset folder/);
  });

  it('a link to /dev/zero is refused, not read (in a child process, so the old code cannot eat the memory)', async () => {
    const root = await datasetWithLinks();
    const script = [
      `import { readImageFile } from ${JSON.stringify(join(packageRoot(), 'src/model/image.ts'))};`,
      `const r = await readImageFile(${JSON.stringify(root)}, 'img/zero.png');`,
      `process.stdout.write(typeof r === 'string' ? r : 'read ' + r.byteLength + ' bytes');`,
    ].join('\n');
    // A 2 GiB data-segment cap (ulimit -d: heap and private writable maps; Wasm reservations are not writable) and a timeout: the unfixed reader dies of them
    // instead of growing the test process past 4 GiB.
    const child = spawnSync(
      'bash',
      [
        '-c',
        'ulimit -d 2097152 && exec "$0" --import tsx --input-type=module -e "$1"',
        process.execPath,
        script,
      ],
      { cwd: packageRoot(), encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.signal, child.stderr).toBeNull();
    expect(child.stdout, child.stderr).toMatch(/outside the dataset folder/);
  });

  it('refuses a FIFO (directly or through a link) without blocking, and a folder, naming why', async () => {
    const root = await datasetWithLinks();
    const started = Date.now();
    expect(await readImageFile(root, 'img/x.png')).toMatch(/not a regular file/);
    expect(await readImageFile(root, 'img/fifo-link.png')).toMatch(/not a regular file/);
    expect(await readImageFile(root, 'img')).toMatch(/EISDIR|not a regular file/);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 10_000);

  it('never reads more than maxBytes + 1 bytes of an image file', async () => {
    const root = await datasetWithLinks();
    const big = Buffer.concat([await png(), Buffer.alloc(4096)]);
    writeFileSync(join(root, 'img', 'big.png'), big);
    const input = ImageInputSchema.parse({ kind: 'image', tensor: 'x', size: [1, 2], maxBytes: 1024 });
    const { pixels, issues } = await decodeImageBatch(
      { kind: 'paths', root, values: ['img/a.png', 'img/big.png', 'img/x.png', 'img/outside.png'] },
      input,
    );
    expect(pixels[0]).toBeInstanceOf(Uint8Array);
    expect(issues.map((i) => i.row)).toEqual([1, 2, 3]);
    expect(issues[0]!.reason).toMatch(/larger than the 1\.0 KiB modeval reads/);
    // Bytes already in memory obey the same cap.
    const bytes = await decodeImageBatch({ kind: 'bytes', values: [big] }, input);
    expect(bytes.issues[0]?.reason).toMatch(/larger than the 1\.0 KiB/);
  });
});
