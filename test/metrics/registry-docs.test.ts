// docs/metrics.md's metric table lists the registry's declarations, row for row: a metric added
// (or removed) in one place and not the other turns this red.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_REGISTRY } from '../../src/metrics/registry/index.js';
import { ROOT } from '../architecture/sources.js';

const HEAD = '| key | scope | rule | label | range | direction | tasks | interval |';

/** The rows of the Markdown table whose header is HEAD, each as its cells. */
function docRows(markdown: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(HEAD);
  if (start < 0) throw new Error('docs/metrics.md has no metric table');
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/^`(.*)`$/, '$1')),
    );
  }
  return rows;
}

const registryRows = () =>
  METRIC_REGISTRY.map((d) => [
    d.key,
    d.scope,
    d.rule ? d.rule.name : '—',
    d.label,
    d.range === 'labels' ? '[0, K]' : `[${d.range[0]}, ${d.range[1]}]`,
    d.direction,
    d.tasks.join(', '),
    d.interval.method,
  ]);

describe('docs/metrics.md metric table', () => {
  const rows = docRows(readFileSync(join(ROOT, 'docs', 'metrics.md'), 'utf8'));

  it('has one row per declaration, in the registry order, with the same fields', () => {
    expect(rows).toEqual(registryRows());
  });

  it('the parser reads a planted table (guards the test above)', () => {
    const text = [
      'x',
      HEAD,
      '| --- |',
      '| `a.b` | overall | `r` | A | [0, 1] | higher | binary | proportion |',
      '',
      '| z |',
    ].join('\n');
    expect(docRows(text)).toEqual([['a.b', 'overall', 'r', 'A', '[0, 1]', 'higher', 'binary', 'proportion']]);
  });
});
