import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

/**
 * modeval is ESM only (issue #28 item 14): its `exports` offer only the `import` condition, so a
 * CommonJS `require` is refused at resolution with a clear code instead of failing deep in a
 * dependency (vega's top-level await). Run through the package's self-reference on the built dist/.
 */
const root = packageRoot();

interface PackageJson {
  exports: Record<string, Record<string, string>>;
  dependencies: Record<string, string>;
}
const pkg = (): PackageJson => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('package exports', () => {
  it('offers only the import condition (and types) for every subpath', () => {
    for (const [subpath, conditions] of Object.entries(pkg().exports)) {
      expect(Object.keys(conditions).sort(), subpath).toEqual(['import', 'types']);
    }
  });

  it('imports as ESM; require is refused with ERR_PACKAGE_PATH_NOT_EXPORTED', () => {
    const imported = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('modeval'); process.stdout.write(typeof m.evaluate)",
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(imported).toBe('function');
    const required = spawnSync(
      process.execPath,
      ['-e', "try { require('modeval') } catch (e) { process.stdout.write(String(e.code)) }"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(required.stdout).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  // An installed package has only `dependencies`: a subpath whose module graph reaches a dev
  // dependency (the SpamAssassin builder's MIME parser did) fails at import there. esbuild's
  // metafile lists every static and literal dynamic import of the built graph.
  it('reaches only runtime dependencies and Node builtins from every exported subpath', async () => {
    const { exports, dependencies } = pkg();
    const builtins = new Set(builtinModules);
    for (const [subpath, conditions] of Object.entries(exports)) {
      const result = await build({
        entryPoints: [join(root, conditions.import!)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        metafile: true,
        write: false,
        packages: 'external',
        logLevel: 'silent',
      });
      const external = new Set<string>();
      for (const input of Object.values(result.metafile.inputs))
        for (const im of input.imports) if (im.external) external.add(im.path);
      const outside = [...external].filter(
        (p) => !p.startsWith('node:') && !builtins.has(p) && !Object.hasOwn(dependencies, packageOf(p)),
      );
      expect(outside, subpath).toEqual([]);
      expect(external.has('zod'), `${subpath} graph was read`).toBe(true);
    }
  });

  // A consumer that type-checks its libraries (skipLibCheck: false, nodenext) must not reach a
  // dependency's declarations that fail there (@huggingface/tokenizers' extensionless imports did).
  it('declarations type-check in a consumer with skipLibCheck: false', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modeval-consumer-'));
    try {
      const entry = join(root, pkg().exports['.']!.types!).replaceAll('\\', '/');
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            skipLibCheck: false,
            noEmit: true,
            types: ['node'],
            typeRoots: [join(root, 'node_modules/@types')],
          },
          files: ['consumer.ts'],
        }),
      );
      writeFileSync(
        join(dir, 'consumer.ts'),
        `import type * as modeval from ${JSON.stringify(entry.replace(/\.d\.ts$/, '.js'))};\nexport type Api = typeof modeval;\n`,
      );
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
        encoding: 'utf8',
      });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
