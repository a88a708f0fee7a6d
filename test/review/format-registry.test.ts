/// <reference types="vite/client" />
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { reviewExportCommand, reviewImportCommand } from '../../src/cli/review.js';
import { exportReview } from '../../src/review/export.js';
import { ExportFormatSchema, ReviewExportOptionsSchema } from '../../src/review/export-options.js';
import {
  ALL_FORMATS,
  REVIEW_FORMATS,
  sniffVerdictFormat,
  VERDICT_FORMATS,
  VerdictFormatSchema,
} from '../../src/review/formats/registry.js';
import { importReview } from '../../src/review/import.js';
import { readVerdicts } from '../../src/review/verdict-files.js';
import { BadInputError } from '../../src/util/errors.js';
import { writePredictions as writePolicyPredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';
import { SYNTHETIC_TAXONOMY } from '../helpers/policies.js';
import { useTmpDir } from '../helpers/tmp.js';
import { golden, ids, spamA, spamB, writeGolden, writePredictions } from './fixtures.js';
import type { Answer, Review } from './reviewers/reviewer.js';

/**
 * The review-format registry as a whole: its ids are the enums and the CLI's choices; every
 * format writes exactly the files it declares; every format with a reader round-trips (export a
 * batch, answer it the way the tool would, import, get back what was answered), on a single-label
 * and a multi-label set. A new format is covered by being in the registry: with a reader, it needs
 * its reviewer in ./reviewers/<id>.ts, and the test fails until there is one.
 */

const REVIEWERS = new Map(
  Object.entries(import.meta.glob<Review>('./reviewers/*.ts', { eager: true, import: 'review' })).map(
    ([path, review]) => [path.replace(/^\.\/reviewers\/|\.ts$/g, ''), review],
  ),
);

const FORMATS_DIR = join(import.meta.dirname, '../../src/review/formats');
const tmp = useTmpDir();
const FIXED = () => new Date('2026-12-01T09:00:00.000Z');

/** Options yargs gives a command's flag, read from its builder. */
function flagOptions(command: { builder?: unknown }, flag: string): { describe?: string; default?: unknown } {
  const seen = new Map<string, { describe?: string; default?: unknown }>();
  const y = {
    option(name: string, o: { describe?: string; default?: unknown }) {
      seen.set(name, o);
      return y;
    },
    positional(name: string, o: { describe?: string }) {
      seen.set(name, o);
      return y;
    },
    options(all: Record<string, { describe?: string; default?: unknown }>) {
      for (const [name, o] of Object.entries(all)) seen.set(name, o);
      return y;
    },
    example: () => y,
  };
  (command.builder as (y: unknown) => unknown)(y);
  return seen.get(flag)!;
}

describe('review-format registry', () => {
  it('the export and import enums, defaults and CLI help are the registry ids', () => {
    const ids = REVIEW_FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ExportFormatSchema.options).toEqual(ids);
    expect(ALL_FORMATS).toEqual(ids);
    expect(ReviewExportOptionsSchema.shape.formats.parse(undefined)).toEqual(ids);
    expect(VerdictFormatSchema.options).toEqual(REVIEW_FORMATS.filter((f) => f.read).map((f) => f.id));
    expect(flagOptions(reviewExportCommand, 'format').describe).toBe(`formats: ${ids.join(', ')}`);
    expect(flagOptions(reviewImportCommand, 'format').describe).toBe(
      `force the verdict format: ${VerdictFormatSchema.options.join(', ')}`,
    );
    for (const f of REVIEW_FORMATS) expect(reviewExportCommand.describe).toContain(f.title);
    for (const f of VERDICT_FORMATS) {
      expect(flagOptions(reviewImportCommand, 'verdicts').describe).toContain(f.read.describe);
    }
  });

  it('every module in src/review/formats is a registered format and imports no other format', () => {
    const helpers = new Set(['format.ts', 'registry.ts']);
    const modules = readdirSync(FORMATS_DIR).filter((f) => f.endsWith('.ts') && !helpers.has(f));
    expect(modules.map((m) => m.replace(/\.ts$/, '')).sort()).toEqual(REVIEW_FORMATS.map((f) => f.id).sort());
    for (const m of modules) {
      const imports = [...readFileSync(join(FORMATS_DIR, m), 'utf8').matchAll(/from '\.\/([^']+)'/g)].map(
        (x) => x[1]!,
      );
      // Siblings it may use: the contract and the shared helpers, never another format.
      expect(
        imports.filter((i) => i !== 'format.js' && !i.startsWith('shared/')),
        m,
      ).toEqual([]);
    }
    // The shared helpers do not reach a format module either.
    const formatFiles = new Set(modules.map((m) => m.replace(/\.ts$/, '.js')));
    for (const m of readdirSync(join(FORMATS_DIR, 'shared'))) {
      const text = readFileSync(join(FORMATS_DIR, 'shared', m), 'utf8');
      const up = [...text.matchAll(/from '\.\.\/([^']+)'/g)].map((x) => x[1]!);
      expect(
        up.filter((i) => formatFiles.has(i)),
        m,
      ).toEqual([]);
    }
  });

  it('every format with a reader has its reviewer for the round trip', () => {
    expect([...REVIEWERS.keys()].filter((k) => k !== 'reviewer').sort()).toEqual(
      VERDICT_FORMATS.map((f) => f.id).sort(),
    );
  });

  it('a verdict file no reader claims names the formats to pass', async () => {
    const file = join(tmp(), 'verdicts.txt');
    writeFileSync(file, 'id verdict\n');
    const err = await readVerdicts({ file }, { defaultReviewer: 'x', multilabel: false }).catch((e) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect(err.message).toContain(`--format ${VerdictFormatSchema.options.join('|')}`);
  });
});

