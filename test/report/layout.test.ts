import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo/spam-job.js';
import { launchChromium, pageForFile } from '../helpers/chromium.js';
import { goldenPath } from '../helpers/golden.js';

/**
 * The demo's report (real SpamAssassin golden set, spam-v1 vs spam-v2, clusters of spam-v2) as a
 * person sees it: opened in Debian's chromium (playwright-core) at 1400 px. Issue #28 item 15: no
 * number in a table breaks across lines, the nav links the largest error cluster, flipped items
 * show their text, and slice rows put the worst accuracy first.
 */

const root = mkdtempSync(join(tmpdir(), 'modeval-report-layout-'));
let context: BrowserContext;

interface Layout {
  /** Numbers (digit runs with their separators) in table cells, past the row's name, laid out on more than one line. */
  brokenNumbers: string[];
  /** Every nav link: its text and whether its target exists. */
  nav: { label: string; href: string; target: boolean }[];
  /** Texts in the flip tables' text cells. */
  flipTexts: string[];
  /** Per slice table, the accuracy estimates in row order. */
  sliceAccuracies: number[][];
  sliceNotes: string[];
}
let found: Layout;

beforeAll(async () => {
  const result = await runDemo({
    golden: await goldenPath(),
    out: join(root, 'demo'),
    quiet: true,
    log: () => {},
  });
  context = await launchChromium(root, { width: 1400, height: 1000 });
  const { page, url } = await pageForFile(context, result.report.html.path);
  await page.goto(url, { waitUntil: 'load' });
  // Evaluated in the page (a string: the test program has Node's types, not the DOM's).
  found = (await page.evaluate(`(() => {
    const brokenNumbers = [];
    const number = /[0-9][0-9.,]*[0-9]|[0-9]/g;
    for (const td of document.querySelectorAll('td')) {
      // The first cell names the row (a slice value such as ks_c_5601-1987 is a name, not a number).
      if (td.cellIndex === 0) continue;
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement && n.parentElement.closest('.ex-text, code')) continue;
        for (const m of n.data.matchAll(number)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
          if (tops.size > 1) brokenNumbers.push(m[0] + ' in "' + td.textContent.slice(0, 60) + '"');
        }
      }
    }
    const nav = [...document.querySelectorAll('nav a')].map((a) => ({
      label: a.textContent,
      href: a.getAttribute('href'),
      target: document.getElementById(a.getAttribute('href').slice(1)) !== null,
    }));
    const flipTexts = [...document.querySelectorAll('table.flips .ex-text')].map((e) => e.textContent);
    const sliceAccuracies = [...document.querySelectorAll('table.slices')].map((t) =>
      [...t.querySelectorAll('tbody tr')].map((tr) => {
        const b = tr.children[2].querySelector('b');
        return b ? Number(b.textContent) : Infinity;
      }),
    );
    const sliceNotes = [...document.querySelectorAll('h3')].filter((h) => h.textContent === 'Slices')
      .map((h) => h.nextElementSibling.textContent);
    return { brokenNumbers, nav, flipTexts, sliceAccuracies, sliceNotes };
  })()`)) as Layout;
}, 300_000);

afterAll(async () => {
  await context?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the demo report at 1400 px in chromium', () => {
  it('breaks no number across lines in any table cell', () => {
    expect(found.brokenNumbers).toEqual([]);
  });

  it("links spam-v2's largest error cluster from the nav, to an element that exists", () => {
    const link = found.nav.find((n) => /^Largest error cluster of spam-v2 /.test(n.label));
    expect(link).toBeDefined();
    expect(link!.target).toBe(true);
    expect(found.nav.every((n) => n.target)).toBe(true);
  });

  it('shows the text of flipped items', () => {
    expect(found.flipTexts.length).toBeGreaterThan(0);
    expect(found.flipTexts.every((t) => t.trim().length > 0)).toBe(true);
  });

  it('orders slice rows worst accuracy first and says so', () => {
    expect(found.sliceAccuracies.length).toBeGreaterThan(0);
    for (const accs of found.sliceAccuracies) {
      expect(accs.length).toBeGreaterThan(1);
      expect(accs).toEqual([...accs].sort((a, b) => a - b));
    }
    expect(found.sliceNotes.every((n) => n.includes('worst accuracy first'))).toBe(true);
  });
});
