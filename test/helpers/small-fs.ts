import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Real file-system failures for the tests that need them: a tiny tmpfs (a disk that fills up) or
 * a read-only one, mounted when the tests run as root (as `.ci/run` does in its container) and
 * unmounted after the file. Elsewhere it returns undefined and those tests are skipped; the same
 * failures are also covered everywhere through a mocked fs (test/hostile/write-seam.test.ts).
 */
export function mountableFs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'modeval-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Mount a tmpfs of `kib` KiB (read-only when asked, after `fill` writes into it). */
export function smallFs(
  kib: number,
  options: { readOnly?: boolean; fill?: (dir: string) => void } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'modeval-smallfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
  mounted.push(dir);
  options.fill?.(dir);
  if (options.readOnly) execFileSync('mount', ['-o', 'remount,ro', dir]);
  return dir;
}
