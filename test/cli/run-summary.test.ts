import { describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../src/cli/run.js';
import type { RunSummary } from '../../src/contracts/predictions.js';
import { renderKeyValues } from '../../src/render/terminal.js';

/** The summary of the demo's spam-v2 run (values from a real run; paths as the demo writes them). */
const summary: RunSummary = {
  status: 'completed',
  predictions: 'out/demo/spam-v2/predictions.arrows',
  model: { name: 'spam-v2', version: '2.0.0', sha256: '19a132f80989c0ffee' },
  dataset: { file: 'datasets/spamassassin/build/golden.arrow', fingerprint: 'b61c7689545e0123' },
  rows: 1183,
  rejected: 0,
  predicted: 1183,
  invalid: 0,
  truncated: 0,
  labelled: 1183,
  accuracy: 0.9679,
  seconds: 3.6,
  rowsPerSecond: 329.4,
  workers: 2,
  threads: 1,
  provider: 'cpu',
  retries: 0,
  resumedFromRow: 0,
  startedAt: '2026-11-30T15:00:00Z',
  finishedAt: '2026-11-30T15:00:04Z',
};

describe('run summary', () => {
  it('fits a 60-column terminal, counts written one way', () => {
    const text = formatRunSummary(summary, 60);
    for (const line of text.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
    expect(text).toContain('accuracy        96.79% of 1,183 labelled\n');
    expect(text).toContain('rows            1,183\n');
    expect(text).toContain('throughput      329 rows/s in 3.6 s\n');
  });

  it('wraps a value too long for the line under itself', () => {
    const long = `/very/long/${'x'.repeat(70)}/predictions.arrows`;
    const text = renderKeyValues(
      [
        ['predictions', long],
        ['status', 'completed'],
      ],
      40,
    );
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(
      lines
        .slice(0, -1)
        .map((l) => l.slice(13))
        .join(''),
    ).toBe(long);
    expect(lines.at(-1)).toBe('status       completed');
    // Without a width (not a terminal), one line per value.
    expect(renderKeyValues([['predictions', long]]).split('\n')).toHaveLength(2);
  });
});
