import type { Xoshiro128 } from '../../util/prng.js';
import { chance, mapWords } from '../text.js';
import type { Perturbation } from './perturbation.js';

/** One keyboard slip in a word: two neighbouring letters swapped, one dropped, or one doubled. */
function slip(word: string, rng: Xoshiro128): string {
  const i = 1 + rng.nextInt(word.length - 2); // keep the first letter: readers still recognise it
  switch (rng.nextInt(3)) {
    case 0:
      return word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return word.slice(0, i) + word[i]! + word.slice(i);
  }
}

export const typos: Perturbation = {
  id: 'typos',
  kind: 'inv',
  description:
    'one slip (neighbouring letters swapped, a letter dropped or doubled, never the first) in a share of the words of 4+ ASCII letters',
  defaultRate: 0.3,
  apply: (text, rng, rate) => mapWords(text, (w) => (w.length >= 4 && chance(rng, rate) ? slip(w, rng) : w)),
};
