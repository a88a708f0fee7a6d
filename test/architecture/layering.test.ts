import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

const ROOT = packageRoot();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every module specifier a file names: static imports/exports, `import type`, and `import(...)`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  return found;
}

describe('layering', () => {
  it('no file under src/ imports from datasets/ or models/ (the library depends on what it runs)', () => {
    const leaks: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (/^(datasets|models)([/\\]|$)/.test(target)) leaks.push(`${relative(ROOT, file)} -> ${spec}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('the specifier scan sees the import forms it must catch (guards the test above)', () => {
    const text = [
      "import { a } from '../../datasets/x.js';",
      "import type { B } from '../models/y.js';",
      "export { c } from './z.js';",
      "const m = await import('../../datasets/w.js');",
    ].join('\n');
    expect(specifiers(text)).toEqual([
      '../../datasets/x.js',
      '../models/y.js',
      './z.js',
      '../../datasets/w.js',
    ]);
  });
});
