// The layering and size rules of docs/architecture.md, checked on the source text so that they
// cannot drift: src/ never imports the demo data builders or the reference-model recipe, and no
// source file or function grows past the size a reader can hold in mind.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const MAX_FILE_LINES = 450;
const MAX_FUNCTION_LINES = 100;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** Every module specifier of a file: static imports, re-exports and `import('...')` calls. */
function specifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined
    ) {
      const arg = node.arguments[0];
      // A computed specifier would hide the dependency from this check and from readers.
      found.push(ts.isStringLiteralLike(arg) ? arg.text : `<computed: ${arg.getText(source)}>`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function functionLengths(source: ts.SourceFile): { name: string; lines: number }[] {
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node as ts.FunctionLikeDeclaration;
      const name = named.name?.getText(source) ?? `<anonymous at line ${start + 1}>`;
      out.push({ name, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const files = sourceFiles(join(root, 'src'));

describe('source layout', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('src/ imports nothing from datasets/ or models/, and no import is computed', () => {
    const offenders = files.flatMap((file) =>
      specifiers(parse(file))
        .filter((s) => /(^|\/)(datasets|models)(\/|$)/.test(s) || s.startsWith('<computed'))
        .map((s) => `${relative(root, file)}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it(`no source file is over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files.flatMap((file) =>
      functionLengths(parse(file))
        .filter((f) => f.lines > MAX_FUNCTION_LINES)
        .map((f) => `${relative(root, file)}: ${f.name} (${f.lines} lines)`),
    );
    expect(long).toEqual([]);
  });

  it('the checks see what they claim to see (a planted long function and import)', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES + 1 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `import x from '../../datasets/spamassassin/build.js';\nconst m = import('../models/a.js');\nexport function big() {\n${body}\n}\n`;
    const source = ts.createSourceFile('planted.ts', text, ts.ScriptTarget.ES2022, true);
    expect(specifiers(source)).toEqual(['../../datasets/spamassassin/build.js', '../models/a.js']);
    expect(functionLengths(source)).toEqual([{ name: 'big', lines: MAX_FUNCTION_LINES + 3 }]);
  });
});
