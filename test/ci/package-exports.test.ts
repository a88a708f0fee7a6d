import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

/**
 * modeval is ESM only (issue #28 item 14): its `exports` offer only the `import` condition, so a
 * CommonJS `require` is refused at resolution with a clear code instead of failing deep in a
 * dependency (vega's top-level await). Run through the package's self-reference on the built dist/.
 */
const root = packageRoot();

describe('package exports', () => {
  it('offers only the import condition (and types) for every subpath', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    for (const [subpath, conditions] of Object.entries(pkg.exports)) {
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
});
