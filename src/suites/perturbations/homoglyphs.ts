import { chance, graphemes, pick } from '../text.js';
import type { Perturbation } from './perturbation.js';

/**
 * Latin letters and look-alikes from other scripts, hand-picked from Unicode's confusables data
 * (UTS #39, https://www.unicode.org/Public/security/latest/confusables.txt: each pair is a line
 * `<look-alike> ; <Latin letter> ; MA`, e.g. `0430 ; 0061 ; MA # ( а → a ) CYRILLIC SMALL LETTER A`).
 * All are single BMP code points that NFC leaves alone, so the change survives normalisation.
 */
export const HOMOGLYPHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['a', ['\u0430']], // CYRILLIC SMALL LETTER A
  ['c', ['\u0441', '\u03F2']], // CYRILLIC SMALL LETTER ES, GREEK LUNATE SIGMA SYMBOL
  ['d', ['\u0501']], // CYRILLIC SMALL LETTER KOMI DE
  ['e', ['\u0435']], // CYRILLIC SMALL LETTER IE
  ['h', ['\u04BB']], // CYRILLIC SMALL LETTER SHHA
  ['i', ['\u0456']], // CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
  ['j', ['\u0458']], // CYRILLIC SMALL LETTER JE
  ['o', ['\u043E', '\u03BF']], // CYRILLIC SMALL LETTER O, GREEK SMALL LETTER OMICRON
  ['p', ['\u0440']], // CYRILLIC SMALL LETTER ER
  ['s', ['\u0455']], // CYRILLIC SMALL LETTER DZE
  ['x', ['\u0445']], // CYRILLIC SMALL LETTER HA
  ['y', ['\u0443']], // CYRILLIC SMALL LETTER U
  ['A', ['\u0410', '\u0391']], // CYRILLIC CAPITAL A, GREEK CAPITAL ALPHA
  ['B', ['\u0412', '\u0392']], // CYRILLIC CAPITAL VE, GREEK CAPITAL BETA
  ['C', ['\u0421']], // CYRILLIC CAPITAL ES
  ['E', ['\u0415', '\u0395']], // CYRILLIC CAPITAL IE, GREEK CAPITAL EPSILON
  ['H', ['\u041D', '\u0397']], // CYRILLIC CAPITAL EN, GREEK CAPITAL ETA
  ['K', ['\u041A']], // CYRILLIC CAPITAL KA
  ['M', ['\u041C']], // CYRILLIC CAPITAL EM
  ['O', ['\u041E', '\u039F']], // CYRILLIC CAPITAL O, GREEK CAPITAL OMICRON
  ['P', ['\u0420']], // CYRILLIC CAPITAL ER
  ['T', ['\u0422']], // CYRILLIC CAPITAL TE
  ['X', ['\u0425']], // CYRILLIC CAPITAL HA
]);

export const homoglyphs: Perturbation = {
  id: 'homoglyphs',
  kind: 'inv',
  description:
    'a share of the Latin letters with a Cyrillic or Greek look-alike (Unicode confusables) swapped in',
  defaultRate: 0.5,
  apply: (text, rng, rate) =>
    graphemes(text)
      .map((g) => {
        const alikes = g.length === 1 ? HOMOGLYPHS.get(g) : undefined;
        return alikes && chance(rng, rate) ? pick(rng, alikes) : g;
      })
      .join(''),
};
