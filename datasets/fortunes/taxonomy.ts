import type { Lang } from './source.js';

/**
 * The policy each offensive theme file maps to. The curators of fortunes-es-off and
 * fortunes-it-off sorted their offensive entries into files by theme; where a file name states a
 * policy (misogyny, sexual content) it becomes one, and themes that are by author or topic rather
 * than by kind of offence (Italian `zuse-o`, `italia-o`, ...) map to `offensive/other`. Every entry
 * of the regular packages carries no policy. See README.md for the reasoning and the counts.
 */
export const THEME_POLICY: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  es: {
    misogino: 'offensive/sexism/misogyny',
    hembrismo: 'offensive/sexism/misandry',
    // 24 entries of jokes against men: the same theme as hembrismo, too small alone to measure.
    machosno: 'offensive/sexism/misandry',
    camioneros: 'offensive/other',
    proverbios: 'offensive/other',
    varios: 'offensive/other',
    // 4 and 3 entries: identity-based hate, but about one golden item each; merged into other.
    racistas: 'offensive/other',
    homosexuales: 'offensive/other',
  },
  it: {
    'film-o': 'offensive/sexual',
    'obsc-o': 'offensive/sexual',
    'italia-o': 'offensive/other',
    'zuse-o': 'offensive/other',
    'definizioni-o': 'offensive/other',
    'leggi-o': 'offensive/other',
    'luttazzi-o': 'offensive/other',
    'computer-o': 'offensive/other',
    'jackfr-o': 'offensive/other',
    'luke-o': 'offensive/other',
    'formiche-o': 'offensive/other',
    'norm-o': 'offensive/other',
    'paolotedeschi-o': 'offensive/other',
  },
};

/** The leaf policy of an offensive theme file; undefined for a theme this builder does not know. */
export function policyOfTheme(lang: Lang, theme: string): string | undefined {
  const table = THEME_POLICY[lang];
  return Object.hasOwn(table, theme) ? table[theme] : undefined;
}
