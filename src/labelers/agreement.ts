import type { LabelersView } from '../contracts/labelers-report.js';
import { alphaInterval, PatternTally } from '../metrics/alpha-bootstrap.js';
import type { JudgementTable } from './judgements.js';
import type { NominalView } from './views.js';

/**
 * Guideline gaps of one view: Krippendorff's alpha (nominal) over all items, per label (that label
 * against every other: where people disagree about this one) and per slice value, each with a
 * percentile bootstrap interval over items; and the label pairs judgements of one item split on
 * most often, with example ids. Labels with fewer than `minUnits` pairable items are listed but
 * not ranked; such slice values are only counted.
 */
export interface AgreementSettings {
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
  readonly minUnits: number;
}

type Gap = LabelersView['agreement']['overall'];

const MAX_PAIRS = 10;
const MAX_EXAMPLES = 5;

export function agreementOf(
  table: JudgementTable,
  view: NominalView,
  s: AgreementSettings,
): LabelersView['agreement'] {
  const k = view.labels.length;
  const items = table.items.ids.length;
  const counts = new Int32Array(items * k);
  for (let t = 0; t < table.item.length; t++) counts[table.item[t]! * k + view.label[t]!]!++;
  const unit = (i: number) => counts.subarray(i * k, i * k + k);
  const pairable = (i: number) => {
    let m = 0;
    for (let c = 0; c < k; c++) m += counts[i * k + c]!;
    return m >= 2 ? 1 : 0;
  };
  const gap = (scope: string, fill: (tally: PatternTally) => void, categories = k): Gap => {
    const tally = new PatternTally(categories);
    fill(tally);
    const alpha = alphaInterval(tally, { resamples: s.resamples, level: s.level, seed: s.seed });
    return { scope, units: tally.units, alpha, rank: null };
  };
  const overall = gap('all', (t) => {
    for (let i = 0; i < items; i++) t.add(unit(i));
  });
  // A yes/no view's per-label alpha is its overall alpha: listed only for three labels or more.
  const perLabel =
    k > 2
      ? view.labels.map((label, c) =>
          gap(
            label,
            (t) => {
              const pair = [0, 0];
              for (let i = 0; i < items; i++) {
                const u = unit(i);
                let m = 0;
                for (let d = 0; d < k; d++) m += u[d]!;
                pair[0] = m - u[c]!;
                pair[1] = u[c]!;
                t.add(pair);
              }
            },
            2,
          ),
        )
      : [];
  // Slice values with too few pairable items are counted, not listed: a column with an id-like
  // value per row would otherwise list (and bootstrap) every row.
  let smallSliceValues = 0;
  const perSlice = table.items.slices.flatMap(({ name, values }) => {
    const groups = new Map<string, number[]>();
    values.forEach((v, i) => {
      if (v === null || pairable(i) === 0) return;
      const g = groups.get(v) ?? [];
      g.push(i);
      groups.set(v, g);
    });
    const big = [...groups.keys()].filter((v) => groups.get(v)!.length >= s.minUnits);
    smallSliceValues += groups.size - big.length;
    return big.sort().map((value) =>
      gap(`${name} = ${value}`, (t) => {
        for (const i of groups.get(value)!) t.add(unit(i));
      }),
    );
  });
  return {
    overall,
    perLabel: ranked(perLabel, s.minUnits),
    perSlice: ranked(perSlice, s.minUnits),
    smallSliceValues,
    confusedPairs: confusedPairs(table, view, counts),
  };
}

/** Entries with enough units and an alpha first, lowest alpha first (rank 1); then the rest as given. */
function ranked(gaps: Gap[], minUnits: number): Gap[] {
  const ok = gaps
    .filter((g) => g.units >= minUnits && g.alpha.estimate !== null)
    .sort((a, b) => a.alpha.estimate! - b.alpha.estimate!);
  const rest = gaps.filter((g) => !ok.includes(g));
  return [...ok.map((g, r) => ({ ...g, rank: r + 1 })), ...rest];
}

function confusedPairs(
  table: JudgementTable,
  view: NominalView,
  counts: Int32Array,
): LabelersView['agreement']['confusedPairs'] {
  const k = view.labels.length;
  const pairs = new Map<number, { items: number; examples: string[] }>();
  let disagreeing = 0;
  for (let i = 0; i < table.items.ids.length; i++) {
    const present: number[] = [];
    for (let c = 0; c < k; c++) if (counts[i * k + c]! > 0) present.push(c);
    if (present.length < 2) continue;
    disagreeing++;
    for (let x = 0; x < present.length; x++) {
      for (let y = x + 1; y < present.length; y++) {
        const key = present[x]! * k + present[y]!;
        const p = pairs.get(key) ?? { items: 0, examples: [] };
        p.items++;
        if (p.examples.length < MAX_EXAMPLES) p.examples.push(table.items.ids[i]!);
        pairs.set(key, p);
      }
    }
  }
  return [...pairs]
    .sort(([ka, a], [kb, b]) => b.items - a.items || ka - kb)
    .slice(0, MAX_PAIRS)
    .map(([key, p]) => ({
      a: view.labels[Math.floor(key / k)]!,
      b: view.labels[key % k]!,
      items: p.items,
      share: p.items / disagreeing,
      examples: p.examples,
    }));
}
