// Shared by the architecture tests: the source files under a folder and the module specifiers each
// one names, read with the TypeScript parser so that every import form is seen.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { packageRoot } from '../../src/util/paths.js';

export const ROOT = packageRoot();
export const SRC = join(ROOT, 'src');

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export function parseSource(file: string, text = readFileSync(file, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
}

/** Every module specifier of a file: static imports, type imports, re-exports and `import('...')`. */
export function specifiers(source: ts.SourceFile): string[] {
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
      // A computed specifier would hide the dependency from these checks and from readers.
      found.push(ts.isStringLiteralLike(arg) ? arg.text : `<computed: ${arg.getText(source)}>`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The relative imports of every file under src/<dir>, as paths relative to src/ (e.g. `render/html.js`). */
export function importsUnder(dir: string): { file: string; target: string }[] {
  return sourceFiles(join(SRC, dir)).flatMap((file) =>
    specifiers(parseSource(file))
      .filter((s) => s.startsWith('.') || s.startsWith('<computed'))
      .map((s) => ({
        file: relative(SRC, file),
        target: s.startsWith('<computed') ? s : relative(SRC, resolve(dirname(file), s)),
      })),
  );
}
