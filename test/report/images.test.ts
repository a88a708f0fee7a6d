import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, Utf8 } from 'apache-arrow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { GateReportSchema } from '../../src/contracts/gate-report.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { OUTPUT_FILES } from '../../src/io/outputs.js';
import { auditMarkup } from '../../src/report/audit.js';
import { DEFAULT_LIMITS } from '../../src/report/limits.js';
import { writeReport } from '../../src/report/report.js';
import { openPredictions } from '../../src/run/predictions.js';
import { runModel } from '../../src/run/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeArrow } from '../helpers/arrow.js';
import { launchChromium, pageForFile } from '../helpers/chromium.js';
import { imagesGoldenTable, NSFWJS_MODELS } from '../helpers/images.js';

/**
 * Two nsfwjs models on a real subset of the image golden set (every 7th image, to keep the test
 * short): examples/ci/images-gate.yaml both ways, and the report with inline thumbnails.
 */
const POLICY = join(packageRoot(), 'examples', 'ci', 'images-gate.yaml');
const SENSITIVE = new Set(['Porn', 'Hentai', 'Sexy']);
const root = mkdtempSync(join(tmpdir(), 'modeval-images-'));
const dataset = join(root, 'subset.arrow');
const pred: Record<'v2' | 'mid', string> = { v2: '', mid: '' };

beforeAll(async () => {
  const golden = await imagesGoldenTable();
  const rows = Array.from({ length: golden.numRows }, (_, i) => i).filter((i) => i % 7 === 0);
  const col = (name: string) => rows.map((i) => golden.getChild(name)!.get(i));
  writeArrow(dataset, {
    id: { values: col('id'), type: new Utf8() },
    image: { values: col('image'), type: new Binary() },
    label: { values: col('label'), type: new Utf8() },
    source: { values: col('source'), type: new Utf8() },
  });
  const spec = JSON.parse(readFileSync(join(packageRoot(), 'datasets', 'images', 'spec.json'), 'utf8'));
  writeFileSync(join(root, 'subset.spec.json'), JSON.stringify({ ...spec, slices: ['source'] }));
  for (const [name, model] of [
    ['v2', NSFWJS_MODELS.MobileNetV2],
    ['mid', NSFWJS_MODELS.MobileNetV2Mid],
  ] as const) {
    const out = join(root, name);
    await runModel({ model, dataset, out, workers: 1, quiet: true }, { log: () => {} });
    pred[name] = join(out, OUTPUT_FILES.predictions.name);
    await evaluate({ predictions: [pred[name]], dataset, out, resamples: 100 });
  }
}, 600_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function unsafeShare(predictions: string): Promise<number> {
  let unsafe = 0;
  let n = 0;
  for await (const batch of (await openPredictions(predictions)).batches()) {
    for (let i = 0; i < batch.length; i++, n++) if (SENSITIVE.has(String(batch.predicted.get(i)))) unsafe++;
  }
  return unsafe / n;
}

describe('the image gate example', () => {
  it('gates both ways; over-enforcement equals the share of unsafe calls counted from the predictions', async () => {
    for (const [baseline, candidate] of [
      ['mid', 'v2'],
      ['v2', 'mid'],
    ] as const) {
      const out = join(root, `gate-${candidate}`);
      const args = ['gate', '--policy', POLICY, '--baseline', pred[baseline], '--candidate', pred[candidate]];
      const code = await main([...args, '--dataset', dataset, '--out', out]);
      const report = GateReportSchema.parse(JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')));
      expect(code).toBe(report.verdict === 'pass' ? 0 : 1);
      expect(report.summary.rules).toBe(7);
      const overEnforcement = report.rules.find((r) => r.rule.name?.startsWith('over-enforcement (safe'))!;
      expect(overEnforcement.outcomes[0]!.observed).toBeCloseTo(await unsafeShare(pred[candidate]), 12);
      const perSource = report.rules.find((r) => r.rule.slice !== null && r.rule.metric === 'cost')!;
      expect(perSource.outcomes.map((o) => o.slice?.column)).toContain('source');
    }
  });
});

describe('the report of two image models', () => {
  it('shows flipped items as inline thumbnails, blurred exactly where a label is sensitive', async () => {
    const file = join(root, 'report.html');
    const result = await writeReport({
      dirs: [join(root, 'v2'), join(root, 'mid')],
      out: file,
      resamples: 50,
    });
    const page = readFileSync(file, 'utf8');
    expect(auditMarkup(page)).toEqual([]);
    const c = result.inputs.comparison!.comparison;
    // The page lists at most DEFAULT_LIMITS.flipItems items per list; only those get thumbnails.
    const cut = DEFAULT_LIMITS.flipItems;
    const shown = [...c.flips.newlyWrongItems.slice(0, cut), ...c.flips.newlyRightItems.slice(0, cut)];
    expect(shown.length).toBeGreaterThan(0);
    const imgs = [
      ...page.matchAll(/<img class="thumb( blurred)?" src="data:image\/jpeg;base64,[A-Za-z0-9+/=]+"/g),
    ];
    expect(imgs.length).toBe(result.inputs.thumbnails.size);
    for (const it of shown) {
      const t = result.inputs.thumbnails.get(it.id)!;
      expect(t, it.id).toBeDefined();
      const sensitive = [it.truth, it.baselinePredicted, it.candidatePredicted].some((l) => SENSITIVE.has(l));
      expect(t.blurred, it.id).toBe(sensitive);
      expect(Buffer.from(t.uri.split(',')[1]!, 'base64').length).toBeLessThanOrEqual(16_384);
    }

    const bare = join(root, 'bare.html');
    await writeReport({
      dirs: [join(root, 'v2'), join(root, 'mid')],
      out: bare,
      resamples: 50,
      thumbnails: false,
    });
    expect(readFileSync(bare, 'utf8')).not.toContain('<img');
  });

  it('opens in Chromium with its thumbnails drawn, no script and no request', async () => {
    const file = join(root, 'report.html');
    if (!existsSync(file))
      await writeReport({ dirs: [join(root, 'v2'), join(root, 'mid')], out: file, resamples: 50 });
    const context = await launchChromium(root);
    try {
      const { page, url, external } = await pageForFile(context, file);
      await page.goto(url, { waitUntil: 'load' });
      const dom = (await page.evaluate(`(() => {
        const imgs = [...document.querySelectorAll('img.thumb')];
        return {
          scripts: document.querySelectorAll('script').length,
          thumbs: imgs.length,
          drawn: imgs.filter((i) => i.complete && i.naturalWidth > 0).length,
        };
      })()`)) as { scripts: number; thumbs: number; drawn: number };
      expect(dom.scripts).toBe(0);
      expect(dom.thumbs).toBeGreaterThan(0);
      expect(dom.drawn).toBe(dom.thumbs);
      // data: URIs are not requests; nothing else may be asked for.
      expect(external.filter((u) => !u.startsWith('data:'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
