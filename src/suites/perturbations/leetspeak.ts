import { chance, graphemes } from '../text.js';
import type { Perturbation } from './perturbation.js';

/** The common leetspeak digits for Latin letters (either case): "v1agra", "fr33". */
export const LEET: ReadonlyMap<string, string> = new Map([
  ['a', '4'],
  ['e', '3'],
  ['i', '1'],
  ['o', '0'],
  ['s', '5'],
  ['t', '7'],
  ['b', '8'],
  ['g', '9'],
]);

export const leetspeak: Perturbation = {
  id: 'leetspeak',
  kind: 'inv',
  description: 'a share of the letters a e i o s t b g (either case) replaced by 4 3 1 0 5 7 8 9',
  defaultRate: 0.7,
  apply: (text, rng, rate) =>
    graphemes(text)
      .map((g) => {
        const digit = g.length === 1 ? LEET.get(g.toLowerCase()) : undefined;
        return digit !== undefined && chance(rng, rate) ? digit : g;
      })
      .join(''),
};
