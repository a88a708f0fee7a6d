import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

const SRC = join(packageRoot(), 'src');

/** `from` targets of every static and type import under `dir`, as paths relative to src/. */
function importsUnder(dir: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  for (const e of readdirSync(join(SRC, dir), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const file = join(e.parentPath, e.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      out.push({ file: relative(SRC, file), target: relative(SRC, resolve(dirname(file), m[1]!)) });
    }
  }
  return out;
}

describe('render layer', () => {
  it('render/ depends on nothing but itself: every stage may use it', () => {
    const outside = importsUnder('render').filter((i) => !i.target.startsWith('render/'));
    expect(outside).toEqual([]);
  });

  it('gate/ never imports report/ (the report reads gate data, not the other way round)', () => {
    const back = importsUnder('gate').filter((i) => i.target.startsWith('report/'));
    expect(back).toEqual([]);
  });

  it('report/ uses gate data and schemas but not gate rendering', () => {
    const rendering = importsUnder('report').filter((i) => /^gate\/(markdown|junit)\.js$/.test(i.target));
    expect(rendering).toEqual([]);
  });
});
