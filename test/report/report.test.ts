import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { reportCommand } from '../../src/cli/report.js';
import type { EvalSet } from '../../src/evaluate/eval-set.js';
import { cleanText, uniqueDisplay } from '../../src/render/clean.js';
import { escapeHtml, html, SafeHtml } from '../../src/render/html.js';
import { mdCode, mdText } from '../../src/render/markdown.js';
import { bytes } from '../../src/render/numbers.js';
import { auditMarkup } from '../../src/report/audit.js';
import { barsChart } from '../../src/report/charts.js';
import { poolConfusion } from '../../src/report/html/model.js';
import { note, warning } from '../../src/report/html/parts.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { thinIndices } from '../../src/report/limits.js';
import { loadReportInputs, type ReportInputs } from '../../src/report/load.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { scoreHistogram } from '../../src/report/scores.js';
import { renderSvg } from '../../src/report/svg.js';
import { BadInputError } from '../../src/util/errors.js';
import { buildHostileRuns, type HostileRun, PAYLOADS } from './fixtures.js';

describe('escaping', () => {
  it('escapes markup characters, including both quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('shows bidi overrides, isolates and controls as visible codes', () => {
    expect(cleanText('evil\u202Egnp.exe', 100)).toBe('evil[U+202E]gnp.exe');
    expect(cleanText('a\u2066b\u2069c\u0000d\u200Be', 100)).toBe('a[U+2066]b[U+2069]c[U+0000]d[U+200B]e');
    expect(cleanText('a\ud800b', 100)).toBe('a\ufffdb');
  });

  it('caps by code points without splitting a surrogate pair, and folds newlines unless multiline', () => {
    expect(cleanText('abcdef', 4)).toBe('abc…');
    expect(cleanText('😀😀😀', 2)).toBe('😀…');
    expect(cleanText('a\r\nb\tc', 10)).toBe('a b c');
    expect(cleanText('a\r\nb', 10, true)).toBe('a\nb');
  });

  it('escapes every interpolation in html`` except SafeHtml, arrays included', () => {
    const out = html`<p title="${'"x"'}">${'<b>'}${new SafeHtml('<i>ok</i>')}${['<u>', 1, null]}</p>`;
    expect(out.value).toBe('<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i>&lt;u&gt;1</p>');
  });

  it('keeps display names unique after capping', () => {
    expect(uniqueDisplay(['abcdef1', 'abcdef2', 'abc…', 'x'], 4)).toEqual([
      'abc…',
      'abc… (#2)',
      'abc… (#3)',
      'x',
    ]);
  });
});

describe('markup audit', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', 'forbidden element <img>'],
    ['<p onclick="x()">', 'event-handler attribute onclick on <p>'],
    ['<a href="javascript:alert(1)">x</a>', 'URL attribute href on <a>'],
    ['<svg><foreignObject></foreignObject></svg>', 'forbidden element <foreignobject>'],
    ['<SCRIPT>x</SCRIPT>', 'forbidden element <script>'],
    ['<rect fill="url(https://evil/x)"/>', 'non-local url() in fill on <rect>'],
    ['<meta http-equiv="refresh" content="0;url=https://evil">', 'unexpected <meta> element'],
    ['<svg><use href="#a"/></svg>', 'forbidden element <use>'],
  ])('flags %s', (markup, problem) => {
    expect(auditMarkup(markup)).toContain(problem);
  });

  it('accepts escaped payloads in text and attribute values, in-page anchors and url(#id)', () => {
    const markup =
      '<a href="#model-0">x</a><path clip-path="url(#clip1)" aria-label="a: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"/><text>&lt;script&gt;</text>';
    expect(auditMarkup(markup)).toEqual([]);
  });
});

