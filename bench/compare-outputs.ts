/**
 * Compares two output folders file by file, byte for byte: the check that a restructure changed no
 * result. Files that record wall-clock timings (run.json, report.html: rows/s, seconds, dates) are
 * listed but do not fail the comparison; everything else must be identical and present in both.
 *
 *   npm run build && node dist/bench/compare-outputs.js <before-dir> <after-dir>
 *
 * Exit 0 when every deterministic file matches, 1 when one differs or is missing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Outputs that carry timings by design, so two identical runs still differ. */
const TIMED = new Set(['run.json', 'report.html']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);

export function compareOutputs(before: string, after: string): { path: string; status: string }[] {
  const all = [...new Set([...files(before), ...files(after)])].sort();
  const a = new Set(files(before));
  const b = new Set(files(after));
  return all.map((path) => {
    const timed = TIMED.has(path.split('/').pop() ?? '');
    if (!a.has(path) || !b.has(path)) return { path, status: a.has(path) ? 'missing after' : 'new after' };
    const same = readFileSync(join(before, path)).equals(readFileSync(join(after, path)));
    if (same) return { path, status: `identical (${sha(join(after, path))})` };
    return { path, status: timed ? 'differs (timings; not compared)' : 'DIFFERS' };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [before, after] = process.argv.slice(2);
  if (!before || !after) {
    process.stderr.write('usage: node dist/bench/compare-outputs.js <before-dir> <after-dir>\n');
    process.exit(2);
  }
  const rows = compareOutputs(before, after);
  const width = Math.max(...rows.map((r) => r.path.length));
  for (const r of rows) process.stdout.write(`${r.path.padEnd(width)}  ${r.status}\n`);
  const bad = rows.filter(
    (r) => !r.status.startsWith('identical') && !r.status.startsWith('differs (timings'),
  );
  process.stdout.write(
    bad.length ? `${bad.length} file(s) differ\n` : 'all deterministic outputs identical\n',
  );
  process.exit(bad.length ? 1 : 0);
}
