import { chance, pick, splitWords } from '../text.js';
import type { Perturbation } from './perturbation.js';

/**
 * Emoji spammers pad text with: single code points, a variation-selector sequence, a skin-tone
 * modifier and a ZWJ sequence, so scorers see every shape. Each is one grapheme cluster.
 */
export const EMOJI = [
  '\u{1F525}',
  '\u{1F4B0}',
  '\u2764\uFE0F',
  '\u{1F44D}\u{1F3FD}',
  '\u{1F469}\u200D\u{1F4BB}',
  '\u{1F381}',
] as const;

export const emoji: Perturbation = {
  id: 'emoji',
  kind: 'inv',
  description:
    'an emoji (one grapheme: single, with variation selector, skin tone or ZWJ sequence) after a share of the words',
  defaultRate: 0.3,
  apply: (text, rng, rate) =>
    splitWords(text)
      .map((p) => (p.word && chance(rng, rate) ? p.text + pick(rng, EMOJI) : p.text))
      .join('')
      .normalize('NFC'),
};
