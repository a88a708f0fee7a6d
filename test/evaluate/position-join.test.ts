import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { EvalSet } from '../../src/evaluate/eval-set.js';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { sha256File } from '../../src/util/hash.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writePredictions } from './fixtures.js';

/*
 * The position join (a run's own predictions of this dataset file) against the id join on the
 * same files: SYNTHETIC golden rows and scores, chosen to hit every way a row can join or not.
 */

const tmp = useTmpDir();
const U = new Utf8();

interface Rows {
  ids: (string | null)[];
  texts: (string | null)[];
  labels: (string | null)[];
}

/** Row "e" is unlabelled, "g" has a blank text (rejected), "h" a null id (rejected). */
// The sets hold bad rows on purpose: `onInvalid: 'skip'` counts them (the default stops at the first).
const BASE: Rows = {
  ids: ['a', 'b', 'c', 'd', 'e', 'f', 'g', null, 'i'],
  texts: ['t1', 'é t2', 't3', ' \t', 't5', '  t6', '\u00a0', 't8', 't9'],
  labels: ['spam', 'ham', 'ham', 'spam', null, 'ham', 'spam', 'ham', 'spam'],
};

async function dataset(dir: string, rows: Rows): Promise<{ path: string; fingerprint: string }> {
  const path = join(dir, 'golden.arrow');
  writeArrow(path, {
    id: { values: rows.ids, type: U },
    text: { values: rows.texts, type: U },
    label: { values: rows.labels, type: U },
    market: { values: rows.ids.map((_, i) => ['us', 'de', null][i % 3]!), type: U },
  });
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam' }));
  return { path, fingerprint: await sha256File(path) };
}

function scoresOf(ids: string[]): number[][] {
  return ids.map((id) => {
    const p = ((id.charCodeAt(0) * 37) % 100) / 100;
    return [1 - p, p];
  });
}

async function bothJoins(dir: string, fingerprint: string, path: string, models: string[][]) {
  const files = (source: 'model' | 'import') =>
    models.map((ids, m) => {
      // Same names in two folders: warnings name the file.
      mkdirSync(join(dir, source), { recursive: true });
      const file = join(dir, source, `p${m}.arrows`);
      writePredictions(file, {
        labels: ['ham', 'spam'],
        ids,
        scores: scoresOf(ids),
        fingerprint,
        source,
        name: `m${m}`,
        batchSize: 2,
      });
      return file;
    });
  const byPosition = await loadEvalSet({ onInvalid: 'skip', dataset: path, predictions: files('model') });
  const byId = await loadEvalSet({ onInvalid: 'skip', dataset: path, predictions: files('import') });
  return { byPosition, byId };
}

