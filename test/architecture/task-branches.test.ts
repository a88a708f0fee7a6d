// Issue 21: one code path whatever the task. Outside src/task/ no file compares a task with a task
// name or guesses the task from a value's shape; stages ask the task view (src/task/index.ts).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, sourceFiles } from './sources.js';

/**
 * A task branch (`task === 'multilabel'`, `'binary' !== x.task`, `case 'multiclass':`) or a shape
 * sniff of a label value (`typeof golden === 'string'`, `Array.isArray(label)`). Validating a JSON
 * value's type (`Array.isArray(value.results)`) or a column kind (`packer.kind === 'binary'`, an
 * Arrow Binary column) is neither, and does not match.
 */
const TASK_BRANCH = new RegExp(
  [
    String.raw`\btask *(===|!==) *'(binary|multiclass|multilabel)'`,
    "(===|!==) *'(multiclass|multilabel)'",
    "'(binary|multiclass|multilabel)' *(===|!==)",
    "case '(binary|multiclass|multilabel)'",
    "typeof [a-zA-Z.]*(golden|label|verdict)[a-zA-Z.]* *(===|!==) *'(string|object)'",
    String.raw`Array\.isArray\([a-zA-Z.]*(golden|label|verdict)`,
  ].join('|'),
);

/**
 * Files not yet converted to the task view, with the branches each still holds (none: 0 of the 77
 * lines this pattern found before issue 21). This list must only shrink: a count may go down (then lower it here), never up, and no
 * file may be added.
 */
const NOT_YET_CONVERTED = new Map<string, number>([]);

/** `file:line: text` of every task branch in a source text (comment lines skipped). */
function taskBranches(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const code = line.trim();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return [];
    return TASK_BRANCH.test(line) ? [`${file}:${i + 1}: ${code}`] : [];
  });
}

const found = sourceFiles(SRC)
  .map((path) => relative(SRC, path).split('\\').join('/'))
  .filter((file) => !file.startsWith('task/'))
  .map((file) => ({ file, branches: taskBranches(file, readFileSync(`${SRC}/${file}`, 'utf8')) }))
  .filter((f) => f.branches.length > 0);

describe('no task branches outside src/task', () => {
  it('no file outside the task view and the not-yet-converted list tests a task or sniffs a label shape', () => {
    expect(found.filter((f) => !NOT_YET_CONVERTED.has(f.file)).flatMap((f) => f.branches)).toEqual([]);
  });

  it('the not-yet-converted files hold no more branches than listed (the list only shrinks)', () => {
    const grown = found
      .filter((f) => f.branches.length > (NOT_YET_CONVERTED.get(f.file) ?? 0))
      .map(
        (f) => `${f.file}: ${f.branches.length} > ${NOT_YET_CONVERTED.get(f.file)}\n${f.branches.join('\n')}`,
      );
    expect(grown).toEqual([]);
    // A converted file leaves the list (so the list cannot hide a later regression).
    const converted = [...NOT_YET_CONVERTED].filter(
      ([file, n]) => (found.find((f) => f.file === file)?.branches.length ?? 0) < n,
    );
    expect(converted.map(([file]) => `${file}: lower its count or remove it`)).toEqual([]);
  });

  it('the pattern sees branches and sniffs, not JSON or column-kind checks (guards the tests above)', () => {
    const planted = [
      "if (set.task === 'multilabel') x();",
      "const b = report.task !== 'binary';",
      "if ('multiclass' === m.task) y();",
      "  case 'binary':",
      "const one = typeof x.golden === 'string';",
      'if (Array.isArray(label)) z();',
      'if (!Array.isArray(value.results)) throw e;',
      "if (packer.kind === 'binary') pack();",
      "// a comment about task === 'multilabel'",
      'if (view.multiLabel) w();',
    ].join('\n');
    expect(taskBranches('planted.ts', planted).map((b) => b.split(':')[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
  });
});
