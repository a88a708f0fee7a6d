import { describe, expect, it } from 'vitest';
import { type DawidSkeneInput, dawidSkene, posteriorArgmax } from '../../src/metrics/dawid-skene.js';
import { Xoshiro128 } from '../../src/util/prng.js';

/**
 * Dawid & Skene (1979) EM. Checked three ways: against an independent EM written here on plain
 * nested arrays (grouped by item, the textbook loops; same start, smoothing and stopping rule);
 * by recovering planted confusion matrices on simulated data; and by beating majority vote when
 * one annotator is adversarial. Plus the edge cases the labelers stage meets.
 */

interface Judgement {
  item: number;
  annotator: number;
  label: number;
}

function toInput(items: number, annotators: number, k: number, js: readonly Judgement[]): DawidSkeneInput {
  return {
    items,
    annotators,
    categories: k,
    item: Int32Array.from(js, (j) => j.item),
    annotator: Int32Array.from(js, (j) => j.annotator),
    label: Int32Array.from(js, (j) => j.label),
  };
}

/** The reference: item-grouped loops over nested arrays, normalising products in linear space. */
function referenceEm(
  items: number,
  annotators: number,
  k: number,
  js: readonly Judgement[],
  s: number,
  cap: number,
) {
  const byItem: Judgement[][] = Array.from({ length: items }, () => []);
  for (const j of js) byItem[j.item]!.push(j);
  let T = byItem.map((list) => {
    const row = new Array<number>(k).fill(0);
    for (const j of list) row[j.label]! += 1 / list.length;
    return row;
  });
  const mstep = (t: number[][]) => {
    const judgedItems = byItem.filter((l) => l.length > 0).length;
    const prior = Array.from({ length: k }, (_, c) => {
      let sum = s;
      byItem.forEach((l, i) => {
        if (l.length > 0) sum += t[i]![c]!;
      });
      return sum / (k * s + judgedItems);
    });
    const pi = Array.from({ length: annotators }, () =>
      Array.from({ length: k }, () => new Array<number>(k).fill(s)),
    );
    byItem.forEach((list, i) => {
      for (const j of list) for (let c = 0; c < k; c++) pi[j.annotator]![c]![j.label]! += t[i]![c]!;
    });
    for (const m of pi)
      for (const row of m) {
        const total = row.reduce((a, b) => a + b, 0);
        for (let l = 0; l < k; l++) row[l] = row[l]! / total;
      }
    return { prior, pi };
  };
  let p = mstep(T);
  for (let it = 0; it < cap; it++) {
    const next = byItem.map((list) => {
      const w = p.prior.map((pr, c) => list.reduce((acc, j) => acc * p.pi[j.annotator]![c]![j.label]!, pr));
      const z = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / z);
    });
    let change = 0;
    next.forEach((row, i) => {
      row.forEach((x, c) => {
        change = Math.max(change, Math.abs(x - T[i]![c]!));
      });
    });
    T = next;
    p = mstep(T);
    if (change <= 1e-6) break;
  }
  return { T, ...p };
}

/** Items with a true class from `prior`; annotator a answers row truth of `confusions[a]`. */
function simulate(seed: number, items: number, prior: number[], confusions: number[][][]) {
  const rng = new Xoshiro128(seed);
  const pick = (w: readonly number[]) => {
    let u = rng.nextFloat();
    for (let c = 0; c < w.length; c++) {
      u -= w[c]!;
      if (u < 0) return c;
    }
    return w.length - 1;
  };
  const truth: number[] = [];
  const js: Judgement[] = [];
  for (let i = 0; i < items; i++) {
    const t = pick(prior);
    truth.push(t);
    confusions.forEach((m, a) => {
      js.push({ item: i, annotator: a, label: pick(m[t]!) });
    });
  }
  return { truth, js };
}

const honest = (acc: number, k: number) =>
  Array.from({ length: k }, (_, t) =>
    Array.from({ length: k }, (_, l) => (l === t ? acc : (1 - acc) / (k - 1))),
  );

