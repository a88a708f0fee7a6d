// No two files under src/ import each other, directly or around a loop, counting `import type` as
// an import: a type that two files both need lives in the file that owns it (or lower), so that the
// layers stay a strict order at the file level too and any file can be read without its importers.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource, SRC, sourceFiles, specifiers } from './sources.js';

/** The file a relative specifier names: `./x.js` is the TypeScript source `./x.ts`. */
function resolveSpecifier(from: string, specifier: string): string | null {
  const target = resolve(dirname(from), specifier);
  const candidates = target.endsWith('.js')
    ? [`${target.slice(0, -3)}.ts`, target]
    : [target, `${target}.ts`];
  return candidates.find((c) => existsSync(c) && c.endsWith('.ts')) ?? null;
}

/** File -> the files under src/ it imports (every form the specifier scan sees, type imports included). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiers(parseSource(file))
      .filter((s) => s.startsWith('.'))
      .map((s) => resolveSpecifier(file, s))
      .filter((t): t is string => t !== null && known.has(t));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * One cycle per strongly connected component of more than one file (or a file importing itself),
 * as `a -> b -> ... -> a`: Tarjan's algorithm for the components, then the shortest loop through
 * each component's first file.
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return components.map((component) => shortestLoop(graph, component));
}

function shortestLoop(graph: ReadonlyMap<string, readonly string[]>, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`no loop through ${start} in its own component`);
}

describe('import cycles', () => {
  it('no file under src/ imports itself around a loop (value or type imports)', () => {
    const cycles = findCycles(importGraph(sourceFiles(SRC))).map((loop) =>
      loop.map((f) => relative(SRC, f)).join(' -> '),
    );
    expect(cycles).toEqual([]);
  });

  it('the cycle search finds planted loops and nothing else (guards the test above)', () => {
    const graph = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['d']],
    ]);
    expect(findCycles(graph)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['e', 'e'],
    ]);
  });

  it('type imports and `.js` specifiers are followed to the `.ts` files', () => {
    const file = resolve(SRC, 'gate', 'x.ts');
    expect(resolveSpecifier(file, './policy.js')).toBe(resolve(SRC, 'gate', 'policy.ts'));
    expect(
      specifiers(
        parseSource('planted.ts', "import type { A } from './a.js';\nexport type { B } from './b.js';"),
      ),
    ).toEqual(['./a.js', './b.js']);
  });
});
