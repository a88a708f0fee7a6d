import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type JsonOutputFile,
  OUTPUT_FILES,
  outputPath,
  readOutput,
  siblingPath,
  writeJsonOutput,
  writeJsonSibling,
  writeOutput,
} from '../../src/io/outputs.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

// A synthetic clusters.json with no clusters: the smallest registry file a test can write by hand.
const clusters = {
  schemaVersion: 1,
  dataset: { file: 'golden.arrow', fingerprint: 'f' },
  model: { file: 'predictions.arrows', name: 'm', version: '1' },
  labels: ['ham', 'spam'],
  seed: 7,
  options: {
    minCellSize: 5,
    maxK: 8,
    dimensions: 64,
    wordNgrams: [1, 2],
    charNgrams: [3, 5],
    minSliceSupport: 5,
    maxTextChars: 2000,
  },
  cells: [],
  clusters: [],
};

describe('OUTPUT_FILES', () => {
  it('gives every output a distinct file name', () => {
    const names = Object.values(OUTPUT_FILES).map((f) => ('name' in f ? f.name : `<stem>${f.suffix}`));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('<stem>.review.json');
    expect(names).toContain('metrics.json');
    expect(names).toContain('gate.json');
  });

  it('gives every JSON output a schema', () => {
    for (const file of Object.values(OUTPUT_FILES)) {
      expect('schema' in file).toBe(('name' in file ? file.name : file.suffix).endsWith('.json'));
    }
  });
});

describe('writeJsonOutput / writeOutput', () => {
  it('writes two-space JSON with a final newline, atomically (no temporary file left)', async () => {
    const dir = join(tmp(), 'out');
    const value = { schemaVersion: 1 };
    const path = await writeJsonOutput(OUTPUT_FILES.gate as JsonOutputFile, dir, value);
    expect(path).toBe(outputPath(dir, OUTPUT_FILES.gate));
    expect(readFileSync(path, 'utf8')).toBe('{\n  "schemaVersion": 1\n}\n');
    expect(readdirSync(dir)).toEqual(['gate.json']);
  });

  it('writes text as given', async () => {
    const path = await writeOutput(OUTPUT_FILES.gateMarkdown, tmp(), '# ok\n');
    expect(readFileSync(path, 'utf8')).toBe('# ok\n');
  });
});

describe('sibling files', () => {
  it('are named after the file they describe, beside it', () => {
    expect(siblingPath(OUTPUT_FILES.reviewSummary, join('a', 'golden-v2.arrow'))).toBe(
      join('a', 'golden-v2.review.json'),
    );
  });

  it('round-trip through writeJsonSibling and readOutput; a mismatch names the file by what it holds', async () => {
    const of = join(tmp(), 'g.arrow');
    // A synthetic summary of an import that changed nothing.
    const summary = {
      output: of,
      report: siblingPath(OUTPUT_FILES.reviewSummary, of),
      spec: join(tmp(), 'g.spec.json'),
      previous: { file: 'g0.arrow', fingerprint: 'f' },
      rows: 3,
      verdicts: 0,
      skipped: 0,
      reviewed: 0,
      relabelled: 0,
      transitions: [],
      conflicts: [],
    };
    const path = await writeJsonSibling(OUTPUT_FILES.reviewSummary, of, summary);
    expect(path).toBe(join(tmp(), 'g.review.json'));
    expect(await readOutput(OUTPUT_FILES.reviewSummary, path)).toEqual(summary);
    writeFileSync(path, JSON.stringify({ ...summary, rows: 'three' }));
    await expect(readOutput(OUTPUT_FILES.reviewSummary, path)).rejects.toThrow(
      /g\.review\.json, field "rows": not a modeval review summary: /,
    );
  });
});

describe('readOutput', () => {
  it('reads back a file that matches its schema', async () => {
    const file = join(tmp(), 'clusters.json');
    writeFileSync(file, JSON.stringify(clusters));
    expect(await readOutput(OUTPUT_FILES.clusters, file)).toEqual(clusters);
  });

  it('a schema mismatch names the file, the output and the field', async () => {
    const file = join(tmp(), 'clusters.json');
    writeFileSync(file, JSON.stringify({ ...clusters, schemaVersion: 2 }));
    await expect(readOutput(OUTPUT_FILES.clusters, file)).rejects.toThrow(
      /clusters\.json, field "schemaVersion": not a modeval clusters\.json: /,
    );
  });

  it('invalid JSON and a missing file name the output by what it holds', async () => {
    const file = join(tmp(), 'compare.json');
    writeFileSync(file, '{');
    await expect(readOutput(OUTPUT_FILES.compare, file)).rejects.toThrow(
      /compare\.json: the comparison is not valid JSON/,
    );
    await expect(readOutput(OUTPUT_FILES.metrics, join(tmp(), 'metrics.json'))).rejects.toThrow(
      /metrics\.json: cannot read the metrics report: ENOENT/,
    );
  });
});