/** Everything a set holds, as plain values (files differ by name only). */
function contents(set: EvalSet) {
  return {
    counts: set.counts,
    ids: set.ids,
    truth: Array.from(set.truth),
    slices: set.slices.map((s) => ({ values: s.values, codes: Array.from(s.codes) })),
    models: set.models.map((m) => ({
      predicted: Array.from(m.predicted),
      scores: Array.from(m.scores),
      missing: m.missing,
      unknown: m.unknown,
      unlabelled: m.unlabelled,
      rejected: m.rejected,
      rows: m.rows,
    })),
    validation: set.validation,
    // Warnings name each model's file by its path: the two joins read copies in two folders.
    warnings: set.warnings.map((w) => w.replace(/\/(model|import)\//g, '/<folder>/')),
  };
}

describe('position join', () => {
  it('joins a run’s predictions in dataset order by position, equal to the id join', async () => {
    const dir = tmp();
    const { path, fingerprint } = await dataset(dir, BASE);
    // A run scores every valid row (unlabelled "e" too); "d" and "g" have blank texts: rejected.
    const { byPosition, byId } = await bothJoins(dir, fingerprint, path, [['a', 'b', 'c', 'e', 'f', 'i']]);
    expect(byPosition.joinedBy).toBe('position');
    expect(byId.joinedBy).toBe('id');
    expect(contents(byPosition)).toEqual(contents(byId));
    expect(byPosition.counts).toEqual({
      datasetRows: 9,
      rejected: 3,
      unlabelled: 1,
      labelled: 5,
      droppedMissingPrediction: 0,
    });
    expect(byPosition.ids).toEqual(['a', 'b', 'c', 'f', 'i']);
    expect(byPosition.models[0]!.unlabelled).toBe(1);
  });

  it('counts rows a model skipped as missing, and predictions of rejected rows as rejected', async () => {
    const dir = tmp();
    const { path, fingerprint } = await dataset(dir, BASE);
    // Model 0 skipped "b" (an invalid row of its run); model 1 scored rejected "d" (another text column).
    const { byPosition, byId } = await bothJoins(dir, fingerprint, path, [
      ['a', 'c', 'e', 'f', 'i'],
      ['a', 'b', 'c', 'd', 'e', 'f', 'i'],
    ]);
    expect(byPosition.joinedBy).toBe('position');
    expect(contents(byPosition)).toEqual(contents(byId));
    expect(byPosition.models[0]!.missing).toEqual({ count: 1, examples: ['b'] });
    expect(byPosition.models[1]!.rejected).toBe(1);
    expect(byPosition.counts.droppedMissingPrediction).toBe(1);
  });

  it('falls back to the id join for predictions out of dataset order, with the same set', async () => {
    const dir = tmp();
    const { path, fingerprint } = await dataset(dir, BASE);
    const { byPosition, byId } = await bothJoins(dir, fingerprint, path, [['b', 'a', 'c', 'f', 'i', 'e']]);
    expect(byPosition.joinedBy).toBe('id');
    expect(contents(byPosition)).toEqual(contents(byId));
  });

  it('falls back to the id join for an id the dataset lacks or a repeated prediction', async () => {
    const dir = tmp();
    const { path, fingerprint } = await dataset(dir, BASE);
    const unknown = await bothJoins(dir, fingerprint, path, [['a', 'b', 'zz', 'c', 'f', 'i']]);
    expect(unknown.byPosition.joinedBy).toBe('id');
    expect(contents(unknown.byPosition)).toEqual(contents(unknown.byId));
    await expect(bothJoins(dir, fingerprint, path, [['a', 'b', 'b', 'c']])).rejects.toThrow(
      /duplicate prediction for this id/,
    );
  });

  it('finds a duplicate id among rows no model scored (the scan’s check it leaves out)', async () => {
    const dir = tmp();
    // "c" twice: the second is a rejected duplicate, which a run never scores.
    const rows: Rows = {
      ids: ['a', 'b', 'c', 'd', 'c', 'f'],
      texts: ['t', 't', 't', 't', 't', 't'],
      labels: ['spam', 'ham', 'ham', 'spam', 'ham', 'spam'],
    };
    const { path, fingerprint } = await dataset(dir, rows);
    const { byPosition, byId } = await bothJoins(dir, fingerprint, path, [['a', 'b', 'c', 'd', 'f']]);
    expect(byPosition.joinedBy).toBe('id');
    expect(contents(byPosition)).toEqual(contents(byId));
    expect(byPosition.validation.problems).toEqual({ duplicate_id: 1 });
  });

  it('reads shards of one run (comma-separated) as one file, by position', async () => {
    const dir = tmp();
    const { path, fingerprint } = await dataset(dir, BASE);
    const shard = (name: string, ids: string[]) => {
      const file = join(dir, name);
      writePredictions(file, {
        labels: ['ham', 'spam'],
        ids,
        scores: scoresOf(ids),
        fingerprint,
        source: 'model',
      });
      return file;
    };
    const spec = `${shard('s0.arrows', ['a', 'b', 'c'])},${shard('s1.arrows', ['e', 'f', 'i'])}`;
    const set = await loadEvalSet({ onInvalid: 'skip', dataset: path, predictions: [spec] });
    expect(set.joinedBy).toBe('position');
    expect(set.ids).toEqual(['a', 'b', 'c', 'f', 'i']);
    expect(set.models[0]!.rows).toBe(6);
  });
});
