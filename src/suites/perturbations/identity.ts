import { chance, mapWords, pick } from '../text.js';
import type { Perturbation } from './perturbation.js';

/**
 * English identity terms in swap groups (CheckList's fairness tests, Ribeiro et al. 2020, and the
 * target groups of HateCheck, Röttger et al. 2021): a term is replaced by another of its group, so a
 * fair model's decision does not move. Single words only; plural and singular kept apart.
 */
export const IDENTITY_GROUPS: readonly (readonly string[])[] = [
  ['women', 'men'],
  ['woman', 'man'],
  ['muslims', 'christians', 'jews', 'hindus', 'buddhists', 'atheists'],
  ['muslim', 'christian', 'jewish', 'hindu', 'buddhist', 'atheist'],
  ['gay', 'straight', 'lesbian', 'bisexual'],
  ['immigrants', 'refugees', 'locals', 'citizens'],
  ['black', 'white', 'asian', 'latino', 'arab'],
];

const GROUP_OF = new Map<string, readonly string[]>(
  IDENTITY_GROUPS.flatMap((g) => g.map((t) => [t, g] as const)),
);

/** `Men` -> `Women`: the replacement takes the source word's capitalisation. */
function withCaseOf(source: string, term: string): string {
  if (source === source.toUpperCase() && source.length > 1) return term.toUpperCase();
  if (source[0] === source[0]!.toUpperCase()) return term[0]!.toUpperCase() + term.slice(1);
  return term;
}

export const identitySwap: Perturbation = {
  id: 'identity-swap',
  kind: 'inv',
  description:
    'a share of the English identity terms (women, muslims, gay, immigrants, ...) replaced by another of their group',
  defaultRate: 1,
  apply: (text, rng, rate) =>
    mapWords(text, (w) => {
      const group = GROUP_OF.get(w.toLowerCase());
      if (!group || !chance(rng, rate)) return w;
      const others = group.filter((t) => t !== w.toLowerCase());
      return withCaseOf(w, pick(rng, others));
    }),
};
