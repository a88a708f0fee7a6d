import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/dataset/open.js';
import { parseDatasetSpec } from '../../src/dataset/spec.js';
import { parseTaxonomy, Taxonomy, TaxonomySchema } from '../../src/dataset/taxonomy.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

const TAXONOMY = {
  policies: [
    { name: 'offensive' },
    { name: 'offensive/sexism', parent: 'offensive' },
    { name: 'offensive/sexism/misogyny', parent: 'offensive/sexism' },
    { name: 'offensive/sexism/misandry', parent: 'offensive/sexism' },
    { name: 'offensive/other', parent: 'offensive' },
  ],
};

describe('policy taxonomy', () => {
  const t = parseTaxonomy(TAXONOMY);

  it('closes labels upward (any-child) and keeps label order', () => {
    expect(t.close(['offensive/sexism/misandry'])).toEqual([
      'offensive',
      'offensive/sexism',
      'offensive/sexism/misandry',
    ]);
    expect(t.close([])).toEqual([]);
    const flags = new Uint8Array([0, 0, 1, 0, 0]);
    t.closeFlags(flags);
    expect([...flags]).toEqual([1, 1, 1, 0, 0]);
  });

  it('expands wildcards: /* children, /** descendants, plain names, unknown → undefined', () => {
    expect(t.expand('offensive/*')).toEqual(['offensive/sexism', 'offensive/other']);
    expect(t.expand('offensive/**')).toEqual([
      'offensive/sexism',
      'offensive/sexism/misogyny',
      'offensive/sexism/misandry',
      'offensive/other',
    ]);
    expect(t.expand('offensive/sexism/*')).toEqual([
      'offensive/sexism/misogyny',
      'offensive/sexism/misandry',
    ]);
    expect(t.expand('offensive/other')).toEqual(['offensive/other']);
    expect(t.expand('hate/*')).toBeUndefined();
    expect(t.leaves()).toEqual(['offensive/sexism/misogyny', 'offensive/sexism/misandry', 'offensive/other']);
    expect(t.parents()).toEqual(['offensive', 'offensive/sexism']);
  });

  it('adds a new roll-up above every root, positive when any policy is', () => {
    const r = new Taxonomy(
      TaxonomySchema.parse({ policies: [{ name: 'hate' }, { name: 'spam' }], rollup: 'violating' }),
    );
    expect(r.labels).toEqual(['hate', 'spam', 'violating']);
    expect(r.close(['spam'])).toEqual(['spam', 'violating']);
    expect(r.close([])).toEqual([]);
  });

  it('combines child scores by max or noisy-or', () => {
    expect(t.combineScores([0.2, 0.5])).toBe(0.5);
    const n = new Taxonomy(TaxonomySchema.parse({ ...TAXONOMY, parentScore: 'noisy-or' }));
    expect(n.combineScores([0.2, 0.5])).toBeCloseTo(1 - 0.8 * 0.5, 12);
    expect(Number.isNaN(t.combineScores([]))).toBe(true);
  });

  it('refuses an unknown parent, a duplicate, a cycle and a roll-up that is not the only root', () => {
    const bad = (raw: unknown) => TaxonomySchema.safeParse(raw).error?.issues[0];
    expect(bad({ policies: [{ name: 'a', parent: 'nope' }] })).toMatchObject({
      path: ['policies', 0, 'parent'],
      message: 'unknown parent policy "nope" of "a"',
    });
    expect(bad({ policies: [{ name: 'a' }, { name: 'a' }] })?.message).toMatch(/listed twice/);
    expect(
      bad({
        policies: [
          { name: 'a', parent: 'b' },
          { name: 'b', parent: 'a' },
        ],
      })?.message,
    ).toMatch(/its own ancestor/);
    expect(bad({ policies: [{ name: 'a' }, { name: 'b' }], rollup: 'a' })?.message).toMatch(/only root/);
  });
});

describe('taxonomy in the dataset spec', () => {
  it('names the field of an unknown parent policy', () => {
    const raw = { taxonomy: { policies: [{ name: 'hate' }, { name: 'hate/slur', parent: 'hat' }] } };
    expect(() => parseDatasetSpec(raw, 'x.spec.json')).toThrow(BadInputError);
    expect(() => parseDatasetSpec(raw, 'x.spec.json')).toThrow(
      /x\.spec\.json, field "taxonomy\.policies\[1\]\.parent": unknown parent policy "hat" of "hate\/slur"/,
    );
  });

  it('refuses labels that differ from the taxonomy', () => {
    expect(() => parseDatasetSpec({ labels: ['offensive', 'hate'], taxonomy: TAXONOMY })).toThrow(
      /label "hate" is not a taxonomy policy/,
    );
  });

  it('makes the taxonomy the label set, so a row with an unknown policy is named by row and field', async () => {
    const dir = tmp();
    const path = join(dir, 'd.arrow');
    const L = new List(new Field('item', new Utf8(), true));
    writeArrow(path, {
      id: { values: ['a', 'b', 'c'], type: new Utf8() },
      text: { values: ['x', 'y', 'z'], type: new Utf8() },
      labels: { values: [[], ['offensive/other', 'offensive'], ['offensive/sexsim']], type: L },
    });
    writeFileSync(join(dir, 'd.spec.json'), JSON.stringify({ taxonomy: TAXONOMY }));
    const ds = await openDataset(path);
    expect(ds.spec.taxonomy?.labels).toHaveLength(5);
    expect(ds.spec.labels).toEqual(ds.spec.taxonomy?.labels);
    await expect(ds.scan().run()).rejects.toThrow(/row 2, id "c", field "labels".*offensive\/sexsim/);
  });

  it('refuses a taxonomy on a single-label column', async () => {
    const dir = tmp();
    const path = join(dir, 'd.arrow');
    writeArrow(path, {
      id: { values: ['a'], type: new Utf8() },
      text: { values: ['x'], type: new Utf8() },
      label: { values: ['offensive'], type: new Utf8() },
    });
    writeFileSync(join(dir, 'd.spec.json'), JSON.stringify({ taxonomy: TAXONOMY }));
    await expect(openDataset(path)).rejects.toThrow(/field "taxonomy".*multilabel/);
  });
});
