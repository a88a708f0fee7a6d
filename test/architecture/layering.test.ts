// The import rules of docs/architecture.md ("Layers and folders"): src/ never imports the demo-data
// builders or the model recipe, and each folder imports only the folders below it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsUnder, parseSource, SRC, sourceFiles, specifiers } from './sources.js';

/**
 * Folder -> the folders under src/ it may import (its own files always, and `contracts`, the stage
 * outputs' schemas, which every folder may name). Keep docs/architecture.md in step.
 */
const MAY_IMPORT = new Map<string, readonly string[]>([
  // The bottom: the schemas of every stage's output, on zod alone (checked below).
  ['contracts', []],
  ['util', []],
  // render: the metric registry, the metrics.json types (the eval tables iterate the registry) and
  // the task view (which class a task reports on its own).
  ['render', ['metrics', 'contracts', 'task']],
  ['metrics', ['util']],
  ['dataset', ['util']],
  // The task view (binary, multiclass, multilabel): below every stage, above the taxonomy.
  ['task', ['util', 'dataset']],
  ['model', ['util', 'dataset', 'task']],
  // io reads and writes the stage outputs through their contracts, never through a stage.
  ['io', ['util']],
  ['run', ['util', 'dataset', 'task', 'model', 'io']],
  ['evaluate', ['util', 'metrics', 'dataset', 'task', 'run', 'io']],
  ['analysis', ['util', 'render', 'metrics', 'dataset', 'task', 'evaluate']],
  ['gate', ['util', 'render', 'metrics', 'dataset', 'task', 'evaluate', 'io']],
  ['review', ['util', 'render', 'dataset', 'task', 'evaluate', 'analysis', 'io']],
  ['plan', ['util', 'metrics', 'task', 'evaluate', 'io']],
  // labelling QA: reads the dataset and a log, measures with metrics, renders its Markdown summary.
  // review: the Label Studio and Argilla export readers, shared with `review import`.
  ['labelers', ['util', 'render', 'metrics', 'dataset', 'task', 'io', 'review']],
  // functional and robustness suites: text perturbations on the seeded PRNG (issue #24, slice 1).
  ['suites', ['util']],
  [
    'report',
    [
      'util',
      'render',
      'metrics',
      'dataset',
      'task',
      'evaluate',
      'gate',
      'analysis',
      'review',
      'run',
      'io',
      'plan',
    ],
  ],
]);
/** The top: may import anything under src/. */
const TOP = new Set(['cli', 'index.ts']);

/** Folders every folder may import. */
const EVERYONE = ['contracts'];

const folders = readdirSync(SRC, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('layering', () => {
  it('every folder under src/ has a place in the layer table', () => {
    expect(folders.filter((f) => !MAY_IMPORT.has(f) && !TOP.has(f))).toEqual([]);
  });

  it('src/ imports nothing from datasets/ or models/, and no import specifier is computed', () => {
    const leaks = folders
      .flatMap((dir) => importsUnder(dir))
      .filter((i) => /^\.\.\/(datasets|models)(\/|$)/.test(i.target) || i.target.startsWith('<computed'));
    expect(leaks).toEqual([]);
  });

  it.each([...MAY_IMPORT])('%s/ imports only from %j', (dir, allowed) => {
    const wrong = importsUnder(dir)
      .map((i) => ({ ...i, folder: i.target.split('/')[0] ?? '' }))
      .filter((i) => i.folder !== dir && !allowed.includes(i.folder) && !EVERYONE.includes(i.folder))
      .map((i) => `${i.file} -> ${i.target}`);
    expect(wrong).toEqual([]);
  });

  it("only cli/bundled.ts reaches the package's folders (models/, examples/) through packageRoot()", () => {
    const callers = sourceFiles(SRC)
      .filter((file) => /\bpackageRoot\(\)/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    // util/paths.ts defines it (and finds dist/ workers), util/version.ts reads package.json.
    expect(callers).toEqual(['cli/bundled.ts', 'util/paths.ts', 'util/version.ts']);
  });

  it('contracts/ imports no package but zod', () => {
    const packages = sourceFiles(join(SRC, 'contracts'))
      .flatMap((file) => specifiers(parseSource(file)).map((s) => ({ file: relative(SRC, file), s })))
      .filter((i) => !i.s.startsWith('.') && i.s !== 'zod')
      .map((i) => `${i.file} -> ${i.s}`);
    expect(packages).toEqual([]);
  });

  it('the specifier scan sees every import form (guards the tests above)', () => {
    const text = [
      "import { a } from '../../datasets/x.js';",
      "import type { B } from '../models/y.js';",
      "export { c } from './z.js';",
      "const m = await import('../../datasets/w.js');",
      'const n = await import(name);',
    ].join('\n');
    expect(specifiers(parseSource('planted.ts', text))).toEqual([
      '../../datasets/x.js',
      '../models/y.js',
      './z.js',
      '../../datasets/w.js',
      '<computed: name>',
    ]);
  });
});
