// Reading predictions, computing metrics, gating and rendering a report must not load the
// inference stack: a CI job that only gates, or a QA lead who only reads a report, should not pay
// for onnxruntime-node's native library or the worker pool. Each entry point is imported in a fresh
// Node process whose module-resolution hook records every package it resolves.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const HEAVY = ['onnxruntime-node', 'onnxruntime-common', 'piscina'];
/** The library entry points a gate-only or report-only user imports (built JS in dist/). */
const ENTRY_POINTS = ['dist/src/evaluate/evaluate.js', 'dist/src/gate/index.js', 'dist/src/report/report.js'];

const dir = mkdtempSync(join(tmpdir(), 'modeval-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Runs in Node's loader thread: appends "<specifier>\t<parent>" for every bare package specifier.
const hooks = join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(node:|[./]|file:|data:)/.test(specifier)) {
    appendFileSync(process.env.MODEVAL_IMPORT_LOG, specifier + '\\t' + (context.parentURL ?? '') + '\\n');
  }
  return next(specifier, context);
}
`,
);
const register = join(dir, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);

function packagesLoadedBy(entry: string): { specifier: string; parent: string }[] {
  const log = join(dir, `${entry.replaceAll('/', '_')}.log`);
  writeFileSync(log, '');
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(register).href,
      '-e',
      `await import(${JSON.stringify(pathToFileURL(join(root, entry)).href)})`,
      '--input-type=module',
    ],
    { env: { ...process.env, MODEVAL_IMPORT_LOG: log }, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [specifier = '', parent = ''] = line.split('\t');
      return { specifier, parent };
    });
}

const packageName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

describe('light entry points', () => {
  it.each(ENTRY_POINTS)('%s loads neither onnxruntime-node nor piscina', (entry) => {
    const loaded = packagesLoadedBy(entry);
    expect(loaded.length).toBeGreaterThan(0);
    const heavy = loaded.filter((l) => HEAVY.includes(packageName(l.specifier)));
    expect(heavy).toEqual([]);
  });

  it('the hook sees the inference stack where it is loaded (the run entry point)', () => {
    const loaded = packagesLoadedBy('dist/src/run/run.js').map((l) => packageName(l.specifier));
    expect(loaded).toContain('onnxruntime-node');
    expect(loaded).toContain('piscina');
  });
});