describe('dawidSkene', () => {
  it('equals an independent EM written on nested arrays (1e-9)', () => {
    const { js } = simulate(7, 120, [0.5, 0.3, 0.2], [honest(0.8, 3), honest(0.6, 3), honest(0.7, 3)]);
    // Drop some judgements so items have 1-3 of them, and add a repeat by annotator 0.
    const kept = js.filter((_, x) => x % 5 !== 1);
    kept.push({ item: 3, annotator: 0, label: 2 });
    // Default settings: smoothing 0.01, tolerance 1e-6, at most 500 iterations (this one takes ~230).
    const ours = dawidSkene(toInput(120, 3, 3, kept));
    const ref = referenceEm(120, 3, 3, kept, 0.01, 500);
    expect(ours.converged).toBe(true);
    for (let i = 0; i < 120; i++) {
      for (let c = 0; c < 3; c++)
        expect(Math.abs(ours.posteriors[i * 3 + c]! - ref.T[i]![c]!)).toBeLessThan(1e-9);
    }
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 3; c++) {
        for (let l = 0; l < 3; l++) {
          expect(Math.abs(ours.confusion[a]![c * 3 + l]! - ref.pi[a]![c]![l]!)).toBeLessThan(1e-9);
        }
      }
    }
    ref.prior.forEach((p, c) => {
      expect(Math.abs(ours.priors[c]! - p)).toBeLessThan(1e-9);
    });
  });

  it('recovers planted confusion matrices within 0.05 (2,000 items, seeds 1-5)', () => {
    const planted = [
      [
        [0.9, 0.05, 0.05],
        [0.1, 0.8, 0.1],
        [0.05, 0.15, 0.8],
      ],
      honest(0.7, 3),
      [
        [0.6, 0.3, 0.1],
        [0.2, 0.7, 0.1],
        [0.1, 0.1, 0.8],
      ],
      honest(0.85, 3),
      honest(0.65, 3),
    ];
    for (let seed = 1; seed <= 5; seed++) {
      const { js } = simulate(seed, 2000, [0.5, 0.3, 0.2], planted);
      const r = dawidSkene(toInput(2000, 5, 3, js));
      let worst = 0;
      planted.forEach((m, a) => {
        m.forEach((row, t) => {
          row.forEach((p, l) => {
            worst = Math.max(worst, Math.abs(r.confusion[a]![t * 3 + l]! - p));
          });
        });
      });
      expect(worst).toBeLessThan(0.05);
    }
  });

  it('beats majority vote when one annotator is adversarial (seeds 1-5)', () => {
    // Three honest annotators at 0.7; the fourth answers the next class round (0 → 1 → 2 → 0) 90% of the time.
    const adversary = Array.from({ length: 3 }, (_, t) =>
      Array.from({ length: 3 }, (_, l) => (l === (t + 1) % 3 ? 0.9 : 0.05)),
    );
    for (let seed = 1; seed <= 5; seed++) {
      const { truth, js } = simulate(
        seed,
        1500,
        [0.4, 0.35, 0.25],
        [honest(0.7, 3), honest(0.7, 3), honest(0.7, 3), adversary],
      );
      const r = dawidSkene(toInput(1500, 4, 3, js));
      let ds = 0;
      let mv = 0;
      for (let i = 0; i < 1500; i++) {
        if (posteriorArgmax(r.posteriors, 3, i) === truth[i]) ds++;
        const counts = [0, 0, 0];
        for (const j of js.slice(i * 4, i * 4 + 4)) counts[j.label]!++;
        const max = Math.max(...counts);
        // Majority vote scored generously: a tie counts as right when the truth is among the tied.
        if (counts[truth[i]!] === max) mv++;
      }
      expect(ds).toBeGreaterThan(mv + 100);
    }
  });

  it('handles an annotator with one item, a class no one used, ties and unjudged items', () => {
    const js: Judgement[] = [
      { item: 0, annotator: 0, label: 0 },
      { item: 0, annotator: 1, label: 1 },
      { item: 1, annotator: 0, label: 1 },
      { item: 1, annotator: 1, label: 1 },
      { item: 2, annotator: 2, label: 0 },
    ];
    const r = dawidSkene(toInput(4, 3, 3, js));
    for (const x of r.posteriors) expect(Number.isFinite(x)).toBe(true);
    for (const m of r.confusion) {
      for (let c = 0; c < 3; c++) expect(m[c * 3]! + m[c * 3 + 1]! + m[c * 3 + 2]!).toBeCloseTo(1, 12);
    }
    // Class 2 was never answered: its prior is only smoothing.
    expect(r.priors[2]!).toBeLessThan(0.01);
    // Item 3 has no judgement: the priors.
    expect(Array.from(r.posteriors.subarray(9, 12))).toEqual(Array.from(r.priors));
    // A tie of posteriors goes to the lowest class index.
    expect(posteriorArgmax(Float64Array.from([0.5, 0.5]), 2, 0)).toBe(0);
    // Same input, same bytes.
    expect(dawidSkene(toInput(4, 3, 3, js)).posteriors).toEqual(r.posteriors);
  });

  it('refuses out-of-range judgements', () => {
    expect(() => dawidSkene(toInput(1, 1, 2, [{ item: 0, annotator: 0, label: 2 }]))).toThrow(/out of range/);
  });
});