/** Every file under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true })) {
    if ((await stat(join(dir, e))).isFile()) out.push(relative(dir, join(dir, e)));
  }
  return out.sort();
}

interface Fixture {
  dataset: string;
  predictions: string[];
  /** What a reviewer answers on item `id` (the i-th exported). */
  answer(id: string, i: number): readonly string[];
  multiLabel: boolean;
  /** Writes the dataset and predictions. */
  setup(): Promise<void>;
}

function singleLabel(): Fixture {
  const dir = tmp();
  const dataset = join(dir, 'golden.arrow');
  const a = join(dir, 'a.arrows');
  const b = join(dir, 'b.arrows');
  return {
    dataset,
    predictions: [a, b],
    multiLabel: false,
    // Every other item relabelled: the round trip must carry both labels.
    answer: (id, i) => {
      const g = golden[ids.indexOf(id)]!;
      return [i % 2 === 0 ? (g === 'spam' ? 'ham' : 'spam') : g];
    },
    async setup() {
      await writeGolden(dataset);
      await writePredictions(a, 'spamfilter', '1', spamA);
      await writePredictions(b, 'spamfilter', '2', spamB);
    },
  };
}

const POLICY_IDS = Array.from({ length: 20 }, (_, i) => `s${String(i).padStart(2, '0')}`);
const POLICY_LABELS = ['hate', 'hate/slur', 'hate/threat', 'spam', 'violating'];