describe('charts', () => {
  it('vega escapes hostile category names in SVG text and attributes', async () => {
    const svg = await renderSvg(
      barsChart({
        title: '<script>alert(1)</script>',
        xTitle: 'n',
        rows: [
          { name: '"><img src=x onerror=alert(2)>', value: 3, group: 'g' },
          { name: '</text><script>alert(3)</script>', value: 5, group: 'g' },
        ],
        groups: [{ name: 'g', color: '#4c78a8' }],
      }),
    );
    expect(svg.value.startsWith('<svg')).toBe(true);
    expect(svg.value).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg.value).toContain('&lt;/text&gt;&lt;script&gt;');
    expect(svg.value).not.toMatch(/<script|<img/i);
    expect(auditMarkup(svg.value)).toEqual([]);
    // Two bars drawn.
    expect(svg.value.match(/aria-roledescription="bar"/g)?.length).toBe(2);
  });

  it('refuses chart data given by URL', async () => {
    await expect(
      renderSvg({ data: { url: 'https://example.com/x.json' }, mark: 'bar' } as never),
    ).rejects.toThrow('chart data must be inline values');
  });
});

describe('helpers', () => {
  it('pools the least supported labels of a confusion matrix, keeping every count', () => {
    const counts = [
      [5, 1, 0, 2],
      [1, 9, 1, 0],
      [0, 2, 1, 1],
      [1, 0, 0, 3],
    ];
    const p = poolConfusion(['a', 'b', 'c', 'd'], counts, [8, 11, 4, 4], 3);
    // Kept: b and a (most support, in label order); c and d pooled.
    expect(p.labels).toEqual(['a', 'b', '(2 other labels)']);
    expect(p.counts).toEqual([
      [5, 1, 2],
      [1, 9, 1],
      [1, 2, 5],
    ]);
    expect(p.pooled).toBe(2);
  });

  it('keeps two labels that are equal after the name cut apart in the score histogram', () => {
    // A SYNTHETIC two-row binary set: only the fields scoreHistogram reads.
    const long = 'x'.repeat(100);
    const set = {
      task: 'binary',
      n: 2,
      labels: [`${long}a`, `${long}b`],
      positiveIndex: 1,
      truth: Int32Array.from([0, 1]),
      models: [{ scores: Float32Array.from([0.9, 0.1, 0.2, 0.8]), predicted: Int32Array.from([0, 1]) }],
    } as unknown as EvalSet;
    const h = scoreHistogram(set, 0, 4, 20)!;
    expect(h.groups).toEqual([`golden ${'x'.repeat(19)}…`, `golden ${'x'.repeat(19)}… (#2)`]);
    const counted = h.bins.filter((b) => b.count > 0).map((b) => [b.group, b.lo]);
    expect(counted).toEqual([
      [h.groups[0], 0],
      [h.groups[1], 0.75],
    ]);
  });

  it('caps notes, warnings and captions as prose, not at the name cap', () => {
    const sentence = `${'word '.repeat(60)}end.`;
    expect(note(sentence).value).toBe(`<p class="note">${sentence}</p>`);
    expect(warning(`<${sentence}`).value).toBe(`<p class="warn">&lt;${sentence}</p>`);
    expect(note('x'.repeat(2000)).value).toContain(`${'x'.repeat(999)}…`);
    // Interpolated names keep the default cap.
    expect(html`${'n'.repeat(300)}`.value).toBe(`${'n'.repeat(159)}…`);
  });

  it('thins curves evenly, keeping both ends', () => {
    const idx = thinIndices(1000, 150);
    expect(idx.length).toBe(150);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(999);
    expect(idx.every((v, i) => i === 0 || v > idx[i - 1]!)).toBe(true);
    expect(thinIndices(5, 150)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('report from hostile runs (SYNTHETIC data)', () => {
  const root = mkdtempSync(join(tmpdir(), 'modeval-report-'));
  let runs: HostileRun;
  let inputs: ReportInputs;
  let doc: string;
  beforeAll(async () => {
    runs = await buildHostileRuns(root);
    inputs = await loadReportInputs([runs.dirA, runs.dirB], { resamples: 40 });
    doc = await renderHtmlReport(inputs);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists a model once when two folders (or the same one twice) hold it', async () => {
    const twice = await loadReportInputs([runs.dirA, runs.dirA, runs.dirB], {
      autoCompare: false,
      scoreHistograms: false,
    });
    expect(twice.models.map((m) => m.dir)).toEqual([runs.dirA, runs.dirB]);
  });

  it('pairs the two models itself and attaches run.json and clusters.json', () => {
    expect(inputs.models).toHaveLength(2);
    expect(inputs.comparison?.source).toBe('computed');
    expect(inputs.comparison?.comparison.baseline.name).toBe('<script>alert("model")</script>');
    expect(inputs.models.every((m) => m.run !== null && m.clusters !== null && m.meta !== null)).toBe(true);
    expect(inputs.reviews.map((r) => r.summary.relabelled)).toEqual([5]);
  });

  it('has no <script> and no event-handler attribute outside escaped text', () => {
    expect(doc).not.toMatch(/<script/i);
    // Independent of audit.ts: strip quoted attribute values inside each tag, then look for on*=.
    const tags = doc.match(/<[A-Za-z][^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(1000);
    const withHandlers = tags.filter((t) => /\son[a-z]+\s*=/i.test(t.replace(/"[^"]*"|'[^']*'/g, '""')));
    expect(withHandlers).toEqual([]);
    expect(doc).not.toContain('\u202E');
    expect(doc).toContain('ROC-AUC and AP intervals are drawn separately with the same seed)');
    expect(doc).toContain('&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
  });

  it('carries a strict CSP, no external reference, and states its own size exactly', () => {
    expect(doc).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:;`,
    );
    // Every URL-bearing attribute of every tag is an in-page anchor.
    const urls = (doc.match(/<[A-Za-z][^>]*>/g) ?? []).flatMap((t) =>
      [...t.matchAll(/\s(?:src|href|xlink:href|action)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!),
    );
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter((u) => !/^#[a-z0-9-]+$/.test(u))).toEqual([]);
    expect(doc).toContain(`This file is ${bytes(Buffer.byteLength(doc, 'utf8'))} and self-contained`);
  });

  it('is deterministic', async () => {
    expect(await renderHtmlReport(inputs)).toBe(doc);
  });

  it('caps texts: a long example text is cut at the limit', async () => {
    const long = `${'x'.repeat(5000)}<script>`;
    const c = inputs.models[0]!.clusters!;
    const patched = {
      ...inputs,
      models: [
        {
          ...inputs.models[0]!,
          clusters: {
            ...c,
            clusters: c.clusters.map((cl) => ({
              ...cl,
              representatives: cl.representatives.map((r) => ({ ...r, text: long })),
            })),
          },
        },
      ],
      comparison: null,
    };
    const out = await renderHtmlReport(patched, { limits: { textChars: 300 } });
    expect(out).toContain(`${'x'.repeat(299)}…`);
    expect(out).not.toContain('x'.repeat(300));
  });

  it('cleans a hostile cluster id before it reaches the chart', async () => {
    const patched = {
      ...inputs,
      comparison: null,
      models: inputs.models.slice(0, 1).map((m) => ({
        ...m,
        clusters: {
          ...m.clusters!,
          clusters: m.clusters!.clusters.map((c, i) => (i === 0 ? { ...c, id: 'c\u202E1' } : c)),
        },
      })),
    };
    const out = await renderHtmlReport(patched);
    expect(out).not.toContain('\u202E');
    expect(out).toContain('c[U+202E]1 · ');
  });

  it('cleans a hostile metric name of a comparison file before it reaches the delta chart', async () => {
    const c = inputs.comparison!;
    const metrics = c.comparison.metrics.map((m, i) => (i === 0 ? { ...m, metric: 'acc\u202Euracy' } : m));
    const patched = { ...inputs, comparison: { ...c, comparison: { ...c.comparison, metrics } } };
    const out = await renderHtmlReport(patched);
    expect(out).not.toContain('\u202E');
    expect(out).toContain('acc[U+202E]uracy');
  });

  it('writes Markdown whose table cells hold hostile names without breaking the table', () => {
    const patched = {
      ...inputs,
      models: inputs.models.map((m, i) => ({
        ...m,
        model: { ...m.model, model: { ...m.model.model, name: i === 0 ? 'a|b`c<br>' : 'd\\|e' } },
      })),
    };
    const md = renderMarkdownReport(patched);
    const lines = md.split('\n');
    const header = lines.find((l) => l.startsWith('| metric |'))!;
    // Unescaped pipes delimit cells: 3 columns → 4 delimiters.
    expect(header.match(/(?<!\\)\|/g)!.length).toBe(4);
    expect(header).toContain('a\\|b\\`c&lt;br&gt;');
    expect(md).not.toMatch(/<(?!br>)[a-z]/i);
    expect(lines.length).toBeLessThan(70);
    for (const p of PAYLOADS.slice(0, 2)) expect(md).not.toContain(p);
  });

  it('shows bidi overrides in Markdown as the same visible codes as the HTML, capped by code points', () => {
    expect(mdText('evil\u202Egnp.exe')).toBe('evil\\[U+202E\\]gnp.exe');
    expect(mdCode('a\u2066b\u0000c')).toBe('`a[U+2066]b[U+0000]c`');
    expect(mdText('😀😀😀', 2)).toBe('😀…');
    const patched = {
      ...inputs,
      models: inputs.models.map((m) => ({
        ...m,
        model: { ...m.model, model: { ...m.model.model, name: 'm\u202Eodel' } },
      })),
    };
    const md = renderMarkdownReport(patched);
    expect(md).not.toContain('\u202E');
    expect(md).toContain('m\\[U+202E\\]odel');
  });

  it('runs as a CLI command and picks Markdown from the file name', async () => {
    const out = join(root, 'summary.md');
    await yargs(['report', runs.dirA, runs.dirB, '--out', out, '--resamples', '30'])
      .command(reportCommand as never)
      .strict()
      .exitProcess(false)
      .parseAsync();
    const md = readFileSync(out, 'utf8');
    expect(md.startsWith('### modeval report: ')).toBe(true);
    expect(md).toContain('McNemar:');
  });
});

describe('bad input', () => {
  const root = mkdtempSync(join(tmpdir(), 'modeval-report-bad-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names a folder with nothing to report, and hints at eval when only run.json is there', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(loadReportInputs([empty])).rejects.toThrow(
      /empty.*holds no metrics\.json, compare\.json, gate\.json or \*\.review\.json$/,
    );
    const runOnly = join(root, 'run-only');
    mkdirSync(runOnly);
    writeFileSync(join(runOnly, 'run.json'), '{}');
    await expect(loadReportInputs([runOnly])).rejects.toThrow(/modeval eval --predictions/);
  });

  it('names the file and field of a metrics.json that does not match its schema', async () => {
    const dir = join(root, 'bad-schema');
    mkdirSync(dir);
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ schemaVersion: 2, kind: 'modeval.metrics' }));
    const err = await loadReportInputs([dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).location).toEqual({ file: join(dir, 'metrics.json'), field: 'harness' });
  });

  it('reports JSON that does not parse', async () => {
    const dir = join(root, 'bad-json');
    mkdirSync(dir);
    writeFileSync(join(dir, 'compare.json'), '{"schemaVersion": 1,');
    await expect(loadReportInputs([dir])).rejects.toThrow(/compare\.json: the comparison is not valid JSON/);
  });

  it('refuses a path that is not a folder', async () => {
    const file = join(root, 'x.txt');
    writeFileSync(file, 'x');
    await expect(loadReportInputs([file])).rejects.toThrow(/expected a run or comparison folder/);
  });
});
