// The size rules of docs/architecture.md: no source file or function grows past what a reader can
// hold in mind (a function counts from its first line to its last, nested closures included).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseSource, ROOT, SRC, sourceFiles } from './sources.js';

const MAX_FILE_LINES = 450;
const MAX_FUNCTION_LINES = 100;

function functionLengths(source: ts.SourceFile): { name: string; lines: number }[] {
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name =
        (node as ts.FunctionLikeDeclaration).name?.getText(source) ?? `<anonymous, line ${start + 1}>`;
      out.push({ name, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const files = sourceFiles(SRC);

describe('source sizes', () => {
  it(`no source file under src/ is over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`no function under src/ is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files.flatMap((file) =>
      functionLengths(parseSource(file))
        .filter((f) => f.lines > MAX_FUNCTION_LINES)
        .map((f) => `${relative(ROOT, file)}: ${f.name} (${f.lines} lines)`),
    );
    expect(long).toEqual([]);
  });

  it('the measure sees a planted long function', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES + 1 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const source = parseSource('planted.ts', `export function big() {\n${body}\n}\n`);
    expect(functionLengths(source)).toEqual([{ name: 'big', lines: MAX_FUNCTION_LINES + 3 }]);
  });
});
