import { describe, expect, it } from 'vitest';
import { mdCode, mdTable, mdText } from '../../src/render/markdown.js';

describe('Markdown rendering', () => {
  it('builds a GitHub table with a separator row per column', () => {
    expect(
      mdTable(
        ['a', 'b'],
        [
          ['1', '2'],
          ['3', '4'],
        ],
      ),
    ).toEqual(['| a | b |', '| --- | --- |', '| 1 | 2 |', '| 3 | 4 |']);
    expect(mdTable(['only'], [])).toEqual(['| only |', '| --- |']);
  });

  it('keeps a hostile cell inside its cell and on its line', () => {
    const cell = mdText('a | b\n# not a heading <img src=x>');
    expect(cell).toBe('a \\| b # not a heading &lt;img src=x&gt;');
    const [row] = mdTable(['x'], [[cell]]).slice(2);
    expect(row!.split(/(?<!\\)\|/)).toHaveLength(3);
  });

  it('shows a bidi override as a visible code in text and code spans, capped in code points', () => {
    expect(mdText('exe\u202etxt')).toBe('exe\\[U+202E\\]txt');
    expect(mdCode('exe\u202etxt')).toBe('`exe[U+202E]txt`');
    expect(mdText('😀'.repeat(10), 4)).toBe('😀😀😀…');
  });
});
