/**
 * The fortunes golden-set builder. The first part builds from a tiny SYNTHETIC package tree (made
 * up strings, strfile headers written here) to pin every rule; the second reads the real Debian
 * packages that `npm test`'s pretest installs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { buildFortunesDataset, splitOf } from '../../datasets/fortunes/build.js';
import { buildFortunes, formatFortunesResult } from '../../datasets/fortunes/index.js';
import { cleanEntry, dedupeKey, rot13, splitEntries } from '../../datasets/fortunes/parse.js';
import { FORTUNES_ROOT, openFortunes, parseStrfileHeader } from '../../datasets/fortunes/source.js';
import { openDataset } from '../../src/dataset/open.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

function strfileDat(entries: number, rotated: boolean): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32BE(2, 0);
  b.writeUInt32BE(entries, 4);
  b.writeUInt32BE(rotated ? 4 : 0, 16);
  b[20] = '%'.charCodeAt(0);
  return b;
}

function put(root: string, rel: string, entries: string[], rotated = false): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  const text = entries.map((e) => (rotated ? rot13(e) : e)).join('\n%\n');
  writeFileSync(path, `${text}\n%\n`);
  writeFileSync(`${path}.dat`, strfileDat(entries.length, rotated));
}

function fakeRoot(root: string): void {
  put(root, 'es/vida.fortunes', ['La vida es bella.', 'Un refrán repetido.', 'Texto en conflicto.']);
  put(root, 'es/refranes.fortunes', ['Un  REFRÁN repetido. ']);
  put(root, 'off/es/off/misogino.fortunes', ['Chiste contra mujeres.', 'Chiste doble.'], true);
  put(root, 'off/es/off/proverbios.fortunes', ['Chiste doble.', 'Texto en conflicto.'], true);
  put(root, 'off/es/off/nuevo.fortunes', ['Tema sin política.'], true);
  put(root, 'it/zuse', ['Una battuta.', '\u001b[1mGrassetto\u001b[0m\tcon tab.']);
  put(root, 'off/it/obsc-o', ['Battuta oscena.']);
}

describe('fortune file parsing', () => {
  it('splits on % lines, drops blank entries, reads strfile headers', () => {
    expect(splitEntries('a\nb\n%\n\n%\nc\n%\n\n')).toEqual(['a\nb', 'c']);
    expect(parseStrfileHeader(strfileDat(7, true), 'x.dat')).toEqual({
      version: 2,
      entries: 7,
      rotated: true,
      delimiter: '%',
    });
    expect(() => parseStrfileHeader(Buffer.alloc(4), 'x.dat')).toThrow(/x\.dat.*shorter/);
  });

  it('rot13 touches ASCII letters only; cleaning drops escapes and controls, keeps line breaks', () => {
    expect(rot13('Zhwre ñ')).toBe('Mujer ñ');
    expect(cleanEntry('\u001b[1mBold\u001b[0m\tx  \n\n  y\u202e\n')).toBe('Bold x\n\n  y');
    expect(dedupeKey(' Un  REFRÁN\nrepetido. ')).toBe(dedupeKey('un refrán repetido.'));
  });
});

describe('buildFortunesDataset on a synthetic package tree', () => {
  it('maps themes to policies, closes them upward, merges and rejects duplicates, writes atomically', async () => {
    const root = join(tmp(), 'root');
    const out = join(tmp(), 'out');
    fakeRoot(root);
    const r = await buildFortunesDataset({ outDir: out, root });
    const c = r.manifest.counts;
    expect(c.entries).toBe(12);
    expect(c.rejectedByReason).toEqual({
      empty_text: 0,
      duplicate_text: 2,
      conflicting_sections: 2,
      unknown_theme: 1,
    });
    expect(c.kept + c.rejected).toBe(c.entries);
    expect(c.multiPolicyItems).toBe(1);
    const rows = [r.train, r.golden].flatMap((f) => tableFromIPC(readFileSync(f)).toArray());
    const byText = new Map(rows.map((row) => [row.text as string, row]));
    expect(byText.has('Texto en conflicto.')).toBe(false);
    expect(byText.get('Chiste contra mujeres.')!.labels.toArray()).toEqual([
      'offensive',
      'offensive/sexism',
      'offensive/sexism/misogyny',
    ]);
    // Filed under misogino and proverbios: two policies, real multilabel.
    expect(byText.get('Chiste doble.')!.labels.toArray()).toEqual([
      'offensive',
      'offensive/sexism',
      'offensive/sexism/misogyny',
      'offensive/other',
    ]);
    expect(byText.get('Battuta oscena.')!.labels.toArray()).toEqual(['offensive', 'offensive/sexual']);
    expect(byText.get('Grassetto con tab.')).toMatchObject({
      lang: 'it',
      section: 'regular',
      source: 'it/zuse',
    });
    // The first file in package order (refranes sorts before vida) keeps the row.
    expect(byText.get('Un  REFRÁN repetido.')!.labels.toArray()).toEqual([]);
    expect(byText.has('Un refrán repetido.')).toBe(false);
    for (const [split, file] of [
      ['train', r.train],
      ['golden', r.golden],
    ] as const) {
      for (const row of tableFromIPC(readFileSync(file))) expect(splitOf(row.id as string)).toBe(split);
    }
    // A second build with the same input is skipped; the table prints.
    const again = await buildFortunesDataset({ outDir: out, root });
    expect(again.skipped).toBe(true);
    expect(formatFortunesResult(again)).toMatch(/Up to date/);
  });

  it('names the missing packages and how to install them', async () => {
    await expect(openFortunes(join(tmp(), 'nothing'))).rejects.toThrow(
      /fortunes-es, fortunes-es-off, fortunes-it, fortunes-it-off not installed; install with: sudo apt-get install -y/,
    );
  });
});

describe('the real Debian fortunes packages', () => {
  it('build into a golden set whose spec validates every row against the taxonomy', async () => {
    const out = join(tmp(), 'real');
    const r = await buildFortunes({ outDir: out });
    const m = r.manifest;
    expect(Object.keys(m.input.packages).sort()).toEqual([
      'fortunes-es',
      'fortunes-es-off',
      'fortunes-it',
      'fortunes-it-off',
    ]);
    // The curators' offensive sections: about 1,200 es and 1,100 it entries.
    const off = (lang: string) =>
      m.sources
        .filter((s) => s.lang === lang && s.section === 'offensive')
        .reduce((n, s) => n + s.parsedEntries, 0);
    expect(off('es')).toBeGreaterThan(1100);
    expect(off('it')).toBeGreaterThan(1000);
    // Every es offensive file is rotated, and decoding gives Spanish.
    expect(
      m.sources.filter((s) => s.section === 'offensive' && s.lang === 'es').every((s) => s.rotated),
    ).toBe(true);
    for (const s of m.sources) expect(s.parsedEntries).toBeLessThanOrEqual(s.indexEntries);
    const ds = await openDataset(r.golden);
    expect(ds.spec.taxonomy?.labels).toContain('offensive/sexism/misogyny');
    const summary = await ds.scan().run();
    expect(summary.valid).toBe(m.counts.keptBySplit.golden);
    expect(summary.labelCounts['offensive/sexism']).toBe(m.counts.policyBySplit.golden!['offensive/sexism']);
    const golden = tableFromIPC(readFileSync(r.golden)).toArray();
    const misogyny = golden.filter((row) => row.labels.toArray().includes('offensive/sexism/misogyny'));
    expect(misogyny.some((row) => / mujer/i.test(row.text as string))).toBe(true);
  }, 60_000);

  it('the installed root is the default', () => {
    expect(FORTUNES_ROOT).toBe('/usr/share/games/fortunes');
  });
});