function multiLabel(): Fixture {
  const dir = tmp();
  const dataset = join(dir, 'golden.arrow');
  const preds = join(dir, 'p.arrows');
  const leaves = POLICY_IDS.map((_, i) =>
    i % 3 === 0 ? ['hate/slur', 'spam'] : i % 3 === 1 ? ['spam'] : [],
  );
  // Errors on every other item: a missed policy, an extra one.
  const predicted = leaves.map((l, i) => (i % 2 === 0 ? [] : [...l, 'hate/threat']));
  // Answers already closed through the taxonomy, including "none".
  const palette = [[], ['hate', 'hate/threat', 'violating'], ['spam', 'violating']];
  return {
    dataset,
    predictions: [preds],
    multiLabel: true,
    answer: (_id, i) => palette[i % palette.length]!,
    async setup() {
      writeArrow(dataset, {
        id: { values: POLICY_IDS, type: new Utf8() },
        text: { values: POLICY_IDS.map((id) => `synthetic text ${id}`), type: new Utf8() },
        labels: { values: leaves, type: new List(new Field('item', new Utf8(), true)) },
      });
      writeFileSync(join(dir, 'golden.spec.json'), JSON.stringify({ taxonomy: SYNTHETIC_TAXONOMY }));
      const scores = predicted.map((l) => POLICY_LABELS.map((p) => (l.includes(p) ? 0.9 : 0.1)));
      writePolicyPredictions(preds, { labels: POLICY_LABELS, task: 'multilabel', ids: POLICY_IDS, scores });
    },
  };
}

async function exportAll(f: Fixture, formats: readonly string[]) {
  await f.setup();
  const s = await exportReview({
    dataset: f.dataset,
    predictions: f.predictions,
    out: join(tmp(), 'review'),
    queue: 'rt',
    select: {},
    formats: formats as never,
    now: FIXED,
  });
  expect(s.exported).toBeGreaterThan(2);
  return s;
}

describe.each([
  ['single-label', singleLabel],
  ['multi-label', multiLabel],
])('every format on a %s set', (_name, make) => {
  it.each(REVIEW_FORMATS.map((f) => [f.id, f] as const))(
    '%s writes exactly the files it declares',
    async (_id, f) => {
      const s = await exportAll(make(), [f.id]);
      expect(await filesUnder(s.dir!)).toEqual([...f.files, 'manifest.json'].sort());
      expect(s.files.map((p) => relative(s.dir!, p))).toEqual([...f.files, 'manifest.json']);
    },
  );

  it.each(VERDICT_FORMATS.map((f) => [f.id] as const))('%s round-trips the verdicts', async (id) => {
    const f = make();
    const s = await exportAll(f, [id]);
    const manifest = JSON.parse(readFileSync(join(s.dir!, 'manifest.json'), 'utf8')) as {
      items: { id: string }[];
    };
    const answers = new Map<string, Answer>(
      manifest.items.map((x, i) => [
        x.id,
        {
          id: x.id,
          reviewer: `reviewer-${i % 2}@example.org`,
          labels: f.answer(x.id, i),
          multiLabel: f.multiLabel,
        },
      ]),
    );
    const review = REVIEWERS.get(id);
    expect(review, `test/review/reviewers/${id}.ts`).toBeDefined();
    const source = await review!(s.dir!, answers);

    const read = await readVerdicts(
      { file: source },
      { defaultReviewer: 'nobody', multilabel: f.multiLabel },
    );
    expect(read.problems).toEqual([]);
    expect(read.skipped).toBe(0);
    const got = read.verdicts.map((v) => [v.id, v.reviewer, f.multiLabel ? v.labels : [v.label]]);
    const want = [...answers.values()].map((a) => [a.id, a.reviewer, [...a.labels]]);
    const byId = (x: unknown[]) => String(x[0]);
    expect(got.sort((a, b) => byId(a).localeCompare(byId(b)))).toEqual(
      want.sort((a, b) => byId(a).localeCompare(byId(b))),
    );
    if ((await stat(source)).isFile()) {
      expect(sniffVerdictFormat(source, readFileSync(source, 'utf8'))).toBe(id);
    }

    const summary = await importReview({
      dataset: f.dataset,
      sources: [{ file: source }],
      out: join(tmp(), 'v2.arrow'),
    });
    expect(summary.verdicts).toBe(answers.size);
    expect(summary.reviewed).toBe(answers.size);
    expect(summary.conflicts).toEqual([]);
  });
});
