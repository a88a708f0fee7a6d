import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logLine } from '../../src/cli/log.js';
import { main } from '../../src/cli/main.js';
import { cleanText } from '../../src/render/clean.js';
import { formatCell, renderTable, terminalText } from '../../src/render/terminal.js';
import { useTmpDir } from '../helpers/tmp.js';

/** Synthetic hostile strings: an ANSI colour escape, a C1 CSI, a right-to-left override. */
const ESC = '\u001b[31mred\u001b[0m';
const CSI = 'a\u009b2Jb';
const RLO = 'exe\u202etxt';
// Everything that may start a terminal escape or reorder the text on screen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
const DANGEROUS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const tmp = useTmpDir();
afterEach(() => vi.restoreAllMocks());

describe('terminal output of dataset text', () => {
  it('cells, headings and titles of a table are all cleaned', () => {
    const out = renderTable([`p(${ESC})`, 'n'], [[RLO, 3]], { title: `Slice ${CSI}` });
    expect(out).not.toMatch(DANGEROUS);
    expect(out).toContain('p(·[31mred·[0m)');
    expect(out).toContain('Slice a·2Jb');
    expect(out).toContain('exe·txt');
  });

  it('cleans exactly the characters the HTML report shows as visible codes', () => {
    expect(formatCell('a\u200fb\u2028c\ufeffd\u061ce')).toBe('a·b·c·d·e');
    for (let c = 0; c < 0x3000; c++) {
      const ch = String.fromCharCode(c);
      if (ch === '\t' || ch === '\n' || ch === '\r') continue;
      expect([c, formatCell(ch) !== ch]).toEqual([c, cleanText(ch, 10).startsWith('[U+')]);
    }
  });

  it('terminalText keeps newlines and cleans everything else formatCell does', () => {
    expect(terminalText(`one ${ESC}\ntwo\t${RLO}`)).toBe('one ·[31mred·[0m\ntwo·exe·txt');
    expect(formatCell(`one\ntwo`)).toBe('one·two');
  });

  it('log and warning lines for stderr are cleaned and kept to one line', () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    logLine(`modeval: worker failed (${ESC}\nforged line)`);
    expect(stderr).toBe('modeval: worker failed (·[31mred·[0m·forged line)\n');
  });

  it('an error message quoting a hostile path stays one clean line', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const path = join(tmp(), `x${ESC}\ny.arrow`);
    expect(await main(['inspect', path])).toBe(2);
    expect(stderr).not.toMatch(DANGEROUS);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('x·[31mred·[0m·y.arrow');
  });
});
