import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/report.js';
import { launchChromium, pageForFile } from '../helpers/chromium.js';
import { buildHostileRuns, HOSTILE_LABELS, PAYLOADS } from './fixtures.js';

/**
 * The report opened in a real browser (Debian's chromium driven by playwright-core; `.ci/run`
 * installs it) on a SYNTHETIC dataset whose ids, texts, labels, slice values, annotator and model
 * names are XSS payloads. Nothing may run, nothing may be fetched, the payloads must read as text
 * and the charts must render.
 */

const root = mkdtempSync(join(tmpdir(), 'modeval-report-hostile-'));
let reportFile = '';
let context: BrowserContext;

interface PageFindings {
  dialogs: string[];
  /** Requests other than the report file itself (all aborted). */
  external: string[];
  pwned: unknown;
  text: string;
  scripts: number;
  handlerAttributes: string[];
  svgs: number;
  marks: number;
  csp: string | null;
  screenshot: string;
}
let found: PageFindings;

beforeAll(async () => {
  const runs = await buildHostileRuns(root);
  reportFile = join(root, 'report.html');
  await writeReport({ dirs: [runs.dirA, runs.dirB], out: reportFile, resamples: 50 });

  context = await launchChromium(root, { width: 1280, height: 1600 });
  const { page, url, external } = await pageForFile(context, reportFile);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  // Give anything deferred (onload handlers, timers) the chance to fire.
  await page.waitForTimeout(300);
  // Evaluated in the page (a string: the test program has Node's types, not the DOM's).
  const dom = (await page.evaluate(`(() => {
    const handlers = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (a.name.toLowerCase().startsWith('on')) handlers.push(el.tagName + '.' + a.name);
      }
    }
    const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    return {
      pwned: window.__pwned,
      text: document.body.textContent || '',
      scripts: document.querySelectorAll('script').length,
      handlerAttributes: handlers,
      svgs: document.querySelectorAll('svg').length,
      marks: document.querySelectorAll(
        'svg .mark-rect path, svg .mark-line path, svg .mark-symbol path, svg .mark-rule line',
      ).length,
      csp: meta ? meta.getAttribute('content') : null,
    };
  })()`)) as Omit<PageFindings, 'dialogs' | 'external' | 'screenshot'>;
  const screenshot = join(root, 'report.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  found = { ...dom, dialogs, external, screenshot };
}, 120_000);

afterAll(async () => {
  await context?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('report in a headless browser, hostile dataset text', () => {
  it('runs no script: no dialog, the sentinel is never set, no <script>, no handler attributes', () => {
    expect(found.dialogs).toEqual([]);
    expect(found.pwned).toBeUndefined();
    expect(found.scripts).toBe(0);
    expect(found.handlerAttributes).toEqual([]);
  });

  it('fetches nothing (every request but the file itself is counted and aborted)', () => {
    expect(found.external).toEqual([]);
    expect(found.csp).toContain("default-src 'none'");
  });

  it('shows the payloads as text', () => {
    for (const p of PAYLOADS) {
      // Bidi overrides are shown as a visible code instead of acting on the text around them.
      const shown = p.replace(/\u202E/g, '[U+202E]');
      expect(found.text, p).toContain(shown);
    }
    expect(found.text).toContain(HOSTILE_LABELS[1]);
    expect(found.text).toContain('<script>alert("model")</script>');
    expect(found.text).toContain('<script>alert("ann")</script>');
    expect(found.text).toContain('<img src=x onerror=alert("rev")>: ok');
    expect(found.text).not.toContain('\u202E');
  });

  it('renders the charts as SVG with marks', () => {
    // Confusion, per-class, ROC, PR, reliability and slice charts per model, plus the comparison's.
    expect(found.svgs).toBeGreaterThanOrEqual(14);
    expect(found.marks).toBeGreaterThan(100);
  });

  it('takes a non-trivial screenshot', () => {
    const png = readFileSync(found.screenshot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(1280);
    expect(height).toBeGreaterThan(3000);
    expect(statSync(found.screenshot).size).toBeGreaterThan(100_000);
  });
});
