import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Bool, Field, List, Struct, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../../src/evaluate/join.js';
import { BadInputError } from '../../src/util/errors.js';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { writePredictions } from './fixtures.js';

const tmp = useTmpDir();
const U = new Utf8();

/** SYNTHETIC golden set: row d is a duplicate id (rejected), row e is unlabelled. */
// The sets hold bad rows on purpose: `onInvalid: 'skip'` counts them (the default stops at the first).
function golden(dir: string): string {
  const path = join(dir, 'golden.arrow');
  writeArrow(path, {
    id: { values: ['a', 'b', 'c', 'd', 'd', 'e', 'f'], type: U },
    text: { values: ['t1', 't2', 't3', 't4', 't4 again', 't5', 't6'], type: U },
    label: { values: ['spam', 'ham', 'ham', 'spam', 'ham', null, 'ham'], type: U },
    market: { values: ['us', 'de', null, 'us', 'us', 'fr', 'de'], type: U },
    has_link: { values: [true, false, true, false, false, true, false], type: new Bool() },
  });
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ labels: ['ham', 'spam'], positive: 'spam' }));
  return path;
}

describe('loadEvalSet', () => {
  it('joins by id, counting ids missing on either side, unlabelled and rejected rows', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const preds = join(dir, 'p.arrows');
    // No prediction for "b"; "zz" is not in the dataset; "e" is unlabelled; "d" was scored once.
    writePredictions(preds, {
      labels: ['ham', 'spam'],
      ids: ['f', 'zz', 'a', 'e', 'c', 'd'],
      scores: [
        [0.9, 0.1],
        [0.5, 0.5],
        [0.2, 0.8],
        [0.4, 0.6],
        [0.3, 0.7],
        [0.6, 0.4],
      ],
      batchSize: 4,
    });
    // By default the first bad golden row (the duplicate "d") stops the join, named.
    await expect(loadEvalSet({ dataset, predictions: [preds] })).rejects.toThrow(
      /id "d", field "id": .*duplicate.*\(use --on-invalid skip to set such rows aside\)/,
    );
    const set = await loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] });
    expect(set.warnings).toContain(
      `1 golden rows of ${basename(dataset)} were rejected and left out (1 duplicate_id); first: row ${set.validation.examples[0]!.row} (id "d"), field "id": ${set.validation.examples[0]!.message}`,
    );
    expect(set.counts).toEqual({
      datasetRows: 7,
      rejected: 1,
      unlabelled: 1,
      labelled: 5,
      droppedMissingPrediction: 1,
    });
    expect(set.task).toBe('binary');
    expect(set.positiveIndex).toBe(1);
    // Dataset order is kept, "b" is gone.
    expect(set.ids).toEqual(['a', 'c', 'd', 'f']);
    expect(Array.from(set.truth)).toEqual([1, 0, 1, 0]);
    const m = set.models[0]!;
    expect(Array.from(m.predicted)).toEqual([1, 1, 0, 0]);
    expect(Array.from(m.scores)).toEqual([0.2, 0.8, 0.3, 0.7, 0.6, 0.4, 0.9, 0.1].map(Math.fround));
    expect(m.missing).toEqual({ count: 1, examples: ['b'] });
    expect(m.unknown).toEqual({ count: 1, examples: ['zz'] });
    expect(m.unlabelled).toBe(1);
    expect(m.rejected).toBe(0);
    expect(set.warnings.join('\n')).toMatch(/no prediction for 1 labelled rows/);

    const market = set.slices.find((s) => s.name === 'market')!;
    expect(market.values).toEqual(['de', 'us']);
    expect(Array.from(market.codes)).toEqual([1, -1, 1, 0]);
    const link = set.slices.find((s) => s.name === 'has_link')!;
    expect(link.values).toEqual(['false', 'true']);
    expect(Array.from(link.codes)).toEqual([1, 1, 0, 0]);
  });

  it('reorders a model’s scores into the dataset label order', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const preds = join(dir, 'p.arrows');
    writePredictions(preds, {
      labels: ['spam', 'ham'],
      positive: 'spam',
      ids: ['a', 'b', 'c', 'd', 'f'],
      scores: [
        [0.8, 0.2],
        [0.1, 0.9],
        [0.7, 0.3],
        [0.6, 0.4],
        [0.25, 0.75],
      ],
    });
    const set = await loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] });
    expect(set.labels).toEqual(['ham', 'spam']);
    const m = set.models[0]!;
    expect(Array.from(m.scores.subarray(0, 4))).toEqual([0.2, 0.8, 0.9, 0.1].map(Math.fround));
    expect(Array.from(m.predicted)).toEqual([1, 0, 1, 1, 0]);
  });

  it('rejects a model whose label set differs, listing both sets', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const preds = join(dir, 'p.arrows');
    writePredictions(preds, {
      labels: ['ham', 'spam', 'phish'],
      ids: ['a'],
      scores: [[0.2, 0.7, 0.1]],
    });
    const err = await loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(
      /p\.arrows, field "labels": the model's labels differ from the dataset spec's \(3 vs 2\): 1 of the model's labels are not the dataset spec's: \["phish"\]$/,
    );
  });

  it('names the first few label mismatches and their count, not every label (bounded message)', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const preds = join(dir, 'p.arrows');
    // 3,000 labels of 60 characters: listed whole, the message was hundreds of kilobytes.
    const many = Array.from(
      { length: 3000 },
      (_, i) => `policy-${String(i).padStart(4, '0')}-${'x'.repeat(48)}`,
    );
    writePredictions(preds, { labels: ['ham', ...many], ids: ['a'], scores: [many.map(() => 0).concat(1)] });
    const err = await loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] }).catch(
      (e: unknown) => e,
    );
    const message = (err as Error).message;
    expect(message).toContain(`the model's labels differ from the dataset spec's (3001 vs 2)`);
    expect(message).toContain(`1 of the dataset spec's labels are not the model's: ["spam"]`);
    expect(message).toMatch(
      /3000 of the model's labels are not the dataset spec's: \["policy-0000-x+…", .*, … \(3000 in all\)\]/,
    );
    expect(message).not.toContain('policy-0010');
    expect(message.length).toBeLessThan(1500);
  });

  it('rejects a NaN or out-of-range score naming file, id and field', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const preds = join(dir, 'p.arrows');
    writePredictions(preds, {
      labels: ['ham', 'spam'],
      ids: ['a', 'c'],
      scores: [
        [0.2, 0.8],
        [Number.NaN, 0.5],
      ],
      predicted: ['spam', 'spam'],
    });
    await expect(loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] })).rejects.toThrow(
      /p\.arrows, row 1, id "c", field "scores": score for label "ham" is NaN, not a probability/,
    );
    writePredictions(preds, {
      labels: ['ham', 'spam'],
      ids: ['a'],
      scores: [[-0.5, 1.5]],
      predicted: ['spam'],
    });
    await expect(loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] })).rejects.toThrow(
      /id "a", field "scores".*-0\.5/,
    );
  });

  it('rejects a duplicate prediction and a predicted label outside the set', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const preds = join(dir, 'p.arrows');
    writePredictions(preds, {
      labels: ['ham', 'spam'],
      ids: ['a', 'a'],
      scores: [
        [0.2, 0.8],
        [0.2, 0.8],
      ],
    });
    await expect(loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] })).rejects.toThrow(
      /row 1, id "a".*duplicate/,
    );
    writePredictions(preds, {
      labels: ['ham', 'spam'],
      ids: ['a'],
      scores: [[0.2, 0.8]],
      predicted: ['eggs'],
    });
    await expect(loadEvalSet({ onInvalid: 'skip', dataset, predictions: [preds] })).rejects.toThrow(
      /field "predicted".*"eggs"/,
    );
  });

  it('refuses models made on different datasets, and keeps only rows every model scored', async () => {
    const dir = tmp();
    const dataset = golden(dir);
    const a = join(dir, 'a.arrows');
    const b = join(dir, 'b.arrows');
    writePredictions(a, {
      labels: ['ham', 'spam'],
      ids: ['a', 'c'],
      scores: [
        [0.2, 0.8],
        [0.6, 0.4],
      ],
      fingerprint: 'f1',
    });
    writePredictions(b, {
      labels: ['ham', 'spam'],
      ids: ['a', 'c'],
      scores: [
        [0.2, 0.8],
        [0.6, 0.4],
      ],
      fingerprint: 'f2',
    });
    await expect(loadEvalSet({ onInvalid: 'skip', dataset, predictions: [a, b] })).rejects.toThrow(
      /b\.arrows, field "dataset\.fingerprint": predictions were made on a different dataset/,
    );
    writePredictions(b, {
      labels: ['ham', 'spam'],
      ids: ['c', 'f'],
      scores: [
        [0.6, 0.4],
        [0.7, 0.3],
      ],
      fingerprint: 'f1',
    });
    const set = await loadEvalSet({ onInvalid: 'skip', dataset, predictions: [a, b] });
    expect(set.ids).toEqual(['c']);
    expect(set.models.map((m) => m.missing.count)).toEqual([3, 3]);
    // Neither fingerprint is this file's sha256: a warning, not an error (rows are joined by id).
    expect(set.warnings.some((w) => /not this dataset file/.test(w))).toBe(true);
  });

  it('collects annotations as an items × annotators matrix', async () => {
    const dir = tmp();
    const path = join(dir, 'ann.arrow');
    const annType = new List(
      new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
    );
    writeArrow(path, {
      id: { values: ['a', 'b', 'c'], type: U },
      text: { values: ['x', 'y', 'z'], type: U },
      label: { values: ['spam', 'ham', 'ham'], type: U },
      annotations: {
        values: [
          [
            { annotator: 'ann1', label: 'spam' },
            { annotator: 'ann2', label: 'ham' },
          ],
          [{ annotator: 'ann2', label: 'ham' }],
          null,
        ],
        type: annType,
      },
    });
    const preds = join(dir, 'p.arrows');
    writePredictions(preds, {
      labels: ['ham', 'spam'],
      ids: ['a', 'b', 'c'],
      scores: [
        [0.2, 0.8],
        [0.6, 0.4],
        [0.7, 0.3],
      ],
    });
    const set = await loadEvalSet({ onInvalid: 'skip', dataset: path, predictions: [preds] });
    expect(set.labelsSource).toBe('models');
    expect(set.annotations!.annotators).toEqual(['ann1', 'ann2']);
    expect(Array.from(set.annotations!.ratings)).toEqual([1, 0, -1, 0, -1, -1]);
  });
});
