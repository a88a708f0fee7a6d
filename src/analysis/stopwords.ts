import { tokenize } from './ctfidf.js';

/**
 * Words that never make a good cluster name: common English function words (BERTopic pairs
 * c-TF-IDF with an English stop-word list for the same reason), and the URL and HTML residue that
 * e-mail and web text carries. Vectors still see every word; only names are filtered.
 */
const ENGLISH = `a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either else etc even ever every few for from
further get gets got had has have having he her here hers herself him himself his how however i if in into is it its
itself just let like may me might more most much must my myself no nor not now of off on once only or other our ours
ourselves out over own per same shall she should since so some such than that the their theirs them themselves then
there these they this those though through thus to too under until up upon us very via was we were what when where
whether which while who whom whose why will with within without would yet you your yours yourself yourselves
re fw fwd subject date sent received said says one two three`;

const MARKUP = `http https www com net org edu gov html htm php asp cgi url mailto br nbsp amp quot lt gt href src img
font face size color bgcolor align center left right border width height td tr th table tbody div span style class
px pt arial helvetica verdana sans serif`;

export const NAME_STOP_WORDS: ReadonlySet<string> = new Set(
  `${ENGLISH} ${MARKUP}`.split(/\s+/).filter(Boolean),
);

/** The text reduced to the tokens worth naming a cluster by (stop words and number-laden tokens dropped). */
export function nameableText(text: string): string {
  // Numbers and number-laden tokens (ids, codes, tracking strings) name nothing a reader knows.
  return tokenize(text)
    .filter((t) => !NAME_STOP_WORDS.has(t) && !/^[\d_]+$/.test(t) && !/\d.*\d/.test(t))
    .join(' ');
}
