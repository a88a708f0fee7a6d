import { chance, graphemes, isAsciiLetter } from '../text.js';
import type { Perturbation } from './perturbation.js';

export const caseFlip: Perturbation = {
  id: 'case',
  kind: 'inv',
  description: 'a share of the ASCII letters flipped to the other case ("FrEe MoNeY")',
  defaultRate: 0.5,
  apply: (text, rng, rate) =>
    graphemes(text)
      .map((g) => {
        if (!isAsciiLetter(g) || !chance(rng, rate)) return g;
        return g === g.toLowerCase() ? g.toUpperCase() : g.toLowerCase();
      })
      .join(''),
};
