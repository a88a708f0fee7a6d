import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary folder per test, removed afterwards. */
export function useTmpDir(): () => string {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    dir ??= mkdtempSync(join(tmpdir(), 'modeval-test-'));
    return dir;
  };
}

/** Every file left in a folder, to assert that a failed command wrote nothing. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}
