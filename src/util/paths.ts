import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The modeval package folder. Found by walking up to package.json so the same code works from
 * TypeScript sources (tests) and from the compiled dist/ tree.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('modeval: cannot find package.json above the running module');
    dir = up;
  }
  root = dir;
  return dir;
}

/**
 * Worker entry points: the bundled one (dist/bundle/workers, see scripts/bundle.mjs: it starts
 * faster), else the compiled one in dist/workers; tests run sources but workers need JS.
 */
export function workerPath(name: string): string {
  const bundled = join(packageRoot(), 'dist', 'bundle', 'workers', `${name}.js`);
  if (existsSync(bundled)) return bundled;
  const file = join(packageRoot(), 'dist', 'workers', `${name}.js`);
  if (!existsSync(file)) throw new Error(`modeval: worker ${file} is missing; run \`npm run build\``);
  return file;
}
