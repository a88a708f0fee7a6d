import type { Xoshiro128 } from '../../util/prng.js';
import { chance, mapWords, pick } from '../text.js';
import type { Perturbation } from './perturbation.js';

/** Letters of a share of the words of 3+ letters joined by a separator from `choices`. */
function separate(text: string, rng: Xoshiro128, rate: number, choices: readonly string[]): string {
  return mapWords(text, (w) => (w.length >= 3 && chance(rng, rate) ? [...w].join(pick(rng, choices)) : w));
}

export const spacing: Perturbation = {
  id: 'spacing',
  kind: 'inv',
  description: 'the letters of a share of the words of 3+ letters spaced out ("f r e e")',
  defaultRate: 0.5,
  apply: (text, rng, rate) => separate(text, rng, rate, [' ']),
};

export const PUNCTUATION_SEPARATORS = ['.', '-', '*', '_'] as const;

export const punctuation: Perturbation = {
  id: 'punctuation',
  kind: 'inv',
  description: 'the letters of a share of the words of 3+ letters joined by one of . - * _ ("f.r.e.e")',
  defaultRate: 0.5,
  apply: (text, rng, rate) => separate(text, rng, rate, PUNCTUATION_SEPARATORS),
};
